// host_kernel on the kqsim model: the program's calls go to the kqueue C API
// of sim/posix, so the whole recorder runs, and is tested, on Linux.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>

#include <cerrno>
#include <cstring>

#include "kqsim/posix.h"
#include "kqsim/sys/event.h"
#include "model/errno_code.hpp"
#include "sim/host/aio_memory.hpp"
#include "sim/host/host_kernel.hpp"
#include "sim/host/model_call_result.hpp"

namespace kqsim::host {
namespace {

HostCall finish(std::int64_t ret) { return model_call_result(ret); }

AioMemory<kqsim_aiocb>& aio_memory() {
  static AioMemory<kqsim_aiocb> memory;
  return memory;
}

}  // namespace

HostCall host_kqueue(std::uint32_t flags) { return finish(flags == 0 ? kqueue() : kqueuex(flags)); }

HostCall host_pipe(bool nonblock, bool cloexec) {
  int fds[2] = {-1, -1};
  HostCall c = finish(kqsim_pipe2(fds, (nonblock ? O_NONBLOCK : 0) | (cloexec ? O_CLOEXEC : 0)));
  c.fds[0] = fds[0];
  c.fds[1] = fds[1];
  return c;
}

// A negative size reaches the kernel as the huge size_t it is (EINVAL there);
// the buffer only needs room for sizes the trace format allows.
HostCall host_read(std::int32_t fd, std::int64_t n) {
  std::vector<char> buf(static_cast<std::size_t>(std::max<std::int64_t>(n, 1)));
  return finish(kqsim_read(fd, buf.data(), static_cast<std::size_t>(n)));
}

HostCall host_write(std::int32_t fd, std::int64_t n) {
  std::vector<char> buf(static_cast<std::size_t>(std::max<std::int64_t>(n, 1)));
  return finish(kqsim_write(fd, buf.data(), static_cast<std::size_t>(n)));
}

HostCall host_close(std::int32_t fd) { return finish(kqsim_close(fd)); }
HostCall host_dup(std::int32_t fd) { return finish(kqsim_dup(fd)); }
HostCall host_dup2(std::int32_t from, std::int32_t to) { return finish(kqsim_dup2(from, to)); }
HostCall host_getfd(std::int32_t fd) { return finish(kqsim_fcntl(fd, F_GETFD, 0)); }
HostCall host_setfd(std::int32_t fd, std::int32_t flags) { return finish(kqsim_fcntl(fd, F_SETFD, flags)); }
HostCall host_fork() { return finish(kqsim_fork()); }

HostCall host_pdfork(std::uint32_t pd_flags) {
  int fd = -1;
  HostCall c = finish(kqsim_pdfork(&fd, static_cast<int>(pd_flags)));
  c.fds[0] = fd;
  return c;
}

HostCall host_wait(std::int64_t host_pid, bool nohang) { return finish(kqsim_waitpid(static_cast<pid_t>(host_pid), nohang ? 1 : 0)); }
HostCall host_exec(const std::vector<std::string>&) { return finish(kqsim_exec()); }
void host_after_exec() {}  // the image is simulated: the worker never really execs

// The model learns the status now: the worker's own _exit is the host's.
HostCall host_exit_descriptors(std::int32_t status) {
  if (status == 0) return finish(kqsim_exit_descriptors());
  kqsim_exit_status(status);
  return finish(kqsim_last_status() == KQSIM_DONE ? 0 : -1);
}

HostCall host_sleep(std::int64_t ns) {
  struct timespec d{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  return finish(kqsim_nanosleep(&d));
}

HostCall host_kevent(std::int32_t kq, std::span<const model::KEvent> changes, std::int32_t nevents,
                     const std::optional<model::Timespec>& timeout) {
  std::vector<struct kevent> in(changes.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const model::KEvent& c = changes[i];
    EV_SET(&in[i], aio_memory().to_real(c.filter, c.ident), c.filter, c.flags, c.fflags, c.data,
           reinterpret_cast<void*>(static_cast<std::uintptr_t>(c.udata)));
  }
  // With a negative nevents the kernel still writes change records (one per
  // change at most): give them room, as a real program's buffer would.
  std::vector<struct kevent> out(static_cast<std::size_t>(std::max(nevents, 0)) + changes.size());
  struct timespec ts{};
  if (timeout) ts = {static_cast<time_t>(timeout->sec), static_cast<long>(timeout->nsec)};
  int n = kevent(kq, in.data(), static_cast<int>(in.size()), out.data(), nevents, timeout ? &ts : nullptr);
  HostCall c = finish(n);
  for (int i = 0; i < n; ++i) {
    const struct kevent& e = out[static_cast<std::size_t>(i)];
    c.events.push_back({aio_memory().to_fake(e.filter, e.ident), e.filter, e.flags, e.fflags, e.data,
                        static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(e.udata))});
  }
  return c;
}

std::int64_t host_monotonic_ns() { return kqsim_monotonic_ns(); }

HostCall host_kill(std::int64_t host_pid, std::int32_t signo) { return finish(kqsim_kill(static_cast<pid_t>(host_pid), signo)); }
HostCall host_sigaction(std::int32_t signo, std::int32_t action) { return finish(kqsim_sigaction(signo, action)); }
HostCall host_sigprocmask(bool block, std::int32_t signo) { return finish(kqsim_sigprocmask(block ? 1 : 0, signo)); }

namespace {

int host_type(const sim::SocketCall& c) {
  int type = c.type == model::SocketType::kStream ? SOCK_STREAM : c.type == model::SocketType::kDgram ? SOCK_DGRAM : SOCK_SEQPACKET;
  return type | (c.nonblock ? SOCK_NONBLOCK : 0) | (c.cloexec ? SOCK_CLOEXEC : 0);
}

struct sockaddr_un host_address(const sim::SocketCall& c) {
  struct sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::strncpy(un.sun_path, c.name, sizeof un.sun_path - 1);
  return un;
}

int host_option(model::SocketOption o) {
  switch (o) {
    case model::SocketOption::kRcvLowat: return SO_RCVLOWAT;
    case model::SocketOption::kSndLowat: return SO_SNDLOWAT;
    case model::SocketOption::kRcvBuf: return SO_RCVBUF;
    case model::SocketOption::kSndBuf: return SO_SNDBUF;
    case model::SocketOption::kLinger: return SO_LINGER;
    case model::SocketOption::kReuseAddr: return SO_REUSEADDR;
    case model::SocketOption::kNoSigpipe: return -1;  // Linux has none; the C API reports it unsupported
  }
  return -1;
}

int host_open_flags(std::uint32_t oflags) {
  const int access = (oflags & model::oflag::kAccmode) == model::oflag::kWronly ? O_WRONLY
                     : (oflags & model::oflag::kAccmode) == model::oflag::kRdwr ? O_RDWR : O_RDONLY;
  const struct { std::uint32_t model; int host; } bits[] = {
      {model::oflag::kNonblock, O_NONBLOCK}, {model::oflag::kAppend, O_APPEND}, {model::oflag::kCreat, O_CREAT},
      {model::oflag::kTrunc, O_TRUNC},       {model::oflag::kExcl, O_EXCL},     {model::oflag::kCloexec, O_CLOEXEC},
  };
  int out = access;
  for (const auto& b : bits) out |= (oflags & b.model) != 0 ? b.host : 0;
  return out;
}

}  // namespace

HostCall host_socket_call(const sim::SocketCall& c) {
  if (sim::is_net_call(c)) return host_net_call(c);
  const struct sockaddr_un un = host_address(c);
  const auto* sa = reinterpret_cast<const struct sockaddr*>(&un);
  switch (c.op) {
    case sim::SocketOp::kSocketpair: {
      int sv[2] = {-1, -1};
      HostCall r = finish(kqsim_socketpair(AF_UNIX, host_type(c), 0, sv));
      r.fds[0] = sv[0];
      r.fds[1] = sv[1];
      return r;
    }
    case sim::SocketOp::kSocket: return finish(kqsim_socket(AF_UNIX, host_type(c), 0));
    case sim::SocketOp::kBind: return finish(kqsim_bind(c.fd, sa, sizeof un));
    case sim::SocketOp::kListen: return finish(kqsim_listen(c.fd, c.backlog));
    case sim::SocketOp::kConnect: return finish(kqsim_connect(c.fd, sa, sizeof un));
    case sim::SocketOp::kAccept: return finish(kqsim_accept(c.fd, nullptr, nullptr));
    case sim::SocketOp::kShutdown: return finish(kqsim_shutdown(c.fd, static_cast<int>(c.how)));
    case sim::SocketOp::kSetsockopt: {
      int v = static_cast<int>(c.value);
      return finish(kqsim_setsockopt(c.fd, SOL_SOCKET, host_option(c.option), &v, sizeof v));
    }
    default: break;  // the net calls went to host_net_call above
  }
  return finish(-1);
}

HostCall host_vfs(const model::VfsCall& c) {
  const char* path = c.path.c_str();
  const int mode = static_cast<int>(c.mode);
  switch (c.op) {
    case model::VfsOp::kOpen: return finish(kqsim_open(path, host_open_flags(c.flags), mode));
    case model::VfsOp::kMkdir: return finish(kqsim_mkdir(path, mode));
    case model::VfsOp::kRmdir: return finish(kqsim_rmdir(path));
    case model::VfsOp::kMkfifo: return finish(kqsim_mkfifo(path, mode));
    case model::VfsOp::kUnlink: return finish(kqsim_unlink(path));
    case model::VfsOp::kRename: return finish(kqsim_rename(path, c.path2.c_str()));
    case model::VfsOp::kLink: return finish(kqsim_link(path, c.path2.c_str()));
    case model::VfsOp::kChmod: return finish(kqsim_chmod(path, mode));
    case model::VfsOp::kUtimes: return finish(kqsim_utimes(path, nullptr));
    case model::VfsOp::kTruncate: return finish(kqsim_truncate(path, c.value));
    case model::VfsOp::kFtruncate: return finish(kqsim_ftruncate(c.fd, c.value));
    case model::VfsOp::kRevoke: return finish(kqsim_revoke(path));
    case model::VfsOp::kUnmount: return finish(kqsim_unmount(path, (c.flags & model::mntflag::kForce) != 0 ? KQSIM_MNT_FORCE : 0));
    case model::VfsOp::kLseek: {
      const int whence = c.whence == model::kSeekCur ? SEEK_CUR : c.whence == model::kSeekEnd ? SEEK_END : SEEK_SET;
      return finish(kqsim_lseek(c.fd, c.value, whence));
    }
  }
  return HostCall{-1, "", model::Completion::kUnsupported, "unknown file-system call", {}, {}};
}

namespace {

kqsim_sigevent to_sigevent(const model::SigEvent& e) {
  kqsim_sigevent s{};
  s.sigev_notify = e.notify;
  s.sigev_signo = e.signo;
  s.sigev_notify_kqueue = e.kqueue;
  s.sigev_notify_kevent_flags = e.kevent_flags;
  s.sigev_value = reinterpret_cast<void*>(static_cast<std::uintptr_t>(e.value));
  return s;
}

kqsim_aiocb* fill(const model::AioCb& c) {
  kqsim_aiocb* cb = aio_memory().aiocb(c.addr);
  *cb = kqsim_aiocb{};
  cb->aio_fildes = c.fildes;
  cb->aio_offset = c.offset;
  cb->aio_nbytes = static_cast<size_t>(c.nbytes);
  cb->aio_lio_opcode = c.lio_opcode;
  cb->aio_sigevent = to_sigevent(c.sigevent);
  cb->kqsim_defer = c.defer ? 1 : 0;
  return cb;
}

}  // namespace

HostCall host_aio(const model::AioCall& c) {
  kqsim_aiocb* cb = c.cb.addr == 0 ? nullptr : aio_memory().aiocb(c.cb.addr);
  switch (c.op) {
    case model::AioOp::kRead: return finish(kqsim_aio_read(fill(c.cb)));
    case model::AioOp::kWrite: return finish(kqsim_aio_write(fill(c.cb)));
    case model::AioOp::kError: {
      HostCall r = finish(kqsim_aio_error(cb));
      // The value is a host errno; the trace speaks FreeBSD's numbers.
      if (r.ret > 0) {
        if (auto e = model::errno_from_name(strerrorname_np(static_cast<int>(r.ret)))) r.ret = static_cast<std::int64_t>(*e);
      }
      return r;
    }
    case model::AioOp::kReturn: return finish(kqsim_aio_return(cb));
    case model::AioOp::kCancel: return finish(kqsim_aio_cancel(c.cb.fildes, cb));
    case model::AioOp::kRun: return finish(kqsim_aio_run(cb));
    case model::AioOp::kLioListio: {
      kqsim_aiocb** list = aio_memory().list(c.list_addr);
      for (std::size_t i = 0; i < c.list.size(); ++i) list[i] = c.list[i].addr == 0 ? nullptr : fill(c.list[i]);
      kqsim_sigevent sig{};
      if (c.sig) sig = to_sigevent(*c.sig);
      return finish(kqsim_lio_listio(c.mode, list, static_cast<int>(c.list.size()), c.sig ? &sig : nullptr));
    }
  }
  return HostCall{-1, "", model::Completion::kUnsupported, "unknown aio call", {}, {}};
}

HostIdentity host_identity() {
  struct utsname u{};
  uname(&u);
  const char* dialect = std::getenv("KQSIM_DIALECT");
  const std::string profile = dialect != nullptr ? dialect : "freebsd-main";
  return {"kqsim-model", profile, u.machine, "kqsim model (" + profile + ")", {}};
}

}  // namespace kqsim::host
