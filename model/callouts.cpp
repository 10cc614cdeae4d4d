// The callout wheel, reduced to what EVFILT_TIMER needs: every armed timer
// knote has a deadline on the virtual monotonic clock.
#include <algorithm>
#include <cassert>
#include <climits>

#include "model/kernel.hpp"

namespace kqsim::model {

std::optional<std::int64_t> Kernel::next_callout_ns() const {
  std::optional<std::int64_t> best;
  for (const Kqueue& kq : kqueues_) {
    for (std::uint32_t slot : kq.live_slots()) {
      const Knote& kn = kq.knote(slot);
      if (kn.kind != FilterKind::kTimer || kn.timer.deadline_ns < 0) continue;
      if (!best || kn.timer.deadline_ns < *best) best = kn.timer.deadline_ns;
    }
  }
  return best;
}

// Callouts fire in deadline order; equal deadlines fire in kqueue creation
// order, then knote (ident) order. Real kernels leave that order open.
void Kernel::advance_clock_to(std::int64_t target_ns) {
  assert(target_ns >= now_ns_);
  for (;;) {
    std::optional<KnoteRef> due;
    std::int64_t due_ns = target_ns;
    for (std::uint32_t kq = 0; kq < kqueues_.size(); ++kq) {
      for (std::uint32_t slot : kqueues_[kq].live_slots()) {
        const Knote& kn = kqueues_[kq].knote(slot);
        if (kn.kind != FilterKind::kTimer || kn.timer.deadline_ns < 0) continue;
        if (kn.timer.deadline_ns <= due_ns && (!due || kn.timer.deadline_ns < due_ns)) {
          due = KnoteRef{kq, slot};
          due_ns = kn.timer.deadline_ns;
        }
      }
    }
    if (!due) break;
    now_ns_ = std::max(now_ns_, due_ns);
    timer_expire(*due);
  }
  now_ns_ = target_ns;
}

// filt_timerexpire: count the expiry, activate, re-arm a periodic timer from
// its previous deadline. Counting goes on while the knote is disabled (C14).
void Kernel::timer_expire(KnoteRef ref) {
  Knote& kn = at(ref);
  ++kn.kev.data;
  const bool rearm = kn.timer.period_ns > 0 && !has(kn.kev.flags, ev::kOneshot);
  const bool overflow = kn.timer.deadline_ns > INT64_MAX - kn.timer.period_ns;
  kn.timer.deadline_ns = !rearm ? -1 : overflow ? INT64_MAX : kn.timer.deadline_ns + kn.timer.period_ns;
  activate(ref);
}

SysResult Kernel::sleep(std::int64_t duration_ns) {
  if (duration_ns < 0) return SysResult::fail(Errno::kEINVAL);
  advance_clock_to(now_ns_ + duration_ns);
  return SysResult::ok(0);
}

}  // namespace kqsim::model
