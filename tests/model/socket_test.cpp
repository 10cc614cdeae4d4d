// AF_UNIX sockets: socketpair, listen/accept, shutdown, close, and the
// socket filters (uipc_socket.c filt_so*, uipc_usrreq.c uipc_filt_* on main).
// Expected values come from the kernel functions cited beside each test.
#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

class SocketTest : public KernelTest {
 protected:
  explicit SocketTest(const DialectProfile& profile = default_profile()) : KernelTest(profile) {}
  std::array<int, 2> pair(SocketType type = SocketType::kStream, bool nonblock = true) {
    PipeResult r = k.socketpair(pid, type, nonblock);
    EXPECT_EQ(r.sys.err, Errno::kNone);
    EXPECT_TRUE(r.sys.done());
    return r.fds;
  }
  int sock(SocketType type = SocketType::kStream, bool nonblock = true) {
    SysResult r = k.socket(pid, type, nonblock);
    EXPECT_EQ(r.err, Errno::kNone);
    return static_cast<int>(r.ret);
  }
  // A bound, listening stream socket.
  int listener(std::string_view name, int backlog) {
    int s = sock();
    EXPECT_EQ(k.bind(pid, s, name).err, Errno::kNone);
    EXPECT_EQ(k.listen(pid, s, backlog).err, Errno::kNone);
    return s;
  }
  KEvent only_event(int kq) {
    KeventResult r = poll(kq);
    EXPECT_EQ(r.sys.ret, 1);
    return r.events.empty() ? KEvent{} : r.events[0];
  }
};

// read.c socket_get + filt_soread: data = bytes buffered, level-triggered.
TEST_F(SocketTest, ReadReportsBufferedBytesUntilRead) {
  int kq = new_kq();
  auto [a, b] = pair();
  add(kq, kev(a, filt::kRead, ev::kAdd));
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(k.write(pid, b, 5).ret, 5);
  EXPECT_EQ(only_event(kq).data, 5);
  EXPECT_EQ(only_event(kq).data, 5);
  EXPECT_EQ(k.read(pid, a, 5).ret, 5);
  EXPECT_EQ(poll(kq).sys.ret, 0);
}

// filt_soread only ever sets EV_EOF; fflags follow so_error (0 on a plain close).
TEST_F(SocketTest, PeerCloseIsEofWithNoErrorAndStaysEof) {
  int kq = new_kq();
  auto [a, b] = pair();
  add(kq, kev(a, filt::kRead, ev::kAdd | ev::kClear));
  EXPECT_EQ(k.write(pid, b, 2).ret, 2);
  EXPECT_EQ(k.close(pid, b).ret, 0);
  KEvent e = only_event(kq);
  EXPECT_EQ(e.flags, ev::kEof | ev::kClear);
  EXPECT_EQ(e.fflags, 0U);
  EXPECT_EQ(e.data, 2);
  EXPECT_EQ(k.read(pid, a, 8).ret, 2);
  EXPECT_EQ(k.read(pid, a, 8).ret, 0);
  EXPECT_EQ(k.write(pid, a, 1).err, Errno::kEPIPE);  // uipc_lock_peer: SS_ISDISCONNECTED
  // Re-adding evaluates again: the stored flags keep EV_EOF.
  KeventResult r = apply(kq, {kev(a, filt::kRead, ev::kAdd)}, 8);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_TRUE(has(r.events[0].flags, ev::kEof));
}

// C5: NOTE_LOWAT honoured; a bare EV_ENABLE (fflags 0) removes it.
TEST_F(SocketTest, NoteLowatAndEnableWithoutFflags) {
  int kq = new_kq();
  auto [a, b] = pair();
  add(kq, kev(a, filt::kRead, ev::kAdd, note::kLowat, 4));
  EXPECT_EQ(k.write(pid, b, 2).ret, 2);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(k.write(pid, b, 2).ret, 2);
  EXPECT_EQ(only_event(kq).data, 4);
  EXPECT_EQ(k.read(pid, a, 2).ret, 2);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  KeventResult r = apply(kq, {kev(a, filt::kRead, ev::kEnable)}, 8);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 2);
}

