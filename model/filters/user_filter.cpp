// kern_event.c: filt_user*, EVFILT_USER. No kernel object: the knote's
// trigger bit (kn_hookid) is the whole condition.
#include "model/kernel.hpp"

namespace kqsim::model {

bool Kernel::filt_user(Knote& kn, std::int64_t) { return kn.user_triggered; }

void Kernel::filt_userdetach(KnoteRef) {}

// filt_usertouch(EVENT_REGISTER). The change record's fflags are masked in
// place, which is why a successful receipt shows them filtered (S4).
void Kernel::filt_usertouch_register(Knote& kn, KEvent& kev) {
  if ((kev.fflags & note::kTrigger) != 0) kn.user_triggered = true;
  const std::uint32_t ffctrl = kev.fflags & note::kFfctrlMask;
  kev.fflags &= note::kFflagsMask;
  switch (ffctrl) {
    case note::kFfand: kn.sfflags &= kev.fflags; break;
    case note::kFfor: kn.sfflags |= kev.fflags; break;
    case note::kFfcopy: kn.sfflags = kev.fflags; break;
    default: break;  // NOTE_FFNOP
  }
  kn.sdata = kev.data;
  if (has(kev.flags, ev::kClear)) {
    kn.user_triggered = false;
    kn.kev.data = 0;
    kn.kev.fflags = 0;
  }
}

}  // namespace kqsim::model
