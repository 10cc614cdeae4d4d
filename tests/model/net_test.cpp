// Loopback TCP (tcp_usrreq.c, tcp_input.c, uipc_socket.c on a settled lo0),
// poll/select (sys_generic.c and each fo_poll), recv/send flags, pause,
// utimes and the initial /tmp. Expected values are derived by hand from the
// kernel functions cited beside each test.
#include "tests/model/net_fixture.hpp"

namespace kqsim::model::testing {
namespace {

// in_pcb_lport: ephemeral ports from net.inet.ip.portrange.first (10000),
// in order in the model; in_pcbbind_setup: a held port is EADDRINUSE; a
// second bind is EINVAL.
TEST_F(NetTest, EphemeralPortsAndBindErrors) {
  int a = tcp();
  int b = tcp();
  ASSERT_EQ(k.bind_port(pid, a, 0).ret, 0);
  EXPECT_EQ(k.getsockname(pid, a).ret, 10000);
  EXPECT_EQ(k.bind_port(pid, a, 0).err, Errno::kEINVAL);
  EXPECT_EQ(k.bind_port(pid, b, 10000).err, Errno::kEADDRINUSE);
  EXPECT_EQ(k.getsockname(pid, b).ret, 0);  // unbound
  ASSERT_EQ(k.listen(pid, b, 1).ret, 0);    // tcp_usr_listen binds it
  EXPECT_EQ(k.getsockname(pid, b).ret, 10001);
  EXPECT_EQ(k.bind(pid, a, "name").err, Errno::kEAFNOSUPPORT);
  EXPECT_EQ(k.connect_port(pid, tcp(), 0).err, Errno::kEADDRNOTAVAIL);
}

// filt_solisten: data = completed connections; accept takes one.
TEST_F(NetTest, ListenerReadCountsCompletedConnections) {
  int kq = new_kq();
  int l = listener();
  add(kq, kev(l, filt::kRead, ev::kAdd));
  EXPECT_EQ(poll(kq).sys.ret, 0);
  int c1 = tcp();
  int c2 = tcp();
  ASSERT_EQ(k.connect_port(pid, c1, port_of(l)).ret, 0);
  ASSERT_EQ(k.connect_port(pid, c2, port_of(l)).ret, 0);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 2);
  ASSERT_GT(k.accept(pid, l).ret, 0);
  EXPECT_EQ(poll(kq).events.at(0).data, 1);
}

// sosend_generic + the receiver's window: 70000 bytes fill the peer's
// 65536-byte receive buffer and leave 4464 in so_snd (space 32768 - 4464);
// reading 10000 opens the window and the rest moves in.
TEST_F(NetTest, SendBufferHoldsWhatTheWindowRefuses) {
  // Buffers after tcp_mss on lo0: receive 81720, send 49032 (see below).
  int kq = new_kq();
  auto [c, s] = connection(listener());
  add(kq, kev(c, filt::kWrite, ev::kAdd | ev::kClear));
  EXPECT_EQ(poll(kq).events.at(0).data, 49032);
  EXPECT_EQ(k.write(pid, c, 100000).ret, 100000);
  add(kq, kev(s, filt::kRead, ev::kAdd));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 2);
  for (const KEvent& e : r.events) {
    if (e.filter == filt::kWrite) {
      EXPECT_EQ(e.data, 49032 - (100000 - 81720));
    }
    if (e.filter == filt::kRead) {
      EXPECT_EQ(e.data, 81720);
    }
  }
  EXPECT_EQ(k.read(pid, s, 10000).ret, 10000);
  r = poll(kq);
  for (const KEvent& e : r.events) {
    if (e.filter == filt::kWrite) {
      EXPECT_EQ(e.data, 49032 - (100000 - 81720 - 10000));
    }
    if (e.filter == filt::kRead) {
      EXPECT_EQ(e.data, 81720);
    }
  }
}

// A blocking send beyond the space below SO_SNDLOWAT would sleep. The
// buffers are tcp_mss's: 65536 and 32768 rounded up to whole lo0 segments
// of 16344 bytes, 81720 and 49032 (the send side recorded on 13.2 and 15.1).
TEST_F(NetTest, BlockingWriteIntoFullBuffersBlocks) {
  auto [c, s] = connection(listener());
  EXPECT_EQ(k.write(pid, c, 81720 + 49032).ret, 81720 + 49032);
  EXPECT_EQ(k.write(pid, c, 1).completion, Completion::kBlockedForever);
  EXPECT_EQ(k.send(pid, c, 1, msgflag::kDontwait).err, Errno::kEAGAIN);
  (void)s;
}

