// sys_procdesc.c: procdesc_kqfilter and procdesc_kqops, EVFILT_PROCDESC on a
// pdfork(2) descriptor. Only that filter attaches to a process descriptor.
#include "model/filters/process_event.hpp"
#include "model/kernel.hpp"

namespace kqsim::model {

Kernel::RegisterOutcome Kernel::procdesc_kqfilter(KnoteRef ref) {
  Knote& kn = at(ref);
  if (kn.kev.filter != filt::kProcdesc) return {Errno::kEINVAL, {}};
  // Main's NOTE_REAP interest keeps the knote past the exit until the reap
  // posts NOTE_REAP; where the reap posts it is not modelled.
  if (profile_->procdesc_fork_notes && (kn.sfflags & note::kReap) != 0) {
    return {Errno::kNone, "EVFILT_PROCDESC NOTE_REAP is not modelled"};
  }
  kn.kind = FilterKind::kProcdesc;
  kn.object = files_[kn.file].object;
  kn.kev.flags |= ev::kClear;
  procdescs_[kn.object].klist.add(ref);
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kDetached);
  return {};
}

void Kernel::procdesc_kqops_detach(KnoteRef ref) { procdescs_[at(ref).object].klist.remove(ref); }

// procdesc_kqops_event: hint 0 is the check right after registration, which
// reports an exit that happened before it; otherwise as filt_proc, the
// status coming from the descriptor (pd_xstat), which outlives the process.
bool Kernel::procdesc_kqops_event(Knote& kn, std::int64_t hint) {
  const Procdesc& pd = procdescs_[kn.object];
  if (profile_->procdesc_fork_notes) return procdesc_kqops_event_main(kn, hint);
  std::uint32_t event = static_cast<std::uint32_t>(hint) & note::kPctrlMask;
  if (hint == 0) event = pd.exited ? note::kExit : 0;
  return record_process_event(kn, event, pd.xstat);
}

// Newest main: the registration check reports NOTE_EXIT|NOTE_PDSIGCHLD for a
// process that already exited (a stopped one, NOTE_PDSIGCHLD, cannot occur:
// stopping is not modelled); only the asked-for bits of an event are kept;
// data is the exit status once NOTE_EXIT is recorded; the exit ends the knote
// (EV_EOF|EV_ONESHOT, EV_DROP if it recorded nothing) unless NOTE_REAP was
// asked for (refused at attach); otherwise a recorded NOTE_FORK makes data
// the newest child's pid.
bool Kernel::procdesc_kqops_event_main(Knote& kn, std::int64_t hint) {
  const Procdesc& pd = procdescs_[kn.object];
  std::uint32_t event = static_cast<std::uint32_t>(hint) & (note::kPctrlMask | note::kReap);
  if (hint == 0) event = pd.exited ? note::kExit | note::kPdsigchld : 0;
  if ((kn.sfflags & event) != 0) kn.kev.fflags |= kn.sfflags & event;
  if ((kn.kev.fflags & note::kExit) != 0) kn.kev.data = pd.xstat;
  if ((event & note::kReap) != 0 || ((event & note::kExit) != 0 && (kn.sfflags & note::kReap) == 0)) {
    kn.kev.flags |= ev::kEof | ev::kOneshot;
    if (kn.kev.fflags == 0) kn.kev.flags |= ev::kDrop;
    return true;
  }
  if ((kn.kev.fflags & note::kFork) != 0) kn.kev.data = pd.last_child;
  return kn.kev.fflags != 0;
}

}  // namespace kqsim::model
