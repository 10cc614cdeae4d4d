// kern_event.c: filt_procattach, filt_procdetach, filt_proc and knote_fork,
// EVFILT_PROC. The knote hangs on the watched process's p_klist; the exit
// event leaves it there, pointing at nothing (kn_ptr.p_proc = NULL), until
// the scan delivers it once (EV_ONESHOT) or drops it silently (EV_DROP).
#include "model/filters/process_event.hpp"
#include "model/kernel.hpp"

namespace kqsim::model {

// filt_procattach: a zombie is found only when NOTE_EXIT is asked for
// (pfind_any), and then the exit is reported at once, since it happened
// before the registration could hear it. The knotes knote_fork creates
// arrive with EV_FLAG2 (the NOTE_CHILD notice, active at once, data = the
// parent's pid) or EV_FLAG1 (the tracking knote); both flags are internal.
Kernel::RegisterOutcome Kernel::filt_procattach(KnoteRef ref) {
  Knote& kn = at(ref);
  const bool want_exit = (kn.sfflags & note::kExit) != 0;
  if (kn.kev.ident == 0) return {Errno::kNone, "EVFILT_PROC on pid 0 (the kernel's own process) is not modelled"};
  if (kn.kev.ident > static_cast<std::uint64_t>(INT32_MAX)) return {Errno::kESRCH, {}};
  Process* p = pfind(static_cast<Pid>(kn.kev.ident), want_exit);
  if (p == nullptr) return {Errno::kESRCH, {}};
  kn.object = static_cast<std::uint32_t>(p->pid);
  kn.kev.flags |= ev::kClear;
  bool immediate = false;
  if (has(kn.kev.flags, ev::kFlag2)) {
    kn.kev.flags = static_cast<EventFlags>(kn.kev.flags & ~ev::kFlag2);
    kn.kev.data = kn.sdata;
    kn.kev.fflags = note::kChild;
    kn.sfflags &= ~(note::kExit | note::kExec | note::kFork);
    immediate = true;
  }
  kn.kev.flags = static_cast<EventFlags>(kn.kev.flags & ~ev::kFlag1);
  p->klist.add(ref);
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kDetached);
  if (immediate || (p->zombie() && filt_proc(kn, note::kExit))) activate(ref);
  return {};
}

// Only knote_drop detaches, and the knote is freed right after.
void Kernel::filt_procdetach(KnoteRef ref) {
  processes_[static_cast<std::size_t>(at(ref).object) - 1].klist.remove(ref);
}

// filt_proc: record the events asked for; the exit turns the knote into a
// one-shot EV_EOF event carrying the wait status, or into EV_DROP when
// nothing asked for ever happened (T/proc.c: fflags 0 never reports).
// Signal hints share p_klist; NOTE_PCTRLMASK leaves nothing of them.
bool Kernel::filt_proc(Knote& kn, std::int64_t hint) {
  if (kn.proc_gone) return false;  // already reported its exit
  const auto event = static_cast<std::uint32_t>(hint) & note::kPctrlMask;
  if (event == note::kExit) kn.proc_gone = true;
  return record_process_event(kn, event, processes_[static_cast<std::size_t>(kn.object) - 1].exit_status);
}

bool record_process_event(Knote& kn, std::uint32_t event, std::int32_t exit_status) {
  if ((kn.sfflags & event) != 0) kn.kev.fflags |= event;
  if (event == note::kExit) {
    kn.kev.flags |= ev::kEof | ev::kOneshot;
    if ((kn.kev.fflags & note::kExit) != 0) kn.kev.data = exit_status;
    if (kn.kev.fflags == 0) kn.kev.flags |= ev::kDrop;
    return true;
  }
  return kn.kev.fflags != 0;
}

// knote_fork: like knote(list, NOTE_FORK), except that a knote asking for
// NOTE_TRACK first registers two knotes on the child in its own kqueue (the
// NOTE_CHILD notice, then the tracking knote), each copying its udata.
// A failed registration would add NOTE_TRACKERR; none can fail here.
SysResult Kernel::knote_fork(KnoteList& list, Pid child) {
  const std::vector<KnoteRef> refs = list.snapshot();
  for (KnoteRef ref : refs) {
    if (!kqueues_[ref.kq].knote(ref.slot).live) continue;
    Knote& kn = at(ref);
    if ((kn.sfflags & note::kTrack) == 0) {
      if (filter_event(ref, note::kFork)) activate(ref);
      continue;
    }
    if (kn.kind != FilterKind::kProc) {
      // knote_fork would re-register this knote's own filter with the
      // child's pid as ident, internal flags and all.
      return SysResult::unsupported("fork with NOTE_TRACK's bit (0x1) in the fflags of a non-EVFILT_PROC knote");
    }
    KEvent kev{static_cast<std::uint64_t>(child), kn.kev.filter, kn.kev.flags, kn.sfflags,
               static_cast<std::int64_t>(kn.kev.ident), kn.kev.udata};
    kev.flags |= ev::kAdd | ev::kEnable | ev::kOneshot | ev::kFlag2;
    register_tracking_knote(ref, kev);
    kev.flags = static_cast<EventFlags>(at(ref).kev.flags | ev::kAdd | ev::kEnable | ev::kFlag1);
    register_tracking_knote(ref, kev);
    if (filter_event(ref, note::kFork)) activate(ref);
  }
  return SysResult::ok(0);
}

// kqueue_register(kq, &kev, NULL, M_NOWAIT) for a tracking knote: EV_FLAG1
// and EV_FLAG2 skip the (ident, filter) lookup, so the child can own
// several EVFILT_PROC knotes in one kqueue.
void Kernel::register_tracking_knote(KnoteRef parent, KEvent kev) {
  Process& owner = processes_[static_cast<std::size_t>(kqueues_[parent.kq].owner() - 1)];
  RegisterOutcome r = register_new_knote(parent.kq, kev, kNoFile, owner);
  if (r.err != Errno::kNone) at(parent).kev.fflags |= note::kTrackErr;  // re-fetched: the table may have grown
}

}  // namespace kqsim::model
