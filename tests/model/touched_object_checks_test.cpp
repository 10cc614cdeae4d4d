// The touched invariant check walks only the kinds of objects a call may
// have changed (Kernel::touched_object_kinds): a pipe(2) its pipes, a socket
// call its sockets, a namespace call the vnodes, read(2) what its
// descriptor is. Each test breaks an object on purpose (InvariantTestAccess)
// and shows that the narrowed check still catches it after a call of that
// kind, and that a call closing a file on the way widens the check to what
// that file's close may change (Kernel::objects_closed_with). The broken states are ones the
// full check (check_invariants) reports, so the tests end by repairing them.
#include "model/invariants.hpp"
#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model {

struct InvariantTestAccess {
  static PipeEnd& pipe_end(Kernel& k, std::uint32_t pair, int side) { return k.pipes_[pair].ends[side]; }
  static Socket& socket(Kernel& k, std::uint32_t id) { return k.sockets_[id]; }
  static Vnode& vnode(Kernel& k, std::uint32_t id) { return k.vnodes_[id]; }
  static Process& process(Kernel& k, Pid pid) { return k.processes_[static_cast<std::size_t>(pid - 1)]; }
  static AioJob& aio_job(Kernel& k, std::uint32_t id) { return k.aio_jobs_[id]; }
};

namespace testing {
namespace {

using Access = InvariantTestAccess;

class NarrowedObjectChecks : public KernelTest {
 protected:
  void SetUp() override { k.set_touch_tracking(true); }
  // aio_read of one byte at aiocb 0x1000, queued for the daemons; with a
  // kqueue, announced there by an EVFILT_AIO knote (SIGEV_KEVENT).
  void queue_aio_read(int fd, int kq = -1) {
    AioCall c;
    c.op = AioOp::kRead;
    c.cb.addr = 0x1000;
    c.cb.fildes = fd;
    c.cb.nbytes = 1;
    c.cb.defer = true;
    if (kq >= 0) {
      c.cb.sigevent.notify = sigev::kKevent;
      c.cb.sigevent.kqueue = kq;
    }
    ASSERT_EQ(k.aio(pid, c).err, Errno::kNone);
  }
  unsigned kinds_of_fork() {
    k.clear_touched();
    EXPECT_GT(k.fork(pid).ret, 0);
    const unsigned kinds = k.touched_object_kinds();
    k.clear_touched();
    return kinds;
  }
  std::vector<std::string> touched_check() {
    auto words = check_touched_invariants(k, scratch);
    k.clear_touched();
    return words;
  }
  InvariantScratch scratch;
};

// check_pipes: a pipe end never holds more than its buffer.
TEST_F(NarrowedObjectChecks, PipeCallStillChecksPipes) {
  new_pipe();
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kPipeObjects);
  k.clear_touched();
  PipeEnd& e = Access::pipe_end(k, 0, 0);
  e.buffered = e.buffer_size + 1;
  EXPECT_EQ(touched_check().size(), 0U) << "nothing was called since the check cleared";
  new_pipe();
  auto words = touched_check();
  Access::pipe_end(k, 0, 0).buffered = 0;  // the second pipe may have moved the first
  ASSERT_EQ(words.size(), 1U);
  EXPECT_NE(words[0].find("pipe#0 holds more than its buffer"), std::string::npos) << words[0];
}

// A read of a pipe checks pipes; the same broken pipe is caught.
TEST_F(NarrowedObjectChecks, ReadOfAPipeChecksPipes) {
  const auto fds = new_pipe();
  k.clear_touched();
  PipeEnd& e = Access::pipe_end(k, 0, 1);
  e.buffered = e.buffer_size + 1;
  EXPECT_EQ(k.read(pid, fds[0], 1).err, Errno::kEAGAIN);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kPipeObjects);
  auto words = touched_check();
  e.buffered = 0;
  ASSERT_EQ(words.size(), 1U);
  EXPECT_NE(words[0].find("holds more than its buffer"), std::string::npos) << words[0];
}

