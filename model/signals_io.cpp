// kern_sig.c: kill(2) -> tdsendsignal, sigaction and sigprocmask reduced to
// what decides a signal's fate: its disposition and the mask. Process exit
// (what a fatal signal ends in) is process_io.cpp's.
#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

bool valid(std::int32_t signo) { return signo >= 1 && signo <= sig::kMax; }
bool unstoppable(std::int32_t signo) { return signo == sig::kKill || signo == sig::kStop; }

}  // namespace

// kill(2): checks, then tdsendsignal. A zombie takes no signal.
SysResult Kernel::kill(Pid pid, Pid target, std::int32_t signo) {
  // A signal's sets and handlers; a fatal one ends the process, and
  // exit_process names everything then.
  SyscallScope scope(*this, kProcessObjects);
  (void)proc(pid);
  if (signo < 0 || signo > sig::kMax) return SysResult::fail(Errno::kEINVAL);
  const Process* t = process(target);
  if (t == nullptr || t->reaped) return SysResult::fail(Errno::kESRCH);
  if (signo == 0 || !t->alive) return SysResult::ok(0);
  return psignal(processes_[static_cast<std::size_t>(target - 1)], signo);
}

// tdsendsignal: the process's knotes hear of the signal first, whatever its
// disposition (C17: ignored signals count, SIGCHLD included: the KNOTE comes
// before any ignore check). kqueue(2)'s "an ignored SIGCHLD is not recorded"
// happens in exit1, which sends a child's SIGCHLD elsewhere when the parent
// ignores it (exit_process). A blocked signal waits in the pending set.
SysResult Kernel::psignal(Process& p, std::int32_t signo) {
  const bool ignored = p.actions[static_cast<std::size_t>(signo)] == SignalAction::kIgnore ||
                       (p.actions[static_cast<std::size_t>(signo)] == SignalAction::kDefault &&
                        default_action(signo) == DefaultAction::kIgnore);
  knote_post(p.klist, kNoteSignal | signo);
  if (p.blocked.test(static_cast<std::size_t>(signo)) && !unstoppable(signo)) {
    if (!ignored) p.pending.set(static_cast<std::size_t>(signo));
    return SysResult::ok(0);
  }
  SysResult delivered = deliver_signal(p, signo);
  return delivered.done() ? SysResult::ok(0) : delivered;
}

// What the signal does once it reaches the process: a caught signal runs a
// handler (nothing the model sees), an ignored one is dropped, a default
// one usually ends the process.
SysResult Kernel::deliver_signal(Process& p, std::int32_t signo) {
  const SignalAction action = unstoppable(signo) ? SignalAction::kDefault : p.actions[static_cast<std::size_t>(signo)];
  if (action == SignalAction::kCatch) {
    pause_wakeup(p);
    p.handlers_due.set(static_cast<std::size_t>(signo));
  }
  if (action != SignalAction::kDefault) return SysResult::ok(0);
  switch (default_action(signo)) {
    case DefaultAction::kIgnore:
    case DefaultAction::kContinue: return SysResult::ok(0);
    case DefaultAction::kStop: return SysResult::unsupported("stopping a process by a signal is not modelled");
    case DefaultAction::kTerminate: exit_process(p, signo); return SysResult::ok(0);
  }
  return SysResult::ok(0);
}

std::bitset<sig::kMax + 1> Kernel::take_handlers_due(Pid pid) {
  Process& p = proc(pid);
  const auto due = p.handlers_due;
  p.handlers_due.reset();
  return due;
}

SysResult Kernel::sigaction(Pid pid, std::int32_t signo, SignalAction action) {
  SyscallScope scope(*this, kProcessObjects);  // a disposition; nothing is delivered
  Process& p = proc(pid);
  if (!valid(signo) || unstoppable(signo)) return SysResult::fail(Errno::kEINVAL);
  p.actions[static_cast<std::size_t>(signo)] = action;
  if (action == SignalAction::kIgnore) p.pending.reset(static_cast<std::size_t>(signo));  // POSIX: discarded
  return SysResult::ok(0);
}

// Unblocking a pending signal delivers it at once.
SysResult Kernel::sigprocmask(Pid pid, bool block, std::int32_t signo) {
  SyscallScope scope(*this, kProcessObjects);  // as kill: a delivered fatal signal widens it
  Process& p = proc(pid);
  if (!valid(signo)) return SysResult::fail(Errno::kEINVAL);
  if (unstoppable(signo)) return SysResult::ok(0);  // silently not blockable
  p.blocked.set(static_cast<std::size_t>(signo), block);
  if (block || !p.pending.test(static_cast<std::size_t>(signo))) return SysResult::ok(0);
  p.pending.reset(static_cast<std::size_t>(signo));
  SysResult delivered = deliver_signal(p, signo);
  return delivered.done() ? SysResult::ok(0) : delivered;
}

}  // namespace kqsim::model
