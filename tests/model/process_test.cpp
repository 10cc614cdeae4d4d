// EVFILT_PROC (kern_event.c filt_proc*, knote_fork), EVFILT_PROCDESC
// (sys_procdesc.c), and what fork, exec, exit and waitpid do (kern_fork.c,
// kern_exec.c, kern_exit.c). Sources: catalogue filters.md "EVFILT_PROC",
// "EVFILT_PROCDESC"; tests.md T/proc.c; the kernel functions named per test.
#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

class ProcTest : public KernelTest {
 protected:
  Pid fork_child(Pid parent = Kernel::kInitPid) {
    SysResult r = k.fork(parent);
    EXPECT_EQ(r.err, Errno::kNone);
    return static_cast<Pid>(r.ret);
  }
  void watch(int kq, Pid target, std::uint32_t fflags, EventFlags extra = 0, std::uint64_t udata = 0) {
    add(kq, kev(static_cast<std::uint64_t>(target), filt::kProc, ev::kAdd | extra, fflags, 0, udata));
  }
  const KEvent* find(const KeventResult& r, std::uint64_t ident, std::uint32_t fflags_bit) {
    for (const KEvent& e : r.events) {
      if (e.ident == ident && (e.fflags & fflags_bit) != 0) return &e;
    }
    return nullptr;
  }
};

constexpr EventFlags kExitFlags = ev::kClear | ev::kOneshot | ev::kEof;

// filt_proc: NOTE_EXIT sets EV_EOF|EV_ONESHOT (EV_CLEAR was forced at
// attach), data the wait status; the one-shot knote is then gone.
TEST_F(ProcTest, ExitReportsStatusOnce) {
  int kq = new_kq();
  Pid child = fork_child();
  watch(kq, child, note::kExit);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  k.exit(child);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].ident, static_cast<std::uint64_t>(child));
  EXPECT_EQ(r.events[0].flags, kExitFlags);
  EXPECT_EQ(r.events[0].fflags, note::kExit);
  EXPECT_EQ(r.events[0].data, 0);
  EXPECT_EQ(apply(kq, {kev(static_cast<std::uint64_t>(child), filt::kProc, ev::kDelete)}, 1).events[0].data,
            static_cast<std::int64_t>(Errno::kENOENT));
}

// KW_EXITCODE(0, sig): a process killed by a signal reports the signal.
TEST_F(ProcTest, ExitBySignalReportsSignal) {
  int kq = new_kq();
  Pid child = fork_child();
  watch(kq, child, note::kExit);
  k.kill(pid, child, sig::kTerm);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, sig::kTerm);
}

// T/proc.c add_and_delete: a knote asking for nothing never reports; at exit
// it is flagged EV_DROP and destroyed by the scan.
TEST_F(ProcTest, NothingAskedNothingReported) {
  int kq = new_kq();
  Pid child = fork_child();
  watch(kq, child, 0);
  k.exit(child);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(k.kqueues()[0].knote_count(), 0U);
}

// filt_proc records the events asked for; EV_CLEAR resets them per delivery.
TEST_F(ProcTest, ForkAndExecEvents) {
  int kq = new_kq();
  Pid child = fork_child();
  watch(kq, child, note::kFork | note::kExec);
  fork_child(child);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, note::kFork);
  EXPECT_EQ(r.events[0].flags, ev::kClear);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  k.exec(child);
  r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, note::kExec);
}

// Events not yet delivered are OR-ed together: a fork then the exit arrive
// as one event (filters.md: "may be coalesced").
TEST_F(ProcTest, ForkAndExitCoalesce) {
  int kq = new_kq();
  Pid child = fork_child();
  watch(kq, child, note::kFork | note::kExit);
  fork_child(child);
  k.exit(child);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, note::kFork | note::kExit);
  EXPECT_EQ(r.events[0].flags, kExitFlags);
}

