// Pipes (sys_pipe.c) and descriptors (kern_descrip.c) as seen by knotes.
#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

using PipeTest = KernelTest;

// C10: EVFILT_WRITE data on both ends.
TEST_F(PipeTest, WriteFilterDataIsPeerSpace) {
  int kq = new_kq();
  auto p = new_pipe();
  add(kq, kev(p[1], filt::kWrite, ev::kAdd));
  add(kq, kev(p[0], filt::kWrite, ev::kAdd));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 2);
  EXPECT_EQ(r.events[0].data, 16384);
  EXPECT_EQ(r.events[1].data, 4096);
  k.write(pid, p[1], 100);
  r = poll(kq);
  ASSERT_EQ(r.sys.ret, 2);
  EXPECT_EQ(r.events[0].data, 16284);
}

// C11: the writer's EVFILT_WRITE after the reader closes.
TEST_F(PipeTest, WriterKnoteAfterReaderCloseFiresOnceWithEof) {
  int kq = new_kq();
  auto p = new_pipe();
  add(kq, kev(p[1], filt::kWrite, ev::kAdd));
  k.close(pid, p[0]);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, ev::kEof | ev::kOneshot);
  EXPECT_EQ(r.events[0].data, 16384);
  EXPECT_EQ(apply(kq, {kev(p[1], filt::kWrite, ev::kDelete)}, 0).sys.err, Errno::kENOENT);
  EXPECT_EQ(apply(kq, {kev(p[1], filt::kWrite, ev::kAdd)}, 0).sys.err, Errno::kEPIPE);
}

// C12: the reader's EVFILT_READ after the writer closes stays, EV_EOF, level-triggered.
TEST_F(PipeTest, ReaderSeesEofWithRemainingData) {
  int kq = new_kq();
  auto p = new_pipe();
  add(kq, kev(p[0], filt::kRead, ev::kAdd));
  k.write(pid, p[1], 3);
  k.close(pid, p[1]);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, ev::kEof);
  EXPECT_EQ(r.events[0].data, 3);
  EXPECT_EQ(k.read(pid, p[0], 10).ret, 3);
  for (int i = 0; i < 2; ++i) {
    r = poll(kq);
    ASSERT_EQ(r.sys.ret, 1);
    EXPECT_EQ(r.events[0].data, 0);
    EXPECT_EQ(r.events[0].flags, ev::kEof);
  }
  EXPECT_EQ(k.read(pid, p[0], 10).ret, 0);
}

// filters.md: only READ and WRITE apply to an anonymous pipe.
TEST_F(PipeTest, OtherFiltersAreEinval) {
  int kq = new_kq();
  auto p = new_pipe();
  EXPECT_EQ(apply(kq, {kev(p[0], filt::kVnode, ev::kAdd)}, 0).sys.err, Errno::kEINVAL);
  EXPECT_EQ(apply(kq, {kev(p[0], filt::kEmpty, ev::kAdd)}, 0).sys.err, Errno::kEINVAL);
}

// sys_pipe.c pipe_write: non-blocking writes of <= PIPE_BUF are all or nothing,
// larger ones partial; a full buffer grows by doubling up to BIG_PIPE_SIZE.
TEST_F(PipeTest, NonBlockingWriteRules) {
  auto p = new_pipe();
  EXPECT_EQ(k.write(pid, p[0], 5000).ret, 5000);  // reverse buffer 4096 doubles to 8192
  EXPECT_EQ(k.pipe_end(1).buffer_size, 8192U);
  EXPECT_EQ(k.write(pid, p[0], 3500).ret, 3500);  // 8500 > 8192: doubles to 16384
  EXPECT_EQ(k.pipe_end(1).buffer_size, 16384U);
  EXPECT_EQ(k.write(pid, p[0], 70000).ret, 65536 - 8500);  // capped at BIG_PIPE_SIZE: partial
  EXPECT_EQ(k.write(pid, p[0], 100).err, Errno::kEAGAIN);    // <= PIPE_BUF: all or nothing
  EXPECT_EQ(k.write(pid, p[0], 600).err, Errno::kEAGAIN);    // nothing fits at all
  EXPECT_EQ(k.read(pid, p[0], 1).err, Errno::kEAGAIN);       // fd[0]'s own buffer is empty
}

// C9: close(fd) drops knotes on that number; a dup's knotes survive.
TEST_F(PipeTest, CloseDropsKnotesByNumberOnly) {
  int kq = new_kq();
  auto p = new_pipe();
  int d = static_cast<int>(k.dup(pid, p[0]).ret);
  add(kq, kev(p[0], filt::kRead, ev::kAdd));
  add(kq, kev(d, filt::kRead, ev::kAdd));
  k.close(pid, p[0]);
  k.write(pid, p[1], 1);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].ident, static_cast<std::uint64_t>(d));
  auto q = new_pipe();
  ASSERT_EQ(q[0], p[0]);  // lowest free number reused
  EXPECT_EQ(apply(kq, {kev(q[0], filt::kRead, ev::kDelete)}, 0).sys.err, Errno::kENOENT);
}