// tcp_disconnect: FIN after data (EV_EOF fflags 0, data kept); data into
// the closed end: RST -> so_error ECONNRESET, both filters EV_EOF.
TEST_F(NetTest, PeerCloseThenWriteIsReset) {
  int kq = new_kq();
  auto [c, s] = connection(listener());
  ASSERT_EQ(k.write(pid, c, 7).ret, 7);
  ASSERT_EQ(k.close(pid, c).ret, 0);
  add(kq, kev(s, filt::kRead, ev::kAdd | ev::kClear));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags & ev::kEof, ev::kEof);
  EXPECT_EQ(r.events[0].fflags, 0U);
  EXPECT_EQ(r.events[0].data, 7);
  EXPECT_EQ(k.read(pid, s, 100).ret, 7);
  EXPECT_EQ(k.read(pid, s, 100).ret, 0);
  add(kq, kev(s, filt::kWrite, ev::kAdd | ev::kClear));
  r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags & ev::kEof, 0);
  EXPECT_EQ(k.write(pid, s, 5).ret, 5);
  r = poll(kq);
  ASSERT_EQ(r.sys.ret, 2);
  for (const KEvent& e : r.events) {
    EXPECT_EQ(e.flags & ev::kEof, ev::kEof);
    EXPECT_EQ(e.fflags, static_cast<std::uint32_t>(Errno::kECONNRESET));
  }
  EXPECT_EQ(k.read(pid, s, 100).err, Errno::kECONNRESET);
  EXPECT_EQ(k.read(pid, s, 100).ret, 0);
  EXPECT_EQ(k.write(pid, s, 1).err, Errno::kEPIPE);
}

// tcp_input SYN_SENT + RST: ECONNREFUSED, returned by a blocking connect
// and, the RST having arrived before the call returns (recorded on 13.2 and
// 15.1, docs/observed-real-kernels.md R15), by a non-blocking one too; its
// oneshot EVFILT_WRITE knote fired with the so_error of that moment.
TEST_F(NetTest, ConnectRefused) {
  int kq = new_kq();
  int closed = tcp();
  ASSERT_EQ(k.bind_port(pid, closed, 0).ret, 0);
  EXPECT_EQ(k.connect_port(pid, tcp(), port_of(closed)).err, Errno::kECONNREFUSED);
  int nb = tcp(true);
  add(kq, kev(nb, filt::kWrite, ev::kAdd | ev::kOneshot));
  EXPECT_EQ(poll(kq).sys.ret, 0);
  // Non-blocking: EINPROGRESS, the RST taken right after the call; its
  // so_error stays for a read to return once (R15).
  EXPECT_EQ(k.connect_port(pid, nb, port_of(closed)).err, Errno::kEINPROGRESS);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags & ev::kEof, ev::kEof);
  EXPECT_EQ(r.events[0].fflags, static_cast<std::uint32_t>(Errno::kECONNREFUSED));
  EXPECT_EQ(k.read(pid, nb, 1).err, Errno::kECONNREFUSED);
  EXPECT_EQ(k.read(pid, nb, 1).ret, 0);
}

// The netisr race (R15, model/kqueue_task_timing.hpp): a non-blocking
// loopback connect is a race point. Named for the other outcome it answers
// as a blocking connect: ECONNREFUSED with so_error cleared (15.1's
// recording: the read then finds the end of the stream), 0 to a listener.
// A blocking connect is no race point.
TEST_F(NetTest, NonBlockingConnectIsARacePoint) {
  int closed = tcp();
  ASSERT_EQ(k.bind_port(pid, closed, 0).ret, 0);
  const int refused = tcp(true);
  k.set_task_timing({0});
  EXPECT_EQ(k.connect_port(pid, refused, port_of(closed)).err, Errno::kECONNREFUSED);
  ASSERT_EQ(k.task_races().size(), 1U);
  EXPECT_EQ(k.task_races()[0].kind, TaskPoint::kLoopbackConnect);
  EXPECT_EQ(k.task_races()[0].detail, refused);
  EXPECT_EQ(k.read(pid, refused, 1).ret, 0);
  const int l = listener();
  const int nb = tcp(true);
  k.set_task_timing({0});
  EXPECT_EQ(k.connect_port(pid, nb, port_of(l)).ret, 0);
  const int again = tcp(true);
  k.set_task_timing({});  // the usual outcome, the race still reported
  EXPECT_EQ(k.connect_port(pid, again, port_of(l)).err, Errno::kEINPROGRESS);
  EXPECT_EQ(k.task_races().size(), 1U);
  k.set_task_timing({0});
  EXPECT_EQ(k.connect_port(pid, tcp(), port_of(closed)).err, Errno::kECONNREFUSED);
  EXPECT_TRUE(k.task_races().empty());
}

// A non-blocking connect to a listener: EINPROGRESS, lo0 having queued the
// SYN to the netisr thread; the handshake completes right after the call,
// so a second connect is EISCONN (docs/observed-real-kernels.md R15).
TEST_F(NetTest, NonBlockingConnectToListenerCompletes) {
  int l = listener();
  int nb = tcp(true);
  EXPECT_EQ(k.connect_port(pid, nb, port_of(l)).err, Errno::kEINPROGRESS);
  EXPECT_EQ(k.connect_port(pid, nb, port_of(l)).err, Errno::kEISCONN);
  EXPECT_EQ(k.accept(pid, l).err, Errno::kNone);
}

// tcp_usr_shutdown: own EVFILT_WRITE EOF, the peer's EVFILT_READ EOF.
TEST_F(NetTest, ShutdownWrite) {
  int kq = new_kq();
  auto [c, s] = connection(listener());
  add(kq, kev(s, filt::kRead, ev::kAdd));
  ASSERT_EQ(k.shutdown(pid, c, ShutdownHow::kWrite).ret, 0);
  add(kq, kev(c, filt::kWrite, ev::kAdd));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 2);
  for (const KEvent& e : r.events) EXPECT_EQ(e.flags & ev::kEof, ev::kEof);
  EXPECT_EQ(k.write(pid, s, 3).ret, 3);
  EXPECT_EQ(k.read(pid, c, 10).ret, 3);
  EXPECT_EQ(k.write(pid, c, 1).err, Errno::kEPIPE);
}

