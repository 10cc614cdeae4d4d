// The kqueue C API on the model: kqueue(), kevent() and the descriptor calls
// a kqueue program makes, each one request to the model server.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kqsim/posix.h"
#include "kqsim/sys/event.h"
#include "model/errno_code.hpp"
#include "model/sys_result.hpp"
#include "sim/host_errno.hpp"
#include "sim/posix/client_connection.hpp"
#include "sim/posix/deviations.hpp"
#include "sim/posix/model_rpc.hpp"
#include "sim/posix/model_server.hpp"
#include "sim/posix/posix_call.hpp"

namespace {

// The C header's numbers are the model's (both FreeBSD's).
namespace note = kqsim::model::note;
static_assert(NOTE_EXIT == note::kExit && NOTE_FORK == note::kFork && NOTE_EXEC == note::kExec);
static_assert(NOTE_TRACK == note::kTrack && NOTE_TRACKERR == note::kTrackErr && NOTE_CHILD == note::kChild);
static_assert(NOTE_PCTRLMASK == note::kPctrlMask && NOTE_TRIGGER == note::kTrigger && NOTE_LOWAT == note::kLowat);
static_assert(EV_ERROR == kqsim::model::ev::kError && EV_EOF == kqsim::model::ev::kEof);
static_assert(EVFILT_PROC == kqsim::model::filt::kProc && EVFILT_USER == kqsim::model::filt::kUser);

using kqsim::posix::RpcOp;
using kqsim::posix::RpcReply;
using kqsim::posix::RpcRequest;

thread_local int g_status = KQSIM_DONE;
thread_local char g_detail[120] = {};
bool g_exited = false;  // this process told the model it exited

int host_errno(kqsim::model::Errno e) { return kqsim::sim::host_errno_of(e); }

std::int64_t call(RpcRequest& q, RpcReply& r);

std::atomic<kqsim::posix::HandlerRunner> g_handler_runner{nullptr};

std::int64_t finish_call(const RpcReply& r);

// postsig: the handlers of the caught signals the model delivered, run as
// the call returns, before the caller sees its result (errno, status and
// detail kept).
void run_handlers(std::uint64_t due) {
  const kqsim::posix::HandlerRunner runner = g_handler_runner.load();
  if (runner == nullptr) return;
  const int saved = errno;
  const int status = g_status;
  char detail[sizeof g_detail];
  std::memcpy(detail, g_detail, sizeof detail);
  for (int s = 1; s <= 64; ++s) {
    if ((due & (std::uint64_t{1} << (s - 1))) != 0) runner(s);
  }
  errno = saved;
  g_status = status;
  std::memcpy(g_detail, detail, sizeof detail);
}

// The server learns which host process plays this model process, so
// kqsim_kill can name processes by their host pid.
void bind_host_pid() {
  static std::atomic<pid_t> bound{-1};
  if (bound.exchange(getpid()) == getpid()) return;
  RpcRequest q;
  q.op = RpcOp::kBindPid;
  q.a = kqsim::posix::model_pid();
  q.b = getpid();
  RpcReply r;
  call(q, r);
}

// Sends one request and turns the reply into a C return value and errno.
std::int64_t call(RpcRequest& q, RpcReply& r) {
  q.pid = kqsim::posix::model_pid();
  if (q.op != RpcOp::kBindPid) bind_host_pid();
  if (q.op != RpcOp::kBindPid && q.op != RpcOp::kNow) kqsim::posix::deviate_call(kqsim::posix::active_deviations(), q.op);
  const int conn = kqsim::posix::call_connection();
  if (send(conn, &q, sizeof q, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof q) ||
      recv(conn, &r, sizeof r, 0) != static_cast<ssize_t>(sizeof r)) {
    std::fprintf(stderr, "kqsim: lost the model server\n");
    std::abort();
  }
  std::int64_t ret = finish_call(r);
  if (r.handlers != 0) run_handlers(r.handlers);
  return ret;
}

// The reply as the call's C result: errno and kqsim_last_status set.
std::int64_t finish_call(const RpcReply& r) {
  std::memcpy(g_detail, r.detail, sizeof g_detail);
  const auto completion = static_cast<kqsim::model::Completion>(r.completion);
  if (completion == kqsim::model::Completion::kBlockedForever) {
    g_status = KQSIM_BLOCKED;
    errno = EDEADLK;
    return -1;
  }
  if (completion == kqsim::model::Completion::kUnsupported) {
    g_status = KQSIM_UNSUPPORTED;
    errno = ENOSYS;
    return -1;
  }
  g_status = KQSIM_DONE;
  if (r.err != 0) errno = host_errno(static_cast<kqsim::model::Errno>(r.err));
  return r.ret;
}

std::int64_t simple(RpcOp op, std::int64_t a = 0, std::int64_t b = 0) {
  RpcRequest q;
  q.op = op;
  q.a = a;
  q.b = b;
  RpcReply r;
  return call(q, r);
}

}  // namespace

