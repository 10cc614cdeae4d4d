// host_kernel on the host's own kqueue: FreeBSD, macOS, NetBSD, OpenBSD, or
// Linux with libkqueue. Every OS call of a recorded program is in this file.
// Constants travel in FreeBSD numbering and are translated by name to the
// host's <sys/event.h>; a name the host lacks makes the call unsupported.
#include <sys/types.h>
#include <sys/event.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#if defined(__FreeBSD__)
#include <sys/procdesc.h>
#include <aio.h>
#endif
#if defined(__FreeBSD__) || defined(__APPLE__) || defined(__NetBSD__) || defined(__OpenBSD__)
#include <sys/param.h>
#include <sys/mount.h>
#define KQSIM_HOST_HAS_REVOKE 1
#elif defined(__linux__)
#include <sys/mount.h>
#endif
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <cstdio>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "model/errno_code.hpp"
#include "model/kevent_names.hpp"
#include "model/signals.hpp"
#include "sim/host/aio_memory.hpp"
#include "sim/host/change_records.hpp"
#include "sim/host/host_kernel.hpp"
#include "sim/host/host_net_flags.hpp"
#include "sim/host/native_names.hpp"

namespace kqsim::host {
namespace {

struct NamedValue {
  const char* name;
  long long value;
};

// open(2) flags by name (the model speaks FreeBSD's values).
const NamedValue kHostOpenFlags[] = {
    {"O_RDONLY", O_RDONLY}, {"O_WRONLY", O_WRONLY}, {"O_RDWR", O_RDWR},   {"O_NONBLOCK", O_NONBLOCK},
    {"O_APPEND", O_APPEND}, {"O_CREAT", O_CREAT},   {"O_TRUNC", O_TRUNC}, {"O_EXCL", O_EXCL},
    {"O_CLOEXEC", O_CLOEXEC},
};

template <std::size_t N>
std::optional<long long> host_value(const NamedValue (&table)[N], const std::string& name) {
  for (const NamedValue& nv : table) {
    if (name == nv.name) return nv.value;
  }
  return std::nullopt;
}

// host_exec -> host_after_exec: the aiocb names, across the worker's exec.
constexpr const char* kAioNamesVariable = "KQSIM_AIO_NAMES";

#if defined(__FreeBSD__)
AioMemory<struct aiocb>& aio_memory() {
  static AioMemory<struct aiocb> memory;
  return memory;
}
std::uint64_t aio_to_real(model::FilterId f, std::uint64_t ident) { return aio_memory().to_real(f, ident); }
std::uint64_t aio_to_fake(model::FilterId f, std::uint64_t ident) { return aio_memory().to_fake(f, ident); }
#else
std::uint64_t aio_to_real(model::FilterId, std::uint64_t ident) { return ident; }
std::uint64_t aio_to_fake(model::FilterId, std::uint64_t ident) { return ident; }
#endif

// A call this host cannot make at all, for the reason given.
HostCall refused(std::string why) {
  HostCall c;
  c.ret = -1;
  c.completion = model::Completion::kUnsupported;
  c.detail = std::move(why);
  return c;
}

HostCall unsupported(std::string what) {
  HostCall c;
  c.completion = model::Completion::kUnsupported;
  c.detail = std::move(what) + " is not defined on this host";
  return c;
}

// The call's answer; an errno FreeBSD has no name for (Linux's EBADFD...)
// cannot be compared with the model and makes the step unsupported.
HostCall finish(std::int64_t ret) {
  HostCall c;
  c.ret = ret;
  if (ret < 0) {
    const int e = errno;
    auto err = native::from_host_errno(e);
    if (!err) {
      c.completion = model::Completion::kUnsupported;
      c.detail = "the host answered " + native::host_errno_text(e) + ", an errno FreeBSD does not have";
      return c;
    }
    c.errno_name = std::string(model::errno_name(*err));
  }
  return c;
}

}  // namespace

// kqueuex(2) arrived in FreeBSD 14.0; a recorder built against older
// headers still asks the kernel by syscall number (583, KQUEUE_CLOEXEC 1),
// and an older kernel answers ENOSYS (SIGSYS ignored meanwhile).
HostCall host_kqueue(std::uint32_t flags) {
  if (flags == 0) return finish(kqueue());
#if defined(__FreeBSD__) && defined(KQUEUE_CLOEXEC)
  return finish(kqueuex(flags));
#elif defined(__FreeBSD__)
  struct sigaction ignore{}, old{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGSYS, &ignore, &old);
  const int fd = static_cast<int>(syscall(583, flags));
  const int e = errno;
  sigaction(SIGSYS, &old, nullptr);
  errno = e;
  return finish(fd);
#else
  return unsupported("kqueuex");
#endif
}

// pipe2 where the host has it; macOS has only pipe + fcntl.
int host_pipe2(int fds[2], bool nonblock, bool cloexec) {
#ifdef __APPLE__
  if (pipe(fds) != 0) return -1;
  for (int i = 0; i < 2; ++i) {
    if (nonblock) fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    if (cloexec) fcntl(fds[i], F_SETFD, FD_CLOEXEC);
  }
  return 0;
#else
  return pipe2(fds, (nonblock ? O_NONBLOCK : 0) | (cloexec ? O_CLOEXEC : 0));
#endif
}

HostCall host_pipe(bool nonblock, bool cloexec) {
  int fds[2] = {-1, -1};
  HostCall c = finish(host_pipe2(fds, nonblock, cloexec));
  c.fds[0] = fds[0];
  c.fds[1] = fds[1];
  return c;
}

// A negative size reaches the kernel as the huge size_t it is (EINVAL there);
// the buffer only needs room for sizes the trace format allows.
HostCall host_read(std::int32_t fd, std::int64_t n) {
  std::vector<char> buf(static_cast<std::size_t>(std::max<std::int64_t>(n, 1)));
  return finish(read(fd, buf.data(), static_cast<std::size_t>(n)));
}

HostCall host_write(std::int32_t fd, std::int64_t n) {
  std::vector<char> buf(static_cast<std::size_t>(std::max<std::int64_t>(n, 1)), 'k');
  return finish(write(fd, buf.data(), static_cast<std::size_t>(n)));
}

HostCall host_close(std::int32_t fd) { return finish(close(fd)); }
HostCall host_dup(std::int32_t fd) { return finish(dup(fd)); }
HostCall host_dup2(std::int32_t from, std::int32_t to) { return finish(dup2(from, to)); }
HostCall host_getfd(std::int32_t fd) { return finish(fcntl(fd, F_GETFD)); }
HostCall host_setfd(std::int32_t fd, std::int32_t flags) { return finish(fcntl(fd, F_SETFD, flags)); }
HostCall host_fork() { return finish(fork()); }

HostCall host_pdfork(std::uint32_t pd_flags) {
#if defined(__FreeBSD__)
  int flags = ((pd_flags & model::pdflag::kDaemon) != 0 ? PD_DAEMON : 0) |
              ((pd_flags & model::pdflag::kCloexec) != 0 ? PD_CLOEXEC : 0);
  int fd = -1;
  HostCall c = finish(pdfork(&fd, flags));
  c.fds[0] = fd;
  return c;
#else
  (void)pd_flags;
  return refused("pdfork(2) exists only on FreeBSD");
#endif
}

HostCall host_wait(std::int64_t host_pid, bool nohang) {
  int status = 0;
  return finish(waitpid(static_cast<pid_t>(host_pid), &status, nohang ? WNOHANG : 0));
}

HostCall host_exec(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
#if defined(__FreeBSD__)
  setenv(kAioNamesVariable, aio_memory().names_text().c_str(), 1);
#endif
  execv(args[0], args.data());
  const int e = errno;
  unsetenv(kAioNamesVariable);
  errno = e;
  return finish(-1);
}

void host_after_exec() {
  const char* names = getenv(kAioNamesVariable);
#if defined(__FreeBSD__)
  // Without them, AIO idents after exec come back as raw addresses: say so.
  if (names != nullptr && !aio_memory().adopt_names(names)) {
    std::fprintf(stderr, "kqsim worker: %s is not aiocb names; AIO idents after exec stay addresses\n", kAioNamesVariable);
  }
#else
  (void)names;
#endif
  unsetenv(kAioNamesVariable);
}

// exit1 -> fdescfree closes the program's descriptors inside the kernel
// when the worker _exits after replying: close(2) on each would run
// knote_fdclose first, which a real exit does not.
HostCall host_exit_descriptors(std::int32_t) { return finish(0); }  // the worker's _exit(status) does it all

HostCall host_sleep(std::int64_t ns) {
  struct timespec d{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  return finish(nanosleep(&d, nullptr));
}

namespace {

// One change in the host's numbering; nullopt (and `missing`) when a name has no host equivalent.
std::optional<struct kevent> to_host_change(const model::KEvent& c, std::string& missing) {
  native::Translated filter = native::to_host_filter(c.filter);
  native::Translated flags = native::to_host_flags(c.flags);
  native::Translated fflags = native::to_host_fflags(c.filter, c.fflags);
  std::uint64_t ident = aio_to_real(c.filter, c.ident);
  native::Translated sig{0, {}};
  if (c.filter == model::filt::kSignal) sig = native::to_host_signal(static_cast<std::int64_t>(c.ident));
  for (const native::Translated* t : {&filter, &flags, &fflags, &sig}) {
    if (!t->missing.empty()) {
      missing = t->missing;
      return std::nullopt;
    }
  }
  if (c.filter == model::filt::kSignal) ident = static_cast<std::uint64_t>(sig.value);
  struct kevent k;
  std::memset(&k, 0, sizeof k);
  k.ident = static_cast<decltype(k.ident)>(ident);
  k.filter = static_cast<decltype(k.filter)>(filter.value);
  k.flags = static_cast<decltype(k.flags)>(flags.value);
  k.fflags = static_cast<decltype(k.fflags)>(fflags.value);
  k.data = static_cast<decltype(k.data)>(c.data);
  k.udata = reinterpret_cast<decltype(k.udata)>(static_cast<std::uintptr_t>(c.udata));
  return k;
}

// `change_record`: a receipt (leading_change_records), whose data is the
// host's errno; an event's data is a count, even with EV_ERROR set.
model::KEvent from_host_event(const struct kevent& e, bool change_record) {
  const model::FilterId filter = native::from_host_filter(e.filter);
  const auto flags = native::from_host_flags(e.flags);
  std::uint64_t ident = aio_to_fake(filter, static_cast<std::uint64_t>(e.ident));
  // An error record's ident is the change's own; a signal event's is the host's signal.
  if (filter == model::filt::kSignal) {
    if (auto s = native::from_host_signal(static_cast<std::int64_t>(e.ident))) ident = static_cast<std::uint64_t>(*s);
  }
  // An EV_ERROR receipt echoes the change's fflags in the host's encoding
  // (to_host_fflags made it): translated back by name like an event's.
  const std::uint32_t fflags = native::from_host_fflags(filter, static_cast<std::uint32_t>(e.fflags));
  std::int64_t data = static_cast<std::int64_t>(e.data);
  if (change_record && (flags & model::ev::kError) != 0 && data > 0) {
    if (auto err = native::from_host_errno(static_cast<int>(data))) data = static_cast<std::int64_t>(*err);
  }
  return {ident, filter, flags, fflags, data, static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(e.udata))};
}

std::size_t change_records(std::span<const struct kevent> out, std::span<const struct kevent> in) {
  auto key = [](const struct kevent& k) {
    return RecordKey{static_cast<std::uint64_t>(k.ident), static_cast<std::int32_t>(k.filter),
                     static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(k.udata)), (k.flags & EV_ERROR) != 0};
  };
  std::vector<RecordKey> records, changes;
  for (const struct kevent& k : out) records.push_back(key(k));
  for (const struct kevent& k : in) changes.push_back(key(k));
  return leading_change_records(records, changes);
}

}  // namespace