// filt_procattach: pfind for live processes, pfind_any (zombies too) only
// with NOTE_EXIT, which then reports the exit at once; ESRCH otherwise.
TEST_F(ProcTest, AttachFindsZombiesOnlyForExit) {
  int kq = new_kq();
  EXPECT_EQ(apply(kq, {kev(77, filt::kProc, ev::kAdd, note::kExit)}, 1).events[0].data,
            static_cast<std::int64_t>(Errno::kESRCH));
  Pid child = fork_child();
  k.exit(child);
  EXPECT_EQ(apply(kq, {kev(static_cast<std::uint64_t>(child), filt::kProc, ev::kAdd, note::kFork)}, 1).events[0].data,
            static_cast<std::int64_t>(Errno::kESRCH));
  watch(kq, child, note::kExit);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, kExitFlags);
  EXPECT_EQ(r.events[0].fflags, note::kExit);
  EXPECT_EQ(k.wait(pid, child, false).ret, child);
  EXPECT_EQ(apply(kq, {kev(static_cast<std::uint64_t>(child), filt::kProc, ev::kAdd, note::kExit)}, 1).events[0].data,
            static_cast<std::int64_t>(Errno::kESRCH));
}

// knote_fork with NOTE_TRACK (T/proc.c proc_track): the child's fork gives
// the child's NOTE_FORK, a NOTE_CHILD event for the grandchild with data =
// the child's pid, and the grandchild is tracked: its exit is reported by
// the tracking knote. Both new knotes copy the watcher's udata.
TEST_F(ProcTest, TrackFollowsForks) {
  int kq = new_kq();
  Pid child = fork_child();
  watch(kq, child, note::kTrack | note::kFork | note::kExit, 0, 9);
  Pid grandchild = fork_child(child);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 2);
  const KEvent* forked = find(r, static_cast<std::uint64_t>(child), note::kFork);
  const KEvent* notice = find(r, static_cast<std::uint64_t>(grandchild), note::kChild);
  ASSERT_NE(forked, nullptr);
  ASSERT_NE(notice, nullptr);
  EXPECT_EQ(notice->data, child);
  EXPECT_EQ(notice->fflags, note::kChild);  // never together with NOTE_EXIT (bug 180385)
  EXPECT_EQ(notice->flags, ev::kClear | ev::kOneshot);
  EXPECT_EQ(notice->udata, 9U);
  k.exit(grandchild);
  r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].ident, static_cast<std::uint64_t>(grandchild));
  EXPECT_EQ(r.events[0].fflags, note::kExit);
  EXPECT_EQ(r.events[0].udata, 9U);
}

// T/t_proc3.c: NOTE_TRACK on the watcher itself reports its own child.
TEST_F(ProcTest, TrackSelf) {
  int kq = new_kq();
  watch(kq, pid, note::kTrack);
  Pid child = fork_child();
  KeventResult r = poll(kq);
  const KEvent* notice = find(r, static_cast<std::uint64_t>(child), note::kChild);
  ASSERT_NE(notice, nullptr);
  EXPECT_EQ(notice->data, pid);
  EXPECT_EQ(notice->fflags & note::kTrackErr, 0U);
}

// exit1 signals the parent with SIGCHLD (childproc_exited), which the
// parent's EVFILT_SIGNAL counts; a parent ignoring SIGCHLD (PS_CLDSIGIGN)
// has the child handed to the reaper instead: nothing counted, nothing to
// wait for. A SIGCHLD sent by kill is counted even if ignored (tdsendsignal
// posts the knote before the ignore check).
TEST_F(ProcTest, SigchldAtChildExit) {
  int kq = new_kq();
  add(kq, kev(sig::kChld, filt::kSignal, ev::kAdd));
  Pid first = fork_child();
  k.exit(first);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 1);
  k.sigaction(pid, sig::kChld, SignalAction::kIgnore);
  Pid second = fork_child();
  k.exit(second);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  EXPECT_EQ(k.wait(pid, second, false).err, Errno::kECHILD);
  k.kill(pid, pid, sig::kChld);
  r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 1);
}

// filt_sigattach checks no signal number (R1: 13.2 and 15.1 accept idents 0
// and 129): such a knote attaches and never fires; kill(pid, 0) generates
// nothing it could count.
TEST_F(ProcTest, SignalKnoteForNoSignalNeverFires) {
  int kq = new_kq();
  add(kq, kev(0, filt::kSignal, ev::kAdd));
  add(kq, kev(sig::kMax + 1, filt::kSignal, ev::kAdd));
  k.sigaction(pid, sig::kUsr1, SignalAction::kIgnore);
  k.kill(pid, pid, sig::kUsr1);
  k.kill(pid, pid, 0);
  EXPECT_EQ(poll(kq).sys.ret, 0);
}

