// The callout wheel, reduced to what EVFILT_TIMER needs: every armed timer
// knote has a deadline on the virtual monotonic clock.
#include <algorithm>
#include <cassert>
#include <climits>

#include "model/kernel.hpp"

namespace kqsim::model {

// The earliest timer expiry that could queue something this kqueue's scan
// would return: an enabled timer, not already queued, in this kqueue or in a
// kqueue it watches through an enabled EVFILT_READ knote (transitively).
// A queued knote's further expiries enqueue nothing, so they wake nobody
// (kqueue_wakeup runs from knote_enqueue only). Other timers fire as time
// passes but cannot end this wait.
// The kqueues reached are found from the watched side (kq_sel's knlist):
// a kqueue watched by an enabled knote of a reached kqueue is reached, so
// the walk costs the kqueues and their watchers, not every knote; a watched
// kqueue that closed has no knotes left to add.
std::optional<std::int64_t> Kernel::next_wakeup_ns(std::uint32_t kq) const {
  std::vector<std::uint32_t> reach{kq};
  for (bool grew = true; grew;) {
    grew = false;
    for (std::uint32_t w = 0; w < kqueues_.size(); ++w) {
      if (std::find(reach.begin(), reach.end(), w) != reach.end()) continue;
      for (KnoteRef ref : kqueues_[w].watchers().newest_first()) {
        const bool enabled = !kqueues_[ref.kq].knote(ref.slot).has_status(kn::kDisabled);
        if (enabled && std::find(reach.begin(), reach.end(), ref.kq) != reach.end()) {
          reach.push_back(w);
          grew = true;
          break;
        }
      }
    }
  }
  std::optional<std::int64_t> best;
  for (std::uint32_t r : reach) {
    const Kqueue& q = kqueues_[r];
    for (std::uint32_t slot : q.timer_slots()) {
      const Knote& kn = q.knote(slot);
      if (kn.has_status(kn::kDisabled) || kn.kind != FilterKind::kTimer) continue;
      const bool can_enqueue = !kn.has_status(kn::kQueued);
      if (can_enqueue && kn.timer.deadline_ns >= 0 && (!best || kn.timer.deadline_ns < *best)) best = kn.timer.deadline_ns;
    }
  }
  // A TIME_WAIT end wakes its socket's knotes (15.1): one that can enqueue
  // a knote of a reached kqueue ends the wait as a timer would.
  for (std::uint32_t id : timewait_sockets_) {
    const std::int64_t end_ns = sock(id).timewait_end_ns;
    if ((!best || end_ns < *best) && wakes_reached_knote(sock(id), reach)) best = end_ns;
  }
  return best;
}

// Whether a wakeup of the socket's readers and writers could enqueue an
// enabled knote of one of the kqueues in `reach`.
bool Kernel::wakes_reached_knote(const Socket& so, const std::vector<std::uint32_t>& reach) const {
  for (const KnoteList* list : {&so.rd_knotes, &so.wr_knotes}) {
    for (KnoteRef ref : list->newest_first()) {
      const Knote& kn = kqueues_[ref.kq].knote(ref.slot);
      const bool can_enqueue = !kn.has_status(kn::kDisabled) && !kn.has_status(kn::kQueued);
      if (can_enqueue && std::find(reach.begin(), reach.end(), ref.kq) != reach.end()) return true;
    }
  }
  return false;
}

// Callouts fire in deadline order; equal deadlines fire in kqueue creation
// order, then knote (ident) order, then TIME_WAIT ends in socket order.
// Real kernels leave that order open.
void Kernel::advance_clock_to(std::int64_t target_ns) {
  assert(target_ns >= now_ns_);
  // The clock passes armed TIME_WAIT ends: the socket check sees that none
  // is left overdue (a sleep or a wait names no object of its own).
  if (!timewait_sockets_.empty()) touched_objects_ |= kSocketObjects;
  for (;;) {
    std::optional<KnoteRef> due;
    std::int64_t due_ns = target_ns;
    for (std::uint32_t kq = 0; kq < kqueues_.size(); ++kq) {
      for (std::uint32_t slot : kqueues_[kq].timer_slots()) {
        const Knote& kn = kqueues_[kq].knote(slot);
        if (kn.kind != FilterKind::kTimer || kn.timer.deadline_ns < 0 || kn.timer.deadline_ns > due_ns) continue;
        // Equal deadlines: the lower ident first within a kqueue (timers
        // have no NOTE_TRACK duplicates, so the ident decides).
        const bool earlier = !due || kn.timer.deadline_ns < due_ns ||
                             (due->kq == kq && kn.kev.ident < kqueues_[kq].knote(due->slot).kev.ident);
        if (earlier) {
          due = KnoteRef{kq, slot};
          due_ns = kn.timer.deadline_ns;
        }
      }
    }
    // TIME_WAIT's 2MSL callouts run in the same deadline order; a timer due
    // at the same instant runs first.
    if (auto tw = timewait_due(due ? due_ns - 1 : target_ns)) {
      now_ns_ = std::max(now_ns_, sock(*tw).timewait_end_ns);
      tcp_timewait_end(*tw);
      continue;
    }
    if (!due) break;
    now_ns_ = std::max(now_ns_, due_ns);
    timer_expire(*due, target_ns);
  }
  now_ns_ = target_ns;
}

// filt_timerexpire for every expiry up to target_ns at once: a periodic
// timer that expired n times while time jumped counts n (main adds the
// missed periods too) and re-arms after target_ns. Counting goes on while
// the knote is disabled (C14).
void Kernel::timer_expire(KnoteRef ref, std::int64_t target_ns) {
  Knote& kn = at(ref);
  const bool rearm = kn.timer.period_ns > 0 && !has(kn.kev.flags, ev::kOneshot);
  std::int64_t n = rearm ? (target_ns - kn.timer.deadline_ns) / kn.timer.period_ns + 1 : 1;
  kn.kev.data = kn.kev.data > INT64_MAX - n ? INT64_MAX : kn.kev.data + n;
  if (!rearm) {
    kn.timer.deadline_ns = -1;
  } else {
    const bool overflow = n > (INT64_MAX - kn.timer.deadline_ns) / kn.timer.period_ns;
    const std::int64_t next = overflow ? INT64_MAX : kn.timer.deadline_ns + n * kn.timer.period_ns;
    // The clock saturates at INT64_MAX: a next expiry that does not lie after
    // target_ns was saturated there too, and lies past the end of the clock,
    // so it never comes (re-arming it at target_ns would fire it forever).
    kn.timer.deadline_ns = next > target_ns ? next : -1;
    kn.timer.next_ns = next;
  }
  activate(ref);
}

// filt_timerexpire_l for a periodic callout armed at a kc->next that has
// passed (a fork copy of a drained timer, R46): it fires at once and counts
// the whole periods since kc->next, at least one - not the expiry at
// kc->next itself, unlike timer_expire's catch-up of a clock jump - and
// re-arms a period after now when kc->next plus those periods is not after
// now. Recorded on 15.1: a 200 ms timer drained at 0, copied at 1 s, counts
// 4 at the copy and 1 more at 1.2 s
// (cponfork-drained-timer-copy-counts-missed-periods-15.1).
void Kernel::timer_expire_late(KnoteRef ref) {
  Knote& kn = at(ref);
  const std::int64_t period = kn.timer.period_ns;
  assert(period > 0 && kn.timer.next_ns < now_ns_);
  const std::int64_t delta = std::max<std::int64_t>(1, (now_ns_ - kn.timer.next_ns) / period);
  kn.kev.data = kn.kev.data > INT64_MAX - delta ? INT64_MAX : kn.kev.data + delta;
  const bool overflow = delta > (INT64_MAX - kn.timer.next_ns) / period;
  std::int64_t next = overflow ? INT64_MAX : kn.timer.next_ns + delta * period;
  if (next <= now_ns_) next = now_ns_ > INT64_MAX - period ? INT64_MAX : now_ns_ + period;
  kn.timer.deadline_ns = next;
  kn.timer.next_ns = next;
  activate(ref);
}

SysResult Kernel::sleep(std::int64_t duration_ns) {
  // Timers fire (knotes only); the aio daemons name what they change.
  SyscallScope scope(*this, 0U);
  if (duration_ns < 0) return SysResult::fail(Errno::kEINVAL);
  while (aio_daemons_run()) {}  // the aio daemons run while the caller sleeps
  advance_clock_to(duration_ns > INT64_MAX - now_ns_ ? INT64_MAX : now_ns_ + duration_ns);
  return SysResult::ok(0);
}

}  // namespace kqsim::model