HostCall host_kevent(std::int32_t kq, std::span<const model::KEvent> changes, std::int32_t nevents,
                     const std::optional<model::Timespec>& timeout) {
  std::vector<struct kevent> in(changes.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    std::string missing;
    auto k = to_host_change(changes[i], missing);
    if (!k) return unsupported(missing);
    in[i] = *k;
  }
  // With a negative nevents the kernel still writes change records (one per
  // change at most): give them room, as a real program's buffer would.
  std::vector<struct kevent> out(static_cast<std::size_t>(std::max(nevents, 0)) + changes.size());
  struct timespec ts{};
  if (timeout) ts = {static_cast<time_t>(timeout->sec), static_cast<long>(timeout->nsec)};
  int n = kevent(kq, in.data(), static_cast<int>(in.size()), out.data(), nevents, timeout ? &ts : nullptr);
  HostCall c = finish(n);
  const std::size_t receipts = n > 0 ? change_records(std::span(out.data(), static_cast<std::size_t>(n)), in) : 0;
  for (int i = 0; i < n; ++i) {
    c.events.push_back(from_host_event(out[static_cast<std::size_t>(i)], static_cast<std::size_t>(i) < receipts));
  }
  return c;
}

std::int64_t host_monotonic_ns() {
  struct timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

namespace {

// A caught signal's handler: nothing to do; SA_RESTART keeps the worker's
// own channel reads going.
void ignore_signal(int) {}

std::optional<int> host_signal(std::int32_t signo, std::string& missing) {
  native::Translated t = native::to_host_signal(signo);
  if (!t.missing.empty()) {
    missing = t.missing;
    return std::nullopt;
  }
  return static_cast<int>(t.value);
}

}  // namespace

HostCall host_kill(std::int64_t host_pid, std::int32_t signo) {
  std::string missing;
  auto s = host_signal(signo, missing);
  if (!s) return unsupported(missing);
  return finish(kill(static_cast<pid_t>(host_pid), *s));
}

HostCall host_sigaction(std::int32_t signo, std::int32_t action) {
  std::string missing;
  auto s = host_signal(signo, missing);
  if (!s) return unsupported(missing);
  struct sigaction sa{};
  sa.sa_handler = action == 1 ? SIG_IGN : action == 2 ? ignore_signal : SIG_DFL;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  return finish(sigaction(*s, &sa, nullptr));
}

HostCall host_sigprocmask(bool block, std::int32_t signo) {
  std::string missing;
  auto s = host_signal(signo, missing);
  if (!s) return unsupported(missing);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, *s);
  return finish(sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, nullptr));
}