// sys_generic.c dofilewrite: write(2)'s EPIPE on a pipe raises SIGPIPE at
// the writer; ignored (as every trace process starts: docs/trace-format.md)
// the writer sees EPIPE and EVFILT_SIGNAL still counts it (tdsendsignal
// posts the knote before the ignore check); by default it ends the writer
// (kern_sig.c sigproptbl: SIGPIPE terminates).
TEST_F(ProcTest, WriteEpipeRaisesSigpipe) {
  int kq = new_kq();
  add(kq, kev(sig::kPipe, filt::kSignal, ev::kAdd));
  auto p = new_pipe();
  ASSERT_EQ(k.close(pid, p[0]).ret, 0);
  EXPECT_EQ(k.write(pid, p[1], 1).err, Errno::kEPIPE);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 1);
  Pid child = fork_child();
  k.sigaction(child, sig::kPipe, SignalAction::kDefault);
  EXPECT_EQ(k.write(child, p[1], 1).err, Errno::kEPIPE);
  EXPECT_FALSE(k.process(child)->alive);
  EXPECT_EQ(k.process(child)->exit_status, sig::kPipe);
}

// kern_wait6 for P_ALL (waitpid(-1)): p_children is scanned from its head,
// where fork1 inserts, so of two zombies the latest forked is reaped first;
// 0 with WNOHANG while a child runs; ECHILD once none is left. A
// grandchild is never the caller's.
TEST_F(ProcTest, WaitAnyReapsLatestZombieFirst) {
  EXPECT_EQ(k.wait(pid, Kernel::kAnyChild, true).err, Errno::kECHILD);
  Pid first = fork_child();
  Pid second = fork_child();
  Pid grandchild = fork_child(second);
  EXPECT_EQ(k.wait(pid, Kernel::kAnyChild, true).ret, 0);
  k.exit(first);
  k.exit(grandchild);
  k.exit(second);
  EXPECT_EQ(k.wait(pid, Kernel::kAnyChild, false).ret, second);
  EXPECT_EQ(k.wait(pid, Kernel::kGroupChild, false).ret, first);
  EXPECT_EQ(k.wait(pid, Kernel::kAnyChild, true).err, Errno::kECHILD);
}

// kern_wait6: ECHILD for a process that is not the caller's child, 0 with
// WNOHANG while it runs, its pid once reaped; then it is gone.
TEST_F(ProcTest, WaitReapsOnce) {
  Pid child = fork_child();
  Pid grandchild = fork_child(child);
  EXPECT_EQ(k.wait(pid, grandchild, true).err, Errno::kECHILD);
  EXPECT_EQ(k.wait(pid, child, true).ret, 0);
  EXPECT_EQ(k.wait(pid, child, false).completion, Completion::kBlockedForever);
  k.exit(child);
  EXPECT_EQ(k.wait(pid, child, true).ret, child);
  EXPECT_EQ(k.wait(pid, child, true).err, Errno::kECHILD);
  EXPECT_EQ(k.kill(pid, child, 0).err, Errno::kESRCH);
  EXPECT_EQ(k.process(grandchild)->parent, 0);  // reparented to the reaper
}

// execsigs: a caught signal falls back to its default action at exec.
TEST_F(ProcTest, ExecResetsCaughtSignals) {
  Pid child = fork_child();
  k.sigaction(child, sig::kUsr1, SignalAction::kCatch);
  k.sigaction(child, sig::kUsr2, SignalAction::kIgnore);
  k.exec(child);
  k.kill(pid, child, sig::kUsr2);
  EXPECT_TRUE(k.process(child)->alive);
  k.kill(pid, child, sig::kUsr1);
  EXPECT_FALSE(k.process(child)->alive);
}

class ProcdescTest : public ProcTest {
 protected:
  PdforkResult pdfork(std::uint32_t flags = 0) {
    PdforkResult r = k.pdfork(pid, flags);
    EXPECT_EQ(r.sys.err, Errno::kNone);
    return r;
  }
};

