// The drop-in's adapters (<kqsim/dropin_calls.h>): the host's call shapes
// on the kqsim_* calls. Signal numbers arrive in FreeBSD's numbering (the
// drop-in redefines SIG*); a sigset_t holds them by that number.
#include "kqsim/dropin_calls.h"

#include <fcntl.h>
#include <sys/wait.h>

#include <array>
#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <mutex>

#include "kqsim/posix.h"
#include "kqsim/signals.h"
#include "sim/posix/posix_call.hpp"

namespace {

constexpr int kMaxSignal = 64;  // what a host sigset_t holds (FreeBSD's real-time signals beyond are out of reach)

// Recursive: a call made under it may return with a handler to run (run_handler).
std::recursive_mutex g_signal_mu;
std::array<struct sigaction, kMaxSignal + 1> g_actions{};  // what the program installed, per FreeBSD signal
sigset_t g_mask;                                           // the model's mask as the program set it
bool g_mask_known = false;

int action_code(void (*handler)(int)) {
  if (handler == SIG_DFL) return 0;
  if (handler == SIG_IGN) return 1;
  return 2;
}

bool valid_signal(int signo) { return signo > 0 && signo <= kMaxSignal; }

// sigprocmask's how on the model, one signal at a time.
int set_mask(int how, const sigset_t* set, sigset_t* old) {
  std::lock_guard<std::recursive_mutex> lock(g_signal_mu);
  if (!g_mask_known) {
    sigemptyset(&g_mask);
    g_mask_known = true;
  }
  if (old != nullptr) *old = g_mask;
  if (set == nullptr) return 0;
  if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK) {
    errno = EINVAL;
    return -1;
  }
  for (int s = 1; s <= kMaxSignal; ++s) {
    const bool member = sigismember(set, s) == 1;
    const bool was = sigismember(&g_mask, s) == 1;
    bool now = was;
    if (how == SIG_BLOCK && member) now = true;
    if (how == SIG_UNBLOCK && member) now = false;
    if (how == SIG_SETMASK) now = member;
    if (now == was) continue;
    if (kqsim_sigprocmask(now ? 1 : 0, s) != 0 && s != KQSIM_SIGKILL && s != KQSIM_SIGSTOP) return -1;
    if (now) sigaddset(&g_mask, s);
    if (!now) sigdelset(&g_mask, s);
  }
  return 0;
}

// The program's handler for a signal the model delivered (postsig): with
// the signal's number in FreeBSD's numbering; SA_RESETHAND resets it first.
// The handler runs with the mask unchanged (sa_mask is not applied).
void run_handler(int signo) {
  struct sigaction act {};
  {
    std::lock_guard<std::recursive_mutex> lock(g_signal_mu);
    if (!valid_signal(signo)) return;
    act = g_actions[static_cast<std::size_t>(signo)];
    if ((act.sa_flags & SA_RESETHAND) != 0) g_actions[static_cast<std::size_t>(signo)] = {};
  }
  if ((act.sa_flags & SA_RESETHAND) != 0) kqsim_sigaction(signo, 0);
  if ((act.sa_flags & SA_SIGINFO) != 0) {
    siginfo_t info{};
    info.si_signo = signo;
    act.sa_sigaction(signo, &info, nullptr);
  } else if (act.sa_handler != SIG_DFL && act.sa_handler != SIG_IGN && act.sa_handler != nullptr) {
    act.sa_handler(signo);
  }
}

}  // namespace

extern "C" {

int kqsim_pipe(int fds[2]) { return kqsim_pipe2(fds, 0); }

int kqsim_open_v(const char* path, int flags, ...) {
  int mode = 0;
  if ((flags & O_CREAT) != 0) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, int);
    va_end(ap);
  }
  return kqsim_open(path, flags, mode);
}

int kqsim_fcntl_v(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  int arg = cmd == F_SETFD ? va_arg(ap, int) : 0;
  va_end(ap);
  if (cmd != F_GETFD && cmd != F_SETFD) return kqsim::posix::unsupported_call("fcntl: only F_GETFD and F_SETFD");
  return kqsim_fcntl(fd, cmd, arg);
}

// waitpid(-1) and wait(): any child; waitpid(0): any child in the caller's
// process group (all of the program's processes share one); other negative
// pids name process groups the model does not have.
pid_t kqsim_waitpid_bsd(pid_t pid, int* status, int options) {
  if (pid < -1) return kqsim::posix::unsupported_call("waitpid of a process group (pid < -1)");
  if ((options & ~WNOHANG) != 0) return kqsim::posix::unsupported_call("waitpid options other than WNOHANG");
  return kqsim_waitpid_status(pid, status, (options & WNOHANG) != 0 ? 1 : 0);
}

pid_t kqsim_wait_bsd(int* status) { return kqsim_waitpid_status(-1, status, 0); }

void kqsim_exit_bsd(int status) {
  kqsim_exit_status(status);
  std::exit(status);
}

void kqsim__exit_bsd(int status) {
  kqsim_exit_status(status);
  _exit(status);
}

int kqsim_kill_bsd(pid_t pid, int signo) { return kqsim_kill(pid, signo); }
int kqsim_raise_bsd(int signo) { return kqsim_kill(getpid(), signo); }

int kqsim_sigaction_bsd(int signo, const struct sigaction* act, struct sigaction* old) {
  if (!valid_signal(signo)) {
    errno = EINVAL;
    return -1;
  }
  std::lock_guard<std::recursive_mutex> lock(g_signal_mu);
  if (old != nullptr) *old = g_actions[static_cast<std::size_t>(signo)];
  if (act == nullptr) return 0;
  const int action = (act->sa_flags & SA_SIGINFO) != 0 ? 2 : action_code(act->sa_handler);
  if (kqsim_sigaction(signo, action) != 0) return -1;
  g_actions[static_cast<std::size_t>(signo)] = *act;
  kqsim::posix::set_handler_runner(run_handler);
  return 0;
}

kqsim_sighandler_t kqsim_signal_bsd(int signo, kqsim_sighandler_t handler) {
  struct sigaction act {};
  struct sigaction old {};
  act.sa_handler = handler;
  if (kqsim_sigaction_bsd(signo, &act, &old) != 0) return SIG_ERR;
  return old.sa_handler;
}

int kqsim_sigprocmask_bsd(int how, const sigset_t* set, sigset_t* old) { return set_mask(how, set, old); }

// The model keeps one mask per process: a thread's mask is its process's.
int kqsim_pthread_sigmask_bsd(int how, const sigset_t* set, sigset_t* old) {
  return set_mask(how, set, old) == 0 ? 0 : errno;
}

unsigned int kqsim_sleep_bsd(unsigned int seconds) {
  struct timespec d {static_cast<time_t>(seconds), 0};
  return kqsim_nanosleep(&d) == 0 ? 0 : seconds;
}

int kqsim_usleep_bsd(useconds_t usec) {
  struct timespec d {static_cast<time_t>(usec / 1'000'000), static_cast<long>(usec % 1'000'000) * 1000};
  return kqsim_nanosleep(&d);
}

int kqsim_nanosleep_bsd(const struct timespec* d, struct timespec* rem) {
  if (rem != nullptr) *rem = {0, 0};
  return kqsim_nanosleep(d);
}

int kqsim_accept4_bsd(int fd, struct sockaddr* addr, socklen_t* len, int flags) {
  if (flags != 0) return kqsim::posix::unsupported_call("accept4 with flags");
  return kqsim_accept(fd, addr, len);
}

}  // extern "C"
