// kern_event.c: filt_timer*, EVFILT_TIMER on the virtual clock.
#include <climits>

#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

// SBT_MAX (sbintime_t, 2^-32 s units) in nanoseconds: just under 2^31 s.
// timer2sbintime saturates to it on LP64.
constexpr std::int64_t kSbtMaxNs = 2'147'483'648'000'000'000 - 1;
constexpr std::int64_t kSbtMaxSeconds = 2'147'483'647;  // SBT_MAX / SBT_1S

// timer2sbintime: one unit bit at most; none means milliseconds. -1 marks
// an invalid unit combination. Whole seconds above SBT_MAX / SBT_1S give
// SBT_MAX, whatever the unit.
std::int64_t timer_to_ns(std::int64_t data, std::uint32_t fflags) {
  std::int64_t per_second = 0;
  switch (fflags & note::kTimerPrecMask) {
    case note::kSeconds: per_second = 1; break;
    case 0:
    case note::kMseconds: per_second = 1'000; break;
    case note::kUseconds: per_second = 1'000'000; break;
    case note::kNseconds: per_second = 1'000'000'000; break;
    default: return -1;
  }
  if (data / per_second > kSbtMaxSeconds) return kSbtMaxNs;
  return data / per_second * 1'000'000'000 + data % per_second * (1'000'000'000 / per_second);
}

}  // namespace

// filt_timerstart's callout_reset at kc->next.
void Kernel::arm_timer(Knote& kn, std::int64_t deadline_ns, std::int64_t period_ns) {
  kn.timer.deadline_ns = deadline_ns;
  kn.timer.next_ns = deadline_ns;
  kn.timer.period_ns = period_ns;
}

// filt_timervalidate + filt_timerstart. A relative timer is due `to` after
// now and re-arms from its previous deadline (no drift); an absolute one is
// due at a CLOCK_REALTIME instant, fires at once if that has passed (main),
// and never re-arms.
// filt_timerstart computes `to + sbinuptime()` unchecked: when that passes
// SBT_MAX (a saturated period always does, uptime being positive) the sum
// wraps negative, a deadline in the past. The callout then runs at the next
// tick, and every re-arm (next += to) lands in the past again, so the timer
// fires once per tick (recorded on 13.2 and 15.1: docs/observed-real-kernels.md R2).
Errno Kernel::timer_validate_and_start(Knote& kn) {
  if (kn.sdata < 0) return Errno::kEINVAL;
  if (kn.sdata == 0 && !has(kn.kev.flags, ev::kOneshot)) kn.sdata = 1;
  if ((kn.sfflags & ~(note::kTimerPrecMask | note::kAbstime)) != 0) return Errno::kEINVAL;
  const std::int64_t to_ns = timer_to_ns(kn.sdata, kn.sfflags);
  if (to_ns < 0) return Errno::kEINVAL;
  if ((kn.sfflags & note::kAbstime) != 0) {
    const std::int64_t until = to_ns - realtime_ns();
    arm_timer(kn, until <= 0 ? now_ns_ : now_ns_ + until, 0);
    return Errno::kNone;
  }
  const bool oneshot = has(kn.kev.flags, ev::kOneshot);
  if (to_ns >= kSbtMaxNs - now_ns_) {
    const std::int64_t tick = profile_->tick_ns;
    arm_timer(kn, now_ns_ > INT64_MAX - tick ? INT64_MAX : now_ns_ + tick, oneshot ? 0 : tick);
    return Errno::kNone;
  }
  arm_timer(kn, now_ns_ + to_ns, oneshot ? 0 : to_ns);
  return Errno::kNone;
}

// filt_timerattach: validation, the system-wide callout cap, EV_CLEAR forced
// for relative timers only (T/timer.c abstime expects no EV_CLEAR).
Errno Kernel::filt_timerattach(KnoteRef ref) {
  Knote& kn = at(ref);
  if (Errno e = timer_validate_and_start(kn); e != Errno::kNone) return e;
  if (callouts_ >= profile_->kq_calloutmax) return Errno::kENOMEM;
  ++callouts_;
  if ((kn.sfflags & note::kAbstime) == 0) kn.kev.flags |= ev::kClear;
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kDetached);
  return Errno::kNone;
}

void Kernel::filt_timerdetach(KnoteRef ref) {
  at(ref).timer = TimerCallout{};
  --callouts_;
}

// data counts expirations since the last delivery.
bool Kernel::filt_timer(Knote& kn, std::int64_t) { return kn.kev.data != 0; }

// filt_timertouch(EVENT_REGISTER): only a re-add (EV_ADD) reprograms the
// timer. The pending expiry is thrown away and the timer restarts from now
// with the new parameters; invalid ones do not fail the change but leave
// EV_ERROR and the errno in the knote, delivered by a later scan
// (docs/observed-real-kernels.md S3: fl 0x4020 data 22).
void Kernel::filt_timertouch_register(KnoteRef ref, const KEvent& kev) {
  if (!has(kev.flags, ev::kAdd)) return;
  Knote& kn = at(ref);
  kn.timer.deadline_ns = -1;  // callout_drain: kc->next and the period stay
  if (kn.has_status(kn::kQueued)) dequeue(ref);
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kActive);
  kn.kev.data = 0;
  kn.sfflags = kev.fflags;
  kn.sdata = kev.data;
  if (Errno e = timer_validate_and_start(kn); e != Errno::kNone) {
    kn.kev.flags |= ev::kError;
    kn.kev.data = static_cast<std::int64_t>(e);
  }
}

}  // namespace kqsim::model