// tcp_usr_shutdown -> tcp_usrclosed: a second SHUT_WR once the first FIN was
// acknowledged (FIN_WAIT_2) disconnects the socket (soisdisconnected): the
// buffered bytes stay to be read, then EOF, and shutdown(2) is ENOTCONN.
// Data the peer sends later is dropped but wakes the readers
// (tcp_do_segment, TF_WAKESOR). Recorded on 13.2 and 15.1 (R39).
TEST_F(NetTest, SecondShutdownWriteInFinWait2Disconnects) {
  int kq = new_kq();
  auto [c, s] = connection(listener());
  ASSERT_EQ(k.write(pid, s, 10).ret, 10);
  ASSERT_EQ(k.shutdown(pid, c, ShutdownHow::kWrite).ret, 0);
  add(kq, kev(c, filt::kRead, ev::kAdd | ev::kClear));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags & ev::kEof, 0);  // FIN_WAIT_2, still connected
  ASSERT_EQ(k.shutdown(pid, c, ShutdownHow::kWrite).ret, 0);
  r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags & ev::kEof, ev::kEof);
  EXPECT_EQ(r.events[0].data, 10);
  EXPECT_EQ(k.read(pid, c, 512).ret, 10);
  EXPECT_EQ(k.read(pid, c, 512).ret, 0);
  EXPECT_EQ(k.shutdown(pid, c, ShutdownHow::kWrite).err, Errno::kENOTCONN);
  EXPECT_EQ(k.shutdown(pid, c, ShutdownHow::kRead).err, Errno::kENOTCONN);
  ASSERT_EQ(k.write(pid, s, 7).ret, 7);
  r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);  // woken by the dropped data
  EXPECT_EQ(r.events[0].data, 0);
  EXPECT_EQ(k.read(pid, c, 512).ret, 0);
}

// In FIN_WAIT_1 (the FIN waits behind data the peer's window refused)
// tcp_usrclosed changes nothing; SHUT_RD alone never calls it.
TEST_F(NetTest, SecondShutdownWriteBeforeTheFinIsAckedOrAfterShutRdKeepsTheConnection) {
  const int l = listener();
  auto [c, s] = connection(l);
  ASSERT_EQ(k.write(pid, c, 100000).ret, 100000);  // 81,720 in s's buffer, the rest in c's
  ASSERT_EQ(k.shutdown(pid, c, ShutdownHow::kWrite).ret, 0);
  ASSERT_EQ(k.shutdown(pid, c, ShutdownHow::kWrite).ret, 0);
  EXPECT_EQ(poll1(c, pollbit::kIn), 0);  // no EOF: still connected
  EXPECT_EQ(k.shutdown(pid, c, ShutdownHow::kRead).ret, 0);
  auto [c2, s2] = connection(l);
  ASSERT_EQ(k.shutdown(pid, c2, ShutdownHow::kWrite).ret, 0);
  ASSERT_EQ(k.shutdown(pid, c2, ShutdownHow::kRead).ret, 0);
  EXPECT_EQ(k.shutdown(pid, c2, ShutdownHow::kRead).ret, 0);  // still connected
  EXPECT_EQ(k.shutdown(pid, c2, ShutdownHow::kReadWrite).ret, 0);  // this one disconnects
  EXPECT_EQ(k.shutdown(pid, c2, ShutdownHow::kRead).err, Errno::kENOTCONN);
}

// Data dropped after SHUT_RD wakes the readers on main and 15.1; 13.2's
// sorflush had unhooked the receive buffer's knotes (R29). Recorded on both.
class ShutReadThenData : public NetTest {
 protected:
  using NetTest::NetTest;
  std::int64_t events_after_data() {
    int kq = new_kq();
    auto [c, s] = connection(listener());
    add(kq, kev(c, filt::kRead, ev::kAdd | ev::kClear));
    EXPECT_EQ(k.shutdown(pid, c, ShutdownHow::kRead).ret, 0);
    EXPECT_EQ(poll(kq).sys.ret, 1);
    EXPECT_EQ(poll(kq).sys.ret, 0);
    EXPECT_EQ(k.write(pid, s, 5).ret, 5);
    return poll(kq).sys.ret;
  }
};
TEST_F(ShutReadThenData, WakesTheReaders) { EXPECT_EQ(events_after_data(), 1); }
class ShutReadThenData13 : public ShutReadThenData {
 protected:
  ShutReadThenData13() : ShutReadThenData(*find_profile("freebsd-13.2")) {}
};
TEST_F(ShutReadThenData13, ReachesNoKnote) { EXPECT_EQ(events_after_data(), 0); }