namespace {

// socket(2) type with SOCK_NONBLOCK/SOCK_CLOEXEC where the host has them
// (macOS has neither: fcntl afterwards).
int native_socket_type(const sim::SocketCall& c) {
  int type = c.type == model::SocketType::kStream ? SOCK_STREAM : c.type == model::SocketType::kDgram ? SOCK_DGRAM : SOCK_SEQPACKET;
#ifdef SOCK_NONBLOCK
  type |= (c.nonblock ? SOCK_NONBLOCK : 0) | (c.cloexec ? SOCK_CLOEXEC : 0);
#endif
  return type;
}

void native_socket_flags(int fd, const sim::SocketCall& c) {
#ifndef SOCK_NONBLOCK
  if (fd < 0) return;
  if (c.nonblock) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  if (c.cloexec) fcntl(fd, F_SETFD, FD_CLOEXEC);
#else
  (void)fd;
  (void)c;
#endif
}

// The trace's name as a path: under $KQSIM_SOCKET_DIR when set (the
// recorder points it at a fresh directory), else relative to the cwd.
// sun_len is SUN_LEN's: what the model counts as a bound sender's address.
socklen_t native_address(const sim::SocketCall& c, struct sockaddr_un& un) {
  std::string path = c.name;
  if (const char* dir = std::getenv("KQSIM_SOCKET_DIR")) path = std::string(dir) + "/" + path;
  un = {};
  un.sun_family = AF_UNIX;
  std::strncpy(un.sun_path, path.c_str(), sizeof un.sun_path - 1);
  const auto len = static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path) + std::strlen(un.sun_path));
