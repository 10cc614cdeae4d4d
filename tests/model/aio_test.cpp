// POSIX aio with kqueue notification (vfs_aio.c): what the conformance
// traces under traces/conformance/aio/ cannot show, because it is internal
// state, needs many calls, or is about the model's own boundaries.
#include <string>

#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

class AioTest : public KernelTest {
 protected:
  static AioCb request(std::uint64_t addr, int fd, std::int64_t nbytes, int kq = -1, bool defer = false,
                       std::uint16_t kflags = 0) {
    AioCb cb;
    cb.addr = addr;
    cb.fildes = fd;
    cb.nbytes = nbytes;
    cb.defer = defer;
    if (kq >= 0) {
      cb.sigevent.notify = sigev::kKevent;
      cb.sigevent.kqueue = kq;
      cb.sigevent.kevent_flags = kflags;
      cb.sigevent.value = addr + 1;
    }
    return cb;
  }
  SysResult call(AioOp op, const AioCb& cb, Pid who = 0) {
    AioCall c;
    c.op = op;
    c.cb = cb;
    return k.aio(who == 0 ? pid : who, c);
  }
  SysResult read(const AioCb& cb, Pid who = 0) { return call(AioOp::kRead, cb, who); }
  static AioCb at(std::uint64_t addr) {
    AioCb cb;
    cb.addr = addr;
    return cb;
  }
  SysResult error(std::uint64_t addr, Pid who = 0) { return call(AioOp::kError, at(addr), who); }
  SysResult ret(std::uint64_t addr, Pid who = 0) { return call(AioOp::kReturn, at(addr), who); }
  std::string state() {
    std::string s;
    k.encode(s);
    return s;
  }
};

// aio_aqueue: at most max_aio_queue_per_proc (256) requests per process;
// the next is EAGAIN, stored in the aiocb (aio_error reads it back).
TEST_F(AioTest, PerProcessLimitIsEagain) {
  int f = open_file("f");
  for (std::uint64_t i = 0; i < 256; ++i) ASSERT_EQ(read(request(0x1000 + i * 0x100, f, 1, -1, true)).err, Errno::kNone);
  EXPECT_EQ(read(request(0x900000, f, 1, -1, true)).err, Errno::kEAGAIN);
  EXPECT_EQ(error(0x900000).ret, static_cast<std::int64_t>(Errno::kEAGAIN));
  EXPECT_EQ(k.aio_queue().size(), 256u);
}

// kern_lio_listio: nent above max_aio_queue_per_proc is EINVAL before anything.
TEST_F(AioTest, LioListTooLongIsEinval) {
  int f = open_file("f");
  AioCall c;
  c.op = AioOp::kLioListio;
  c.list_addr = 0x5000;
  for (std::uint64_t i = 0; i < 257; ++i) {
    AioCb cb = request(0x10000 + i * 0x100, f, 1);
    cb.lio_opcode = lio::kRead;
    c.list.push_back(cb);
  }
  EXPECT_EQ(k.aio(pid, c).err, Errno::kEINVAL);
  EXPECT_TRUE(k.aio_jobs().empty());
}

// The daemons run while a caller sleeps: a waiting kevent returns the
// completion without the clock moving, nanosleep lets them run too, a poll
// does not.
TEST_F(AioTest, SleepingCallsLetTheDaemonsRun) {
  int kq = new_kq();
  int f = open_file("f");
  k.write(pid, f, 4);
  ASSERT_EQ(read(request(0x1000, f, 4, kq, true)).err, Errno::kNone);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  KeventResult r = k.kevent(pid, kq, {}, 4, Timespec{1, 0});
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].ident, 0x1000u);
  EXPECT_EQ(r.events[0].udata, 0x1001u);
  EXPECT_EQ(k.now_ns(), 0);
  ASSERT_EQ(read(request(0x2000, f, 4, -1, true)).err, Errno::kNone);
  EXPECT_EQ(error(0x2000).ret, static_cast<std::int64_t>(Errno::kEINPROGRESS));
  k.sleep(1);
  EXPECT_EQ(error(0x2000).ret, 0);
  EXPECT_EQ(ret(0x2000).ret, 4);
}

