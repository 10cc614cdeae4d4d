// kevent(2): kern_kevent -> kqueue_kevent (changes) -> kqueue_scan (events),
// with the scan's sleep played out on the virtual clock.
#include <algorithm>
#include <cassert>
#include <climits>

#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

// timespecvalid_interval
bool timeout_valid(const Timespec& ts) {
  return ts.sec >= 0 && ts.nsec >= 0 && ts.nsec < kNsPerSec;
}

}  // namespace

KeventResult Kernel::kevent(Pid pid, std::int32_t kqfd, std::span<const KEvent> changes,
                            std::int32_t nevents, const std::optional<Timespec>& timeout) {
  KeventResult r;
  EventOut out{nullptr, &r.events};
  r.sys = kevent_call(pid, kqfd, changes, nevents, out, timeout);
  return r;
}

SysResult Kernel::kevent_into(Pid pid, std::int32_t kqfd, std::span<const KEvent> changes,
                              std::span<KEvent> eventlist, const std::optional<Timespec>& timeout) {
  // The records never outnumber nevents >= 0 (the change loop counts them
  // down, a scan stops at nevents), so eventlist is never overrun.
  const auto nevents = static_cast<std::int32_t>(std::min<std::size_t>(eventlist.size(), INT32_MAX));
  EventOut out{eventlist.data(), nullptr};
  return kevent_call(pid, kqfd, changes, nevents, out, timeout);
}

SysResult Kernel::kevent_call(Pid pid, std::int32_t kqfd, std::span<const KEvent> changes, std::int32_t nevents,
                              EventOut& out, const std::optional<Timespec>& timeout) {
  SyscallScope scope(*this, SyscallScope::kKnotesOnly);
  Process& p = proc(pid);
  const FdEntry* e = p.fds.find(kqfd);
  if (e == nullptr) return SysResult::fail(Errno::kEBADF);
  // kqueue_acquire: an open descriptor of another type.
  const File& f = files_[e->file];
  if (f.type != FileType::kKqueue) return SysResult::fail(profile_->non_kqueue_errno);
  const std::uint32_t kq = f.object;
  // A poll with nothing to change and nothing queued: what the general path
  // below returns for it, without walking it (issue 14's empty poll).
  if (changes.empty() && nevents > 0 && timeout && timeout->sec == 0 && timeout->nsec == 0 &&
      kqueues_[kq].queue().empty()) {
    return SysResult::ok(0);
  }

  bool scan_needed = false;
  std::int32_t nevents_left = nevents;
  SysResult r = apply_changes(pid, kq, changes, nevents, out, scan_needed, nevents_left);
  if (!scan_needed) return r;
  return scan_with_timeout(kq, nevents_left, out, timeout);
}

// kqueue_kevent's change loop. A failed change, or any change with
// EV_RECEIPT, becomes an EV_ERROR record while the eventlist has room. With
// no room left the call returns at once: -1/errno for a failure, 0 for a
// receipt, and later changes are not applied (C2). Any record written
// suppresses the scan (C1).
SysResult Kernel::apply_changes(Pid pid, std::uint32_t kq, std::span<const KEvent> changes, std::int32_t nevents,
                                EventOut& out, bool& scan_needed, std::int32_t& nevents_left) {
  std::int32_t left = nevents;
  std::int64_t change_index = -1;
  for (KEvent kev : changes) {
    ++change_index;
    if (kev.filter == 0) continue;  // skipped silently, even with EV_RECEIPT (C3)
    kev.flags = static_cast<EventFlags>(kev.flags & ~ev::kSysFlags);
    RegisterOutcome reg = kqueue_register(kq, kev, proc(pid));
    task_point(TaskPoint::kKeventChange, change_index);
    if (!reg.unsupported.empty()) {
      out.discard();
      return SysResult::unsupported(reg.unsupported);
    }
    if (reg.err == Errno::kNone && !has(kev.flags, ev::kReceipt)) continue;
    if (left == 0) {
      // The early return leaves td_retval at 0: records already written
      // are not counted.
      out.discard();
      return reg.err == Errno::kNone ? SysResult::ok(0) : SysResult::fail(reg.err);
    }
    kev.flags = ev::kError;
    kev.data = static_cast<std::int64_t>(reg.err);
    out.push(kev);
    --left;
  }
  if (out.count != 0) return SysResult::ok(static_cast<std::int64_t>(out.count));
  scan_needed = true;
  nevents_left = left;
  return SysResult::ok(0);
}