// sbsetopt caps a low-water mark at sb_hiwat; filt_soread uses SO_RCVLOWAT;
// uipc_soreceive_stream_or_seqpacket refuses below it (EWOULDBLOCK).
TEST_F(SocketTest, RcvLowatGatesReadinessAndReads) {
  int kq = new_kq();
  auto [a, b] = pair();
  EXPECT_EQ(k.setsockopt(pid, a, SocketOption::kRcvLowat, -1).err, Errno::kEINVAL);
  EXPECT_EQ(k.setsockopt(pid, a, SocketOption::kRcvLowat, 0).err, Errno::kEINVAL);  // "values < 1 make no sense"
  EXPECT_EQ(k.setsockopt(pid, a, SocketOption::kRcvLowat, 1 << 30).err, Errno::kNone);
  EXPECT_EQ(k.sockets()[0].rcv.lowat, 65536U);
  EXPECT_EQ(k.setsockopt(pid, a, SocketOption::kRcvLowat, 3).err, Errno::kNone);
  add(kq, kev(a, filt::kRead, ev::kAdd));
  EXPECT_EQ(k.write(pid, b, 2).ret, 2);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(k.read(pid, a, 8).err, Errno::kEAGAIN);
  EXPECT_EQ(k.write(pid, b, 1).ret, 1);
  EXPECT_EQ(only_event(kq).data, 3);
}

// uipc_filt_sowrite: data = the peer's free receive space; the threshold is
// the PEER's SO_RCVLOWAT, not our SO_SNDLOWAT.
TEST_F(SocketTest, StreamWriteMeasuresPeerBuffer) {
  int kq = new_kq();
  auto [a, b] = pair();
  EXPECT_EQ(k.write(pid, a, 65000).ret, 65000);
  EXPECT_EQ(k.setsockopt(pid, a, SocketOption::kSndLowat, 1000).err, Errno::kNone);
  KeventResult r = apply(kq, {kev(a, filt::kWrite, ev::kAdd)}, 8);
  ASSERT_EQ(r.sys.ret, 1);  // 536 free >= b's SO_RCVLOWAT 1; our SO_SNDLOWAT 1000 does not matter
  EXPECT_EQ(r.events[0].data, 536);
  EXPECT_EQ(k.setsockopt(pid, b, SocketOption::kRcvLowat, 600).err, Errno::kNone);
  EXPECT_EQ(poll(kq).sys.ret, 0);  // 536 < 600
  EXPECT_EQ(k.write(pid, a, 536).err, Errno::kEAGAIN);  // uipc_sosend: space < peer sb_lowat
  EXPECT_EQ(k.read(pid, b, 100).ret, 100);
  EXPECT_EQ(only_event(kq).data, 636);  // uipc_wakeup_writer posted a's so_wrsel
}

// unp_soisconnected(so, wakeup): the KNOTE goes to the new peer's receive
// list, so a WRITE knote the client registered before connect() is not
// posted; it stays silent until the peer's first read wakes our writers.
TEST_F(SocketTest, ConnectDoesNotPostTheClientsKnotes) {
  int kq = new_kq();
  int s = listener("srv", 4);
  int c = sock();
  add(kq, kev(c, filt::kWrite, ev::kAdd));
  EXPECT_EQ(poll(kq).sys.ret, 0);  // unconnected: uipc_filt_sowrite is false
  EXPECT_EQ(k.connect(pid, c, "srv").ret, 0);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  SysResult conn = k.accept(pid, s);
  ASSERT_EQ(conn.err, Errno::kNone);
  EXPECT_EQ(k.read(pid, static_cast<int>(conn.ret), 1).err, Errno::kEAGAIN);  // nothing taken: no wakeup
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(k.write(pid, c, 1).ret, 1);
  EXPECT_EQ(k.read(pid, static_cast<int>(conn.ret), 1).ret, 1);  // uipc_wakeup_writer
  EXPECT_EQ(only_event(kq).data, 65536);
}