// poll(2) with a timeout lets the daemons run as it sleeps (seltdwait): the
// completion queued on the polled kqueue wakes it at once.
TEST_F(AioTest, PollWithATimeoutLetsTheDaemonsRun) {
  int kq = new_kq();
  int f = open_file("f");
  k.write(pid, f, 4);
  ASSERT_EQ(read(request(0x1000, f, 4, kq, true)).err, Errno::kNone);
  PollFd p{kq, pollbit::kIn, 0};
  ASSERT_EQ(k.poll(pid, std::span<PollFd>(&p, 1), 1000).ret, 1);
  EXPECT_EQ(p.revents, pollbit::kIn);
  EXPECT_EQ(k.now_ns(), 0);
  EXPECT_EQ(error(0x1000).ret, 0);
}

// filt_aio sets data to the job's error whenever it is evaluated: a modify
// of a queued job's knote (EV_DISABLE then EV_ENABLE, allowed: the knote
// exists, no attach) sees EINPROGRESS and stays inactive; completion turns
// it into 0 with EV_EOF.
TEST_F(AioTest, QueuedKnoteDataIsEinprogress) {
  int kq = new_kq();
  int f = open_file("f");
  ASSERT_EQ(read(request(0x1000, f, 1, kq, true)).err, Errno::kNone);
  const Knote& kn = k.kqueues()[0].knote(0);
  EXPECT_EQ(kn.kev.data, 0);  // the registration saw the aiocb's error word: 0
  add(kq, kev(0x1000, filt::kAio, ev::kDisable, 0, 0, 0x1001));
  add(kq, kev(0x1000, filt::kAio, ev::kEnable, 0, 0, 0x1001));
  EXPECT_EQ(k.kqueues()[0].knote(0).kev.data, static_cast<std::int64_t>(Errno::kEINPROGRESS));
  EXPECT_EQ(poll(kq).sys.ret, 0);
  AioCall run;
  run.op = AioOp::kRun;
  EXPECT_EQ(k.aio(pid, run).ret, 1);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 0);
  EXPECT_EQ(r.events[0].flags, ev::kEof);
}

// fork: the child's memory is a copy but p_aioinfo is not inherited: it
// knows none of the parent's requests (EINVAL) and the parent's job is
// untouched.
TEST_F(AioTest, ForkedChildHasNoRequests) {
  int f = open_file("f");
  ASSERT_EQ(read(request(0x1000, f, 1, -1, true)).err, Errno::kNone);
  const Pid child = static_cast<Pid>(k.fork(pid).ret);
  EXPECT_EQ(error(0x1000, child).ret, static_cast<std::int64_t>(Errno::kEINVAL));
  EXPECT_EQ(ret(0x1000, child).err, Errno::kEINVAL);
  EXPECT_EQ(error(0x1000).ret, static_cast<std::int64_t>(Errno::kEINPROGRESS));
}

// aio_proc_rundown at exit: the queued request is cancelled silently and
// freed, its file reference with it, before the descriptors go; nothing is
// left for the daemons.
TEST_F(AioTest, ExitRunsDownRequests) {
  const Pid child = static_cast<Pid>(k.fork(pid).ret);
  SysResult fr = k.open(child, "g", oflag::kRdwr | oflag::kCreat);
  ASSERT_EQ(fr.err, Errno::kNone);
  ASSERT_EQ(read(request(0x1000, static_cast<int>(fr.ret), 1, -1, true), child).err, Errno::kNone);
  k.exit(child);
  EXPECT_TRUE(k.aio_queue().empty());
  EXPECT_FALSE(k.aio_jobs()[0].live);
  EXPECT_FALSE(k.process(child)->aio_info);
}

