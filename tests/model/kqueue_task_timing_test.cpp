// The kqueue_task race (model/kqueue_task_timing.hpp): the usual outcome at
// each task point, the other one when a caller names the point, and the
// races a call reports. The two outcomes are those recorded on FreeBSD 13.2
// and 15.1 (docs/observed-real-kernels.md R21;
// traces/regressions/exec-close-watcher-sees-count-between-closes.json and
// nested-watcher-sees-count-at-call-end.json with their recordings).
#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

using TaskTimingTest = KernelTest;

// A kqueue `inner` watching a close-on-exec pipe's write end for EVFILT_READ,
// and `outer` watching inner with EV_ONESHOT: exec's first close (the read
// end) queues the write end's EOF knote, the second close drops it.
struct ExecWatch {
  int inner = -1, outer = -1;
  std::array<std::int32_t, 2> pipe{};
};

ExecWatch watch_cloexec_pipe(Kernel& k, Pid pid) {
  ExecWatch w;
  w.inner = static_cast<int>(k.kqueue(pid).ret);
  w.outer = static_cast<int>(k.kqueue(pid).ret);
  w.pipe = k.pipe(pid, true, true).fds;
  const KEvent on_write_end = kev(static_cast<std::uint64_t>(w.pipe[1]), filt::kRead, ev::kAdd);
  const KEvent on_inner = kev(static_cast<std::uint64_t>(w.inner), filt::kRead, ev::kAdd | ev::kOneshot);
  EXPECT_EQ(k.kevent(pid, w.inner, std::span<const KEvent>(&on_write_end, 1), 0, kPoll).sys.ret, 0);
  EXPECT_EQ(k.kevent(pid, w.outer, std::span<const KEvent>(&on_inner, 1), 0, kPoll).sys.ret, 0);
  return w;
}

TEST_F(TaskTimingTest, ExecUsuallyRunsTheTaskBetweenCloses) {
  ExecWatch w = watch_cloexec_pipe(k, pid);
  k.set_task_timing({});
  ASSERT_EQ(k.exec(pid).ret, 0);
  // The race was met after the first close only: the task ran there.
  ASSERT_EQ(k.task_races().size(), 1U);
  EXPECT_EQ(k.task_races()[0].kind, TaskPoint::kExecClose);
  EXPECT_EQ(k.task_races()[0].detail, w.pipe[0]);
  KeventResult r = poll(w.outer);
  ASSERT_EQ(r.sys.ret, 1);  // R21: the watcher saw a count of 1
  EXPECT_EQ(r.events[0].data, 1);
}

TEST_F(TaskTimingTest, ExecOtherOutcomeLeavesTheTaskForLater) {
  ExecWatch w = watch_cloexec_pipe(k, pid);
  k.set_task_timing({});
  ASSERT_EQ(k.exec(pid).ret, 0);
  const std::uint32_t first_close = k.task_races()[0].point;
  // A fresh kernel, the same program, that point flipped.
  Kernel again(default_profile());
  ExecWatch w2 = watch_cloexec_pipe(again, pid);
  again.set_task_timing({first_close});
  ASSERT_EQ(again.exec(pid).ret, 0);
  // The task was still pending after the second close: a second race met.
  ASSERT_EQ(again.task_races().size(), 2U);
  EXPECT_EQ(again.task_races()[1].detail, w2.pipe[1]);
  EXPECT_EQ(again.kevent(pid, w2.outer, {}, 8, kPoll).sys.ret, 0);  // R21's other outcome: count 0
  EXPECT_TRUE(check_invariants(again).empty());
  (void)w;
}

// Triggering a knote and scanning it in one kevent call: the scan usually
// consumes it before the task runs (count 0 by then), unless the change's
// task point is flipped (nested-watcher-sees-count-at-call-end, step 4).
TEST_F(TaskTimingTest, KeventChangeOtherOutcomeRunsTheTaskBeforeTheScan) {
  for (const bool other : {false, true}) {
    Kernel kernel(default_profile());
    const int inner = static_cast<int>(kernel.kqueue(pid).ret);
    const int outer = static_cast<int>(kernel.kqueue(pid).ret);
    const KEvent user = kev(1, filt::kUser, ev::kAdd | ev::kClear);
    const KEvent watch = kev(static_cast<std::uint64_t>(inner), filt::kRead, ev::kAdd | ev::kOneshot);
    const KEvent trigger = kev(1, filt::kUser, 0, note::kTrigger);
    kernel.kevent(pid, inner, std::span<const KEvent>(&user, 1), 0, kPoll);
    kernel.kevent(pid, outer, std::span<const KEvent>(&watch, 1), 0, kPoll);
    kernel.set_task_timing(other ? std::vector<std::uint32_t>{0} : std::vector<std::uint32_t>{});
    ASSERT_EQ(kernel.kevent(pid, inner, std::span<const KEvent>(&trigger, 1), 4, kPoll).sys.ret, 1);
    ASSERT_EQ(kernel.task_races().size(), 1U);
    EXPECT_EQ(kernel.task_races()[0].kind, TaskPoint::kKeventChange);
    EXPECT_EQ(kernel.task_races()[0].detail, 0);
    KeventResult r = kernel.kevent(pid, outer, {}, 8, kPoll);
    EXPECT_EQ(r.sys.ret, other ? 1 : 0) << "other outcome: " << other;
    if (other) {
      EXPECT_EQ(r.events[0].data, 1);
    }
  }
}

// Without set_task_timing (the explorer, kqcheck) nothing is noted.
TEST_F(TaskTimingTest, NothingNotedUnlessAsked) {
  watch_cloexec_pipe(k, pid);
  ASSERT_EQ(k.exec(pid).ret, 0);
  EXPECT_TRUE(k.task_races().empty());
}

}  // namespace
}  // namespace kqsim::model::testing