// uipc_sosend_stream_or_seqpacket: a blocking write that does not fit would sleep.
TEST_F(SocketTest, BlockingStreamWriteLargerThanSpaceBlocks) {
  auto [a, b] = pair(SocketType::kStream, false);
  (void)b;
  EXPECT_EQ(k.write(pid, a, 65536).ret, 65536);
  EXPECT_EQ(k.write(pid, a, 1).completion, Completion::kBlockedForever);
}

// uipc_filt_soempty as written on main: true with no peer, else when the
// peer has no space left.
TEST_F(SocketTest, StreamEmptyFollowsUipcFilter) {
  int kq = new_kq();
  auto [a, b] = pair();
  add(kq, kev(a, filt::kEmpty, ev::kAdd));
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(k.write(pid, a, 65536).ret, 65536);
  EXPECT_EQ(poll(kq).sys.ret, 0);  // sending does not post our so_wrsel
  EXPECT_EQ(k.read(pid, b, 0).ret, 0);
  KeventResult r = apply(kq, {kev(a, filt::kEmpty, ev::kAdd)}, 8);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 0);
}

// EVFILT_EMPTY: sockets only (pipe_kqfilter, kqueue_kqfilter refuse it).
TEST_F(SocketTest, EmptyRefusedOnPipesAndKqueues) {
  int kq = new_kq();
  auto [r, w] = new_pipe();
  (void)r;
  EXPECT_EQ(apply(kq, {kev(w, filt::kEmpty, ev::kAdd)}).sys.err, Errno::kEINVAL);
  int other = new_kq();
  EXPECT_EQ(apply(kq, {kev(other, filt::kEmpty, ev::kAdd)}).sys.err, Errno::kEINVAL);
}

// uipc_sosend_dgram / uipc_soreceive_dgram / filt_soread on datagrams.
TEST_F(SocketTest, DatagramRecordsAndLimits) {
  int kq = new_kq();
  auto [a, b] = pair(SocketType::kDgram);
  add(kq, kev(a, filt::kRead, ev::kAdd));
  EXPECT_EQ(k.write(pid, b, 8193).err, Errno::kEMSGSIZE);  // unpdg_maxdgram 8192
  EXPECT_EQ(k.write(pid, b, 3).ret, 3);
  EXPECT_EQ(k.write(pid, b, 4).ret, 4);
  EXPECT_EQ(only_event(kq).data, 7);  // addresses (2 x 16) are sb_ctl, not data
  EXPECT_EQ(k.read(pid, a, 100).ret, 3);
  EXPECT_EQ(k.read(pid, a, 1).ret, 1);  // rest of the record discarded
  EXPECT_EQ(k.read(pid, a, 1).err, Errno::kEAGAIN);
  EXPECT_EQ(k.write(pid, b, 8192).ret, 8192);
  EXPECT_EQ(k.write(pid, b, 8161).err, Errno::kENOBUFS);  // 8208 + 8177 > 16384
  EXPECT_EQ(k.write(pid, b, 8160).ret, 8160);             // 8208 + 8176 == 16384
}

// A zero-length datagram: data 0, yet sbavail (its address) reaches SO_RCVLOWAT.
TEST_F(SocketTest, EmptyDatagramFiresWithDataZero) {
  int kq = new_kq();
  auto [a, b] = pair(SocketType::kDgram);
  add(kq, kev(a, filt::kRead, ev::kAdd));
  EXPECT_EQ(k.write(pid, b, 0).ret, 0);
  KEvent e = only_event(kq);
  EXPECT_EQ(e.data, 0);
  EXPECT_EQ(k.read(pid, a, 4).ret, 0);
  EXPECT_EQ(poll(kq).sys.ret, 0);
}

