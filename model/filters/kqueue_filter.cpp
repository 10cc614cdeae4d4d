// kern_event.c: kqueue_kqfilter, filt_kqueue, filt_kqdetach - a kqueue
// watched by another kqueue.
#include "model/kernel.hpp"

namespace kqsim::model {

Kernel::RegisterOutcome Kernel::kqueue_kqfilter(KnoteRef ref) {
  Knote& kn = at(ref);
  if (kn.kev.filter != filt::kRead) return {Errno::kEINVAL, {}};
  kn.kind = FilterKind::kKqueueRead;
  kn.object = files_[kn.file].object;
  kn.status |= kn::kKqueue;
  kqueues_[kn.object].watchers().add(ref);
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kDetached);
  return {};
}

void Kernel::filt_kqdetach(KnoteRef ref) { kqueues_[at(ref).object].watchers().remove(ref); }

// data = kq_count: queued knotes, stale and disabled-but-unswept included (C4, C18).
bool Kernel::filt_kqueue(Knote& kn, std::int64_t) {
  kn.kev.data = kqueues_[kn.object].pending_count();
  return kn.kev.data > 0;
}

}  // namespace kqsim::model
