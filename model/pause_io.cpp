// pause(2) (gen/pause.c -> sigsuspend with the current mask, kern_sig.c):
// it returns only when a signal runs a handler, always -1/EINTR; a signal
// that ends the process ends it there. The model remembers the sleep, so a
// call the C API repeats after other processes ran sees the interruption.
#include "model/kernel.hpp"

namespace kqsim::model {

SysResult Kernel::pause(Pid pid) {
  SyscallScope scope(*this);
  Process& p = proc(pid);
  if (p.pause_interrupted) {
    p.pause_interrupted = false;
    p.pausing = false;
    return SysResult::fail(Errno::kEINTR);
  }
  p.pausing = true;
  return SysResult::blocked("pause() waits for a signal that runs a handler");
}

// A caught signal delivered to a process asleep in pause (deliver_signal).
void Kernel::pause_wakeup(Process& p) {
  if (!p.pausing) return;
  p.pausing = false;
  p.pause_interrupted = true;
}

}  // namespace kqsim::model
