// kern_event.c: filt_timer*, EVFILT_TIMER on the virtual clock.
#include <climits>

#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

std::int64_t saturating_mul(std::int64_t value, std::int64_t factor) {
  if (value > INT64_MAX / factor) return INT64_MAX;
  return value * factor;
}

// timer2sbintime: one unit bit at most; none means milliseconds. -1 marks
// an invalid unit combination. Huge values saturate instead of wrapping.
std::int64_t timer_to_ns(std::int64_t data, std::uint32_t fflags) {
  switch (fflags & note::kTimerPrecMask) {
    case note::kSeconds: return saturating_mul(data, 1'000'000'000);
    case 0:
    case note::kMseconds: return saturating_mul(data, 1'000'000);
    case note::kUseconds: return saturating_mul(data, 1'000);
    case note::kNseconds: return data;
    default: return -1;
  }
}

}  // namespace

// filt_timervalidate + filt_timerstart. A relative timer is due `to` after
// now and re-arms from its previous deadline (no drift); an absolute one is
// due at a CLOCK_REALTIME instant, fires at once if that has passed (main),
// and never re-arms.
Errno Kernel::timer_validate_and_start(Knote& kn) {
  if (kn.sdata < 0) return Errno::kEINVAL;
  if (kn.sdata == 0 && !has(kn.kev.flags, ev::kOneshot)) kn.sdata = 1;
  if ((kn.sfflags & ~(note::kTimerPrecMask | note::kAbstime)) != 0) return Errno::kEINVAL;
  const std::int64_t to_ns = timer_to_ns(kn.sdata, kn.sfflags);
  if (to_ns < 0) return Errno::kEINVAL;
  if ((kn.sfflags & note::kAbstime) != 0) {
    const std::int64_t until = to_ns - realtime_ns();
    kn.timer.deadline_ns = until <= 0 ? now_ns_ : now_ns_ + until;
    kn.timer.period_ns = 0;
    return Errno::kNone;
  }
  kn.timer.deadline_ns = to_ns > INT64_MAX - now_ns_ ? INT64_MAX : now_ns_ + to_ns;
  kn.timer.period_ns = has(kn.kev.flags, ev::kOneshot) ? 0 : to_ns;
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
// (observed surprise 3: fl 0x4020 data 22).
void Kernel::filt_timertouch_register(KnoteRef ref, const KEvent& kev) {
  if (!has(kev.flags, ev::kAdd)) return;
  Knote& kn = at(ref);
  kn.timer = TimerCallout{};
  if (kn.has_status(kn::kQueued)) dequeue(ref);
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kActive);
  kn.kev.data = 0;
  kn.sfflags = kev.fflags;
  kn.sdata = kev.data;
  if (Errno e = timer_validate_and_start(kn); e != Errno::kNone) {
    kn.timer = TimerCallout{};
    kn.kev.flags |= ev::kError;
    kn.kev.data = static_cast<std::int64_t>(e);
  }
}

}  // namespace kqsim::model
