// kqueue_kevent / kqueue_register rules: change processing, receipts, errors.
#include "model/kevent_names.hpp"
#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

using ChangesTest = KernelTest;

// docs/observed-real-kernels.md C1: a receipt record suppresses the scan.
TEST_F(ChangesTest, ReceiptSuppressesScan) {
  int kq = new_kq();
  auto p = new_pipe();
  add(kq, kev(p[0], filt::kRead, ev::kAdd));
  ASSERT_EQ(k.write(pid, p[1], 3).ret, 3);
  KeventResult r = apply(kq, {kev(1, filt::kUser, ev::kAdd | ev::kReceipt)}, 8);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, ev::kError);
  EXPECT_EQ(r.events[0].data, 0);
  EXPECT_EQ(poll(kq).sys.ret, 1);  // the READ event was left pending
}

// C1: a failed change's error record also suppresses the scan.
TEST_F(ChangesTest, ErrorRecordSuppressesScan) {
  int kq = new_kq();
  auto p = new_pipe();
  add(kq, kev(p[0], filt::kRead, ev::kAdd));
  ASSERT_EQ(k.write(pid, p[1], 1).ret, 1);
  KeventResult r = apply(kq, {kev(42, filt::kUser, ev::kDelete)}, 8);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, ev::kError);
  EXPECT_EQ(r.events[0].data, static_cast<std::int64_t>(Errno::kENOENT));
}

// C2: EV_RECEIPT with no room returns 0 and stops the changelist.
TEST_F(ChangesTest, ReceiptWithoutRoomStopsProcessing) {
  int kq = new_kq();
  KeventResult r = apply(kq, {kev(1, filt::kUser, ev::kAdd | ev::kReceipt), kev(2, filt::kUser, ev::kAdd)}, 0);
  EXPECT_EQ(r.sys.ret, 0);
  EXPECT_EQ(r.sys.err, Errno::kNone);
  KeventResult exists = apply(kq, {kev(1, filt::kUser, ev::kDelete)}, 1);
  EXPECT_EQ(exists.sys.ret, 0);  // deleted without an error record: it had been created
  KeventResult missing = apply(kq, {kev(2, filt::kUser, ev::kDelete)}, 1);
  ASSERT_EQ(missing.sys.ret, 1);
  EXPECT_EQ(missing.events[0].data, static_cast<std::int64_t>(Errno::kENOENT));
}

// C2: a failing first change with no room: -1/errno, later changes not applied.
TEST_F(ChangesTest, FailureWithoutRoomReturnsErrno) {
  int kq = new_kq();
  KeventResult r = apply(kq, {kev(9, filt::kUser, ev::kDelete), kev(2, filt::kUser, ev::kAdd)}, 0);
  EXPECT_EQ(r.sys.ret, -1);
  EXPECT_EQ(r.sys.err, Errno::kENOENT);
  EXPECT_EQ(apply(kq, {kev(2, filt::kUser, ev::kDelete)}, 0).sys.err, Errno::kENOENT);
}

// C3: filter 0 is skipped silently, even with EV_RECEIPT or bad flags.
TEST_F(ChangesTest, FilterZeroIsSkipped) {
  int kq = new_kq();
  KeventResult r = apply(kq, {kev(1, 0, ev::kAdd | ev::kReceipt | ev::kEnable | ev::kDisable)}, 8);
  EXPECT_EQ(r.sys.ret, 0);
  EXPECT_TRUE(r.events.empty());
}

// C15 and kqueue_register's check order.
TEST_F(ChangesTest, ErrnosFollowKqueueRegister) {
  int kq = new_kq();
  auto p = new_pipe();
  auto err = [&](KEvent c) { return apply(kq, {c}, 0).sys.err; };
  EXPECT_EQ(err(kev(1, filt::kUser, ev::kDelete)), Errno::kENOENT);
  EXPECT_EQ(err(kev(999, filt::kRead, ev::kAdd)), Errno::kEBADF);
  EXPECT_EQ(err(kev(1, -100, ev::kAdd)), Errno::kEINVAL);
  EXPECT_EQ(err(kev(1, 5, ev::kAdd)), Errno::kEINVAL);
  EXPECT_EQ(err(kev(static_cast<std::uint64_t>(kq), filt::kRead, ev::kAdd)), Errno::kEINVAL);
  EXPECT_EQ(err(kev(p[0], filt::kRead, ev::kAdd | ev::kEnable | ev::kDisable)), Errno::kEINVAL);
  EXPECT_EQ(err(kev(1, filt::kUser, ev::kAdd | ev::kKeepUdata)), Errno::kEINVAL);
  // ident above INT_MAX on an fd filter: EBADF before any lookup.
  EXPECT_EQ(err(kev(0x1'0000'0000ULL, filt::kRead, ev::kAdd)), Errno::kEBADF);
  // EV_DELETE on a closed descriptor is EBADF, not ENOENT: the fd is checked first.
  EXPECT_EQ(err(kev(77, filt::kRead, ev::kDelete)), Errno::kEBADF);
  // filters.md: AIO/LIO demand the kernel-only EV_FLAG1.
  EXPECT_EQ(err(kev(1, filt::kAio, ev::kAdd)), Errno::kEPERM);
}