#if defined(__FreeBSD__) || defined(__APPLE__) || defined(__NetBSD__) || defined(__OpenBSD__)
  un.sun_len = static_cast<std::uint8_t>(len);
#endif
  return len;
}

std::optional<int> native_option(model::SocketOption o) {
  switch (o) {
    case model::SocketOption::kRcvLowat: return SO_RCVLOWAT;
    case model::SocketOption::kSndLowat: return SO_SNDLOWAT;
    case model::SocketOption::kRcvBuf: return SO_RCVBUF;
    case model::SocketOption::kSndBuf: return SO_SNDBUF;
    case model::SocketOption::kReuseAddr: return SO_REUSEADDR;
    case model::SocketOption::kLinger: return std::nullopt;  // takes a struct linger, not an int
    case model::SocketOption::kNoSigpipe:
#ifdef SO_NOSIGPIPE
      return SO_NOSIGPIPE;
#else
      return std::nullopt;
#endif
  }
  return std::nullopt;
}

HostCall native_socketpair(const sim::SocketCall& c) {
  int sv[2] = {-1, -1};
  HostCall r = finish(socketpair(AF_UNIX, native_socket_type(c), 0, sv));
  native_socket_flags(sv[0], c);
  native_socket_flags(sv[1], c);
  r.fds[0] = sv[0];
  r.fds[1] = sv[1];
  return r;
}

