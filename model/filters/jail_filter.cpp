// kern_jail.c: filt_jailattach / filt_jail, EVFILT_JAIL (FreeBSD 15+). The
// simulated world has one prison, prison0, which the processes live in and
// which never changes, so a knote on it is accepted and never fires.
#include "model/kernel.hpp"

namespace kqsim::model {

// ident 0 names the caller's own prison; any other jid names a child
// prison, and there are none: ENOENT (observed on 15.1, D2).
Errno Kernel::filt_jailattach(KnoteRef ref) {
  Knote& kn = at(ref);
  if (kn.kev.ident != 0) return Errno::kENOENT;
  kn.kev.flags |= ev::kClear;  // forced, as for the other process-like filters
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kDetached);
  return Errno::kNone;
}

// NOTE_JAIL_* bits accumulate in the output fflags; nothing posts them here.
bool Kernel::filt_jail(Knote& kn, std::int64_t) { return kn.kev.fflags != 0; }

void Kernel::filt_jaildetach(KnoteRef) {}

}  // namespace kqsim::model
