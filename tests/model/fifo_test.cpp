// FIFOs (fifo_vnops.c on sys_pipe.c): open rules, the shared buffer, the
// reader's EOF generation, pipe_nfiltops and the vnode filter.
#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

class FifoTest : public KernelTest {
 protected:
  void SetUp() override { ASSERT_EQ(k.mkfifo(pid, "p", 0644).ret, 0); }
  SysResult open_p(std::uint32_t flags) { return k.open(pid, "p", flags); }
  int reader() { return static_cast<int>(open_p(oflag::kRdonly | oflag::kNonblock).ret); }
  int writer() { return static_cast<int>(open_p(oflag::kWronly | oflag::kNonblock).ret); }
};

// fifo_open: ENXIO for a non-blocking writer without reader; blocking opens
// that would wait are not modelled and change nothing; O_RDWR never waits.
TEST_F(FifoTest, OpenRules) {
  EXPECT_EQ(open_p(oflag::kWronly | oflag::kNonblock).err, Errno::kENXIO);
  EXPECT_EQ(open_p(oflag::kRdonly).completion, Completion::kUnsupported);
  EXPECT_EQ(open_p(oflag::kWronly).completion, Completion::kUnsupported);
  EXPECT_EQ(k.vnodes()[kFirstVnode].fifo_readers, 0U);
  EXPECT_EQ(k.vnodes()[kFirstVnode].fifo_pipe, kNoPipe);
  int r = reader();
  EXPECT_EQ(r, 3);
  EXPECT_EQ(open_p(oflag::kWronly).ret, 4);  // a reader exists: no wait
  EXPECT_EQ(open_p(oflag::kRdonly).ret, 5);  // a writer exists: no wait
  EXPECT_EQ(open_p(oflag::kRdwr).ret, 6);
}

// One buffer, PIPE_SIZE; reads and writes through the pipe code; EAGAIN when
// empty with a writer present.
TEST_F(FifoTest, SharedBuffer) {
  int kq = new_kq();
  int r = reader();
  int w = writer();
  add(kq, kev(w, filt::kWrite, ev::kAdd | ev::kClear));
  add(kq, kev(r, filt::kRead, ev::kAdd | ev::kClear));
  KeventResult res = poll(kq);
  ASSERT_EQ(res.sys.ret, 1);
  EXPECT_EQ(res.events[0].data, 16384);
  EXPECT_EQ(k.read(pid, r, 1).err, Errno::kEAGAIN);
  EXPECT_EQ(k.write(pid, w, 10).ret, 10);
  res = poll(kq);
  ASSERT_EQ(res.sys.ret, 2);
  EXPECT_EQ(k.read(pid, r, 100).ret, 10);
  EXPECT_EQ(k.write(pid, r, 1).err, Errno::kEBADF);
  EXPECT_EQ(k.read(pid, w, 1).err, Errno::kEBADF);
}

// pipe_nfiltops: READ on a write-only FIFO, WRITE on a read-only one.
TEST_F(FifoTest, WrongDirectionFiltersNeverFire) {
  int kq = new_kq();
  int r = reader();
  int w = writer();
  add(kq, kev(w, filt::kRead, ev::kAdd));
  add(kq, kev(r, filt::kWrite, ev::kAdd));
  k.write(pid, w, 5);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(apply(kq, {kev(w, filt::kRead, ev::kDelete)}).sys.err, Errno::kNone);
}

