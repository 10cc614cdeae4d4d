// A worker: one process of the recorded program. It executes each command
// with host_kernel and answers with what the call returned.
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "sim/host/host_kernel.hpp"
#include "sim/host/host_process.hpp"
#include "sim/host/worker_protocol.hpp"

namespace kqsim::host {
namespace {

// A fault in the implementation under test (a crash, an abort) must reach
// the controller as that signal, not as silence: while a call runs, a fatal
// fault signal sends one last reply naming it, then kills the worker as the
// signal would have. On an alternate stack, so a stack overflow is reported too.
struct FaultSignal {
  int signo;
  const char* name;
};
const FaultSignal kFaultSignals[] = {{SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"}, {SIGILL, "SIGILL"},  {SIGFPE, "SIGFPE"},
                                     {SIGABRT, "SIGABRT"}, {SIGSYS, "SIGSYS"}, {SIGTRAP, "SIGTRAP"}};
volatile sig_atomic_t g_in_call = 0;
int g_channel = -1;
WorkerReply g_crash_reply;

void on_fault(int signo) {
  if (g_in_call != 0) {
    g_in_call = 0;
    for (const FaultSignal& f : kFaultSignals) {
      if (f.signo != signo) continue;
      for (std::size_t i = 0; f.name[i] != '\0' && i + 1 < sizeof g_crash_reply.crash_signal; ++i) g_crash_reply.crash_signal[i] = f.name[i];
    }
    send_reply(g_channel, g_crash_reply);
  }
  signal(signo, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signo);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(signo);
}

void install_fault_handlers(int channel) {
  g_channel = channel;
  static char alt_stack[1 << 16];
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  sigaltstack(&ss, nullptr);
  for (const FaultSignal& f : kFaultSignals) {
    struct sigaction sa{};
    sa.sa_handler = on_fault;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(f.signo, &sa, nullptr);
  }
}

// Whether `pid`, a child of this process, has ended (left a zombie), polled
// for at most wait_ms; WNOWAIT leaves it for the program's own wait.
HostCall probe_child(std::int64_t pid, std::int64_t wait_ms) {
  HostCall c;
  const std::int64_t deadline = host_monotonic_ns() + wait_ms * 1'000'000;
  for (;;) {
    siginfo_t info{};
    int r = waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT | WNOHANG);
    if (r != 0) {
      c.ret = kProbeNotChild;
      return c;
    }
    if (info.si_pid != 0) {
      c.ret = kProbeZombie;
      c.fds[0] = info.si_code == CLD_EXITED ? 0 : info.si_status;  // the signal that ended it, or 0
      c.fds[1] = info.si_code == CLD_EXITED ? info.si_status : -1;  // its exit status, or -1
      return c;
    }
    if (host_monotonic_ns() >= deadline) return c;  // kProbeRunning
    usleep(200);
  }
}

WorkerReply to_reply(const HostCall& c) {
  WorkerReply r;
  r.ret = c.ret;
  std::strncpy(r.errno_name, c.errno_name.c_str(), sizeof(r.errno_name) - 1);
  r.completion = static_cast<std::uint8_t>(c.completion);
  std::strncpy(r.detail, c.detail.c_str(), sizeof(r.detail) - 1);
  r.fds[0] = c.fds[0];
  r.fds[1] = c.fds[1];
  r.nevents = static_cast<std::int32_t>(std::min(c.events.size(), kMaxRecords));
  for (std::size_t i = 0; i < static_cast<std::size_t>(r.nevents); ++i) r.events[i] = c.events[i];
  return r;
}

// fork and pdfork: the new worker's channel arrived with the command; the
// child keeps it as its channel, the parent lets it go.
HostCall do_fork(int channel, bool procdesc, std::uint32_t pd_flags) {
  int child_channel = receive_fd(channel);
  if (child_channel < 0) return HostCall{-1, "EBADF", model::Completion::kUnsupported, "no channel for the child", {}, {}};
  move_fd(child_channel, kNewChannelFd);
  HostCall c = procdesc ? host_pdfork(pd_flags) : host_fork();
  if (c.ret == 0) {
    move_fd(kNewChannelFd, kChannelFd);
    return c;
  }
  close(kNewChannelFd);
  return c;
}

HostCall execute(const WorkerCommand& q, int channel, const char* self_path) {
  const auto fd = static_cast<std::int32_t>(q.a);
  switch (q.op) {
    case WorkerOp::kKqueue: return host_kqueue(static_cast<std::uint32_t>(q.a));
    case WorkerOp::kPipe: return host_pipe(q.a != 0, q.b != 0);
    case WorkerOp::kRead: return host_read(fd, q.b);
    case WorkerOp::kWrite: return host_write(fd, q.b);
    case WorkerOp::kClose: return host_close(fd);
    case WorkerOp::kDup: return host_dup(fd);
    case WorkerOp::kDup2: return host_dup2(fd, static_cast<std::int32_t>(q.b));
    case WorkerOp::kGetfd: return host_getfd(fd);
    case WorkerOp::kSetfd: return host_setfd(fd, static_cast<std::int32_t>(q.b));
    case WorkerOp::kFork: return do_fork(channel, false, 0);
    case WorkerOp::kPdfork: return do_fork(channel, true, static_cast<std::uint32_t>(q.a));
    case WorkerOp::kWait: return host_wait(q.a, q.b != 0);
    case WorkerOp::kExec: return host_exec({self_path, "--kqsim-worker", "--after-exec"});
    case WorkerOp::kExit: return host_exit_descriptors(static_cast<std::int32_t>(q.a));
    case WorkerOp::kSleep: return host_sleep(q.a);
    case WorkerOp::kKill: return host_kill(q.a, static_cast<std::int32_t>(q.b));
    case WorkerOp::kSigaction: return host_sigaction(static_cast<std::int32_t>(q.a), static_cast<std::int32_t>(q.b));
    case WorkerOp::kSigmask: return host_sigprocmask(q.b != 0, static_cast<std::int32_t>(q.a));
    case WorkerOp::kSocket: return host_socket_call(q.sock);
    case WorkerOp::kVfs: return host_vfs(sim::from_wire(q.vfs));
    case WorkerOp::kAio: return host_aio(sim::from_wire(q.aio));
    case WorkerOp::kPing: return HostCall{};
    case WorkerOp::kProbeChild: return probe_child(q.a, q.b);
    case WorkerOp::kKevent: {
      std::optional<model::Timespec> timeout;
      if (q.has_timeout) timeout = model::Timespec{q.timeout_sec, q.timeout_nsec};
      return host_kevent(fd, std::span<const model::KEvent>(q.changes, static_cast<std::size_t>(q.nchanges)), q.nevents,
                         timeout);
    }
  }
  return HostCall{-1, "EINVAL", model::Completion::kUnsupported, "unknown command", {}, {}};
}

}  // namespace

void run_worker(int channel, const char* self_path, bool after_exec) {
  install_fault_handlers(channel);
  if (after_exec) {
    host_after_exec();
    send_reply(channel, WorkerReply{});  // the exec step returned 0
  }
  static WorkerCommand q;
  for (;;) {
    if (!receive_command(channel, q)) worker_exit();
    // The calls that may wait: how long they took tells a reader of a recording
    // what woke them (trace-format.md: elapsed_ns, never compared).
    const bool waits =
        q.op == WorkerOp::kSocket && (q.sock.op == sim::SocketOp::kPoll || q.sock.op == sim::SocketOp::kSelect);
    const bool timed = q.op == WorkerOp::kKevent || q.op == WorkerOp::kSleep || waits;
    const std::int64_t start_ns = timed ? host_monotonic_ns() : 0;
    HostCall c;
    // A signal this process sends itself is the program's business, not a fault.
    g_in_call = q.op == WorkerOp::kKill && q.a == getpid() ? 0 : 1;
    try {
      c = execute(q, channel, self_path);
    } catch (const std::exception& e) {  // e.g. no memory for a huge buffer: answer, never die silently
      c = HostCall{-1, "", model::Completion::kUnsupported, std::string("the worker failed: ") + e.what(), {}, {}};
    }
    g_in_call = 0;
    const bool forked = q.op == WorkerOp::kFork || q.op == WorkerOp::kPdfork;
    if (forked && c.ret == 0) continue;  // the child answers nothing: its parent does
    WorkerReply reply = to_reply(c);
    if (timed) reply.elapsed_ns = host_monotonic_ns() - start_ns;
    send_reply(channel, reply);
    if (q.op == WorkerOp::kExit) worker_exit(static_cast<int>(q.a));
  }
}

}  // namespace kqsim::host