// pipe_poll, pollscan (POLLNVAL, POLLHUP clears POLLOUT), kern_poll EINVAL.
TEST_F(NetTest, PollOnPipes) {
  auto [r, w] = new_pipe();
  EXPECT_EQ(poll1(r, pollbit::kIn), 0);
  EXPECT_EQ(poll1(w, pollbit::kOut), pollbit::kOut);
  ASSERT_EQ(k.write(pid, w, 10).ret, 10);
  EXPECT_EQ(poll1(r, pollbit::kIn | pollbit::kRdnorm), pollbit::kIn | pollbit::kRdnorm);
  ASSERT_EQ(k.close(pid, w).ret, 0);
  EXPECT_EQ(poll1(r, pollbit::kIn | pollbit::kOut), pollbit::kIn | pollbit::kHup);
  EXPECT_EQ(poll1(w, pollbit::kIn), pollbit::kNval);
  PollFd p{r, pollbit::kIn, 0};
  EXPECT_EQ(k.poll(pid, std::span<PollFd>(&p, 1), -2).err, Errno::kEINVAL);
  PollFd skipped{-1, pollbit::kIn, 7};
  EXPECT_EQ(k.poll(pid, std::span<PollFd>(&skipped, 1), 0).ret, 0);
  EXPECT_EQ(skipped.revents, 0);
}

// kqueue_poll: readable while kq_count > 0, until a scan sweeps a stale knote.
TEST_F(NetTest, PollOnKqueueFollowsQueueCount) {
  int kq = new_kq();
  auto [r, w] = new_pipe();
  add(kq, kev(r, filt::kRead, ev::kAdd));
  EXPECT_EQ(poll1(kq, pollbit::kIn | pollbit::kOut), 0);
  ASSERT_EQ(k.write(pid, w, 1).ret, 1);
  EXPECT_EQ(poll1(kq, pollbit::kIn | pollbit::kOut), pollbit::kIn);
  ASSERT_EQ(k.read(pid, r, 1).ret, 1);
  EXPECT_EQ(poll1(kq, pollbit::kIn), pollbit::kIn);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(poll1(kq, pollbit::kIn), 0);
}

// A poll with a timeout sleeps on the virtual clock; a timer firing
// meanwhile makes the kqueue readable.
TEST_F(NetTest, PollWakesWhenAPolledKqueuesTimerFires) {
  int kq = new_kq();
  add(kq, kev(1, filt::kTimer, ev::kAdd | ev::kOneshot, 0, 50));
  EXPECT_EQ(poll1(kq, pollbit::kIn, 100), pollbit::kIn);
  EXPECT_EQ(k.now_ns(), 50'000'000);  // at the expiry, not the timeout (R47)
  add(kq, kev(2, filt::kTimer, ev::kAdd | ev::kOneshot, 0, 30));
  EXPECT_EQ(poll1(kq, pollbit::kIn, -1), pollbit::kIn);  // queued already
  int other = new_kq();
  PollFd p{other, pollbit::kIn, 0};
  EXPECT_FALSE(k.poll(pid, std::span<PollFd>(&p, 1), -1).done());  // nothing can wake it: blocked
}

// seltdwait: a timer due at the deadline fires, but the timeout wins: 0.
TEST_F(NetTest, PollTimeoutWinsOverAnExpiryAtTheDeadline) {
  int kq = new_kq();
  add(kq, kev(1, filt::kTimer, ev::kAdd | ev::kOneshot, 0, 100));
  EXPECT_EQ(poll1(kq, pollbit::kIn, 100), 0);
  EXPECT_EQ(k.now_ns(), 100'000'000);
  EXPECT_EQ(poll1(kq, pollbit::kIn, 0), pollbit::kIn);
}

// A kqueue watching another kqueue: the inner one's timer wakes a poll of the outer.
TEST_F(NetTest, PollWokenThroughANestedKqueue) {
  int outer = new_kq();
  int inner = new_kq();
  add(outer, kev(static_cast<std::uint64_t>(inner), filt::kRead, ev::kAdd));
  add(inner, kev(1, filt::kTimer, ev::kAdd | ev::kOneshot, 0, 30));
  EXPECT_EQ(poll1(outer, pollbit::kIn, 1000), pollbit::kIn);
  EXPECT_EQ(k.now_ns(), 30'000'000);
}

// kern_select: tv_sec above INT32_MAX waits forever; with nothing to wake it, blocked.
TEST_F(NetTest, SelectWithAHugeTimeoutWaitsForever) {
  auto [r, w] = new_pipe();
  std::array<SelectFd, 1> fds{};
  fds[0].fd = r;
  fds[0].read = true;
  EXPECT_FALSE(k.select(pid, fds, Timespec{std::int64_t{INT32_MAX} + 1, 0}).done());
  EXPECT_EQ(k.now_ns(), 0);
  (void)w;
}

// A timer of a kqueue nobody polls wakes nothing: the poll sleeps its timeout.
TEST_F(NetTest, PollIgnoresTimersOfKqueuesNotPolled) {
  int kq = new_kq();
  auto [r, w] = new_pipe();
  add(kq, kev(1, filt::kTimer, ev::kAdd | ev::kOneshot, 0, 50));
  EXPECT_EQ(poll1(r, pollbit::kIn, 100), 0);
  EXPECT_EQ(k.now_ns(), 100'000'000);
  (void)w;
}

// select sleeps as poll does: woken by a polled kqueue's timer (R47).
TEST_F(NetTest, SelectWakesWhenAPolledKqueuesTimerFires) {
  int kq = new_kq();
  add(kq, kev(1, filt::kTimer, ev::kAdd, 0, 40));
  std::array<SelectFd, 1> fds{};
  fds[0].fd = kq;
  fds[0].read = true;
  ASSERT_EQ(k.select(pid, fds, Timespec{5, 0}).ret, 1);
  EXPECT_TRUE(fds[0].read_ready);
  EXPECT_EQ(k.now_ns(), 40'000'000);
}