// knote_fdclose walks every kqueue of the descriptor table.
TEST_F(PipeTest, CloseDropsKnotesInEveryKqueue) {
  int kq1 = new_kq(), kq2 = new_kq();
  auto p = new_pipe();
  add(kq1, kev(p[0], filt::kRead, ev::kAdd));
  add(kq2, kev(p[0], filt::kRead, ev::kAdd));
  k.close(pid, p[0]);
  EXPECT_EQ(k.kqueues()[0].knote_count(), 0U);
  EXPECT_EQ(k.kqueues()[1].knote_count(), 0U);
}

// kern_dup: dup2 onto a watched number drops its knotes.
TEST_F(PipeTest, Dup2OverWatchedFdDropsKnotes) {
  int kq = new_kq();
  auto p = new_pipe(), q = new_pipe();
  add(kq, kev(p[0], filt::kRead, ev::kAdd));
  EXPECT_EQ(k.dup2(pid, q[0], p[0]).ret, p[0]);
  EXPECT_EQ(k.kqueues()[0].knote_count(), 0U);
  EXPECT_EQ(k.dup2(pid, 55, 7).err, Errno::kEBADF);
  EXPECT_EQ(k.dup2(pid, q[0], -1).err, Errno::kEBADF);
}

// C16 / DESC fdcopy: the child does not inherit the kqueue.
TEST_F(PipeTest, ForkChildHasNoKqueue) {
  int kq = new_kq();
  SysResult child = k.fork(pid);
  ASSERT_GT(child.ret, 0);
  auto cpid = static_cast<Pid>(child.ret);
  EXPECT_EQ(k.kevent(cpid, kq, {}, 1, kPoll).sys.err, Errno::kEBADF);
  EXPECT_EQ(k.fcntl_getfd(cpid, kq).err, Errno::kEBADF);
}

// D3: with the kqueue on 1, the child's hint skips it (main, 15.1).
TEST_F(PipeTest, ForkOn15LeavesKqueueSlotHidden) {
  k.close(pid, 1);
  int kq = new_kq();
  ASSERT_EQ(kq, 1);
  auto cpid = static_cast<Pid>(k.fork(pid).ret);
  EXPECT_EQ(k.dup(cpid, 0).ret, 3);
}

class Fork132Test : public KernelTest {
 protected:
  Fork132Test() : KernelTest(*find_profile("freebsd-13.2")) {}
};

// C16 on 13.2: the child's next descriptor takes the kqueue's number.
TEST_F(Fork132Test, ChildReusesKqueueSlot) {
  k.close(pid, 1);
  int kq = new_kq();
  ASSERT_EQ(kq, 1);
  auto cpid = static_cast<Pid>(k.fork(pid).ret);
  EXPECT_EQ(k.dup(cpid, 0).ret, 1);
  auto p = new_pipe();
  EXPECT_EQ(k.kevent(pid, p[0], {}, 1, kPoll).sys.err, Errno::kEBADF);  // 13.2: EBADF, not EINVAL
}

// exec closes close-on-exec descriptors, KQUEUE_CLOEXEC kqueues included.
TEST_F(PipeTest, ExecClosesCloexecKqueue) {
  int plain = new_kq();
  int cloexec = static_cast<int>(k.kqueue(pid, kqflag::kCloexec).ret);
  EXPECT_EQ(k.fcntl_getfd(pid, cloexec).ret, 1);
  k.exec(pid);
  EXPECT_EQ(k.fcntl_getfd(pid, cloexec).err, Errno::kEBADF);
  EXPECT_EQ(k.fcntl_getfd(pid, plain).ret, 0);
}

// What FreeBSD 14.0 added and 13.2 lacks, as recorded on a 13.2 kernel
// (traces/recorded/freebsd-13.2).
class Before14Test : public KernelTest {
 protected:
  Before14Test() : KernelTest(*find_profile("freebsd-13.2")) {}
};

// kqueuex(2): syscall 583 is nosys() (exec-closes-cloexec-kqueue step 0).
TEST_F(Before14Test, KqueuexIsEnosys) {
  SysResult r = k.kqueue(pid, kqflag::kCloexec);
  EXPECT_EQ(r.ret, -1);
  EXPECT_EQ(r.err, Errno::kENOSYS);
  EXPECT_EQ(r.completion, Completion::kDone);
  EXPECT_EQ(k.kqueue(pid, 0).ret, 3);  // plain kqueue() still works
}

// EV_KEEPUDATA: an unknown bit, so EV_ADD with it succeeds and udata is
// replaced (add-keepudata-einval steps 1-5).
TEST_F(Before14Test, KeepudataIsIgnored) {
  int kq = new_kq();
  KEvent c = kev(1, filt::kUser, ev::kAdd | ev::kKeepUdata);
  c.udata = 5;
  add(kq, c);
  c = kev(1, filt::kUser, ev::kAdd | ev::kKeepUdata, note::kTrigger);
  c.udata = 6;
  add(kq, c);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].udata, 6u);
}

}  // namespace
}  // namespace kqsim::model::testing
