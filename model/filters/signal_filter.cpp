// kern_sig.c: filt_sigattach, filt_signal, EVFILT_SIGNAL. The knote hangs on
// the registering process and counts every generation of its signal since
// the last delivery, ignored or blocked ones included: it is posted before
// the signal's disposition is looked at (tdsendsignal).
// filt_sigattach checks no signal number: an ident that names no signal (0,
// 129) is accepted and simply never fires (13.2 and 15.1 recordings of
// signal-invalid-number-einval, docs/observed-real-kernels.md R1; the
// kern_sig.c of main read for this has no check either).
#include "model/kernel.hpp"

namespace kqsim::model {

Errno Kernel::filt_sigattach(KnoteRef ref, Process& p) {
  Knote& kn = at(ref);
  kn.object = static_cast<std::uint32_t>(p.pid);
  kn.kev.flags |= ev::kClear;  // forced (T/signal.c signal_get)
  p.klist.add(ref);
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kDetached);
  return Errno::kNone;
}

void Kernel::filt_sigdetach(KnoteRef ref) {
  processes_[static_cast<std::size_t>(at(ref).object) - 1].klist.remove(ref);
}

bool Kernel::filt_signal(Knote& kn, std::int64_t hint) {
  if ((hint & kNoteSignal) != 0 && static_cast<std::uint64_t>(hint & ~kNoteSignal) == kn.kev.ident) ++kn.kev.data;
  return kn.kev.data != 0;
}

}  // namespace kqsim::model