// selscan: EBADF for a closed descriptor; select_flags; timeval EINVAL.
TEST_F(NetTest, SelectSetsAndErrors) {
  auto [r, w] = new_pipe();
  std::array<SelectFd, 2> fds{};
  fds[0].fd = r;
  fds[0].read = true;
  fds[0].except = true;
  fds[1].fd = w;
  fds[1].write = true;
  ASSERT_EQ(k.select(pid, fds, Timespec{0, 0}).ret, 1);
  EXPECT_TRUE(fds[1].write_ready);
  EXPECT_FALSE(fds[0].read_ready);
  EXPECT_EQ(k.select(pid, fds, Timespec{0, 1'000'000}).err, Errno::kEINVAL);
  EXPECT_EQ(k.select(pid, fds, std::nullopt).ret, 1);
  ASSERT_EQ(k.close(pid, w).ret, 0);
  EXPECT_EQ(k.select(pid, fds, Timespec{0, 0}).err, Errno::kEBADF);
}

// recv flags on a unix stream: peek keeps, dontwait, waitall.
TEST_F(NetTest, RecvFlagsOnUnixStream) {
  PipeResult p = k.socketpair(pid, SocketType::kStream, false);
  auto [a, b] = p.fds;
  ASSERT_EQ(k.write(pid, b, 10).ret, 10);
  EXPECT_EQ(k.recv(pid, a, 4, msgflag::kPeek).ret, 4);
  EXPECT_EQ(k.recv(pid, a, 20, msgflag::kWaitall).completion, Completion::kBlockedForever);
  EXPECT_EQ(k.recv(pid, a, 10, msgflag::kWaitall).ret, 10);
  EXPECT_EQ(k.recv(pid, a, 10, msgflag::kDontwait).err, Errno::kEAGAIN);
  EXPECT_EQ(k.recv(pid, a, 10, 0).completion, Completion::kBlockedForever);
  EXPECT_EQ(k.recv(pid, a, 1, msgflag::kOob).completion, Completion::kUnsupported);
}

// MSG_WAITALL on TCP (R34, recorded on 13.2 and 15.1): short of the request
// with nothing on the way the call sleeps - taking nothing in the model, so
// the bytes are still there after it - even on a non-blocking socket. What
// the peer has queued behind the window completes a request; a FIN queued
// behind the data ends one short.
TEST_F(NetTest, RecvWaitallOnTcp) {
  auto [c, s] = connection(listener());
  ASSERT_EQ(k.write(pid, c, 5).ret, 5);
  EXPECT_EQ(k.recv(pid, s, 10, msgflag::kWaitall).completion, Completion::kBlockedForever);
  EXPECT_EQ(k.recv(pid, s, 10, msgflag::kWaitall | msgflag::kDontwait).completion, Completion::kBlockedForever);
  EXPECT_EQ(k.recv(pid, s, 5, msgflag::kWaitall).ret, 5);  // still all there
  EXPECT_EQ(k.recv(pid, s, 10, msgflag::kWaitall | msgflag::kDontwait).err, Errno::kEAGAIN);  // nothing buffered
  // 81,720 in s's receive buffer (its whole window), 18,280 queued at c.
  ASSERT_EQ(k.write(pid, c, 100000).ret, 100000);
  EXPECT_EQ(k.recv(pid, s, 90000, msgflag::kWaitall).ret, 90000);
  ASSERT_EQ(k.shutdown(pid, c, ShutdownHow::kWrite).ret, 0);
  EXPECT_EQ(k.recv(pid, s, 20000, msgflag::kWaitall).ret, 10000);
  EXPECT_EQ(k.recv(pid, s, 20000, msgflag::kWaitall).ret, 0);  // EOF
}

// in_pcbbind_setup: without SO_REUSEADDR the lookup matches any inpcb on the
// port, an accepted connection too; with it only unconnected ones (R48).
TEST_F(NetTest, BindSeesConnectionsOnThePortUnlessReuseaddr) {
  int l = listener();
  const std::uint16_t port = port_of(l);
  auto [c, s] = connection(l);
  int other = tcp();
  EXPECT_EQ(k.bind_port(pid, other, port).err, Errno::kEADDRINUSE);  // the listener
  ASSERT_EQ(k.close(pid, l).ret, 0);
  EXPECT_EQ(k.bind_port(pid, other, port).err, Errno::kEADDRINUSE);  // s, connected on it
  ASSERT_EQ(k.setsockopt(pid, other, SocketOption::kReuseAddr, 1).ret, 0);
  EXPECT_EQ(k.bind_port(pid, other, port).ret, 0);                   // no unconnected inpcb left
  int third = tcp();
  ASSERT_EQ(k.setsockopt(pid, third, SocketOption::kReuseAddr, 1).ret, 0);
  EXPECT_EQ(k.bind_port(pid, third, port).err, Errno::kEADDRINUSE);  // `other`, bound, unconnected
  (void)c;
  (void)s;
}

// A closed listener never connected frees its port; so does a dropped connection.
TEST_F(NetTest, BindAfterTheHolderIsGone) {
  int l = listener();
  const std::uint16_t port = port_of(l);
  ASSERT_EQ(k.close(pid, l).ret, 0);
  EXPECT_EQ(k.bind_port(pid, tcp(), port).ret, 0);
}