namespace kqsim::posix {

std::int64_t rpc_call(RpcRequest& q, RpcReply& r) { return call(q, r); }

void set_handler_runner(HandlerRunner runner) { g_handler_runner.store(runner); }

int host_errno_value(std::int32_t model_errno) { return host_errno(static_cast<kqsim::model::Errno>(model_errno)); }

int unsupported_call(const char* what) {
  g_status = KQSIM_UNSUPPORTED;
  std::strncpy(g_detail, what, sizeof g_detail - 1);
  errno = ENOSYS;
  return -1;
}

// on_exit(3): exit(status) or a return from main.
void exit_hook(int status, void*) {
  kqsim_exit_status(status);
  await_server_at_exit();
}

}  // namespace kqsim::posix

extern "C" {

int kqueue(void) { return static_cast<int>(simple(RpcOp::kKqueue)); }
int kqueuex(unsigned int flags) { return static_cast<int>(simple(RpcOp::kKqueue, flags)); }

int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist, int nevents,
           const struct timespec* timeout) {
  if (nchanges < 0 || static_cast<std::size_t>(nchanges) > kqsim::posix::kMaxRecords ||
      (nevents > 0 && static_cast<std::size_t>(nevents) > kqsim::posix::kMaxRecords)) {
    errno = E2BIG;  // a limit of the simulator, not of kqueue
    return -1;
  }
  RpcRequest q;
  q.op = RpcOp::kKevent;
  q.a = kq;
  q.nchanges = nchanges;
  q.nevents = nevents;
  q.has_timeout = timeout != nullptr;
  if (timeout != nullptr) {
    q.timeout_sec = timeout->tv_sec;
    q.timeout_nsec = timeout->tv_nsec;
  }
  for (int i = 0; i < nchanges; ++i) {
    const struct kevent& c = changelist[i];
    q.changes[i] = kqsim::model::KEvent{c.ident, c.filter, c.flags, c.fflags, c.data,
                                         static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(c.udata))};
  }
  RpcReply r;
  std::int64_t ret = call(q, r);
  for (int i = 0; i < r.nevents && eventlist != nullptr; ++i) {
    const kqsim::model::KEvent& e = r.events[i];
    EV_SET(&eventlist[i], e.ident, e.filter, e.flags, e.fflags, e.data, reinterpret_cast<void*>(static_cast<std::uintptr_t>(e.udata)));
  }
  return static_cast<int>(ret);
}

int kqsim_pipe2(int fds[2], int flags) {
  RpcRequest q;
  q.op = RpcOp::kPipe;
  q.a = (flags & O_NONBLOCK) != 0;
  q.b = (flags & O_CLOEXEC) != 0;
  RpcReply r;
  std::int64_t ret = call(q, r);
  if (ret == 0) {
    fds[0] = r.fds[0];
    fds[1] = r.fds[1];
  }
  return static_cast<int>(ret);
}

