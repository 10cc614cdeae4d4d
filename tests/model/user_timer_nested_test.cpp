// EVFILT_USER, EVFILT_TIMER and kqueue-in-kqueue (kern_event.c filters).
#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

using FilterTest = KernelTest;

// C13: NOTE_TRIGGER on the creating EV_ADD is ignored; a trigger persists without EV_CLEAR.
TEST_F(FilterTest, UserTriggerRules) {
  int kq = new_kq();
  add(kq, kev(1, filt::kUser, ev::kAdd, note::kTrigger));
  EXPECT_EQ(poll(kq).sys.ret, 0);
  add(kq, kev(1, filt::kUser, 0, note::kTrigger));
  EXPECT_EQ(poll(kq).sys.ret, 1);
  KeventResult again = poll(kq);
  ASSERT_EQ(again.sys.ret, 1);
  EXPECT_EQ(again.events[0].fflags, note::kTrigger);  // S2: stored raw at creation
}

// C13: FFCOPY/FFOR/FFAND combine the low 24 bits; data = last change's data.
TEST_F(FilterTest, UserFflagsControl) {
  int kq = new_kq();
  add(kq, kev(1, filt::kUser, ev::kAdd | ev::kClear));
  add(kq, kev(1, filt::kUser, 0, note::kFfcopy | 0x1230f0));
  add(kq, kev(1, filt::kUser, 0, note::kFfor | 0x0f));
  add(kq, kev(1, filt::kUser, 0, note::kFfand | note::kTrigger | 0x303c, 77));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, 0x303cU);
  EXPECT_EQ(r.events[0].data, 77);
  EXPECT_EQ(poll(kq).sys.ret, 0);  // EV_CLEAR: one event per trigger
}

// S2: created with FFOR|0x12, later triggered: fflags 0x80000012.
TEST_F(FilterTest, UserCreationFflagsKeepControlBits) {
  int kq = new_kq();
  add(kq, kev(1, filt::kUser, ev::kAdd, note::kFfor | 0x12));
  add(kq, kev(1, filt::kUser, 0, note::kTrigger));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, 0x80000012U);
}

// C14: EV_CLEAR forced, fflags 0, counting continues while disabled.
TEST_F(FilterTest, TimerCountsWhileDisabled) {
  int kq = new_kq();
  add(kq, kev(1, filt::kTimer, ev::kAdd, 0, 10));
  add(kq, kev(1, filt::kTimer, ev::kDisable));
  k.sleep(55'000'000);
  add(kq, kev(1, filt::kTimer, ev::kEnable));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, ev::kClear);
  EXPECT_EQ(r.events[0].fflags, 0U);
  EXPECT_EQ(r.events[0].data, 5);  // C14 saw 6 with a real tick; the virtual clock is exact
}

// C14 / T/timer.c: invalid data and units; the callout cap.
TEST_F(FilterTest, TimerValidation) {
  int kq = new_kq();
  EXPECT_EQ(apply(kq, {kev(1, filt::kTimer, ev::kAdd, 0, -1)}, 0).sys.err, Errno::kEINVAL);
  EXPECT_EQ(apply(kq, {kev(1, filt::kTimer, ev::kAdd, note::kSeconds | note::kUseconds, 1)}, 0).sys.err,
            Errno::kEINVAL);
  EXPECT_EQ(apply(kq, {kev(1, filt::kTimer, ev::kAdd, 0x100, 1)}, 0).sys.err, Errno::kEINVAL);
  EXPECT_EQ(k.callout_count(), 0U);
}

// S3: re-adding with invalid data succeeds, then an EV_ERROR event arrives.
TEST_F(FilterTest, TimerReAddWithInvalidDataReportsLater) {
  int kq = new_kq();
  add(kq, kev(1, filt::kTimer, ev::kAdd, 0, 1000));
  KeventResult r = apply(kq, {kev(1, filt::kTimer, ev::kAdd | ev::kReceipt, 0, -5)}, 1);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 0);
  KeventResult later = poll(kq);
  ASSERT_EQ(later.sys.ret, 1);
  EXPECT_EQ(later.events[0].flags, ev::kError | ev::kClear);  // 0x4020
  EXPECT_EQ(later.events[0].data, 22);
}

// T/timer.c abstime_epoch: NOTE_ABSTIME data 0 fires at once, flags without EV_CLEAR.
TEST_F(FilterTest, AbsoluteTimerInThePast) {
  int kq = new_kq();
  add(kq, kev(1, filt::kTimer, ev::kAdd, note::kAbstime, 0));
  KeventResult r = k.kevent(pid, kq, {}, 1, Timespec{1, 0});
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, 0);
  EXPECT_EQ(r.events[0].data, 1);
  EXPECT_EQ(k.now_ns(), 0);
}

// A timed wait wakes at the timer's expiry, not at its deadline.
TEST_F(FilterTest, WaitWakesAtTimerExpiry) {
  int kq = new_kq();
  add(kq, kev(1, filt::kTimer, ev::kAdd | ev::kOneshot, 0, 30));
  KeventResult r = k.kevent(pid, kq, {}, 4, Timespec{0, 100'000'000});
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, ev::kOneshot | ev::kClear);
  EXPECT_EQ(k.now_ns(), 30'000'000);
  EXPECT_EQ(k.kevent(pid, kq, {}, 4, Timespec{1, 0}).sys.ret, 0);  // oneshot: gone
}

