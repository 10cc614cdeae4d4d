// sys_procdesc.c: procdesc_kqfilter and procdesc_kqops, EVFILT_PROCDESC on a
// pdfork(2) descriptor. Only that filter attaches to a process descriptor.
#include "model/filters/process_event.hpp"
#include "model/kernel.hpp"

namespace kqsim::model {

Kernel::RegisterOutcome Kernel::procdesc_kqfilter(KnoteRef ref) {
  Knote& kn = at(ref);
  if (kn.kev.filter != filt::kProcdesc) return {Errno::kEINVAL, {}};
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
  std::uint32_t event = static_cast<std::uint32_t>(hint) & note::kPctrlMask;
  if (hint == 0) event = pd.exited ? note::kExit : 0;
  return record_process_event(kn, event, pd.xstat);
}

}  // namespace kqsim::model