// A closed end in FIN_WAIT_2 that data reaches answers with a RST and is
// dropped (tcp_close -> in_pcbdrop): its port is free again.
TEST_F(NetTest, BindAfterAClosedEndWasResetByData) {
  auto [port, c, s] = connection_without_listener();
  ASSERT_EQ(k.close(pid, s).ret, 0);  // s: FIN_WAIT_2, still on the port
  EXPECT_EQ(k.bind_port(pid, tcp(), port).err, Errno::kEADDRINUSE);
  ASSERT_EQ(k.write(pid, c, 1).ret, 1);  // reaches closed s: RST, both dropped
  EXPECT_EQ(k.bind_port(pid, tcp(), port).ret, 0);
}

// SO_REUSEADDR set to 0 again clears the bit: the wildcard lookup is back.
TEST_F(NetTest, ClearedReuseaddrLooksAtConnectionsAgain) {
  auto [port, c, s] = connection_without_listener();
  int other = tcp();
  ASSERT_EQ(k.setsockopt(pid, other, SocketOption::kReuseAddr, 1).ret, 0);
  ASSERT_EQ(k.setsockopt(pid, other, SocketOption::kReuseAddr, 0).ret, 0);
  EXPECT_EQ(k.bind_port(pid, other, port).err, Errno::kEADDRINUSE);
  (void)c;
  (void)s;
}

// in_pcbconnect_setup: a socket bound to a port is EADDRINUSE when a
// connection with the same four-tuple exists, established or closed and in
// FIN_WAIT_2; to another listener it is another four-tuple (R49).
TEST_F(NetTest, ConnectFromABoundPortRefusesATakenFourTuple) {
  int l = listener();
  int l2 = listener();
  int a = tcp();
  ASSERT_EQ(k.bind_port(pid, a, 4000).ret, 0);
  ASSERT_EQ(k.connect_port(pid, a, port_of(l)).ret, 0);
  int b = tcp();
  ASSERT_EQ(k.setsockopt(pid, b, SocketOption::kReuseAddr, 1).ret, 0);
  ASSERT_EQ(k.bind_port(pid, b, 4000).ret, 0);  // only a connection holds 4000
  EXPECT_EQ(k.connect_port(pid, b, port_of(l)).err, Errno::kEADDRINUSE);
  ASSERT_EQ(k.close(pid, a).ret, 0);  // a: FIN_WAIT_2, still hashed
  EXPECT_EQ(k.connect_port(pid, b, port_of(l)).err, Errno::kEADDRINUSE);
  EXPECT_EQ(k.connect_port(pid, b, port_of(l2)).ret, 0);
}

// The accepted end's four-tuple counts too (local: the listener's port,
// foreign: the client's), until that end is dropped: closed, then reset by
// the client's data (tcp_close -> in_pcbdrop).
TEST_F(NetTest, ConnectSeesTheAcceptedEndsFourTupleUntilItIsDropped) {
  auto [port, c, s] = connection_without_listener();
  const std::uint16_t client_port = port_of(c);
  int x = tcp();
  ASSERT_EQ(k.setsockopt(pid, x, SocketOption::kReuseAddr, 1).ret, 0);
  ASSERT_EQ(k.bind_port(pid, x, port).ret, 0);  // only connections hold `port`
  EXPECT_EQ(k.connect_port(pid, x, client_port).err, Errno::kEADDRINUSE);
  ASSERT_EQ(k.close(pid, s).ret, 0);  // FIN_WAIT_2: still hashed
  EXPECT_EQ(k.connect_port(pid, x, client_port).err, Errno::kEADDRINUSE);
  ASSERT_EQ(k.write(pid, c, 1).ret, 1);  // reaches closed s: RST, both dropped
  EXPECT_EQ(k.connect_port(pid, x, client_port).err, Errno::kECONNREFUSED);  // free; nobody listens there
}

// A connect to the socket's own port: a simultaneous open with itself on a
// real kernel, not modelled - said so rather than answered wrongly.
TEST_F(NetTest, ConnectToItsOwnPortIsNotModelled) {
  int a = tcp();
  ASSERT_EQ(k.bind_port(pid, a, 4001).ret, 0);
  EXPECT_EQ(k.connect_port(pid, a, 4001).completion, Completion::kUnsupported);
}

// kern_sendit: EPIPE raises SIGPIPE (default action: the process ends)
// unless MSG_NOSIGNAL.
TEST_F(NetTest, SendEpipeRaisesSigpipeUnlessNosignal) {
  SysResult child = k.fork(pid);
  const Pid cp = static_cast<Pid>(child.ret);
  k.sigaction(cp, sig::kPipe, SignalAction::kDefault);  // a trace's processes start with it ignored
  PipeResult p = k.socketpair(cp, SocketType::kStream, true);
  ASSERT_EQ(k.close(cp, p.fds[1]).ret, 0);
  EXPECT_EQ(k.send(cp, p.fds[0], 1, msgflag::kNosignal).err, Errno::kEPIPE);
  EXPECT_TRUE(k.process(cp)->alive);
  EXPECT_EQ(k.send(cp, p.fds[0], 1, 0).err, Errno::kEPIPE);
  EXPECT_FALSE(k.process(cp)->alive);
  EXPECT_EQ(k.process(cp)->exit_status, sig::kPipe);
}