int host_open_flags(std::uint32_t oflags) {
  int out = 0;
  for (const std::string& name : model::open_flags_to_names(oflags)) out |= static_cast<int>(*host_value(kHostOpenFlags, name));
  return out;
}

int host_whence(std::int32_t whence) {
  if (whence == model::kSeekCur) return SEEK_CUR;
  if (whence == model::kSeekEnd) return SEEK_END;
  return whence == model::kSeekSet ? SEEK_SET : -1;
}

}  // namespace

HostCall host_socket_call(const sim::SocketCall& c) {
  if (sim::is_net_call(c)) return host_net_call(c);
  struct sockaddr_un un{};
  switch (c.op) {
    case sim::SocketOp::kSocketpair: return native_socketpair(c);
    case sim::SocketOp::kSocket: {
      int fd = socket(AF_UNIX, native_socket_type(c), 0);
      native_socket_flags(fd, c);
      return finish(fd);
    }
    case sim::SocketOp::kBind: {
      socklen_t len = native_address(c, un);
      return finish(bind(c.fd, reinterpret_cast<struct sockaddr*>(&un), len));
    }
    case sim::SocketOp::kListen: return finish(listen(c.fd, c.backlog));
    case sim::SocketOp::kConnect: {
      socklen_t len = native_address(c, un);
      return finish(connect(c.fd, reinterpret_cast<struct sockaddr*>(&un), len));
    }
    case sim::SocketOp::kAccept: return finish(accept(c.fd, nullptr, nullptr));  // accept(): O_NONBLOCK inherited on FreeBSD
    case sim::SocketOp::kShutdown: {
      const int how = c.how == model::ShutdownHow::kRead ? SHUT_RD : c.how == model::ShutdownHow::kWrite ? SHUT_WR : SHUT_RDWR;
      return finish(shutdown(c.fd, how));
    }
    case sim::SocketOp::kSetsockopt: {
      auto name = native_option(c.option);
      if (!name) return unsupported(std::string("setsockopt ") + model::socket_option_name(c.option));
      int v = static_cast<int>(c.value);
      return finish(setsockopt(c.fd, SOL_SOCKET, *name, &v, sizeof v));
    }
    default: break;
  }
  return unsupported("this socket call");
}

// revoke(2) exists on the BSDs and macOS; Linux has none.
HostCall host_revoke(const char* path) {
#if defined(KQSIM_HOST_HAS_REVOKE)
  return finish(revoke(path));
#else
  (void)path;
  return unsupported("revoke(2) on this host");
#endif
}

