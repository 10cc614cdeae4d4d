// kqueue_register (kern_event.c): apply one change to one kqueue. The check
// order is the kernel's; the first failing check decides the errno.
#include <cassert>
#include <climits>

#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

// EV_KEEPUDATA in a dialect that has it (elsewhere the bit means nothing):
// refused with EV_ADD, and a modify keeps the knote's udata.
bool keeps_udata(const DialectProfile& profile, const KEvent& kev) { return profile.has_keepudata && has(kev.flags, ev::kKeepUdata); }

}  // namespace

Kernel::RegisterOutcome Kernel::kqueue_register(std::uint32_t kq, KEvent& kev, Process& p) {
  if (has(kev.flags, ev::kEnable) && has(kev.flags, ev::kDisable)) return {Errno::kEINVAL, {}};
  // kqueue_fo_find: only -EVFILT_SYSCOUNT..-1 name a filter.
  if (kev.filter > 0 || kev.filter < -profile_->filter_syscount) return {Errno::kEINVAL, {}};
  if (keeps_udata(*profile_, kev) && has(kev.flags, ev::kAdd)) return {Errno::kEINVAL, {}};

  FileIndex fp = kNoFile;
  if (filter_is_fd_based(kev.filter)) {
    if (kev.ident > static_cast<std::uint64_t>(INT_MAX)) return {Errno::kEBADF, {}};
    const FdEntry* e = p.fds.find(static_cast<std::int32_t>(kev.ident));
    if (e == nullptr) return {Errno::kEBADF, {}};
    fp = e->file;
    if (files_[fp].type == FileType::kKqueue && files_[fp].object == kq) return {Errno::kEINVAL, {}};
  }

  auto slot = kqueues_[kq].lookup(kev.ident, kev.filter);
  if (!slot) {
    // EV_ADD|EV_DELETE on a missing knote takes this path: the delete is ignored.
    if (!has(kev.flags, ev::kAdd)) return {Errno::kENOENT, {}};
    return register_new_knote(kq, kev, fp, p);
  }
  KnoteRef ref{kq, *slot};
  if (has(kev.flags, ev::kDelete)) {
    knote_drop(ref);
    return {};
  }
  register_modify(ref, kev);
  register_finish(ref);
  return {};
}

// The creation path: the knote keeps the input fflags/data as sfflags/sdata,
// and the change record itself is zeroed (an EV_RECEIPT for a new knote
// therefore shows fflags 0 and data 0). Action bits are not stored;
// EV_ONESHOT/CLEAR/DISPATCH/RECEIPT persist and are echoed in every event.
Kernel::RegisterOutcome Kernel::register_new_knote(std::uint32_t kq, KEvent& kev, FileIndex fp, Process& p) {
  Knote kn;
  kn.sfflags = kev.fflags;
  kn.sdata = kev.data;
  kev.fflags = 0;
  kev.data = 0;
  kn.kev = kev;
  kn.kev.flags = static_cast<EventFlags>(kn.kev.flags & ~ev::kActionBits);
  kn.status = kn::kDetached;
  if (has(kev.flags, ev::kDisable)) kn.status |= kn::kDisabled;
  kn.file = fp;
  KnoteRef ref{kq, kqueues_[kq].insert(kn)};
  note_touched(ref);
  if (fp != kNoFile) fhold(fp);  // the reference fget took stays with the knote

  RegisterOutcome attached = filter_attach(ref, p);
  if (attached.err != Errno::kNone || !attached.unsupported.empty()) {
    // knote_drop_detached
    kqueues_[kq].erase(ref.slot);
    if (fp != kNoFile) fdrop(fp);
    return attached;
  }
  register_finish(ref);
  return {};
}

// A change to an existing knote. Its flags never change here except through
// EV_FORCEONESHOT: re-adding with EV_CLEAR or EV_ONESHOT does nothing (C6).
void Kernel::register_modify(KnoteRef ref, KEvent& kev) {
  Knote& kn = at(ref);
  if (has(kev.flags, ev::kForceOneshot)) {
    kn.kev.flags |= ev::kOneshot;
    activate(ref);
  }
  if (has(kev.flags, ev::kEnable)) {
    kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kDisabled);
  } else if (has(kev.flags, ev::kDisable)) {
    kn.status |= kn::kDisabled;
  }
  if (!keeps_udata(*profile_, kev)) kn.kev.udata = kev.udata;
  if (filter_has_touch(kn)) {
    filter_touch_register(ref, kev);
  } else {
    // Every modify, even a bare EV_ENABLE, replaces the saved input (C5).
    kn.sfflags = kev.fflags;
    kn.sdata = kev.data;
  }
}

// done_ev_add: evaluate the filter unless disabled; queue if the knote is
// active, enabled and not yet queued. An EV_ENABLE of a knote that became
// active while disabled queues it even if the condition has gone: the next
// scan re-evaluates and drops it.
void Kernel::register_finish(KnoteRef ref) {
  Knote& kn = at(ref);
  bool event = !kn.has_status(kn::kDisabled) && filter_event(ref);
  if (event) kn.status |= kn::kActive;
  if ((kn.status & (kn::kActive | kn::kDisabled | kn::kQueued)) == kn::kActive) enqueue(ref);
}

}  // namespace kqsim::model
