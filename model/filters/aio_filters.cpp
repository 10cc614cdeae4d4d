// vfs_aio.c: aio_filtops (EVFILT_AIO) and lio_filtops (EVFILT_LIO). Only
// the kernel can attach them: registration needs EV_FLAG1, which kevent()
// strips from user changes (a user EV_ADD is EPERM), and which aio_aqueue
// and kern_lio_listio set through kqfd_register. kn_sdata carries the job
// (or batch) until attach stores it as the knote's object.
#include "model/kernel.hpp"

namespace kqsim::model {

// filt_aioattach and filt_lioattach: only with EV_FLAG1, which is then
// cleared; the knote goes on the job's (the batch's) list.
Kernel::RegisterOutcome Kernel::filt_aioattach(KnoteRef ref) {
  Knote& kn = at(ref);
  if (!has(kn.kev.flags, ev::kFlag1)) return {Errno::kEPERM, {}};
  const bool lio = kn.kev.filter == filt::kLio;
  kn.kind = lio ? FilterKind::kLio : FilterKind::kAio;
  kn.object = static_cast<std::uint32_t>(kn.sdata);
  kn.kev.flags = static_cast<EventFlags>(kn.kev.flags & ~ev::kFlag1);
  (lio ? aio_lios_[kn.object].knotes : aio_jobs_[kn.object].knotes).add(ref);
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kDetached);
  return {};
}

// The job's knote list changes: the touched check walks the aio objects
// after it (a scan dropping an EV_ONESHOT knote, an EV_DELETE).
void Kernel::filt_aiodetach(KnoteRef ref) {
  aio_jobs_[at(ref).object].knotes.remove(ref);
  touched_objects_ |= kAioObjects;
}

// filt_aio: data is the job's error (0 on success, EINPROGRESS while queued
// if anything re-evaluates it then); true once finished, with EV_EOF.
bool Kernel::filt_aio(Knote& kn, std::int64_t) {
  const AioJob& j = aio_jobs_[kn.object];
  kn.kev.data = static_cast<std::int64_t>(j.error);
  if (!j.finished) return false;
  kn.kev.flags |= ev::kEof;
  return true;
}

void Kernel::filt_liodetach(KnoteRef ref) {
  aio_lios_[at(ref).object].knotes.remove(ref);
  touched_objects_ |= kAioObjects;  // as filt_aiodetach
}

// filt_lio: true once the batch posted its kevent; data untouched (0), no EV_EOF.
bool Kernel::filt_lio(Knote& kn, std::int64_t) { return aio_lios_[kn.object].kevent_posted; }

}  // namespace kqsim::model