// check_sockets: a connected stream's peer link is symmetric.
TEST_F(NarrowedObjectChecks, SocketCallStillChecksSockets) {
  ASSERT_EQ(k.socketpair(pid, SocketType::kStream, true, false).sys.err, Errno::kNone);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kSocketObjects);
  k.clear_touched();
  const std::uint32_t peer = Access::socket(k, 0).peer;
  Access::socket(k, 0).peer = 0;  // itself: its peer's peer is no longer it
  ASSERT_EQ(k.socketpair(pid, SocketType::kStream, true, false).sys.err, Errno::kNone);
  auto words = touched_check();
  Access::socket(k, 0).peer = peer;  // the second pair may have moved the first
  ASSERT_FALSE(words.empty());
  EXPECT_NE(words[0].find("peer link is not symmetric"), std::string::npos) << words[0];
}

// A vnode's link count that disagrees with the namespace is not looked at
// after a pipe(2), which cannot change one, nor after a read of a file (an
// offset) or a namespace call that failed before its first change, but is
// after one that changed the namespace, and after the last close of a file
// (vn_close).
TEST_F(NarrowedObjectChecks, VnodesOnlyAfterCallsThatMayChangeThem) {
  const int fd = open_file("f");
  const int closing = open_file("g");
  k.clear_touched();
  ++Access::vnode(k, kFirstVnode).nlink;
  new_pipe();
  EXPECT_TRUE(touched_check().empty());
  EXPECT_FALSE(check_invariants(k).empty()) << "the full check sees it";
  k.read(pid, fd, 1);
  EXPECT_EQ(k.touched_object_kinds(), 0U);
  EXPECT_TRUE(touched_check().empty());
  EXPECT_EQ(k.mkdir(pid, "f", 0755).err, Errno::kEEXIST);
  EXPECT_EQ(k.touched_object_kinds(), 0U);
  EXPECT_TRUE(touched_check().empty());
  ASSERT_EQ(k.mkdir(pid, "d", 0755).err, Errno::kNone);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kVnodeObjects);
  auto words = touched_check();
  ASSERT_EQ(words.size(), 1U);
  EXPECT_NE(words[0].find("nlink"), std::string::npos) << words[0];
  ASSERT_EQ(k.close(pid, closing).err, Errno::kNone);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kVnodeObjects);
  EXPECT_EQ(touched_check().size(), 1U);
  --Access::vnode(k, kFirstVnode).nlink;
}

// The namespace calls change vnodes only: a broken socket is not looked at
// after mkdir (the full check sees it), a broken vnode is.
TEST_F(NarrowedObjectChecks, NamespaceCallsCheckVnodesOnly) {
  ASSERT_EQ(k.socketpair(pid, SocketType::kStream, true, false).sys.err, Errno::kNone);
  k.clear_touched();
  const std::uint32_t peer = Access::socket(k, 0).peer;
  Access::socket(k, 0).peer = 0;
  ASSERT_EQ(k.mkdir(pid, "d", 0755).err, Errno::kNone);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kVnodeObjects);
  EXPECT_TRUE(touched_check().empty());
  EXPECT_FALSE(check_invariants(k).empty()) << "the full check sees it";
  Access::socket(k, 0).peer = peer;
  ++Access::vnode(k, kFirstVnode).nlink;
  ASSERT_EQ(k.mkfifo(pid, "p", 0644).err, Errno::kNone);
  auto words = touched_check();
  --Access::vnode(k, kFirstVnode).nlink;
  ASSERT_EQ(words.size(), 1U);
  EXPECT_NE(words[0].find("nlink"), std::string::npos) << words[0];
}

// A write checks what its descriptor is (a regular file's changes a size
// and an offset: no kind); one that fails with EPIPE (SIGPIPE may end the
// writer) checks every kind.
TEST_F(NarrowedObjectChecks, WriteChecksWhatItWritesAndEverythingOnEpipe) {
  const auto fds = new_pipe();
  const int file = open_file("f");
  k.clear_touched();
  ASSERT_EQ(k.write(pid, fds[1], 3).ret, 3);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kPipeObjects);
  k.clear_touched();
  ASSERT_EQ(k.write(pid, file, 3).ret, 3);
  EXPECT_EQ(k.touched_object_kinds(), 0U);
  k.clear_touched();
  PipeEnd& e = Access::pipe_end(k, 0, 1);  // not the end the write fills (pipe_write_end: the peer, end 0)
  const std::uint32_t buffered = e.buffered;
  e.buffered = e.buffer_size + 1;
  k.write(pid, fds[1], 1);
  auto words = touched_check();
  e.buffered = buffered;
  ASSERT_FALSE(words.empty());
  EXPECT_NE(words[0].find("holds more than its buffer"), std::string::npos) << words[0];
  ASSERT_EQ(k.close(pid, fds[0]).err, Errno::kNone);
  k.clear_touched();
  EXPECT_EQ(k.write(pid, fds[1], 3).err, Errno::kEPIPE);  // the read end is gone (pipe_write)
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kAllObjects);
}