// filt_sowrite on a datagram socket: sbspace(so_snd) = 16384, SO_SNDLOWAT
// threshold, EV_EOF with so_error after SHUT_WR (socantsendmore).
TEST_F(SocketTest, DatagramWriteAndShutWr) {
  int kq = new_kq();
  auto [a, b] = pair(SocketType::kDgram);
  (void)b;
  EXPECT_EQ(k.setsockopt(pid, a, SocketOption::kSndLowat, 20000).err, Errno::kNone);  // capped at 16384
  KeventResult r = apply(kq, {kev(a, filt::kWrite, ev::kAdd)}, 8);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 16384);
  EXPECT_EQ(k.shutdown(pid, a, ShutdownHow::kWrite).ret, 0);
  EXPECT_EQ(only_event(kq).flags, ev::kEof);
  EXPECT_EQ(k.write(pid, a, 1).err, Errno::kEPIPE);
}

// uipc_detach -> unp_drop: ECONNRESET for the datagram peer, then unconnected.
TEST_F(SocketTest, DatagramPeerCloseLeavesConnReset) {
  auto [a, b] = pair(SocketType::kDgram);
  EXPECT_EQ(k.write(pid, a, 5).ret, 5);
  EXPECT_EQ(k.close(pid, a).ret, 0);
  EXPECT_EQ(k.read(pid, b, 8).ret, 5);  // queued data survives
  EXPECT_EQ(k.read(pid, b, 8).err, Errno::kECONNRESET);
  EXPECT_EQ(k.read(pid, b, 8).err, Errno::kEAGAIN);
  EXPECT_EQ(k.write(pid, b, 1).err, Errno::kEDESTADDRREQ);
}

// filt_soread on a listener: data = sol_qlen; solisten_clone refuses once
// sol_qlen > 3 * backlog / 2; accept() inherits O_NONBLOCK.
TEST_F(SocketTest, ListenerQueueAndBacklog) {
  int kq = new_kq();
  int s = listener("srv", 1);
  add(kq, kev(s, filt::kRead, ev::kAdd));
  int c1 = sock(), c2 = sock(), c3 = sock();
  EXPECT_EQ(k.connect(pid, c1, "srv").ret, 0);
  EXPECT_EQ(only_event(kq).data, 1);
  EXPECT_EQ(k.connect(pid, c2, "srv").ret, 0);  // qlen 1 is not > 3 * 1 / 2 = 1
  EXPECT_EQ(k.connect(pid, c3, "srv").err, Errno::kECONNREFUSED);
  EXPECT_EQ(only_event(kq).data, 2);
  SysResult acc = k.accept(pid, s);
  ASSERT_EQ(acc.err, Errno::kNone);
  EXPECT_EQ(only_event(kq).data, 1);
  EXPECT_EQ(k.fcntl_getfd(pid, static_cast<int>(acc.ret)).ret, 0);
  EXPECT_EQ(k.read(pid, static_cast<int>(acc.ret), 1).err, Errno::kEAGAIN);  // inherited O_NONBLOCK
  EXPECT_EQ(k.write(pid, c1, 3).ret, 3);
  EXPECT_EQ(k.read(pid, static_cast<int>(acc.ret), 8).ret, 3);  // FIFO: the first client's peer
}

// solisten_clone copies the listener's low-water marks as they were at
// listen(); a mark set on the listener afterwards is capped at its buffer
// size, 0 (uipc_listen), and soreserve turns 0 back into the default.
TEST_F(SocketTest, AcceptedSocketsInheritLowatFromBeforeListen) {
  int s = sock();
  ASSERT_EQ(k.setsockopt(pid, s, SocketOption::kRcvLowat, 5).err, Errno::kNone);
  ASSERT_EQ(k.bind(pid, s, "srv").err, Errno::kNone);
  ASSERT_EQ(k.listen(pid, s, 4).err, Errno::kNone);
  int c1 = sock();
  ASSERT_EQ(k.connect(pid, c1, "srv").ret, 0);
  SysResult a1 = k.accept(pid, s);
  ASSERT_EQ(a1.err, Errno::kNone);
  EXPECT_EQ(k.write(pid, c1, 4).ret, 4);
  EXPECT_EQ(k.read(pid, static_cast<int>(a1.ret), 8).err, Errno::kEAGAIN);  // 4 < SO_RCVLOWAT 5
  ASSERT_EQ(k.setsockopt(pid, s, SocketOption::kRcvLowat, 9).err, Errno::kNone);
  int c2 = sock();
  ASSERT_EQ(k.connect(pid, c2, "srv").ret, 0);
  SysResult a2 = k.accept(pid, s);
  ASSERT_EQ(a2.err, Errno::kNone);
  EXPECT_EQ(k.write(pid, c2, 1).ret, 1);
  EXPECT_EQ(k.read(pid, static_cast<int>(a2.ret), 8).ret, 1);  // back to the default 1
}

