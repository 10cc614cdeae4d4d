// TIME_WAIT's end (tcp_timewait.cpp): the 2MSL callout on the virtual clock.
// 15.1 ends a loopback connection's TIME_WAIT within tens of milliseconds
// (8 to 92 ms in probes; the model takes 20 ms), and tcp_close's
// soisdisconnected wakes the socket's knotes again (probed 2026-12-06:
// regressions/tcp-timewait-ends); 13.2 keeps it 2 * 30 s (TCPTV_MSL), and
// tcp_twclose only drops the inpcb: INP_TIMEWAIT stays, so nothing a
// program sees changes. Expected values come from those recordings and
// functions, not from running the model.
#include "tests/model/net_fixture.hpp"

namespace kqsim::model::testing {
namespace {

class TimeWaitTest : public NetTest {
 protected:
  using NetTest::NetTest;
  // c shut both directions and was disconnected in FIN_WAIT_2; s's FIN then
  // put c in TIME_WAIT (tcp_twstart). c's EV_CLEAR knotes are drained.
  void enter_time_wait() {
    kq = new_kq();
    const int l = listener();
    const auto pair = connection(l);
    c = pair[0];
    s = pair[1];
    port = port_of(l);
    add(kq, kev(c, filt::kRead, ev::kAdd | ev::kClear));
    add(kq, kev(c, filt::kWrite, ev::kAdd | ev::kClear));
    ASSERT_EQ(k.shutdown(pid, c, ShutdownHow::kReadWrite).ret, 0);
    ASSERT_EQ(k.shutdown(pid, s, ShutdownHow::kWrite).ret, 0);
    ASSERT_EQ(poll(kq).sys.ret, 2);
    ASSERT_EQ(poll(kq).sys.ret, 0);
  }
  // c's socket: the model numbers sockets as they are made (the listener
  // 0, c 1, the accepted s 2).
  const Socket& c_socket() const { return k.sockets()[1]; }
  void expect_c_woken(const KeventResult& r) {
    ASSERT_EQ(r.sys.ret, 2);
    EXPECT_EQ(r.events[0].ident, static_cast<std::uint64_t>(c));
    EXPECT_EQ(r.events[0].filter, filt::kRead);
    EXPECT_EQ(r.events[1].ident, static_cast<std::uint64_t>(c));
    EXPECT_EQ(r.events[1].filter, filt::kWrite);
    for (const KEvent& e : r.events) EXPECT_EQ(e.flags & ev::kEof, ev::kEof);
  }
  int kq = -1, c = -1, s = -1;
  std::uint16_t port = 0;
};

TEST_F(TimeWaitTest, EndsAfterTwentyMillisecondsWakingReadersAndWriters) {
  enter_time_wait();
  ASSERT_EQ(c_socket().tcp_end, TcpEnd::kTimeWait);
  ASSERT_EQ(k.sleep(19'999'999).ret, 0);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(k.connect_port(pid, c, port).err, Errno::kEISCONN);  // still TIME_WAIT
  ASSERT_EQ(k.sleep(1).ret, 0);
  expect_c_woken(poll(kq));
  EXPECT_EQ(c_socket().tcp_end, TcpEnd::kDropped);
  EXPECT_EQ(k.connect_port(pid, c, port).err, Errno::kECONNREFUSED);  // the inpcb dropped
  ASSERT_EQ(k.sleep(1'000'000'000).ret, 0);
  EXPECT_EQ(poll(kq).sys.ret, 0);  // it ends once
}

// A sleep names no object of its own, but one that passes armed TIME_WAIT
// ends names the sockets, whose check sees that none is left overdue.
TEST_F(TimeWaitTest, ASleepWithTimeWaitArmedNamesTheSockets) {
  enter_time_wait();
  k.set_touch_tracking(true);
  ASSERT_EQ(k.sleep(1).ret, 0);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kSocketObjects);
  ASSERT_EQ(k.sleep(1'000'000'000).ret, 0);  // past the end: nothing armed after it
  k.clear_touched();
  ASSERT_EQ(k.sleep(1).ret, 0);
  EXPECT_EQ(k.touched_object_kinds(), 0U);
}

// A wait with nothing else armed is ended by the TIME_WAIT end's wakeup.
TEST_F(TimeWaitTest, EndWakesAnInfiniteWait) {
  enter_time_wait();
  const std::int64_t entered_ns = k.now_ns();
  KeventResult r = k.kevent(pid, kq, {}, 8, std::nullopt);
  ASSERT_TRUE(r.sys.done());
  expect_c_woken(r);
  EXPECT_EQ(k.now_ns(), entered_ns + 20'000'000);
}

// An end that wakes no knote of the waiting kqueue does not end its wait:
// a wait that can never return is blocked, and leaves the clock and the
// connection as they were (the end is still due later).
TEST_F(TimeWaitTest, EndOfAnotherKqueuesSocketLeavesABlockedWaitAlone) {
  enter_time_wait();
  const int other = new_kq();
  const auto p = new_pipe();
  add(other, kev(p[0], filt::kRead, ev::kAdd));
  const std::int64_t entered_ns = k.now_ns();
  KeventResult r = k.kevent(pid, other, {}, 8, std::nullopt);
  EXPECT_FALSE(r.sys.done());
  EXPECT_EQ(k.now_ns(), entered_ns);
  EXPECT_EQ(c_socket().tcp_end, TcpEnd::kTimeWait);
  EXPECT_EQ(k.timewait_sockets().size(), 1U);
}

// A timeout equal to the end: as with a timer due then (kevent_call.cpp),
// the timeout wins the race, and the next scan finds the wakeup.
TEST_F(TimeWaitTest, EndAtAWaitsDeadlineLosesToTheTimeout) {
  enter_time_wait();
  EXPECT_EQ(k.kevent(pid, kq, {}, 8, Timespec{0, 20'000'000}).sys.ret, 0);
  EXPECT_EQ(c_socket().tcp_end, TcpEnd::kDropped);
  expect_c_woken(poll(kq));
}

// A timer due at the same instant fires first (callouts.cpp: real kernels
// leave the order open), so its knote is queued ahead of c's.
TEST_F(TimeWaitTest, TimerDueAtTheSameInstantIsQueuedFirst) {
  enter_time_wait();
  add(kq, kev(1, filt::kTimer, ev::kAdd | ev::kOneshot, 0, 20));  // 20 ms
  ASSERT_EQ(k.sleep(20'000'000).ret, 0);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 3);
  EXPECT_EQ(r.events[0].filter, filt::kTimer);
  EXPECT_EQ(r.events[1].filter, filt::kRead);
  EXPECT_EQ(r.events[2].filter, filt::kWrite);
}

// A socket its program closed in TIME_WAIT has no knotes left; the callout
// still ends the connection.
TEST_F(TimeWaitTest, EndOfAClosedSocket) {
  enter_time_wait();
  ASSERT_EQ(k.close(pid, c).ret, 0);
  ASSERT_EQ(k.sleep(20'000'000).ret, 0);
  EXPECT_EQ(c_socket().tcp_end, TcpEnd::kDropped);
  EXPECT_TRUE(k.timewait_sockets().empty());
}

class TimeWaitTest13 : public TimeWaitTest {
 protected:
  TimeWaitTest13() : TimeWaitTest(*find_profile("freebsd-13.2")) {}
};

TEST_F(TimeWaitTest13, ItsEndIsNothingAProgramSees) {
  enter_time_wait();
  EXPECT_TRUE(k.timewait_sockets().empty());
  ASSERT_EQ(k.sleep(61'000'000'000).ret, 0);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(c_socket().tcp_end, TcpEnd::kTimeWait);
  EXPECT_EQ(k.connect_port(pid, c, port).err, Errno::kEADDRINUSE);  // INP_TIMEWAIT stays
}

}  // namespace
}  // namespace kqsim::model::testing
