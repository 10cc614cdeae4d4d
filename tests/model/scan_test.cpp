// kqueue_scan rules: ordering, truncation, stale events, ONESHOT/CLEAR/DISPATCH,
// disabled knotes, timeouts.
#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

using ScanTest = KernelTest;

std::vector<std::uint64_t> idents(const KeventResult& r) {
  std::vector<std::uint64_t> out;
  for (const KEvent& e : r.events) out.push_back(e.ident);
  return out;
}

// C8: activation order; nevents=1 rotates level-triggered knotes to the tail.
TEST_F(ScanTest, TruncationKeepsOrderAndLevelKnotesRotate) {
  int kq = new_kq();
  auto a = new_pipe(), b = new_pipe(), c = new_pipe();
  add(kq, kev(c[0], filt::kRead, ev::kAdd));
  add(kq, kev(b[0], filt::kRead, ev::kAdd));
  add(kq, kev(a[0], filt::kRead, ev::kAdd));
  for (auto* q : {&a, &b, &c}) ASSERT_EQ(k.write(pid, (*q)[1], 1).ret, 1);
  const std::uint64_t A = a[0], B = b[0], C = c[0];
  std::vector<std::uint64_t> seen;
  for (int i = 0; i < 5; ++i) seen.push_back(idents(poll(kq, 1)).at(0));
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{A, B, C, A, B}));
  EXPECT_EQ(idents(poll(kq, 8)), (std::vector<std::uint64_t>{C, A, B}));
}

// T/read.c oneshot: one event, then the knote is gone.
TEST_F(ScanTest, OneshotDeliversOnceAndDeletes) {
  int kq = new_kq();
  auto p = new_pipe();
  add(kq, kev(p[0], filt::kRead, ev::kAdd | ev::kOneshot));
  k.write(pid, p[1], 1);
  EXPECT_EQ(poll(kq).sys.ret, 1);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(apply(kq, {kev(p[0], filt::kRead, ev::kDelete)}, 0).sys.err, Errno::kENOENT);
}

// T/read.c clear (on a socket): two writes, one event with data 2. On a pipe,
// pipe_read calls pipeselwakeup(rpipe) once PIPE_BUF bytes are free, which
// re-activates the reader's own EV_CLEAR knote with what is left (sys_pipe.c).
TEST_F(ScanTest, ClearIsEdgeTriggeredAndResetsData) {
  int kq = new_kq();
  auto p = new_pipe();
  add(kq, kev(p[0], filt::kRead, ev::kAdd | ev::kClear));
  k.write(pid, p[1], 1);
  k.write(pid, p[1], 1);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 2);
  EXPECT_EQ(r.events[0].flags, ev::kClear);
  EXPECT_EQ(poll(kq).sys.ret, 0);  // edge: nothing new
  k.read(pid, p[0], 1);
  KeventResult after_read = poll(kq);
  ASSERT_EQ(after_read.sys.ret, 1);
  EXPECT_EQ(after_read.events[0].data, 1);
}

// T/read.c dispatch: one event, then disabled although data remains; EV_DELETE works.
TEST_F(ScanTest, DispatchDisablesAfterDelivery) {
  int kq = new_kq();
  auto p = new_pipe();
  add(kq, kev(p[0], filt::kRead, ev::kAdd | ev::kDispatch));
  k.write(pid, p[1], 2);
  EXPECT_EQ(poll(kq).sys.ret, 1);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_TRUE(k.kqueues()[0].knote(0).has_status(kn::kDisabled));
  add(kq, kev(p[0], filt::kRead, ev::kEnable));
  EXPECT_EQ(poll(kq).sys.ret, 1);
  add(kq, kev(p[0], filt::kRead, ev::kDelete));
}

// Level-triggered: returned on every call while true; a stale event is dropped by the scan.
TEST_F(ScanTest, StaleEventVanishesAtScan) {
  int kq = new_kq();
  auto p = new_pipe();
  add(kq, kev(p[0], filt::kRead, ev::kAdd));
  k.write(pid, p[1], 1);
  EXPECT_EQ(poll(kq).sys.ret, 1);
  EXPECT_EQ(poll(kq).sys.ret, 1);
  k.read(pid, p[0], 1);
  EXPECT_EQ(k.kqueues()[0].pending_count(), 1);  // still queued until a scan looks
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(k.kqueues()[0].pending_count(), 0);
}

// C4: EV_DISABLE does not dequeue; the next scan sweeps it; EV_ENABLE re-queues it.
TEST_F(ScanTest, DisableLeavesKnoteQueuedUntilScan) {
  int kq = new_kq();
  add(kq, kev(1, filt::kUser, ev::kAdd));
  add(kq, kev(1, filt::kUser, 0, note::kTrigger));
  add(kq, kev(1, filt::kUser, ev::kDisable));
  EXPECT_EQ(k.kqueues()[0].pending_count(), 1);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(k.kqueues()[0].pending_count(), 0);
  add(kq, kev(1, filt::kUser, ev::kEnable));
  EXPECT_EQ(poll(kq).sys.ret, 1);
}

// core.md §2/§4: state accumulates while disabled and is queued on EV_ENABLE even if gone.
TEST_F(ScanTest, EnableQueuesKnoteThatBecameActiveWhileDisabled) {
  int kq = new_kq();
  auto p = new_pipe();
  add(kq, kev(p[0], filt::kRead, ev::kAdd | ev::kDisable));
  k.write(pid, p[1], 1);
  k.read(pid, p[0], 1);
  add(kq, kev(p[0], filt::kRead, ev::kEnable));
  EXPECT_EQ(k.kqueues()[0].pending_count(), 1);  // queued although no data remains
  EXPECT_EQ(poll(kq).sys.ret, 0);                // and dropped as stale
}

// core.md §5.1-2: nevents 0 returns at once without validating the timeout.
TEST_F(ScanTest, TimeoutRules) {
  int kq = new_kq();
  EXPECT_EQ(k.kevent(pid, kq, {}, 0, Timespec{-1, 0}).sys.ret, 0);
  EXPECT_EQ(k.kevent(pid, kq, {}, 1, Timespec{-1, 0}).sys.err, Errno::kEINVAL);
  EXPECT_EQ(k.kevent(pid, kq, {}, 1, Timespec{0, 1'000'000'000}).sys.err, Errno::kEINVAL);
  EXPECT_EQ(k.kevent(pid, kq, {}, -1, kPoll).sys.err, Errno::kEINVAL);
  KeventResult waited = k.kevent(pid, kq, {}, 1, Timespec{0, 5'000'000});
  EXPECT_EQ(waited.sys.ret, 0);
  EXPECT_EQ(k.now_ns(), 5'000'000);
  EXPECT_EQ(k.kevent(pid, kq, {}, 1, std::nullopt).sys.completion, Completion::kBlockedForever);
}

// Truncation: the records past nevents stay queued, in order, and are not re-evaluated.
TEST_F(ScanTest, NeverMoreThanNevents) {
  int kq = new_kq();
  for (std::uint64_t id = 1; id <= 5; ++id) {
    add(kq, kev(id, filt::kUser, ev::kAdd | ev::kClear));
    add(kq, kev(id, filt::kUser, 0, note::kTrigger));
  }
  KeventResult r = poll(kq, 2);
  EXPECT_EQ(idents(r), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(idents(poll(kq, 8)), (std::vector<std::uint64_t>{3, 4, 5}));
}

}  // namespace
}  // namespace kqsim::model::testing