// Each namespace call that changes the namespace names the vnodes alone,
// and one that fails names nothing (its errors come before its first
// change); chmod, utimes, truncate, ftruncate and lseek name nothing (a
// mode, times, a size, an offset: no invariant reads them); opening a FIFO
// makes its pipe (fifo_open), and the last close of a FIFO's or a socket's
// file names what that close changes.
TEST_F(NarrowedObjectChecks, EachCallNamesTheKindsItReaches) {
  ASSERT_EQ(k.mkdir(pid, "d", 0755).err, Errno::kNone);
  ASSERT_EQ(k.mkfifo(pid, "p", 0644).err, Errno::kNone);
  const int file = open_file("f");
  k.clear_touched();
  auto kinds_of = [&](const char* what, SysResult r) {
    EXPECT_EQ(r.err, Errno::kNone) << what;
    const unsigned kinds = k.touched_object_kinds();
    k.clear_touched();
    return kinds;
  };
  EXPECT_EQ(kinds_of("link", k.link(pid, "f", "g")), Kernel::kVnodeObjects);
  EXPECT_EQ(kinds_of("unlink", k.unlink(pid, "g")), Kernel::kVnodeObjects);
  EXPECT_EQ(kinds_of("chmod", k.chmod(pid, "f", 0600)), 0U);
  EXPECT_EQ(kinds_of("utimes", k.utimes(pid, "f")), 0U);
  EXPECT_EQ(kinds_of("truncate", k.truncate(pid, "f", 3)), 0U);
  EXPECT_EQ(kinds_of("ftruncate", k.ftruncate(pid, file, 2)), 0U);
  EXPECT_EQ(kinds_of("read of a file", SysResult::ok(k.read(pid, file, 1).ret)), 0U);
  EXPECT_EQ(kinds_of("rename", k.rename(pid, "d", "e")), Kernel::kVnodeObjects);
  EXPECT_EQ(kinds_of("rmdir", k.rmdir(pid, "e")), Kernel::kVnodeObjects);
  auto failed_kinds = [&](const char* what, SysResult r, Errno expected) {
    EXPECT_EQ(r.err, expected) << what;
    const unsigned kinds = k.touched_object_kinds();
    k.clear_touched();
    return kinds;
  };
  EXPECT_EQ(failed_kinds("mkdir", k.mkdir(pid, "f", 0755), Errno::kEEXIST), 0U);
  EXPECT_EQ(failed_kinds("mkfifo", k.mkfifo(pid, "p", 0644), Errno::kEEXIST), 0U);
  EXPECT_EQ(failed_kinds("rmdir", k.rmdir(pid, "e"), Errno::kENOENT), 0U);
  EXPECT_EQ(failed_kinds("unlink", k.unlink(pid, "g"), Errno::kENOENT), 0U);
  EXPECT_EQ(failed_kinds("link", k.link(pid, "f", "p"), Errno::kEEXIST), 0U);
  EXPECT_EQ(failed_kinds("rename", k.rename(pid, "f", "f/x"), Errno::kENOTDIR), 0U);
  EXPECT_EQ(kinds_of("lseek", k.lseek(pid, file, 1, kSeekSet)), 0U);
  EXPECT_EQ(kinds_of("open of an existing file", k.open(pid, "f", oflag::kRdwr)), 0U);
  EXPECT_EQ(kinds_of("open creating a file", k.open(pid, "h", oflag::kRdwr | oflag::kCreat)), Kernel::kVnodeObjects);
  const SysResult fifo = k.open(pid, "p", oflag::kRdwr | oflag::kNonblock);
  EXPECT_EQ(kinds_of("open of a FIFO", fifo), Kernel::kVnodeObjects | Kernel::kPipeObjects);
  EXPECT_EQ(kinds_of("close of a FIFO", k.close(pid, static_cast<std::int32_t>(fifo.ret))),
            Kernel::kVnodeObjects | Kernel::kPipeObjects);
  const PipeResult pair = k.socketpair(pid, SocketType::kStream, true, false);
  ASSERT_EQ(pair.sys.err, Errno::kNone);
  k.clear_touched();
  EXPECT_EQ(kinds_of("close of a socket", k.close(pid, pair.fds[0])), Kernel::kSocketObjects);
  // dup2 as close: nothing unless the displaced file's last reference goes.
  EXPECT_EQ(kinds_of("dup2 onto a free number", SysResult::ok(k.dup2(pid, file, 40).ret)), 0U);
  EXPECT_EQ(kinds_of("dup2 onto a copy", SysResult::ok(k.dup2(pid, file, 40).ret)), 0U);
  EXPECT_EQ(kinds_of("dup2 displacing a socket", SysResult::ok(k.dup2(pid, file, pair.fds[1]).ret)), Kernel::kSocketObjects);
  EXPECT_EQ(kinds_of("fork", SysResult::ok(k.fork(pid).ret)), Kernel::kProcessObjects);
  const PdforkResult pd = k.pdfork(pid, 0);
  EXPECT_EQ(kinds_of("pdfork", pd.sys), Kernel::kProcessObjects);
}