// filt_piperead on a named pipe: EOF only when f_pipegen != pipe_wgen.
TEST_F(FifoTest, EofGeneration) {
  int kq = new_kq();
  int r1 = reader();
  add(kq, kev(r1, filt::kRead, ev::kAdd));
  EXPECT_EQ(poll(kq).sys.ret, 0);  // no writer ever: no EOF
  EXPECT_EQ(k.read(pid, r1, 1).err, Errno::kEAGAIN);
  int w = writer();
  k.close(pid, w);
  KeventResult res = poll(kq);
  ASSERT_EQ(res.sys.ret, 1);
  EXPECT_EQ(res.events[0].flags, ev::kEof);
  EXPECT_EQ(k.read(pid, r1, 1).ret, 0);  // pipe_read at PIPE_EOF
  int r2 = reader();
  add(kq, kev(r2, filt::kRead, ev::kAdd));
  res = poll(kq);
  ASSERT_EQ(res.sys.ret, 1);  // r1 only
  EXPECT_EQ(res.events[0].ident, static_cast<std::uint64_t>(r1));
  int w2 = writer();
  EXPECT_EQ(poll(kq).sys.ret, 0);  // EV_EOF cleared, nothing to read
  k.write(pid, w2, 2);
  res = poll(kq);
  ASSERT_EQ(res.sys.ret, 2);
  EXPECT_EQ(res.events[0].flags, 0);
}

// fifo_close: the last reader leaving sets EOF for writers; EPIPE on write;
// the last close of all destroys the pipe and its data.
TEST_F(FifoTest, ReaderCloseAndCleanup) {
  int kq = new_kq();
  int r = reader();
  int w = writer();
  k.write(pid, w, 7);
  add(kq, kev(w, filt::kWrite, ev::kAdd));
  k.close(pid, r);
  KeventResult res = poll(kq);
  ASSERT_EQ(res.sys.ret, 1);
  EXPECT_EQ(res.events[0].flags, ev::kEof);
  EXPECT_EQ(res.events[0].data, 16384 - 7);
  EXPECT_EQ(k.write(pid, w, 1).err, Errno::kEPIPE);
  k.close(pid, w);
  EXPECT_EQ(k.vnodes()[kFirstVnode].fifo_pipe, kNoPipe);
  r = reader();
  w = writer();
  EXPECT_EQ(k.read(pid, r, 10).err, Errno::kEAGAIN);  // the old data went with the old pipe
}

// Filters other than READ/WRITE go to the vnode.
TEST_F(FifoTest, VnodeFilterAndEmpty) {
  int kq = new_kq();
  int r = reader();
  add(kq, kev(r, filt::kVnode, ev::kAdd | ev::kClear, note::kOpen | note::kAttrib | note::kClose));
  int w = writer();
  k.chmod(pid, "p", 0600);
  KeventResult res = poll(kq);
  ASSERT_EQ(res.sys.ret, 1);
  EXPECT_EQ(res.events[0].fflags, note::kOpen | note::kAttrib);
  EXPECT_EQ(apply(kq, {kev(r, filt::kEmpty, ev::kAdd)}).sys.err, Errno::kEINVAL);
  EXPECT_EQ(k.lseek(pid, w, 0, kSeekSet).err, Errno::kESPIPE);
  // pipe_truncate -> vn_truncate; ufs_setattr ignores a FIFO's size: 0 when
  // open for writing, EINVAL when not (recorded on 13.2 and 15.1:
  // regressions/fifo-ftruncate-ignored).
  EXPECT_EQ(k.ftruncate(pid, w, 0).err, Errno::kNone);
  EXPECT_EQ(k.ftruncate(pid, r, 0).err, Errno::kEINVAL);
}

// Before pipe_kqfilter passed other filters to the vnode, EVFILT_VNODE on a
// FIFO descriptor was EINVAL like on any pipe (profile field
// fifo_other_filters_to_vnode).
class Fifo13Test : public KernelTest {
 protected:
  Fifo13Test() : KernelTest(*find_profile("freebsd-13.2")) {}
};

TEST_F(Fifo13Test, VnodeFilterRefused) {
  ASSERT_EQ(k.mkfifo(pid, "p", 0644).ret, 0);
  int kq = new_kq();
  int r = static_cast<int>(k.open(pid, "p", oflag::kRdonly | oflag::kNonblock).ret);
  EXPECT_EQ(apply(kq, {kev(r, filt::kVnode, ev::kAdd, note::kOpen)}).sys.err, Errno::kEINVAL);
  add(kq, kev(r, filt::kRead, ev::kAdd));
}

}  // namespace
}  // namespace kqsim::model::testing