ssize_t kqsim_read(int fd, void* buf, size_t nbytes) {
  std::int64_t n = simple(RpcOp::kRead, fd, static_cast<std::int64_t>(nbytes));
  if (n > 0) std::memset(buf, 0, static_cast<size_t>(n));  // the model keeps counts, not bytes
  return static_cast<ssize_t>(n);
}

ssize_t kqsim_write(int fd, const void*, size_t nbytes) {
  return static_cast<ssize_t>(simple(RpcOp::kWrite, fd, static_cast<std::int64_t>(nbytes)));
}

int kqsim_close(int fd) { return static_cast<int>(simple(RpcOp::kClose, fd)); }
int kqsim_dup(int fd) { return static_cast<int>(simple(RpcOp::kDup, fd)); }
int kqsim_dup2(int from, int to) { return static_cast<int>(simple(RpcOp::kDup2, from, to)); }

int kqsim_fcntl(int fd, int cmd, int arg) {
  if (cmd == F_GETFD) return static_cast<int>(simple(RpcOp::kGetfd, fd));
  if (cmd == F_SETFD) return static_cast<int>(simple(RpcOp::kSetfd, fd, arg));
  errno = EINVAL;
  return -1;
}

// The model forks first and names the child; the real fork then gives the
// program its second process, which speaks as that child.
pid_t kqsim_fork(void) {
  std::int64_t child = simple(RpcOp::kFork);
  if (child < 0) return -1;
  pid_t pid = kqsim::posix::fork_after(child);
  if (pid > 0) simple(RpcOp::kBindPid, child, pid);  // so the child can be signalled before it makes a call
  return pid;
}

pid_t kqsim_pdfork(int* fdp, int flags) {
  RpcRequest q;
  q.op = RpcOp::kPdfork;
  q.a = flags;
  RpcReply r;
  std::int64_t child = call(q, r);
  if (child < 0) return -1;
  pid_t pid = kqsim::posix::fork_after(child);
  if (pid > 0) {
    simple(RpcOp::kBindPid, child, pid);
    *fdp = r.fds[0];
  }
  return pid;
}

pid_t kqsim_waitpid(pid_t pid, int nohang) { return kqsim_waitpid_status(pid, nullptr, nohang); }

pid_t kqsim_waitpid_status(pid_t pid, int* status, int nohang) {
  RpcRequest q;
  q.op = RpcOp::kWait;
  q.a = pid;
  q.b = nohang != 0 ? 1 : 0;
  RpcReply r;
  auto ret = static_cast<pid_t>(call(q, r));
  if (ret > 0 && status != nullptr) *status = r.wait_status;
  return ret;
}

int kqsim_exec(void) { return static_cast<int>(simple(RpcOp::kExec)); }

void kqsim_exit(int status) {
  kqsim_exit_status(status);
  _exit(status);
}

void kqsim_exit_status(int status) {
  if (g_exited) return;
  g_exited = true;
  simple(RpcOp::kExit, 0, status);
}

int kqsim_exit_descriptors(void) { return static_cast<int>(simple(RpcOp::kExit)); }

int kqsim_nanosleep(const struct timespec* d) {
  return static_cast<int>(simple(RpcOp::kSleep, static_cast<std::int64_t>(d->tv_sec) * 1'000'000'000 + d->tv_nsec));
}

int kqsim_kill(pid_t pid, int signo) { return static_cast<int>(simple(RpcOp::kKill, pid, signo)); }
int kqsim_sigaction(int signo, int action) { return static_cast<int>(simple(RpcOp::kSigaction, signo, action)); }
int kqsim_sigprocmask(int block, int signo) { return static_cast<int>(simple(RpcOp::kSigmask, signo, block)); }

long long kqsim_monotonic_ns(void) { return static_cast<long long>(simple(RpcOp::kNow)); }

int kqsim_last_status(void) { return g_status; }
const char* kqsim_last_detail(void) { return g_detail; }

}  // extern "C"