// kill names the processes; a fatal signal ends the target, and the exit
// names everything (exit_process); wait names the processes.
TEST_F(NarrowedObjectChecks, KillNamesProcessesAndAFatalSignalEverything) {
  const auto child = static_cast<Pid>(k.fork(pid).ret);
  k.clear_touched();
  ASSERT_EQ(k.kill(pid, child, 0).err, Errno::kNone);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kProcessObjects);
  k.clear_touched();
  ASSERT_EQ(k.kill(pid, child, sig::kTerm).err, Errno::kNone);  // default action: the child exits
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kAllObjects);
  k.clear_touched();
  ASSERT_EQ(k.wait(pid, child, false).ret, child);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kProcessObjects);
}

// The child's copy of the parent's aiocb words is read by check_aio: a fork
// of a process that has some names the aio objects too.
TEST_F(NarrowedObjectChecks, ForkOfAProcessWithAiocbsNamesAio) {
  EXPECT_EQ(kinds_of_fork(), Kernel::kProcessObjects);
  queue_aio_read(open_file("f"));
  EXPECT_EQ(kinds_of_fork(), Kernel::kProcessObjects | Kernel::kAioObjects);
}

// fork names the processes: a broken process descriptor is caught after it.
TEST_F(NarrowedObjectChecks, ForkChecksProcesses) {
  const PdforkResult pd = k.pdfork(pid, 0);
  ASSERT_EQ(pd.sys.err, Errno::kNone);
  k.clear_touched();
  Process& child = Access::process(k, static_cast<Pid>(pd.sys.ret));
  const std::int32_t procdesc = child.procdesc;
  child.procdesc = -1;  // the descriptor still names the child, which no longer names it
  new_pipe();
  EXPECT_TRUE(touched_check().empty()) << "pipe(2) does not look at processes";
  ASSERT_EQ(k.fork(pid).err, Errno::kNone);
  auto words = touched_check();
  Access::process(k, static_cast<Pid>(pd.sys.ret)).procdesc = procdesc;
  ASSERT_FALSE(words.empty());
  EXPECT_NE(words[0].find("names a process that does not name it"), std::string::npos) << words[0];
}