// kern_event.c timer2sbintime saturates to SBT_MAX, then filt_timerstart's
// `to + sbinuptime()` wraps into the past: the callout runs at the next tick
// and, re-armed in the past each time, at every tick after (R2: recorded
// counts 5 to 56 on 13.2 and 15.1 for a period of INT64_MAX seconds).
TEST_F(FilterTest, SaturatedTimerPeriodFiresEveryTick) {
  int kq = new_kq();
  add(kq, kev(1, filt::kTimer, ev::kAdd, note::kSeconds, INT64_MAX));
  EXPECT_EQ(poll(kq).sys.ret, 0);  // not before the next tick
  k.sleep(10 * default_profile().tick_ns);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 10);
  k.sleep(3 * default_profile().tick_ns);
  r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 3);
}

// The wrap needs only period + uptime past SBT_MAX: 2^31 - 1 seconds (just
// below saturation) wraps once the clock has run a few seconds, and a
// period well inside the range does not fire early.
TEST_F(FilterTest, TimerWrapsOnlyPastSbtMax) {
  int kq = new_kq();
  k.sleep(5'000'000'000);
  add(kq, kev(1, filt::kTimer, ev::kAdd, note::kSeconds, 2'147'483'647));
  add(kq, kev(2, filt::kTimer, ev::kAdd, note::kSeconds, 1'000'000'000));
  k.sleep(default_profile().tick_ns);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].ident, 1U);
}

// C18: outer EVFILT_READ data = the inner kqueue's pending count.
TEST_F(FilterTest, NestedKqueueCountsPending) {
  int inner = new_kq(), outer = new_kq();
  for (std::uint64_t id = 1; id <= 4; ++id) add(inner, kev(id, filt::kUser, ev::kAdd));
  for (std::uint64_t id = 1; id <= 3; ++id) add(inner, kev(id, filt::kUser, 0, note::kTrigger));
  add(outer, kev(static_cast<std::uint64_t>(inner), filt::kRead, ev::kAdd));
  KeventResult r = poll(outer);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 3);
  EXPECT_EQ(apply(outer, {kev(static_cast<std::uint64_t>(inner), filt::kWrite, ev::kAdd)}, 0).sys.err, Errno::kEINVAL);
}

}  // namespace
}  // namespace kqsim::model::testing

namespace kqsim::model::testing {
namespace {

// D2: filter -14 is EVFILT_JAIL on 15.x; a jail that does not exist is ENOENT.
TEST_F(FilterTest, JailFilterKnowsOnlyTheOwnPrison) {
  int kq = new_kq();
  EXPECT_EQ(apply(kq, {kev(999999, filt::kJail, ev::kAdd)}, 0).sys.err, Errno::kENOENT);
  add(kq, kev(0, filt::kJail, ev::kAdd));
  EXPECT_EQ(k.kqueues()[0].knote(0).kev.flags, ev::kClear);
  EXPECT_EQ(poll(kq).sys.ret, 0);
}

class Filter132Test : public KernelTest {
 protected:
  Filter132Test() : KernelTest(*find_profile("freebsd-13.2")) {}
};

// C15: before the jail filters, -14 is outside EVFILT_SYSCOUNT.
TEST_F(Filter132Test, FilterMinus14IsEinvalOn132) {
  int kq = new_kq();
  EXPECT_EQ(apply(kq, {kev(0, filt::kJail, ev::kAdd)}, 0).sys.err, Errno::kEINVAL);
}

}  // namespace
}  // namespace kqsim::model::testing

namespace kqsim::model::testing {
namespace {

using SignalTest = KernelTest;

// T/signal.c signal_enable and C17: counted while disabled, ignored or blocked.
TEST_F(SignalTest, CountsGenerationsWhateverTheDisposition) {
  int kq = new_kq();
  ASSERT_EQ(k.sigaction(pid, sig::kUsr1, SignalAction::kIgnore).ret, 0);
  add(kq, kev(sig::kUsr1, filt::kSignal, ev::kAdd | ev::kDisable));
  k.kill(pid, pid, sig::kUsr1);
  k.kill(pid, pid, sig::kUsr1);
  add(kq, kev(sig::kUsr1, filt::kSignal, ev::kEnable));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, ev::kClear);
  EXPECT_EQ(r.events[0].data, 2);
  EXPECT_TRUE(k.process(pid)->alive);
}

// kern_sig.c: a default SIGUSR1 terminates; a blocked one waits until unblocked.
TEST_F(SignalTest, DefaultActionTerminatesOnceDelivered) {
  auto child = static_cast<Pid>(k.fork(pid).ret);
  ASSERT_EQ(k.sigprocmask(child, true, sig::kUsr1).ret, 0);
  EXPECT_EQ(k.kill(pid, child, sig::kUsr1).ret, 0);
  EXPECT_TRUE(k.process(child)->alive);
  EXPECT_EQ(k.sigprocmask(child, false, sig::kUsr1).ret, 0);
  EXPECT_FALSE(k.process(child)->alive);
  EXPECT_EQ(k.process(child)->exit_status, sig::kUsr1);
  EXPECT_EQ(k.kill(pid, 99, sig::kUsr1).err, Errno::kESRCH);
  EXPECT_EQ(k.kill(pid, pid, 200).err, Errno::kEINVAL);
  EXPECT_EQ(k.sigaction(pid, sig::kKill, SignalAction::kIgnore).err, Errno::kEINVAL);
}

}  // namespace
}  // namespace kqsim::model::testing