// kqueue_scan. A pass that finds only stale or disabled knotes does not
// return 0: the call sleeps on for the rest of its timeout. Sleeping is
// virtual: the clock jumps to the next timer expiry (or TIME_WAIT end) that
// falls before the deadline. Nothing else can wake a single-threaded
// program, so an infinite wait with neither armed is reported as blocked
// forever. A timer due
// exactly at the deadline fires, but the timeout wins that race.
SysResult Kernel::scan_with_timeout(std::uint32_t kq, std::int32_t nevents, EventOut& out,
                                    const std::optional<Timespec>& timeout) {
  if (nevents == 0) return SysResult::ok(0);  // timeout not even validated
  if (nevents < 0) return SysResult::fail(Errno::kEINVAL);
  if (timeout && !timeout_valid(*timeout)) return SysResult::fail(Errno::kEINVAL);
  const bool poll = timeout && timeout->sec == 0 && timeout->nsec == 0;
  // tv_sec > INT32_MAX is treated as an infinite wait.
  const bool infinite = !timeout || timeout->sec > INT32_MAX;
  // tv_sec <= INT32_MAX here, so the sum fits unless the clock itself is near its end.
  const std::int64_t wait_ns = infinite ? 0 : timeout->sec * kNsPerSec + timeout->nsec;
  const std::int64_t deadline = infinite || wait_ns > INT64_MAX - now_ns_ ? INT64_MAX : now_ns_ + wait_ns;

  // Bounded: each round either returns or moves the clock to a timer expiry
  // that queues a knote this scan can see, or to a TIME_WAIT end (one fewer).
  for (std::uint32_t round = 0; round < kMaxWaitRounds; ++round) {
    scan_pass(kq, nevents, out);
    if (out.count != 0) return SysResult::ok(static_cast<std::int64_t>(out.count));
    if (poll) return SysResult::ok(0);
    // The aio daemons run the queued jobs while the caller sleeps.
    if (!aio_queue_.empty()) {
      while (aio_daemons_run()) {}
      run_kqueue_tasks();
      continue;
    }
    auto next = next_wakeup_ns(kq);
    if (!next || *next >= deadline) {
      if (infinite) return SysResult::blocked("kevent() waits forever: nothing that could wake it is pending or armed");
      advance_clock_to(deadline);
      return SysResult::ok(0);
    }
    advance_clock_to(*next);
    run_kqueue_tasks();  // the task thread runs while the caller sleeps
  }
  return SysResult::blocked("kevent() woke too often without an event");
}

// One pass of kqueue_scan over the knotes that were queued when it began
// (the kernel's marker); knotes it re-queues land behind that point.
void Kernel::scan_pass(std::uint32_t kq, std::int32_t nevents, EventOut& out) {
  std::size_t ahead_of_marker = kqueues_[kq].queue().size();
  while (ahead_of_marker > 0 && static_cast<std::int32_t>(out.count) < nevents) {
    --ahead_of_marker;
    auto slot = kqueues_[kq].queue().pop_front();
    assert(slot.has_value());
    if (auto ev = scan_one({kq, *slot})) out.push(*ev);
  }
}

// One knote taken off the head of the queue.
std::optional<KEvent> Kernel::scan_one(KnoteRef ref) {
  Knote& kn = at(ref);
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kQueued);
  if (kn.has_status(kn::kDisabled)) return std::nullopt;  // swept; stays ACTIVE
  if (has(kn.kev.flags, ev::kDrop)) {
    // Nothing the user asked for happened before the object went away
    // (filt_proc, procdesc_kqops_event): destroyed without an event.
    knote_drop(ref);
    return std::nullopt;
  }
  if (has(kn.kev.flags, ev::kOneshot) && !config_.mutations.oneshot_not_deleted) {
    // Delivered as captured at activation, without re-running the filter.
    KEvent out = kn.kev;
    knote_drop(ref);
    return out;
  }
  if (!filter_event(ref)) {
    kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kActive);  // stale: vanishes
    return std::nullopt;
  }
  const bool touch = filter_has_touch(kn);
  KEvent out = touch ? filter_touch_process(kn) : kn.kev;
  if (has(kn.kev.flags, ev::kClear) || has(kn.kev.flags, ev::kDispatch)) {
    if (!touch && has(kn.kev.flags, ev::kClear)) {
      kn.kev.data = 0;
      kn.kev.fflags = 0;
    }
    if (has(kn.kev.flags, ev::kDispatch) && !config_.mutations.dispatch_does_not_disable) {
      kn.status |= kn::kDisabled;
    }
    kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kActive);
  } else {
    // Level-triggered: back to the tail, still queued.
    kn.status |= kn::kQueued;
    kqueues_[ref.kq].queue().push_back(ref.slot);
  }
  return out;
}

}  // namespace kqsim::model