// solisten_proto: a negative or too large backlog becomes somaxconn.
TEST_F(SocketTest, BacklogClampedToSomaxconn) {
  int s = listener("big", -1);
  EXPECT_EQ(k.sockets()[k.sockets().size() - 1].qlimit, 128);
  EXPECT_EQ(k.listen(pid, s, 100000).err, Errno::kNone);
  EXPECT_EQ(k.sockets()[k.sockets().size() - 1].qlimit, 128);
}

// uipc_shutdown on a listener: ENOTCONN; SHUT_RD aborts it (so_error
// ECONNABORTED: READ EV_EOF fflags 53), accept returns and clears it.
TEST_F(SocketTest, ListenerShutdownAborts) {
  int kq = new_kq();
  int s = listener("srv", 4);
  add(kq, kev(s, filt::kRead, ev::kAdd));
  EXPECT_EQ(k.shutdown(pid, s, ShutdownHow::kWrite).err, Errno::kENOTCONN);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(k.shutdown(pid, s, ShutdownHow::kRead).err, Errno::kENOTCONN);
  KEvent e = only_event(kq);
  EXPECT_EQ(e.flags, ev::kEof);
  EXPECT_EQ(e.fflags, 53U);
  EXPECT_EQ(k.accept(pid, s).err, Errno::kECONNABORTED);
  EXPECT_EQ(k.accept(pid, s).err, Errno::kEAGAIN);
}

// soclose of a listener -> uipc_abort -> unp_drop: the client's so_error is EPIPE.
TEST_F(SocketTest, ListenerCloseGivesClientEpipe) {
  int kq = new_kq();
  int s = listener("srv", 4);
  int c = sock();
  EXPECT_EQ(k.connect(pid, c, "srv").ret, 0);
  add(kq, kev(c, filt::kRead, ev::kAdd));
  EXPECT_EQ(k.close(pid, s).ret, 0);
  KEvent e = only_event(kq);
  EXPECT_EQ(e.flags, ev::kEof);
  EXPECT_EQ(e.fflags, static_cast<std::uint32_t>(Errno::kEPIPE));
  EXPECT_EQ(k.write(pid, c, 1).err, Errno::kEPIPE);  // so_error, cleared
  EXPECT_EQ(k.connect(pid, c, "srv").err, Errno::kECONNREFUSED);  // the name outlives the socket
  int other = sock();
  EXPECT_EQ(k.bind(pid, other, "srv").err, Errno::kEADDRINUSE);
}

// uipc_shutdown SHUT_RD flushes; SHUT_WR is the peer's SBS_CANTRCVMORE.
TEST_F(SocketTest, ShutdownReadAndWrite) {
  int kq = new_kq();
  auto [a, b] = pair();
  EXPECT_EQ(k.write(pid, b, 10).ret, 10);
  EXPECT_EQ(k.shutdown(pid, a, ShutdownHow::kRead).ret, 0);
  EXPECT_EQ(k.read(pid, a, 8).ret, 0);
  EXPECT_EQ(k.write(pid, b, 1).err, Errno::kEPIPE);
  add(kq, kev(b, filt::kRead, ev::kAdd));
  EXPECT_EQ(k.shutdown(pid, a, ShutdownHow::kWrite).ret, 0);
  KEvent e = only_event(kq);
  EXPECT_EQ(e.flags, ev::kEof);
  EXPECT_EQ(e.data, 0);
  EXPECT_EQ(k.write(pid, a, 1).err, Errno::kEPIPE);
}