// core.md §3.2 / D1: kevent() on a non-kqueue descriptor.
TEST_F(ChangesTest, NonKqueueDescriptorIsEinvalOnMain) {
  auto p = new_pipe();
  EXPECT_EQ(k.kevent(pid, p[0], {}, 1, kPoll).sys.err, Errno::kEINVAL);
  EXPECT_EQ(k.kevent(pid, 99, {}, 1, kPoll).sys.err, Errno::kEBADF);
}

// C6: EV_ADD|EV_DELETE creates when absent, deletes when present.
TEST_F(ChangesTest, AddDeletePrecedence) {
  int kq = new_kq();
  add(kq, kev(1, filt::kUser, ev::kAdd | ev::kDelete));
  EXPECT_EQ(k.kqueues()[0].knote_count(), 1U);
  add(kq, kev(1, filt::kUser, ev::kAdd | ev::kDelete));
  EXPECT_EQ(k.kqueues()[0].knote_count(), 0U);
}

// C6 / T/user.c disable_and_enable: re-adding never changes an existing knote's flags.
TEST_F(ChangesTest, ReAddKeepsFlagsButTakesUdata) {
  int kq = new_kq();
  auto p = new_pipe();
  add(kq, kev(p[0], filt::kRead, ev::kAdd, 0, 0, 1));
  add(kq, kev(p[0], filt::kRead, ev::kAdd | ev::kClear, 0, 0, 2));
  ASSERT_EQ(k.write(pid, p[1], 1).ret, 1);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, 0);
  EXPECT_EQ(r.events[0].udata, 2U);
  EXPECT_EQ(poll(kq).sys.ret, 1);  // still level-triggered
}

// C7: echoed flags.
TEST_F(ChangesTest, PersistentFlagsAreEchoedActionFlagsAreNot) {
  int kq = new_kq();
  add(kq, kev(1, filt::kUser, ev::kAdd | ev::kEnable | ev::kOneshot | ev::kClear | ev::kDispatch));
  KeventResult r = apply(kq, {kev(1, filt::kUser, 0, note::kTrigger)}, 0);
  ASSERT_EQ(r.sys.ret, 0);
  KeventResult got = poll(kq);
  ASSERT_EQ(got.sys.ret, 1);
  EXPECT_EQ(got.events[0].flags, ev::kOneshot | ev::kClear | ev::kDispatch);
}

// core.md §3.5 / S4: a receipt for a new knote shows fflags and data zeroed;
// an error record echoes the input fflags.
TEST_F(ChangesTest, ReceiptRecordContents) {
  int kq = new_kq();
  KeventResult ok = apply(kq, {kev(1, filt::kUser, ev::kAdd | ev::kReceipt, 0x12, 5, 9)}, 4);
  ASSERT_EQ(ok.sys.ret, 1);
  EXPECT_EQ(ok.events[0], kev(1, filt::kUser, ev::kError, 0, 0, 9));
  KeventResult bad = apply(kq, {kev(8, filt::kUser, 0, note::kTrigger, 0, 3)}, 4);
  ASSERT_EQ(bad.sys.ret, 1);
  EXPECT_EQ(bad.events[0], kev(8, filt::kUser, ev::kError, note::kTrigger, static_cast<std::int64_t>(Errno::kENOENT), 3));
}

// core.md §4: EV_KEEPUDATA keeps udata on a modify (T/user.c event_wait_keepudata).
TEST_F(ChangesTest, KeepUdataOnModify) {
  int kq = new_kq();
  add(kq, kev(1, filt::kUser, ev::kAdd | ev::kClear, 0, 0, 7));
  add(kq, kev(1, filt::kUser, ev::kKeepUdata, note::kTrigger, 0, 0));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].udata, 7U);
}

// C5: a bare EV_ENABLE overwrites udata.
TEST_F(ChangesTest, BareEnableOverwritesUdata) {
  int kq = new_kq();
  add(kq, kev(1, filt::kUser, ev::kAdd, 0, 0, 0xa));
  add(kq, kev(1, filt::kUser, ev::kEnable, 0, 0, 0xb));
  add(kq, kev(1, filt::kUser, ev::kEnable | ev::kKeepUdata, note::kTrigger, 0, 0));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].udata, 0xbU);
}

// core.md §4: EV_FORCEONESHOT activates an existing knote even if its condition is false.
TEST_F(ChangesTest, ForceOneshotDeliversOnceThenDeletes) {
  int kq = new_kq();
  auto p = new_pipe();
  add(kq, kev(p[0], filt::kRead, ev::kAdd));
  EXPECT_EQ(poll(kq).sys.ret, 0);
  add(kq, kev(p[0], filt::kRead, ev::kForceOneshot));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, ev::kOneshot);
  EXPECT_EQ(apply(kq, {kev(p[0], filt::kRead, ev::kDelete)}, 0).sys.err, Errno::kENOENT);
}

// A timer knote that was never started cannot be found, and EV_FORCEONESHOT on a
// new knote is dropped silently (core.md §4).
TEST_F(ChangesTest, ForceOneshotOnNewKnoteIsIgnored) {
  int kq = new_kq();
  add(kq, kev(1, filt::kUser, ev::kAdd | ev::kForceOneshot));
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(k.kqueues()[0].knote(0).kev.flags, 0);
}

}  // namespace
}  // namespace kqsim::model::testing