// pause: sleeps until a caught signal; a repeated call then answers EINTR.
TEST_F(NetTest, PauseInterruptedByCaughtSignal) {
  ASSERT_EQ(k.sigaction(pid, sig::kUsr1, SignalAction::kCatch).ret, 0);
  EXPECT_EQ(k.pause(pid).completion, Completion::kBlockedForever);
  ASSERT_EQ(k.kill(pid, pid, sig::kUsr1).ret, 0);
  EXPECT_EQ(k.pause(pid).err, Errno::kEINTR);
  EXPECT_EQ(k.pause(pid).completion, Completion::kBlockedForever);
}

// hier(7): /tmp exists; vop_setattr_post: utimes posts NOTE_ATTRIB.
TEST_F(NetTest, TmpExistsAndUtimesPostsAttrib) {
  EXPECT_EQ(k.mkdir(pid, "/tmp").err, Errno::kEEXIST);
  int kq = new_kq();
  int f = open_file("/tmp/f");
  add(kq, kev(f, filt::kVnode, ev::kAdd | ev::kClear, note::kAttrib));
  ASSERT_EQ(k.utimes(pid, "/tmp/f").ret, 0);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, note::kAttrib);
  EXPECT_EQ(k.utimes(pid, "/tmp/none").err, Errno::kENOENT);
}

// A connect to a listener over sonewconn's limit (backlog 0: one connection
// fits): the syncache answers, the client is connected for a moment, then
// reset by the RST that answers the last ACK (R38, recorded on 13.2 and
// 15.1: regressions/tcp-connect-full-listen-queue). Writers were queued at
// soisconnected, before the readers.
TEST_F(NetTest, ConnectToAFullListenQueueIsReset) {
  const int kq = new_kq();
  const int l = tcp(true);
  ASSERT_EQ(k.listen(pid, l, 0).ret, 0);
  const int first = tcp();
  ASSERT_EQ(k.connect_port(pid, first, port_of(l)).ret, 0);
  const int c = tcp(true);
  add(kq, kev(c, filt::kRead, ev::kAdd));
  add(kq, kev(c, filt::kWrite, ev::kAdd));
  EXPECT_EQ(k.connect_port(pid, c, port_of(l)).err, Errno::kEINPROGRESS);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 2);
  EXPECT_EQ(r.events[0].filter, filt::kWrite);
  EXPECT_EQ(r.events[1].filter, filt::kRead);
  for (const KEvent& e : r.events) {
    EXPECT_EQ(e.flags & ev::kEof, ev::kEof);
    EXPECT_EQ(e.fflags, static_cast<std::uint32_t>(Errno::kECONNRESET));
  }
  EXPECT_EQ(k.write(pid, c, 1).err, Errno::kEPIPE);  // SBS_CANTSENDMORE before so_error
  EXPECT_EQ(k.read(pid, c, 1).err, Errno::kECONNRESET);
  EXPECT_EQ(k.connect_port(pid, tcp(), port_of(l)).err, Errno::kECONNRESET);  // blocking
  EXPECT_EQ(k.accept(pid, l).err, Errno::kNone);  // only the first was queued
  EXPECT_EQ(k.accept(pid, l).err, Errno::kEAGAIN);
}

// The blocking connect to a full queue races netisr too: woken by the
// SYN-ACK, the thread usually finds the RST taken (ECONNRESET); on the other
// outcome it answers 0 and so_error waits for a read (recorded on 15.1).
TEST_F(NetTest, BlockingConnectToAFullListenQueueIsARacePoint) {
  const int l = tcp(true);
  ASSERT_EQ(k.listen(pid, l, 0).ret, 0);
  ASSERT_EQ(k.connect_port(pid, tcp(), port_of(l)).ret, 0);
  const int usual = tcp();
  k.set_task_timing({});
  EXPECT_EQ(k.connect_port(pid, usual, port_of(l)).err, Errno::kECONNRESET);
  ASSERT_EQ(k.task_races().size(), 1U);
  EXPECT_EQ(k.task_races()[0].kind, TaskPoint::kLoopbackReset);
  EXPECT_EQ(k.task_races()[0].detail, usual);
  const int early = tcp();
  k.set_task_timing({0});
  EXPECT_EQ(k.connect_port(pid, early, port_of(l)).ret, 0);
  EXPECT_EQ(k.read(pid, early, 1).err, Errno::kECONNRESET);
  EXPECT_EQ(k.read(pid, early, 1).ret, 0);
  // Non-blocking: two points, each outcome one flip away - the SYN
  // answered (0), or the RST taken too (ECONNRESET, cleared).
  const int answered = tcp(true);
  k.set_task_timing({0});
  EXPECT_EQ(k.connect_port(pid, answered, port_of(l)).ret, 0);
  ASSERT_EQ(k.task_races().size(), 2U);
  EXPECT_EQ(k.task_races()[0].kind, TaskPoint::kLoopbackConnect);
  EXPECT_EQ(k.task_races()[1].kind, TaskPoint::kLoopbackResetFirst);
  EXPECT_EQ(k.read(pid, answered, 1).err, Errno::kECONNRESET);
  const int reset = tcp(true);
  k.set_task_timing({1});
  EXPECT_EQ(k.connect_port(pid, reset, port_of(l)).err, Errno::kECONNRESET);
  EXPECT_EQ(k.read(pid, reset, 1).ret, 0);
}