// dup and a close that leaves the file open change no object; the close of
// the last reference closes the file (fdrop) and checks what its close may
// change (a pipe's: pipes), and a pipe broken on purpose is caught then.
TEST_F(NarrowedObjectChecks, CloseChecksObjectsWhenTheLastReferenceGoes) {
  const auto fds = new_pipe();
  k.clear_touched();
  const auto copy = static_cast<std::int32_t>(k.dup(pid, fds[0]).ret);
  EXPECT_EQ(k.touched_object_kinds(), 0U);
  ASSERT_EQ(k.close(pid, copy).err, Errno::kNone);
  EXPECT_EQ(k.touched_object_kinds(), 0U);
  Access::pipe_end(k, 0, 1).buffered = Access::pipe_end(k, 0, 1).buffer_size + 1;
  ASSERT_EQ(k.close(pid, fds[0]).err, Errno::kNone);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kPipeObjects);
  auto words = touched_check();
  Access::pipe_end(k, 0, 1).buffered = 0;
  ASSERT_EQ(words.size(), 1U);
  EXPECT_NE(words[0].find("holds more than its buffer"), std::string::npos) << words[0];
}

// A kqueue's close drops its knotes, which leaves the aio lists: kqueues
// and aio (a knote's file, still open elsewhere, adds nothing). A process
// descriptor's close may kill its process: every kind.
TEST_F(NarrowedObjectChecks, ClosesOfKqueuesAndProcessDescriptorsWidenTheCheck) {
  const int kq = new_kq();
  const auto fds = new_pipe();
  add(kq, kev(static_cast<std::uint64_t>(fds[0]), filt::kRead, ev::kAdd));
  k.clear_touched();
  ASSERT_EQ(k.close(pid, kq).err, Errno::kNone);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kKqueueObjects | Kernel::kAioObjects);
  k.clear_touched();
  const PdforkResult pd = k.pdfork(pid, 0);
  ASSERT_EQ(pd.sys.err, Errno::kNone);
  k.clear_touched();
  ASSERT_EQ(k.close(pid, pd.fd).err, Errno::kNone);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kAllObjects);
}

// A kevent that drops an EVFILT_AIO knote (EV_DELETE here; a scan of an
// EV_ONESHOT one alike) leaves the job's knote list (filt_aiodetach): the
// aio objects are checked after it, a kevent that only reads none.
TEST_F(NarrowedObjectChecks, DroppingAnAioKnoteChecksAio) {
  const int kq = new_kq();
  queue_aio_read(open_file("f"), kq);
  k.clear_touched();
  ASSERT_EQ(k.kevent(pid, kq, {}, 4, kPoll).sys.err, Errno::kNone);
  EXPECT_EQ(k.touched_object_kinds(), 0U);
  add(kq, kev(0x1000, filt::kAio, ev::kDelete));
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kAioObjects);
}

// A sleep fires timers (knotes only) unless aio requests wait for the
// daemons, which it runs: then the aio objects (as kevent's wait, and the
// aio calls), not the vnodes (a job changes a size, no kind). A broken aio
// job is caught after an aio call.
TEST_F(NarrowedObjectChecks, SleepChecksObjectsOnlyWhenAioRequestsWait) {
  const int kq = new_kq();
  add(kq, kev(1, filt::kTimer, ev::kAdd | ev::kOneshot, 0, 5));
  k.clear_touched();
  ASSERT_EQ(k.sleep(10'000'000).err, Errno::kNone);
  EXPECT_EQ(k.touched_object_kinds(), 0U);
  EXPECT_FALSE(k.touched().empty()) << "the timer's knote fired";
  k.clear_touched();

  queue_aio_read(open_file("f"));
  k.clear_touched();
  ++Access::vnode(k, kFirstVnode).nlink;
  ASSERT_EQ(k.sleep(1).err, Errno::kNone);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kAioObjects);
  EXPECT_TRUE(touched_check().empty());
  EXPECT_FALSE(check_invariants(k).empty()) << "the full check sees it";
  --Access::vnode(k, kFirstVnode).nlink;

  Access::aio_job(k, 0).error = Errno::kEINPROGRESS;  // finished, yet in progress
  new_pipe();
  EXPECT_TRUE(touched_check().empty());
  AioCall c;
  c.op = AioOp::kError;
  c.cb.addr = 0x1000;
  k.aio(pid, c);
  EXPECT_EQ(k.touched_object_kinds(), Kernel::kAioObjects);
  auto words = touched_check();
  Access::aio_job(k, 0).error = Errno::kNone;
  ASSERT_FALSE(words.empty());
  EXPECT_NE(words[0].find("EINPROGRESS iff unfinished"), std::string::npos) << words[0];
}

}  // namespace
}  // namespace testing
}  // namespace kqsim::model