// proc_to_reap: P_ALL passes over a child with a process descriptor (it is
// waited for through the descriptor or by pid); P_PGID does not.
TEST_F(ProcdescTest, WaitAnySkipsDescriptorChildren) {
  PdforkResult c = pdfork();
  const auto child = static_cast<Pid>(c.sys.ret);
  k.exit(child);
  EXPECT_EQ(k.wait(pid, Kernel::kAnyChild, true).err, Errno::kECHILD);
  EXPECT_EQ(k.wait(pid, Kernel::kGroupChild, true).ret, child);
}

// procdesc_kqops_event: NOTE_EXIT with the status kept in the descriptor,
// EV_EOF|EV_ONESHOT, EV_CLEAR forced (procdesc_kqfilter); the parent gets
// no SIGCHLD while the descriptor is open (procdesc_exit returns 0).
TEST_F(ProcdescTest, ExitThroughDescriptor) {
  int kq = new_kq();
  add(kq, kev(sig::kChld, filt::kSignal, ev::kAdd));
  PdforkResult c = pdfork();
  add(kq, kev(static_cast<std::uint64_t>(c.fd), filt::kProcdesc, ev::kAdd, note::kExit));
  k.kill(pid, static_cast<Pid>(c.sys.ret), sig::kTerm);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].filter, filt::kProcdesc);
  EXPECT_EQ(r.events[0].flags, kExitFlags);
  EXPECT_EQ(r.events[0].fflags, note::kExit);
  EXPECT_EQ(r.events[0].data, sig::kTerm);
}

// procdesc_ops: fo_read and fo_write are invfo_rdwr.
TEST_F(ProcdescTest, NoReadOrWrite) {
  PdforkResult c = pdfork();
  EXPECT_EQ(k.read(pid, c.fd, 1).err, Errno::kEOPNOTSUPP);
  EXPECT_EQ(k.write(pid, c.fd, 20000).err, Errno::kEOPNOTSUPP);
}

// The hint-0 check after registration reports an exit that came first;
// only EVFILT_PROCDESC attaches to a process descriptor.
TEST_F(ProcdescTest, LateRegistrationAndOtherFilters) {
  int kq = new_kq();
  PdforkResult c = pdfork();
  k.exit(static_cast<Pid>(c.sys.ret));
  EXPECT_EQ(apply(kq, {kev(static_cast<std::uint64_t>(c.fd), filt::kRead, ev::kAdd)}, 1).events[0].data,
            static_cast<std::int64_t>(Errno::kEINVAL));
  add(kq, kev(static_cast<std::uint64_t>(c.fd), filt::kProcdesc, ev::kAdd, note::kExit));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 0);
}

// procdesc_close: the last close kills a running process (SIGKILL) unless
// PD_DAEMON. A later fork passes the descriptor on (procdesc_ops are
// DFLAG_PASSABLE), so the parent's close alone is not the last one then.
TEST_F(ProcdescTest, CloseKillsUnlessDaemon) {
  PdforkResult plain = pdfork();
  k.close(pid, plain.fd);
  PdforkResult daemon = pdfork(pdflag::kDaemon | pdflag::kCloexec);
  EXPECT_EQ(k.fcntl_getfd(pid, daemon.fd).ret, 1);
  Pid holder = fork_child();
  k.close(pid, daemon.fd);
  EXPECT_EQ(k.files()[k.process(holder)->fds.find(daemon.fd)->file].refcount, 1U);
  k.close(holder, daemon.fd);
  const Process* p = k.process(static_cast<Pid>(plain.sys.ret));
  EXPECT_FALSE(p->alive);
  EXPECT_EQ(p->exit_status, sig::kKill);
  EXPECT_TRUE(k.process(static_cast<Pid>(daemon.sys.ret))->alive);
  EXPECT_EQ(k.pdfork(pid, 0x4).sys.err, Errno::kEINVAL);
}

// Newest main (sys_procdesc.c procdesc_fork, called from do_fork): a fork by
// the process behind a descriptor posts NOTE_FORK to the descriptor's
// knotes, data = pd_last_child, the newest child; a fork by anyone else
// (here the descriptor's holder) posts nothing there.
TEST_F(ProcdescTest, ForkOfDescribedProcessPostsNoteFork) {
  int kq = new_kq();
  PdforkResult c = pdfork();
  const auto child = static_cast<Pid>(c.sys.ret);
  add(kq, kev(static_cast<std::uint64_t>(c.fd), filt::kProcdesc, ev::kAdd, note::kFork | note::kExit));
  fork_child();
  EXPECT_EQ(poll(kq).sys.ret, 0);
  const auto first = static_cast<Pid>(k.fork(child).ret);
  const auto second = static_cast<Pid>(k.fork(child).ret);
  ASSERT_NE(first, second);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, note::kFork);
  EXPECT_EQ(r.events[0].data, second);
  EXPECT_EQ(r.events[0].flags, ev::kClear);
  EXPECT_EQ(k.procdescs()[0].last_child, second);
}