// unp_dispose gives the receive buffer back (sb_hiwat 0): the peer's
// EVFILT_WRITE reports EV_EOF with no space (R3: data 0 on 15.1).
TEST_F(SocketTest, ShutdownReadLeavesPeerNoWriteSpace) {
  int kq = new_kq();
  auto [a, b] = pair();
  EXPECT_EQ(k.shutdown(pid, a, ShutdownHow::kRead).ret, 0);
  add(kq, kev(b, filt::kWrite, ev::kAdd));
  KEvent e = only_event(kq);
  EXPECT_EQ(e.flags, ev::kEof);
  EXPECT_EQ(e.data, 0);
}

// The errors of the calls, each the kernel's first failing check.
TEST_F(SocketTest, CallErrors) {
  int s = sock();
  auto [r, w] = new_pipe();
  (void)w;
  EXPECT_EQ(k.bind(pid, r, "x").err, Errno::kENOTSOCK);
  EXPECT_EQ(k.listen(pid, 99, 1).err, Errno::kEBADF);
  EXPECT_EQ(k.listen(pid, s, 1).err, Errno::kEDESTADDRREQ);
  EXPECT_EQ(k.connect(pid, s, "nobody").err, Errno::kENOENT);
  EXPECT_EQ(k.read(pid, s, 1).err, Errno::kENOTCONN);
  EXPECT_EQ(k.write(pid, s, 1).err, Errno::kENOTCONN);
  EXPECT_EQ(k.shutdown(pid, s, ShutdownHow::kRead).err, Errno::kENOTCONN);
  EXPECT_EQ(k.accept(pid, s).err, Errno::kEINVAL);
  int d = sock(SocketType::kDgram);
  EXPECT_EQ(k.bind(pid, d, "dg").err, Errno::kNone);
  EXPECT_EQ(k.listen(pid, d, 1).err, Errno::kEOPNOTSUPP);
  EXPECT_EQ(k.connect(pid, s, "dg").err, Errno::kEPROTOTYPE);
  EXPECT_EQ(k.write(pid, d, 1).err, Errno::kEDESTADDRREQ);
}

// Unsupported corners are named, never silently ignored.
TEST_F(SocketTest, UnsupportedCornersAreNamed) {
  EXPECT_EQ(k.socketpair(pid, SocketType::kSeqpacket).sys.completion, Completion::kUnsupported);
  auto [a, b] = pair();
  (void)b;
  SysResult r = k.setsockopt(pid, a, SocketOption::kSndBuf, 1);
  EXPECT_EQ(r.completion, Completion::kUnsupported);
  EXPECT_NE(r.detail.find("SO_SNDBUF"), std::string_view::npos);
  int d = sock(SocketType::kDgram);
  EXPECT_EQ(k.connect(pid, d, "x").completion, Completion::kUnsupported);
}

// A dup keeps the socket open; only the last reference disconnects.
TEST_F(SocketTest, CloseOfADupDoesNotDisconnect) {
  auto [a, b] = pair();
  SysResult d = k.dup(pid, b);
  EXPECT_EQ(k.close(pid, b).ret, 0);
  EXPECT_EQ(k.write(pid, a, 1).ret, 1);
  EXPECT_EQ(k.close(pid, static_cast<int>(d.ret)).ret, 0);
  EXPECT_EQ(k.write(pid, a, 1).err, Errno::kEPIPE);
}

class Socket132Test : public SocketTest {
 protected:
  Socket132Test() : SocketTest(*find_profile("freebsd-13.2")) {}
};

// 13.2's uipc_send: a stream writer's EVFILT_WRITE measures its own send
// buffer (PIPSIZ 8192: R5), whole until the peer holds 8192 bytes, when
// SB_STOP makes it 0; the reader's uipc_rcvd lets it run again.
TEST_F(Socket132Test, StreamWriteMeasuresOwnSendBuffer) {
  int kq = new_kq();
  auto [a, b] = pair();
  add(kq, kev(a, filt::kWrite, ev::kAdd));  // level-triggered: re-evaluated at every scan
  EXPECT_EQ(only_event(kq).data, 8192);
  EXPECT_EQ(k.write(pid, a, 8000).ret, 8000);
  EXPECT_EQ(only_event(kq).data, 8192);  // 8000 < 8192: not stopped
  EXPECT_EQ(k.write(pid, a, 1000).ret, 1000);  // a whole chunk still goes: 9000 buffered
  EXPECT_EQ(poll(kq).sys.ret, 0);              // stopped: data 0, below SO_SNDLOWAT
  EXPECT_EQ(k.write(pid, a, 1).err, Errno::kEAGAIN);
  EXPECT_EQ(k.read(pid, b, 1000).ret, 1000);  // 8000 left < 8192: runs again
  EXPECT_EQ(only_event(kq).data, 8192);
}