// What the model cannot do is refused before anything changes.
TEST_F(AioTest, UnsupportedRequestsChangeNothing) {
  int kq = new_kq();
  int f = open_file("f");
  PipeResult sp = k.socketpair(pid, SocketType::kStream);
  ASSERT_EQ(read(request(0x1000, f, 1, kq, true)).err, Errno::kNone);
  const std::string before = state();
  AioCb sig = request(0x2000, f, 1);
  sig.sigevent.notify = sigev::kSignal;
  sig.sigevent.signo = 30;
  EXPECT_EQ(read(sig).completion, Completion::kUnsupported);
  sig.sigevent.notify = sigev::kThread;
  EXPECT_EQ(read(sig).completion, Completion::kUnsupported);
  EXPECT_EQ(read(request(0x3000, sp.fds[0], 1, kq)).completion, Completion::kUnsupported);
  EXPECT_EQ(read(request(0x1000, f, 1, kq)).completion, Completion::kUnsupported);  // resubmitted before aio_return
  AioCall c;
  c.op = AioOp::kLioListio;
  c.list_addr = 0x5000;
  AioCb sync = request(0x4000, f, 0);
  sync.lio_opcode = lio::kSync;
  AioCb good = request(0x4100, f, 1);
  good.lio_opcode = lio::kRead;
  c.list = {good, sync};
  EXPECT_EQ(k.aio(pid, c).completion, Completion::kUnsupported);
  EXPECT_EQ(state(), before);
}

// A SIGEV_SIGNAL with a signal number that is not one is EINVAL (not stored).
TEST_F(AioTest, InvalidSignalNumberIsEinval) {
  int f = open_file("f");
  AioCb cb = request(0x1000, f, 1);
  cb.sigevent.notify = sigev::kSignal;
  cb.sigevent.signo = 0;
  EXPECT_EQ(read(cb).err, Errno::kEINVAL);
  EXPECT_EQ(error(0x1000).ret, 0);
}

// A dialect without SIGEV_KEVENT aio (macOS, NetBSD, OpenBSD) reports every
// aio call as unsupported.
TEST(AioDialect, NoKeventAioIsUnsupported) {
  DialectProfile p = default_profile();
  p.has_aio_kevent = false;
  Kernel k(p);
  AioCall c;
  c.op = AioOp::kError;
  EXPECT_EQ(k.aio(Kernel::kInitPid, c).completion, Completion::kUnsupported);
}

// A queued and a finished request are different states.
TEST_F(AioTest, EncodingSeesTheJobState) {
  int f = open_file("f");
  ASSERT_EQ(read(request(0x1000, f, 1, -1, true)).err, Errno::kNone);
  const std::string queued = state();
  AioCall run;
  run.op = AioOp::kRun;
  k.aio(pid, run);
  EXPECT_NE(state(), queued);
}

// A forced unmount (vgonel) under aio: a request still queued for the
// daemons reads through fo_read -> VOP_READ, which main's deadfs answers
// with ENXIO (dead_vnops.c dead_read; read(2) recorded so on 15.1, R24),
// and its EVFILT_AIO event carries that error;
// a request made afterwards on the still-open descriptor meets
// aio_queue_file, where the vnode is VBAD, neither VREG nor VDIR: not
// "safe", EOPNOTSUPP with vfs.aio.enable_unsafe off.
TEST_F(AioTest, RequestsOnAVnodeAForcedUnmountTookAway) {
  int kq = new_kq();
  int f = open_file("f");
  ASSERT_EQ(k.write(pid, f, 10).err, Errno::kNone);
  ASSERT_EQ(read(request(0x1000, f, 4, kq, true)).err, Errno::kNone);
  ASSERT_EQ(k.unmount(pid, ".", mntflag::kForce).err, Errno::kNone);
  AioCall run;
  run.op = AioOp::kRun;
  ASSERT_EQ(k.aio(pid, run).ret, 1);
  EXPECT_EQ(error(0x1000).ret, static_cast<std::int64_t>(Errno::kENXIO));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].ident, 0x1000u);
  EXPECT_EQ(r.events[0].filter, filt::kAio);
  EXPECT_EQ(r.events[0].data, static_cast<std::int64_t>(Errno::kENXIO));
  EXPECT_NE(r.events[0].flags & ev::kEof, 0);
  EXPECT_EQ(ret(0x1000).err, Errno::kENXIO);
  EXPECT_EQ(read(request(0x2000, f, 4, kq)).err, Errno::kEOPNOTSUPP);
}

}  // namespace
}  // namespace kqsim::model::testing