// unmount(2) of the simulated file system: the model's "." is a mount point,
// so a recording that expects the model's answers needs the scratch
// directory to be a file system of its own ($KQSIM_SCRATCH_DIR naming a UFS
// mounted there, as the VM runner does) and a privileged recorder; otherwise
// the host answers EINVAL or EPERM.
HostCall host_unmount(const char* path, std::uint32_t flags) {
  const bool force = (flags & model::mntflag::kForce) != 0;
#if defined(KQSIM_HOST_HAS_REVOKE)
  return finish(unmount(path, force ? MNT_FORCE : 0));
#elif defined(__linux__)
  return finish(umount2(path, force ? MNT_FORCE : 0));
#else
  (void)path;
  (void)force;
  return unsupported("unmount(2) on this host");
#endif
}

// Paths are relative: the worker runs in the recording's scratch directory
// (HostBackend creates it), so the program touches nothing else.
HostCall host_vfs(const model::VfsCall& c) {
  const char* path = c.path.c_str();
  const auto mode = static_cast<mode_t>(c.mode);
  switch (c.op) {
    case model::VfsOp::kOpen: return finish(open(path, host_open_flags(c.flags), mode));
    case model::VfsOp::kMkdir: return finish(mkdir(path, mode));
    case model::VfsOp::kRmdir: return finish(rmdir(path));
    case model::VfsOp::kMkfifo: return finish(mkfifo(path, mode));
    case model::VfsOp::kUnlink: return finish(unlink(path));
    case model::VfsOp::kRename: return finish(rename(path, c.path2.c_str()));
    case model::VfsOp::kLink: return finish(link(path, c.path2.c_str()));
    case model::VfsOp::kChmod: return finish(chmod(path, mode));
    case model::VfsOp::kUtimes: return finish(utimes(path, nullptr));
    case model::VfsOp::kTruncate: return finish(truncate(path, static_cast<off_t>(c.value)));
    case model::VfsOp::kFtruncate: return finish(ftruncate(c.fd, static_cast<off_t>(c.value)));
    case model::VfsOp::kLseek: return finish(lseek(c.fd, static_cast<off_t>(c.value), host_whence(c.whence)));
    case model::VfsOp::kRevoke: return host_revoke(path);
    case model::VfsOp::kUnmount: return host_unmount(path, c.flags);
  }
  return unsupported("file-system call");
}

namespace {

#if defined(LIBKQUEUE)
// libkqueue answers NOTE_VERSION on its own filter with MMmmpprr in data.
std::string libkqueue_version() {
  int kq = kqueue();
  if (kq < 0) return "libkqueue (version unknown)";
  struct kevent ev;
  EV_SET(&ev, 0, EVFILT_LIBKQUEUE, EV_ADD, NOTE_VERSION, 0, nullptr);
  struct kevent out{};
  int n = kevent(kq, &ev, 1, &out, 1, nullptr);
  close(kq);
  if (n != 1) return "libkqueue (version unknown)";
  const auto v = static_cast<std::uint32_t>(out.data);
  return "libkqueue " + std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 0xff) + "." + std::to_string((v >> 8) & 0xff);
}
#endif

// "13.2-RELEASE-p4" -> "freebsd-13.2": the model profile of a FreeBSD release.
[[maybe_unused]] std::string dialect_of(const std::string& os, const std::string& release) {
  if (os != "FreeBSD") return {};
  const std::string version = release.substr(0, release.find('-'));
  return "freebsd-" + version;
}

}  // namespace

HostIdentity host_identity() {
  struct utsname u{};
  uname(&u);
  HostIdentity id{u.sysname, u.release, u.machine, {}, {}};
#if defined(LIBKQUEUE)
  id.kqueue = libkqueue_version();
#else
  id.kqueue = id.os + " kernel " + id.release;
  id.dialect = dialect_of(id.os, id.release);
#endif
  return id;
}

