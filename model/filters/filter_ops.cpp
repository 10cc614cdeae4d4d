// The filterops table and the attach dispatch of sysfilt_ops.
#include "model/kernel.hpp"

namespace kqsim::model {

// Indexed by FilterKind.
const std::array<Kernel::FilterOps, 20> Kernel::kFilterOps{{
    {&Kernel::filt_piperead, &Kernel::filt_pipedetach, false},  // kPipeRead
    {&Kernel::filt_pipewrite, &Kernel::filt_pipedetach, false}, // kPipeWrite
    {&Kernel::filt_kqueue, &Kernel::filt_kqdetach, false},      // kKqueueRead
    {&Kernel::filt_timer, &Kernel::filt_timerdetach, true},     // kTimer
    {&Kernel::filt_user, &Kernel::filt_userdetach, true},       // kUser
    {&Kernel::filt_jail, &Kernel::filt_jaildetach, false},      // kJail
    {&Kernel::filt_signal, &Kernel::filt_sigdetach, false},     // kSignal
    {&Kernel::filt_soread, &Kernel::filt_sordetach, false},        // kSockRead
    {&Kernel::filt_sowrite, &Kernel::filt_sowdetach, false},       // kSockWrite
    {&Kernel::filt_soempty, &Kernel::filt_sowdetach, false},       // kSockEmpty
    {&Kernel::uipc_filt_sowrite, &Kernel::filt_sowdetach, false},  // kUnixWrite
    {&Kernel::uipc_filt_soempty, &Kernel::filt_sowdetach, false},  // kUnixEmpty
    {&Kernel::filt_proc, &Kernel::filt_procdetach, false},      // kProc
    {&Kernel::procdesc_kqops_event, &Kernel::procdesc_kqops_detach, false},  // kProcdesc
    {&Kernel::filt_pipenull, &Kernel::filt_pipenulldetach, false},  // kPipeNull
    {&Kernel::filt_vfsread, &Kernel::filt_vfsdetach, false},    // kVnodeRead
    {&Kernel::filt_vfswrite, &Kernel::filt_vfsdetach, false},   // kVnodeWrite
    {&Kernel::filt_vfsvnode, &Kernel::filt_vfsdetach, false},   // kVnode
    {&Kernel::filt_aio, &Kernel::filt_aiodetach, false},        // kAio
    {&Kernel::filt_lio, &Kernel::filt_liodetach, false},        // kLio
}};

// sysfilt_ops[~filter].f_attach. fd filters go through the file's
// fo_kqfilter, which picks the knote's filterops.
Kernel::RegisterOutcome Kernel::filter_attach(KnoteRef ref, Process& p) {
  Knote& kn = at(ref);
  if (filter_is_fd_based(kn.kev.filter)) {
    switch (files_[kn.file].type) {
      case FileType::kPipe:
      case FileType::kFifo: return pipe_kqfilter(ref);
      case FileType::kVnode: return vfs_kqfilter(ref);
      case FileType::kKqueue: return kqueue_kqfilter(ref);
      case FileType::kSocket: return soo_kqfilter(ref);
      case FileType::kProcdesc: return procdesc_kqfilter(ref);
      case FileType::kTerminal: return {Errno::kNone, "kqueue filters on a terminal descriptor are not modelled"};
    }
  }
  switch (kn.kev.filter) {
    case filt::kTimer: kn.kind = FilterKind::kTimer; return {filt_timerattach(ref), {}};
    case filt::kUser:
      kn.kind = FilterKind::kUser;
      // filt_userattach reads the already-zeroed output fflags, so
      // NOTE_TRIGGER on the creating EV_ADD is not honoured (C13).
      kn.user_triggered = (kn.kev.fflags & note::kTrigger) != 0;
      return {};
    // filt_aioattach / filt_lioattach demand the kernel-only EV_FLAG1,
    // which kevent() strips from user input: EPERM unless aio registers.
    case filt::kAio:
    case filt::kLio: return filt_aioattach(ref);
    case filt::kProc: kn.kind = FilterKind::kProc; return filt_procattach(ref);
    case filt::kSignal: kn.kind = FilterKind::kSignal; return {filt_sigattach(ref, p), {}};
    case filt::kFs: return {Errno::kNone, "EVFILT_FS is not modelled yet"};
    case filt::kSendfile: return {Errno::kNone, "EVFILT_SENDFILE is not modelled yet"};
    case filt::kJail: kn.kind = FilterKind::kJail; return {filt_jailattach(ref), {}};
    default: return {Errno::kENXIO, {}};  // filt_nullattach
  }
}

void Kernel::filter_detach(KnoteRef ref) { (this->*kFilterOps[static_cast<std::size_t>(at(ref).kind)].detach)(ref); }

bool Kernel::filter_event(KnoteRef ref, std::int64_t hint) {
  Knote& kn = at(ref);
  return (this->*kFilterOps[static_cast<std::size_t>(kn.kind)].event)(kn, hint);
}

bool Kernel::filter_has_touch(const Knote& kn) const { return kFilterOps[static_cast<std::size_t>(kn.kind)].touch; }

void Kernel::filter_touch_register(KnoteRef ref, KEvent& kev) {
  Knote& kn = at(ref);
  if (kn.kind == FilterKind::kTimer) filt_timertouch_register(ref, kev);
  if (kn.kind == FilterKind::kUser) filt_usertouch_register(kn, kev);
}

// f_touch(EVENT_PROCESS) of the timer and user filters.
KEvent Kernel::filter_touch_process(Knote& kn) {
  KEvent out = kn.kev;
  if (kn.kind == FilterKind::kUser) {
    out.fflags = kn.sfflags;
    out.data = kn.sdata;
  }
  if (has(kn.kev.flags, ev::kClear)) {
    kn.user_triggered = false;
    kn.kev.data = 0;
    kn.kev.fflags = 0;
  }
  return out;
}

}  // namespace kqsim::model