// procdesc_exit posts NOTE_EXIT|NOTE_PDSIGCHLD; a knote keeps the bits it
// asked for (kn_sfflags & event), and the exit ends it either way. A knote
// that recorded only NOTE_PDSIGCHLD keeps data 0. NOTE_FORK recorded before
// the exit does not take data over: the exit returns first.
TEST_F(ProcdescTest, ExitPostsPdsigchldToThoseWhoAsk) {
  int ka = new_kq();
  int kb = new_kq();
  PdforkResult c = pdfork();
  const auto child = static_cast<Pid>(c.sys.ret);
  const auto fd = static_cast<std::uint64_t>(c.fd);
  add(ka, kev(fd, filt::kProcdesc, ev::kAdd, note::kExit | note::kFork | note::kPdsigchld));
  add(kb, kev(fd, filt::kProcdesc, ev::kAdd, note::kPdsigchld));
  k.fork(child);
  k.kill(pid, child, sig::kTerm);
  KeventResult r = poll(ka);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, note::kExit | note::kFork | note::kPdsigchld);
  EXPECT_EQ(r.events[0].data, sig::kTerm);
  EXPECT_EQ(r.events[0].flags, kExitFlags);
  r = poll(kb);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, note::kPdsigchld);
  EXPECT_EQ(r.events[0].data, 0);
  EXPECT_EQ(r.events[0].flags, kExitFlags);
}

// NOTE_REAP interest keeps the knote past the exit until a reap the model
// does not post: refused as unsupported rather than answered wrong.
TEST_F(ProcdescTest, NoteReapIsUnsupported) {
  int kq = new_kq();
  PdforkResult c = pdfork();
  KeventResult r = apply(kq, {kev(static_cast<std::uint64_t>(c.fd), filt::kProcdesc, ev::kAdd, note::kExit | note::kReap)});
  EXPECT_EQ(r.sys.completion, Completion::kUnsupported);
}

// 13.2 and 15.1: procdesc_kqops_event before procdesc_fork - NOTE_FORK and
// NOTE_PDSIGCHLD interest is accepted and never fires; the exit is NOTE_EXIT.
class OldProcdescTest : public KernelTest {
 protected:
  explicit OldProcdescTest(const char* profile = "freebsd-13.2") : KernelTest(*find_profile(profile)) {}
};
class Procdesc151Test : public OldProcdescTest {
 protected:
  Procdesc151Test() : OldProcdescTest("freebsd-15.1") {}
};

void expect_no_fork_notes(Kernel& k, Pid pid) {
  SysResult q = k.kqueue(pid);
  const auto kq = static_cast<int>(q.ret);
  PdforkResult c = k.pdfork(pid, 0);
  const auto child = static_cast<Pid>(c.sys.ret);
  const std::vector<KEvent> change{kev(static_cast<std::uint64_t>(c.fd), filt::kProcdesc, ev::kAdd,
                                       note::kExit | note::kFork | note::kPdsigchld | note::kReap)};
  KeventResult reg = k.kevent(pid, kq, change, 0, kPoll);
  ASSERT_EQ(reg.sys.err, Errno::kNone);
  k.fork(child);
  EXPECT_EQ(k.kevent(pid, kq, {}, 4, kPoll).sys.ret, 0);
  k.kill(pid, child, sig::kTerm);
  KeventResult r = k.kevent(pid, kq, {}, 4, kPoll);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, note::kExit);
  EXPECT_EQ(r.events[0].data, sig::kTerm);
  EXPECT_EQ(k.procdescs()[0].last_child, 0);
}

TEST_F(OldProcdescTest, ForkNotesNotPosted) { expect_no_fork_notes(k, pid); }
TEST_F(Procdesc151Test, ForkNotesNotPosted) { expect_no_fork_notes(k, pid); }

}  // namespace
}  // namespace kqsim::model::testing