// FreeBSD's aio with SIGEV_KEVENT. Constants are FreeBSD's on both sides;
// the kevent flags in sigev_notify_kevent_flags are translated like a
// change's. The daemons cannot be driven on a real kernel (aio_run). The
// model runs a request before the call returns unless the trace says
// "defer"; the kernel's daemons get to it later, so a submitted request is
// waited for (bounded) until aio_error no longer says EINPROGRESS - what
// "defer" asks for is the kernel's to decide.
#if defined(__FreeBSD__)
namespace {

std::optional<struct sigevent> to_host_sigevent(const model::SigEvent& e, std::string& missing) {
  struct sigevent s;
  std::memset(&s, 0, sizeof s);
  s.sigev_notify = e.notify;
  s.sigev_signo = e.signo;
  if (e.notify == SIGEV_KEVENT) {
    native::Translated flags = native::to_host_flags(e.kevent_flags);
    if (!flags.missing.empty()) {
      missing = flags.missing;
      return std::nullopt;
    }
    s.sigev_notify_kqueue = e.kqueue;
    s.sigev_notify_kevent_flags = static_cast<unsigned short>(flags.value);
  }
  s.sigev_value.sival_ptr = reinterpret_cast<void*>(static_cast<std::uintptr_t>(e.value));
  return s;
}

// The content never matters, but the kernel writes reads into aio_buf while
// the request runs: each aiocb keeps a buffer of its own, replaced only when
// the aiocb is filled again (after aio_return, or never in flight).
char* aio_buffer(std::uint64_t addr, std::int64_t nbytes) {
  static std::map<std::uint64_t, std::vector<char>> buffers;
  std::vector<char>& b = buffers[addr];
  b.assign(static_cast<std::size_t>(std::max<std::int64_t>(nbytes, 1)), 0);
  return b.data();
}

constexpr std::int64_t kMaxAioBuffer = std::int64_t{1} << 24;

HostCall too_big() { return refused("an aio buffer above 16 MiB (a recorder limit)"); }

// aio_complete marks the job done before it posts the knote: a moment more
// after aio_error says so lets the event be queued too.
void settle_request(const struct aiocb* cb) {
  const std::int64_t deadline = host_monotonic_ns() + 2'000'000'000;
  while (aio_error(cb) == EINPROGRESS && host_monotonic_ns() < deadline) usleep(200);
  usleep(200);
}

struct aiocb* fill(const model::AioCb& c, std::string& missing) {
  struct aiocb* cb = aio_memory().aiocb(c.addr);
  std::memset(cb, 0, sizeof *cb);
  cb->aio_fildes = c.fildes;
  cb->aio_offset = c.offset;
  cb->aio_nbytes = static_cast<size_t>(c.nbytes);
  cb->aio_lio_opcode = c.lio_opcode;
  auto sig = to_host_sigevent(c.sigevent, missing);
  if (!sig) return nullptr;
  cb->aio_sigevent = *sig;
  cb->aio_buf = aio_buffer(c.addr, c.nbytes);
  return cb;
}

}  // namespace