// 13.2's soshutdown(SHUT_RD) is sorflush: the peer is not told, keeps its
// send space and can still write (R6).
TEST_F(Socket132Test, ShutdownReadLeavesPeerWriting) {
  int kq = new_kq();
  auto [a, b] = pair();
  EXPECT_EQ(k.write(pid, b, 10).ret, 10);
  EXPECT_EQ(k.shutdown(pid, a, ShutdownHow::kRead).ret, 0);
  add(kq, kev(b, filt::kWrite, ev::kAdd));
  KEvent e = only_event(kq);
  EXPECT_EQ(e.flags, 0);
  EXPECT_EQ(e.data, 8192);
  EXPECT_EQ(k.write(pid, b, 1).ret, 1);
}

// 13.2: a peer's close is soisdisconnected on this end: EVFILT_WRITE gets
// EV_EOF at once and writes fail with EPIPE.
TEST_F(Socket132Test, PeerCloseShutsSendingSide) {
  int kq = new_kq();
  auto [a, b] = pair();
  add(kq, kev(a, filt::kWrite, ev::kAdd | ev::kClear));
  EXPECT_EQ(only_event(kq).flags, ev::kClear);
  EXPECT_EQ(k.close(pid, b).ret, 0);
  EXPECT_EQ(only_event(kq).flags, ev::kClear | ev::kEof);
  EXPECT_EQ(k.write(pid, a, 1).err, Errno::kEPIPE);
}

// 13.2 datagrams: the send buffer is the largest datagram (2048: EVFILT_WRITE
// data, EMSGSIZE above it), and each must fit in the receiver's 4096-byte
// buffer with its 16-byte source address (sbappendaddr), else ENOBUFS.
TEST_F(Socket132Test, DatagramLimits) {
  int kq = new_kq();
  auto [a, b] = pair(SocketType::kDgram);
  add(kq, kev(b, filt::kWrite, ev::kAdd));
  EXPECT_EQ(only_event(kq).data, 2048);
  EXPECT_EQ(k.write(pid, b, 2049).err, Errno::kEMSGSIZE);
  EXPECT_EQ(k.write(pid, b, 2048).ret, 2048);                 // 2048 + 16 queued at a
  EXPECT_EQ(k.write(pid, b, 2017).err, Errno::kENOBUFS);        // 2064 + 2033 > 4096
  EXPECT_EQ(k.write(pid, b, 2016).ret, 2016);                 // exactly fills it
  EXPECT_EQ(k.read(pid, a, 4096).ret, 2048);
  EXPECT_EQ(k.shutdown(pid, b, ShutdownHow::kWrite).ret, 0);
  EXPECT_EQ(k.write(pid, b, 4000).err, Errno::kEPIPE);  // sosend_generic: EPIPE before EMSGSIZE
}

// 13.2's unp_drop gives an aborted connection ECONNRESET (R7).
TEST_F(Socket132Test, AbortedConnectionGetsEconnreset) {
  int kq = new_kq();
  int srv = listener("srv", 5);
  int c = sock();
  EXPECT_EQ(k.connect(pid, c, "srv").err, Errno::kNone);
  add(kq, kev(c, filt::kRead, ev::kAdd));
  EXPECT_EQ(k.close(pid, srv).ret, 0);
  KEvent e = only_event(kq);
  EXPECT_EQ(e.flags, ev::kEof);
  EXPECT_EQ(e.fflags, static_cast<std::uint32_t>(Errno::kECONNRESET));
}

}  // namespace
}  // namespace kqsim::model::testing