// connect(2) of a socket whose connection ended (R37, recorded on 13.2 and
// 15.1: regressions/tcp-connect-after-end). soconnectat clears so_error
// first; tcp_usr_connect refuses a dropped inpcb (ECONNREFUSED); TIME_WAIT
// and FIN_WAIT_2 differ by kernel (profile fields below).
class ConnectAfterEnd : public NetTest {
 protected:
  using NetTest::NetTest;
  // c shut both directions (FIN_WAIT_2, disconnected), s is in CLOSE_WAIT.
  std::array<int, 2> fin_wait_2(int l) {
    auto cs = connection(l);
    EXPECT_EQ(k.shutdown(pid, cs[0], ShutdownHow::kReadWrite).ret, 0);
    return cs;
  }
};

TEST_F(ConnectAfterEnd, DroppedIsRefusedAndClearsSoError) {
  const int l = listener();
  int closed = tcp();
  ASSERT_EQ(k.bind_port(pid, closed, 0).ret, 0);
  const int refused = tcp();
  EXPECT_EQ(k.connect_port(pid, refused, port_of(closed)).err, Errno::kECONNREFUSED);
  EXPECT_EQ(k.connect_port(pid, refused, port_of(l)).err, Errno::kECONNREFUSED);
  // Reset: data reaching a closed peer; so_error ECONNRESET until connect clears it.
  auto [c, s] = connection(l);
  ASSERT_EQ(k.close(pid, s).ret, 0);
  ASSERT_EQ(k.write(pid, c, 5).ret, 5);
  EXPECT_EQ(k.connect_port(pid, c, port_of(l)).err, Errno::kECONNREFUSED);
  EXPECT_EQ(k.read(pid, c, 1).ret, 0);
}

TEST_F(ConnectAfterEnd, TimeWaitLastAckAndFinWait2OnMain) {
  const int l = listener();
  auto [c, s] = connection(l);
  ASSERT_EQ(k.shutdown(pid, c, ShutdownHow::kWrite).ret, 0);
  ASSERT_EQ(k.shutdown(pid, s, ShutdownHow::kWrite).ret, 0);
  EXPECT_EQ(k.connect_port(pid, c, port_of(l)).err, Errno::kEISCONN);       // TIME_WAIT (15.1)
  EXPECT_EQ(k.connect_port(pid, s, port_of(l)).err, Errno::kECONNREFUSED);  // closed from LAST_ACK
  ASSERT_EQ(k.sleep(20'000'000).ret, 0);                                    // TIME_WAIT ends
  EXPECT_EQ(k.connect_port(pid, c, port_of(l)).err, Errno::kECONNREFUSED);
  auto [c2, s2] = fin_wait_2(l);
  EXPECT_EQ(k.connect_port(pid, c2, port_of(l)).err, Errno::kEISCONN);
  EXPECT_EQ(k.connect_port(pid, s2, port_of(l)).err, Errno::kEISCONN);  // CLOSE_WAIT: still connected
}

class ConnectAfterEnd13 : public ConnectAfterEnd {
 protected:
  ConnectAfterEnd13() : ConnectAfterEnd(*find_profile("freebsd-13.2")) {}
};

TEST_F(ConnectAfterEnd13, TimeWaitAndFinWait2ReuseTheInpcb) {
  const int l = listener();
  auto [c, s] = connection(l);
  ASSERT_EQ(k.shutdown(pid, c, ShutdownHow::kWrite).ret, 0);
  ASSERT_EQ(k.shutdown(pid, s, ShutdownHow::kWrite).ret, 0);
  EXPECT_EQ(k.connect_port(pid, c, 0).err, Errno::kEADDRINUSE);  // INP_TIMEWAIT, whatever the address
  EXPECT_EQ(k.connect_port(pid, s, port_of(l)).err, Errno::kECONNREFUSED);
  auto [c2, s2] = fin_wait_2(l);
  EXPECT_EQ(k.connect_port(pid, c2, port_of(l)).err, Errno::kEADDRINUSE);  // its own connection
  // The FINs crossed: c3's FIN waited behind data the peer's window had
  // not taken when s3's FIN came (FIN_WAIT_1 -> CLOSING), so c3 ends in
  // TIME_WAIT, not CLOSED (tcp_do_segment: CLOSING, our FIN acked -> tcp_twstart).
  auto [c3, s3] = connection(l);
  ASSERT_EQ(k.write(pid, c3, 100000).ret, 100000);  // 81,720 in s3's buffer, the rest in c3's
  ASSERT_EQ(k.shutdown(pid, c3, ShutdownHow::kWrite).ret, 0);
  ASSERT_EQ(k.shutdown(pid, s3, ShutdownHow::kWrite).ret, 0);
  ASSERT_EQ(k.read(pid, s3, 100000).ret, 81720);
  ASSERT_EQ(k.read(pid, s3, 100000).ret, 100000 - 81720);
  EXPECT_EQ(k.connect_port(pid, c3, port_of(l)).err, Errno::kEADDRINUSE);
  EXPECT_EQ(k.connect_port(pid, s3, port_of(l)).err, Errno::kEADDRINUSE);
  const int other = listener();
  EXPECT_FALSE(k.connect_port(pid, c2, port_of(other)).done());  // a new SYN: not modelled
}

}  // namespace
}  // namespace kqsim::model::testing