HostCall host_aio(const model::AioCall& c) {
  std::string missing;
  struct aiocb* cb = c.cb.addr == 0 ? nullptr : aio_memory().aiocb(c.cb.addr);
  switch (c.op) {
    case model::AioOp::kRead:
    case model::AioOp::kWrite: {
      if (c.cb.nbytes > kMaxAioBuffer) return too_big();
      struct aiocb* r = fill(c.cb, missing);
      if (r == nullptr) return unsupported(missing);
      HostCall done = finish(c.op == model::AioOp::kRead ? aio_read(r) : aio_write(r));
      if (done.ret == 0 && !c.cb.defer) settle_request(r);
      return done;
    }
    case model::AioOp::kError: {
      HostCall r = finish(aio_error(cb));
      if (r.ret > 0) {
        if (auto e = native::from_host_errno(static_cast<int>(r.ret))) r.ret = static_cast<std::int64_t>(*e);
      }
      return r;
    }
    case model::AioOp::kReturn: return finish(aio_return(cb));
    case model::AioOp::kCancel: return finish(aio_cancel(c.cb.fildes, cb));
    case model::AioOp::kRun: return refused("aio_run: a real kernel's aio daemons cannot be driven");
    case model::AioOp::kLioListio: {
      struct aiocb** list = aio_memory().list(c.list_addr);
      for (std::size_t i = 0; i < c.list.size(); ++i) {
        list[i] = nullptr;
        if (c.list[i].nbytes > kMaxAioBuffer) return too_big();
        if (c.list[i].addr != 0 && (list[i] = fill(c.list[i], missing)) == nullptr) return unsupported(missing);
      }
      std::optional<struct sigevent> sig;
      if (c.sig && !(sig = to_host_sigevent(*c.sig, missing))) return unsupported(missing);
      HostCall done = finish(lio_listio(c.mode, list, static_cast<int>(c.list.size()), sig ? &*sig : nullptr));
      for (std::size_t i = 0; i < c.list.size(); ++i) {
        if (list[i] != nullptr && !c.list[i].defer && list[i]->aio_lio_opcode != LIO_NOP) settle_request(list[i]);
      }
      return done;
    }
  }
  return unsupported("this aio call");
}
#else
HostCall host_aio(const model::AioCall&) { return refused("aio with kqueue notification (SIGEV_KEVENT) exists only on FreeBSD"); }
#endif

// AF_INET on 127.0.0.1 and the calls that came with it, natively (the
// trace's FreeBSD flag values translated by name).
HostCall host_net_call(const sim::SocketCall& c) {
  struct sockaddr_in in = loopback_address(c.port);
  auto* sa = reinterpret_cast<struct sockaddr*>(&in);
  switch (c.op) {
    case sim::SocketOp::kSocket: {
      if (c.domain != model::SocketDomain::kInet) break;
      // With SOCK_NONBLOCK/SOCK_CLOEXEC, as for AF_UNIX: until 2026-12-05
      // this made every TCP socket blocking whatever the trace said.
      int fd = socket(AF_INET, native_socket_type(c), 0);
      native_socket_flags(fd, c);
      return finish(fd);
    }
    case sim::SocketOp::kBind: return finish(bind(c.fd, sa, sizeof in));
    case sim::SocketOp::kConnect: return finish(connect(c.fd, sa, sizeof in));
    case sim::SocketOp::kGetsockname: {
      struct sockaddr_storage out{};
      socklen_t len = sizeof out;
      if (getsockname(c.fd, reinterpret_cast<struct sockaddr*>(&out), &len) != 0) return finish(-1);
      if (out.ss_family != AF_INET) return finish(0);
      return finish(ntohs(reinterpret_cast<struct sockaddr_in*>(&out)->sin_port));
    }
    case sim::SocketOp::kRecv: {
      std::vector<char> buf(static_cast<std::size_t>(c.nbytes) + 1);
      return finish(recv(c.fd, buf.data(), static_cast<std::size_t>(c.nbytes), host_msg_flags(c.msg_flags)));
    }
    case sim::SocketOp::kSend: {
      std::vector<char> buf(static_cast<std::size_t>(c.nbytes) + 1, 'x');
      return finish(send(c.fd, buf.data(), static_cast<std::size_t>(c.nbytes), host_msg_flags(c.msg_flags)));
    }
    case sim::SocketOp::kPoll: {
      if (const char* why = poll_bit_missing_on_host(c.poll_events)) return unsupported_net(why);
      struct pollfd p{c.fd, host_poll_bits(c.poll_events), 0};
      const int r = ::poll(&p, 1, static_cast<int>(c.timeout_ms));
      return r < 0 ? finish(r) : finish(model_poll_bits(p.revents));
    }
    case sim::SocketOp::kSelect: return host_select_one(c, ::select, finish);
    case sim::SocketOp::kPause: return finish(::pause());
    default: break;
  }
  return unsupported_net("this socket call natively");
}

}  // namespace kqsim::host
