// The modelled kernel: every piece of state kqueue semantics depend on
// (processes and their descriptor tables, files, pipes, kqueues, the
// monotonic clock) as one copyable value, and the system calls that act on
// it. Deterministic: no I/O, no wall clock, no globals.
//
// Where each part lives:
//   kernel_fd.cpp        descriptors: kqueue(), pipe(), close, dup, dup2, fcntl, fork's fdcopy
//   kqueue_register.cpp  kqueue_register: applying one change
//   kevent_call.cpp      kern_kevent / kqueue_kevent / kqueue_scan and the virtual-time wait
//   knote_lifecycle.cpp  activation, enqueue, knote(), drop, knote_fdclose, kqueue close,
//                        kqueue_task and its task points (kqueue_task_timing.hpp)
//   filters/*.cpp        the filterops: pipe read/write, kqueue read, timer, user, signal, jail,
//                        proc (with knote_fork's NOTE_TRACK), procdesc
//   pipe_io.cpp          pipe_read / pipe_write / pipeclose
//   signals_io.cpp       kill / sigaction / sigprocmask
//   process_io.cpp       fork, pdfork, exec, exit, wait: processes being born, changing and dying
//   socket_io.cpp        AF_UNIX sockets: socketpair, socket, bind, listen, connect,
//                        accept, shutdown, setsockopt, soclose
//   socket_rw.cpp        AF_UNIX socket read/write (uipc_soreceive_*, uipc_sosend_*)
//   callouts.cpp         EVFILT_TIMER callouts on the virtual clock
//   tcp_io.cpp           loopback TCP: connect, accept, send, receive, shutdown, close
//   tcp_timewait.cpp     TIME_WAIT's 2MSL callout, the other callout on the virtual clock
//   vfs_namei.cpp        the simulated file system's names: mkdir, rmdir, mkfifo, unlink, rename, link, chmod, truncate
//   vfs_io.cpp           open, reads and writes of regular files, lseek, ftruncate, vn_close
//   fifo_io.cpp          fifo_open / fifo_close: FIFOs on the pipe code
//   filters/vfs_filters.cpp  vfs_kqfilter: EVFILT_READ/WRITE/VNODE on vnodes
//   aio_submit.cpp       aio_aqueue, kern_lio_listio, kqfd_register: submitting aio requests
//   aio_jobs.cpp         the aio daemons, completion, aio_error/aio_return/aio_cancel, rundown
//   filters/aio_filters.cpp  EVFILT_AIO and EVFILT_LIO
//   kernel_encode.cpp    the state as bytes, for the explorer's visited set
#pragma once

#include <array>
#include <cassert>
#include <map>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/aio.hpp"
#include "model/dialect_profile.hpp"
#include "model/file.hpp"
#include "model/kqueue.hpp"
#include "model/kqueue_task_timing.hpp"
#include "model/net_constants.hpp"
#include "model/pipe.hpp"
#include "model/pipe_map.hpp"
#include "model/process.hpp"
#include "model/procdesc.hpp"
#include "model/signals.hpp"
#include "model/socket.hpp"
#include "model/sys_result.hpp"
#include "model/vfs.hpp"

namespace kqsim::model {

struct KeventResult {
  SysResult sys;
  std::vector<KEvent> events;  // the first sys.ret records of the eventlist
};

struct PipeResult {
  SysResult sys;
  std::array<std::int32_t, 2> fds{-1, -1};
};

struct PdforkResult {
  SysResult sys;          // ret = the child's pid
  std::int32_t fd = -1;   // the process descriptor
};

// Deliberate deviations from FreeBSD, switched on only by tests that check
// the test tooling catches a broken model. All false in a faithful model.
struct ModelMutations {
  bool dispatch_does_not_disable = false;
  bool oneshot_not_deleted = false;
};

struct KernelConfig {
  // CLOCK_REALTIME at boot (the virtual monotonic clock starts at 0); what
  // NOTE_ABSTIME deadlines are measured against.
  std::int64_t realtime_at_boot_ns = 1'700'000'000'000'000'000;
  ModelMutations mutations;
};

class Kernel {
 public:
  static constexpr Pid kInitPid = 1;
  // wait's targets other than a pid: any child (waitpid(-1), wait) and any
  // child in the caller's process group (waitpid(0)).
  static constexpr Pid kAnyChild = -1;
  static constexpr Pid kGroupChild = 0;
  // A sleeping call (kevent, poll, select) wakes at most this often before it
  // returns: each wake moves the virtual clock to a callout, so only a bug loops.
  static constexpr std::uint32_t kMaxWaitRounds = 1'000'000;

  explicit Kernel(const DialectProfile& profile = default_profile(), KernelConfig config = {});

  [[nodiscard]] const DialectProfile& profile() const { return *profile_; }
  [[nodiscard]] std::int64_t now_ns() const { return now_ns_; }
  [[nodiscard]] std::int64_t realtime_ns() const { return config_.realtime_at_boot_ns + now_ns_; }

  // System calls. Each acts as process `pid`, which must be alive.
  SysResult kqueue(Pid pid, std::uint32_t kqueuex_flags = 0);
  PipeResult pipe(Pid pid, bool nonblock = false, bool cloexec = false);
  SysResult read(Pid pid, std::int32_t fd, std::int64_t nbytes);
  SysResult write(Pid pid, std::int32_t fd, std::int64_t nbytes);
  SysResult close(Pid pid, std::int32_t fd);
  SysResult dup(Pid pid, std::int32_t fd);
  SysResult dup2(Pid pid, std::int32_t from, std::int32_t to);
  SysResult fcntl_getfd(Pid pid, std::int32_t fd);
  SysResult fcntl_setfd(Pid pid, std::int32_t fd, std::int32_t fd_flags);
  SysResult fork(Pid pid);  // ret = the child's pid
  // pdfork(2) with PD_DAEMON / PD_CLOEXEC flags.
  PdforkResult pdfork(Pid pid, std::uint32_t pd_flags);
  // waitpid(target, &status, nohang ? WNOHANG : 0): ret = target's pid once
  // reaped, 0 if WNOHANG and it still runs. The status is the one
  // process(target)->exit_status holds.
  SysResult wait(Pid pid, Pid target, bool nohang);
  SysResult exec(Pid pid);
  // _exit(code): wait(2) status code << 8 (W_EXITCODE), what NOTE_EXIT reports.
  SysResult exit(Pid pid, std::int32_t code = 0);
  KeventResult kevent(Pid pid, std::int32_t kqfd, std::span<const KEvent> changes,
                      std::int32_t nevents, const std::optional<Timespec>& timeout);
  // The same call with the eventlist as kevent(2) takes it: nevents is
  // eventlist.size() and the first ret records are written there. Allocates
  // nothing; results identical to kevent() above.
  SysResult kevent_into(Pid pid, std::int32_t kqfd, std::span<const KEvent> changes,
                        std::span<KEvent> eventlist, const std::optional<Timespec>& timeout);
  // Let virtual time pass with the process asleep (nanosleep).
  SysResult sleep(std::int64_t duration_ns);
  // kill(2): a signal from `pid` to `target`; signal 0 only checks.
  SysResult kill(Pid pid, Pid target, std::int32_t signo);
  // sigaction(2) reduced to the disposition: default, ignore or catch.
  SysResult sigaction(Pid pid, std::int32_t signo, SignalAction action);
  // The caught signals delivered to pid since the last take, whose handlers
  // the program is to run now (postsig); cleared by taking.
  std::bitset<sig::kMax + 1> take_handlers_due(Pid pid);
  // sigprocmask(2) for one signal: block (true) or unblock it.
  SysResult sigprocmask(Pid pid, bool block, std::int32_t signo);

  // AF_UNIX sockets (socket_io.cpp). Names live in one simulated namespace
  // of socket files, which outlive the sockets bound to them.
  PipeResult socketpair(Pid pid, SocketType type, bool nonblock = false, bool cloexec = false);
  SysResult socket(Pid pid, SocketType type, bool nonblock = false, bool cloexec = false,
                   SocketDomain domain = SocketDomain::kUnix);
  // AF_INET on 127.0.0.1 (tcp_io.cpp): bind/connect by port; port 0 binds
  // an ephemeral port. getsockname's ret is the bound port (0 for AF_UNIX).
  SysResult bind_port(Pid pid, std::int32_t fd, std::uint16_t port);
  SysResult connect_port(Pid pid, std::int32_t fd, std::uint16_t port);
  SysResult getsockname(Pid pid, std::int32_t fd);
  // recv(2)/send(2) with MSG_* flags (FreeBSD's numbers), any socket (socket_msg.cpp).
  SysResult recv(Pid pid, std::int32_t fd, std::int64_t nbytes, std::uint32_t flags);
  SysResult send(Pid pid, std::int32_t fd, std::int64_t nbytes, std::uint32_t flags);
  // poll(2) (timeout in ms, -1 = INFTIM) and select(2) (timeout nullopt =
  // wait forever) over model descriptors (poll_io.cpp); revents written back.
  SysResult poll(Pid pid, std::span<PollFd> fds, std::int64_t timeout_ms);
  SysResult select(Pid pid, std::span<SelectFd> fds, const std::optional<Timespec>& timeout_tv);
  // pause(2): EINTR once a caught signal arrived while it slept (pause_io.cpp).
  SysResult pause(Pid pid);
  SysResult bind(Pid pid, std::int32_t fd, std::string_view name);
  SysResult listen(Pid pid, std::int32_t fd, std::int32_t backlog);
  SysResult connect(Pid pid, std::int32_t fd, std::string_view name);
  SysResult accept(Pid pid, std::int32_t fd);
  SysResult shutdown(Pid pid, std::int32_t fd, ShutdownHow how);
  SysResult setsockopt(Pid pid, std::int32_t fd, SocketOption option, std::int64_t value);
  // The simulated file system (one namespace shared by every process). Paths
  // are resolved from the root; flags and modes are FreeBSD's values.
  SysResult open(Pid pid, std::string_view path, std::uint32_t oflags, std::uint32_t mode = 0644);
  SysResult mkdir(Pid pid, std::string_view path, std::uint32_t mode = 0755);
  SysResult rmdir(Pid pid, std::string_view path);
  SysResult mkfifo(Pid pid, std::string_view path, std::uint32_t mode = 0644);
  SysResult unlink(Pid pid, std::string_view path);
  SysResult rename(Pid pid, std::string_view from, std::string_view to);
  SysResult link(Pid pid, std::string_view from, std::string_view to);
  SysResult chmod(Pid pid, std::string_view path, std::uint32_t mode);
  SysResult truncate(Pid pid, std::string_view path, std::int64_t length);
  // utimes(2) with the current time: VOP_SETATTR, NOTE_ATTRIB.
  SysResult utimes(Pid pid, std::string_view path);
  // revoke(2): only a character device can be revoked; the simulated file
  // system has none. unmount(2) of the simulated file system itself.
  SysResult revoke(Pid pid, std::string_view path);
  SysResult unmount(Pid pid, std::string_view path, std::uint32_t mnt_flags);
  SysResult ftruncate(Pid pid, std::int32_t fd, std::int64_t length);
  SysResult lseek(Pid pid, std::int32_t fd, std::int64_t offset, std::int32_t whence);
  // Any of the above, as one request (trace steps and the C API).
  SysResult vfs(Pid pid, const VfsCall& call);

  // POSIX asynchronous I/O (aio_submit.cpp, aio_jobs.cpp): aio_read,
  // aio_write, aio_error, aio_return, aio_cancel, lio_listio, and the aio
  // daemons running queued jobs.
  SysResult aio(Pid pid, const AioCall& call);

  // Read-only views for explanations and invariant checks.
  [[nodiscard]] const Process* process(Pid pid) const;
  [[nodiscard]] std::span<const Process> processes() const { return processes_; }
  // How many processes have exited (exit_process): an observer that sees it
  // unchanged knows no process ended. Not part of the state (kernel_encode).
  [[nodiscard]] std::uint64_t exits() const { return exits_; }
  [[nodiscard]] std::span<const Kqueue> kqueues() const { return kqueues_; }
  [[nodiscard]] std::span<const File> files() const { return files_; }
  [[nodiscard]] std::span<const PipePair> pipes() const { return pipes_; }
  [[nodiscard]] std::span<const Procdesc> procdescs() const { return procdescs_; }
  [[nodiscard]] const PipeEnd& pipe_end(std::uint32_t end_id) const;
  [[nodiscard]] std::span<const Socket> sockets() const { return sockets_; }
  [[nodiscard]] std::span<const std::uint32_t> timewait_sockets() const { return timewait_sockets_; }
  [[nodiscard]] const std::map<std::string, std::uint32_t, std::less<>>& socket_names() const { return socket_names_; }
  [[nodiscard]] std::uint32_t callout_count() const { return callouts_; }
  [[nodiscard]] std::span<const Vnode> vnodes() const { return vnodes_; }
  // A forced unmount took the simulated file system away (every vnode dead).
  [[nodiscard]] bool fs_unmounted() const { return fs_unmounted_; }
  [[nodiscard]] std::span<const AioJob> aio_jobs() const { return aio_jobs_; }
  [[nodiscard]] std::span<const AioLio> aio_lios() const { return aio_lios_; }
  // The global aio_jobs queue: jobs waiting for an aio daemon, oldest first.
  [[nodiscard]] std::span<const std::uint32_t> aio_queue() const { return aio_queue_; }
  // The kqueue index behind pid's descriptor, if it is a kqueue.
  [[nodiscard]] std::optional<std::uint32_t> kqueue_at(Pid pid, std::int32_t fd) const;
  // Appends a byte encoding of the whole state, equal bytes for equal
  // states (kernel_encode.cpp); with
  // `part_ends`, also the end offset of each of its parts, so a visited set
  // can store the parts once each (state compression).
  void encode(std::string& out, std::vector<std::uint32_t>* part_ends = nullptr) const;
  // kqueue_task work not yet run; always empty between system calls.
  [[nodiscard]] bool kqueue_tasks_pending() const { return !pending_kqueue_tasks_.empty(); }
  // The kqueue_task race (kqueue_task_timing.hpp). Before a call: which of
  // its task points (counted from 0 by the call) take the other outcome,
  // sorted; this also starts counting and noting the races met. Never set
  // (the explorer, kqcheck): every point takes the usual outcome. Not part
  // of the state: it says how the next call runs, not what the kernel holds.
  void set_task_timing(std::vector<std::uint32_t> other_points) {
    other_task_points_ = std::move(other_points);
    task_points_seen_ = 0;
    task_races_.clear();
    task_timing_set_ = true;
  }
  // The task points met with a task pending since set_task_timing.
  [[nodiscard]] std::span<const TaskRace> task_races() const { return task_races_; }

  // For invariant checks that cost what a call touched (invariants.hpp
  // check_touched_invariants): while on, every knote the calls reach since
  // the last clear_touched is noted (a knote may appear more than once).
  // Off by default: the explorer copies whole kernels and checks them whole.
  void set_touch_tracking(bool on) {
    track_touched_ = on;
    clear_touched();
  }
  [[nodiscard]] bool touch_tracking() const { return track_touched_; }
  [[nodiscard]] std::span<const KnoteRef> touched() const { return touched_; }
  // Whether a call since the last clear_touched may have changed anything
  // but knotes and their queues (pipes, sockets, processes, vnodes, aio,
  // files, kqueues closing): most system calls, and a kevent that closed a
  // file or ran the aio daemons. The touched check looks at those objects
  // only then.
  [[nodiscard]] bool objects_touched() const { return touched_objects_ != 0; }
  // Which kinds of objects those were: the touched check walks only these.
  // A call names what it may reach (pipe(2) its pipes, the socket calls
  // their sockets, fork the processes, read(2) what its descriptor is), and
  // what it changes on the way adds its kinds where it happens: a namespace
  // change the vnodes (namespace_changing), the aio daemons the aio objects,
  // an exit everything (exit_process), a file closed what its close may
  // change (fdrop, objects_closed_with).
  enum ObjectKind : std::uint8_t {
    kPipeObjects = 1,
    kSocketObjects = 2,
    kProcessObjects = 4,  // processes and process descriptors
    // The namespace (entries, link counts), FIFO counts, a vnode's death:
    // what check_vnodes reads. A vnode's mode, size and times, and a
    // file's offset, are no invariant's business: calls that change only
    // those (chmod, utimes, truncate, ftruncate, read, write, lseek) name
    // no kind.
    kVnodeObjects = 8,
    kAioObjects = 16,
    kKqueueObjects = 32,  // kqueues closing
    kAllObjects = 63,
  };
  [[nodiscard]] std::uint8_t touched_object_kinds() const { return touched_objects_; }
  void clear_touched() {
    touched_.clear();
    touched_objects_ = 0;
  }
  // For tests of the invariant checks (tests/model): breaks the state on purpose.
  friend struct InvariantTestAccess;

 private:
  struct RegisterOutcome {
    Errno err = Errno::kNone;
    std::string_view unsupported;  // non-empty: the model cannot do this change
  };

  // Runs the deferred kqueue tasks when a system call returns: the kernel
  // runs kqueue_task (watchers re-evaluating this kqueue) before going back
  // to user space (D31858), after everything the call itself did.
  class SyscallScope {
   public:
    enum Reach { kAnything, kKnotesOnly };  // see objects_touched()
    explicit SyscallScope(Kernel& k, Reach reach = kAnything) : k_(k) {
      if (reach == kAnything) k_.touched_objects_ = kAllObjects;
    }
    // A call that can change only these kinds of objects (and knotes).
    SyscallScope(Kernel& k, unsigned kinds) : k_(k) { k_.touched_objects_ |= static_cast<std::uint8_t>(kinds); }
    ~SyscallScope() {
      if (!k_.pending_kqueue_tasks_.empty()) k_.run_kqueue_tasks();
    }
    SyscallScope(const SyscallScope&) = delete;
    SyscallScope& operator=(const SyscallScope&) = delete;

   private:
    Kernel& k_;
  };

  Process& proc(Pid pid) {
    assert(process(pid) != nullptr && process(pid)->alive);
    return processes_[static_cast<std::size_t>(pid - 1)];
  }
  Knote& at(KnoteRef ref) {
    note_touched(ref);
    return kqueues_[ref.kq].knote(ref.slot);
  }
  void note_touched(KnoteRef ref) {
    if (track_touched_) note_touched_tracked(ref);
  }
  void note_touched_tracked(KnoteRef ref);  // out of line: keeps at() small enough to inline
  PipeEnd& end(std::uint32_t end_id) { return pipes_[end_id / 2].ends[end_id % 2]; }
  FileIndex new_file(FileType type, std::uint32_t object, bool nonblock);
  void fhold(FileIndex file) { ++files_[file].refcount; }
  void fdrop(FileIndex file);
  // The kinds of objects (ObjectKind bits) that reading or writing a file
  // may change, and that its last close (fo_close) may change: the touched
  // checks walk only those.
  [[nodiscard]] static std::uint8_t objects_of(const File& f);
  [[nodiscard]] static std::uint8_t objects_closed_with(const File& f);
  std::optional<std::int32_t> install_fd(Process& p, FileIndex file, bool cloexec);
  PipeResult install_pair(Process& p, FileIndex first, FileIndex second, bool cloexec);
  SysResult close_fd(Process& p, std::int32_t fd);
  void closef(Process& p, std::int32_t fd);

  // kqueue_register and its pieces (kqueue_register.cpp).
  RegisterOutcome kqueue_register(std::uint32_t kq, KEvent& kev, Process& p);
  RegisterOutcome register_new_knote(std::uint32_t kq, KEvent& kev, FileIndex fp, Process& p);
  void register_modify(KnoteRef ref, KEvent& kev);
  void register_finish(KnoteRef ref);

  // kqueue_kevent / kqueue_scan (kevent_call.cpp). The records a call
  // returns go to the caller's array (kevent_into) or to a vector (kevent).
  struct EventOut {
    KEvent* array;
    std::vector<KEvent>* vec;
    std::size_t count = 0;
    void push(const KEvent& ev) {
      if (vec != nullptr) vec->push_back(ev);
      else array[count] = ev;
      ++count;
    }
    void discard() {  // an early return: no records are counted
      if (vec != nullptr) vec->clear();
      count = 0;
    }
  };
  SysResult kevent_call(Pid pid, std::int32_t kqfd, std::span<const KEvent> changes, std::int32_t nevents,
                        EventOut& out, const std::optional<Timespec>& timeout);
  SysResult apply_changes(Pid pid, std::uint32_t kq, std::span<const KEvent> changes, std::int32_t nevents,
                          EventOut& out, bool& scan_needed, std::int32_t& nevents_left);
  SysResult scan_with_timeout(std::uint32_t kq, std::int32_t nevents, EventOut& out,
                              const std::optional<Timespec>& timeout);
  void scan_pass(std::uint32_t kq, std::int32_t nevents, EventOut& out);
  std::optional<KEvent> scan_one(KnoteRef ref);

  // Knote life cycle (knote_lifecycle.cpp).
  void activate(KnoteRef ref);
  void enqueue(KnoteRef ref);
  void dequeue(KnoteRef ref);
  void knote_post(KnoteList& list, std::int64_t hint = 0);
  void knote_drop(KnoteRef ref);
  void knote_fdclose(Process& p, std::int32_t fd);
  void knlist_clear(KnoteList& list);
  void kqueue_close(std::uint32_t kq);
  void schedule_kqueue_task(std::uint32_t kq);
  void run_kqueue_tasks();
  void task_point(TaskPoint point, std::int64_t detail);
  bool race_point(TaskPoint point, std::int64_t detail);

  // struct filterops, one row per FilterKind (filters/filter_ops.cpp).
  struct FilterOps {
    bool (Kernel::*event)(Knote&, std::int64_t hint);
    void (Kernel::*detach)(KnoteRef);
    bool touch;  // f_touch: the filter decides what a modify and a delivery do
  };
  static const std::array<FilterOps, 20> kFilterOps;

  // filterops dispatch (filters/filter_ops.cpp).
  RegisterOutcome filter_attach(KnoteRef ref, Process& p);
  void filter_detach(KnoteRef ref);
  bool filter_event(KnoteRef ref, std::int64_t hint = 0);
  [[nodiscard]] bool filter_has_touch(const Knote& kn) const;
  void filter_touch_register(KnoteRef ref, KEvent& kev);
  KEvent filter_touch_process(Knote& kn);

  RegisterOutcome pipe_kqfilter(KnoteRef ref);
  bool filt_piperead(Knote& kn, std::int64_t hint);
  bool filt_pipewrite(Knote& kn, std::int64_t hint);
  void filt_pipedetach(KnoteRef ref);
  RegisterOutcome kqueue_kqfilter(KnoteRef ref);
  bool filt_kqueue(Knote& kn, std::int64_t hint);
  void filt_kqdetach(KnoteRef ref);
  Errno filt_timerattach(KnoteRef ref);
  void filt_timerdetach(KnoteRef ref);
  bool filt_timer(Knote& kn, std::int64_t hint);
  bool filt_user(Knote& kn, std::int64_t hint);
  Errno filt_jailattach(KnoteRef ref);
  bool filt_jail(Knote& kn, std::int64_t hint);
  Errno filt_sigattach(KnoteRef ref, Process& p);
  void filt_sigdetach(KnoteRef ref);
  bool filt_signal(Knote& kn, std::int64_t hint);
  void filt_jaildetach(KnoteRef ref);
  RegisterOutcome filt_procattach(KnoteRef ref);
  void filt_procdetach(KnoteRef ref);
  bool filt_proc(Knote& kn, std::int64_t hint);
  RegisterOutcome procdesc_kqfilter(KnoteRef ref);
  void procdesc_kqops_detach(KnoteRef ref);
  bool procdesc_kqops_event(Knote& kn, std::int64_t hint);
  void filt_userdetach(KnoteRef ref);
  void filt_timertouch_register(KnoteRef ref, const KEvent& kev);
  Errno timer_validate_and_start(Knote& kn);
  void arm_timer(Knote& kn, std::int64_t deadline_ns, std::int64_t period_ns);
  static void filt_usertouch_register(Knote& kn, KEvent& kev);

  // Pipes (pipe_io.cpp).
  void pipe_close(std::uint32_t end_id);
  // pipe_create / pipespace_new / pipe_free_kmem: a buffer in pipe_map.
  void pipe_create(PipeEnd& pipe, std::uint32_t size);
  bool pipespace(PipeEnd& cpipe, std::uint32_t size);
  void pipe_free_kmem(PipeEnd& cpipe);
  // PIPE_PEER: the end a write fills; a FIFO's pipe is read and written on one end.
  [[nodiscard]] std::uint32_t pipe_write_end(std::uint32_t end_id) const {
    return pipe_end(end_id).named ? end_id : pipe_peer_id(end_id);
  }
  void filt_pipenulldetach(KnoteRef) {}
  bool filt_pipenull(Knote&, std::int64_t) { return false; }

  // The simulated file system.
  struct Lookup {  // namei: the parent directory, the last name, and what it names
    Errno err = Errno::kNone;
    std::uint32_t dir = kRootVnode;
    std::string name;  // empty when the path names the root
    std::optional<std::uint32_t> vnode;
  };
  [[nodiscard]] Lookup namei(std::string_view path) const;
  std::uint32_t new_vnode(VnodeType type, std::uint32_t mode, std::uint32_t parent);
  void vn_knote(std::uint32_t vnode, std::int64_t hint);  // VFS_KNOTE_LOCKED
  // A namespace call past its checks, about to change the namespace: the
  // touched check walks the vnodes after it. Each such call returns its
  // errors before its first change (namei, then the checks of kern_*at and
  // VOP_*), so one that fails names no kind.
  void namespace_changing() { touched_objects_ |= kVnodeObjects; }
  SysResult vn_open_file(Process& p, std::uint32_t vnode, std::uint32_t oflags);
  SysResult vn_read(File& f, std::int64_t nbytes);
  SysResult vn_write(File& f, std::int64_t nbytes);
  // VOP_READ / VOP_WRITE at an explicit offset (read(2) passes f_offset,
  // aio its aio_offset), which moves past what was transferred.
  std::int64_t vn_read_at(std::uint32_t vnode, std::int64_t& offset, std::int64_t nbytes);
  std::int64_t vn_write_at(std::uint32_t vnode, bool append, std::int64_t& offset, std::int64_t nbytes);
  // What VOP_READ and VOP_WRITE answer on a vnode vgonel made dead (R24).
  [[nodiscard]] Errno dead_read_errno() const;
  [[nodiscard]] Errno dead_write_errno(std::uint32_t vnode) const;
  void vn_close(File& f);
  SysResult fifo_open(File& f, std::uint32_t vnode, std::uint32_t oflags);
  void fifo_close(const File& f);
  SysResult vn_truncate(std::uint32_t vnode, std::int64_t length);
  void vgonel(std::uint32_t vnode);
  SysResult rename_checked(const Lookup& from, const Lookup& to);
  Errno ufs_checkpath(std::uint32_t fdvp, std::uint32_t fvp, std::uint32_t tdvp);
  void rename_post(std::uint32_t fdvp, std::uint32_t tdvp, std::uint32_t fvp, std::optional<std::uint32_t> tvp);
  [[nodiscard]] bool vnode_open(std::uint32_t vnode) const;  // an open file holds it (a use reference)
  RegisterOutcome vfs_kqfilter(KnoteRef ref);
  bool filt_vfsread(Knote& kn, std::int64_t hint);
  bool filt_vfswrite(Knote& kn, std::int64_t hint);
  bool filt_vfsvnode(Knote& kn, std::int64_t hint);
  [[nodiscard]] bool vfs_gone(const Knote& kn, std::int64_t hint) const;
  void filt_vfsdetach(KnoteRef ref);

  // Sockets (socket_io.cpp, socket_rw.cpp, filters/socket_filters.cpp).
  Socket& sock(std::uint32_t id) { return sockets_[id]; }
  const Socket& sock(std::uint32_t id) const { return sockets_[id]; }
  std::uint32_t new_socket(SocketType type);
  SysResult socket_fd(Pid pid, std::int32_t fd, std::uint32_t& id);
  void unp_connect2(std::uint32_t a, std::uint32_t b);
  void unp_disconnect(std::uint32_t a);
  void unp_dgram_sender_gone(std::uint32_t receiver);
  void uipc_cantrcvmore(std::uint32_t id);
  void sorwakeup(Socket& so);
  void sorflush_zeroes(Socket& so);
  void shut_read(std::uint32_t id);
  void shut_write(std::uint32_t id);
  void soabort(std::uint32_t id);
  void soclose(std::uint32_t id);
  SysResult soo_read(const File& f, std::int64_t nbytes);
  SysResult soo_write(const File& f, std::int64_t nbytes);
  SysResult file_write(Pid pid, std::int32_t fd, std::int64_t nbytes);  // write(2) but SIGPIPE
  SysResult uipc_soreceive_stream(Socket& so, bool nonblock, std::int64_t nbytes, bool dontwait = false);
  bool stream_receive_waits(const Socket& so, std::int64_t nbytes, bool dontwait) const;
  bool generic_waitall_sleeps(const Socket& so, std::int64_t nbytes, bool dontwait) const;
  SysResult uipc_soreceive_dgram(Socket& so, bool nonblock, std::int64_t nbytes);
  SysResult uipc_sosend_stream(std::uint32_t id, bool nonblock, std::int64_t nbytes);
  SysResult sosend_stream_own_buffer(std::uint32_t id, bool nonblock, std::int64_t nbytes);
  SysResult uipc_sosend_dgram(std::uint32_t id, std::int64_t nbytes);
  [[nodiscard]] std::int64_t unix_stream_space(const Socket& receiver) const;
  RegisterOutcome soo_kqfilter(KnoteRef ref);
  bool filt_soread(Knote& kn, std::int64_t hint);
  bool filt_sowrite(Knote& kn, std::int64_t hint);
  bool filt_soempty(Knote& kn, std::int64_t hint);
  bool uipc_filt_sowrite(Knote& kn, std::int64_t hint);
  bool uipc_filt_soempty(Knote& kn, std::int64_t hint);
  void filt_sordetach(KnoteRef ref);
  void filt_sowdetach(KnoteRef ref);

  // Loopback TCP (tcp_io.cpp) and the flags of recv/send (socket_msg.cpp).
  std::uint32_t new_tcp_socket();
  std::uint16_t in_pcbbind_port(std::uint16_t wanted, bool wild, Errno& err);
  [[nodiscard]] bool inet_port_in_use(std::uint16_t port, bool wild) const;
  [[nodiscard]] bool inet_connection_exists(std::uint16_t local, std::uint16_t foreign) const;
  [[nodiscard]] static bool inpcb_hashed(const Socket& so);
  SysResult tcp_listen(std::uint32_t id, std::int32_t backlog);
  SysResult tcp_connect(std::uint32_t id, std::int32_t fd, bool nonblock, std::uint16_t port);
  SysResult tcp_soreceive(std::uint32_t id, bool nbio, bool dontwait, std::int64_t nbytes, std::uint32_t flags);
  [[nodiscard]] bool tcp_waitall_sleeps(const Socket& so, std::int64_t nbytes) const;
  SysResult tcp_sosend(std::uint32_t id, bool nbio, std::int64_t nbytes);
  SysResult tcp_shutdown(std::uint32_t id, ShutdownHow how);
  void tcp_shutdown_in_fin_wait_2(std::uint32_t id);
  void tcp_close(std::uint32_t id);
  void tcp_settle(std::uint32_t id);
  void tcp_deliver(std::uint32_t from);
  void tcp_drop(std::uint32_t id, Errno error);
  void tcp_fin_acked(std::uint32_t from, std::uint32_t to);
  void tcp_soisdisconnected(std::uint32_t id, TcpEnd end);
  // TIME_WAIT's 2MSL callout (tcp_timewait.cpp).
  void tcp_timewait_arm(std::uint32_t id);
  void tcp_timewait_disarm(std::uint32_t id);
  [[nodiscard]] std::optional<std::uint32_t> timewait_due(std::int64_t by_ns) const;
  void tcp_timewait_end(std::uint32_t id);
  SysResult tcp_connect_ended(std::uint32_t id, std::uint16_t port);
  bool listen_queue_over(std::uint32_t head) const;
  SysResult tcp_connect_overflow(std::uint32_t id, std::int32_t fd, bool nonblock, bool waits);
  void tcp_mss_buffers(std::uint32_t id);
  SysResult unix_soreceive_flags(Socket& so, bool nbio, std::int64_t nbytes, std::uint32_t flags);

  // poll/select (poll_io.cpp): fo_poll of each kind of file.
  std::optional<std::int16_t> fo_poll(const File& f, std::int16_t events, std::string_view& unsupported) const;
  [[nodiscard]] std::int16_t pipe_poll(const File& f, std::int16_t events) const;
  [[nodiscard]] static std::int16_t dead_poll(std::int16_t events);
  [[nodiscard]] std::int16_t sopoll(const Socket& so, std::int16_t events) const;
  SysResult pollscan(Pid pid, std::span<PollFd> fds);
  SysResult selscan(Pid pid, std::span<SelectFd> fds);
  void pause_wakeup(Process& p);

  // Asynchronous I/O (aio_submit.cpp, aio_jobs.cpp, filters/aio_filters.cpp).
  struct AioCheck {  // aio_aqueue's checks before it queues anything
    SysResult result = SysResult::ok(0);
    bool store_error = false;  // the error is also stored in the user aiocb
    FileIndex file = kNoFile;
    std::optional<std::uint32_t> kq;  // SIGEV_KEVENT: the kqueue to register in
  };
  [[nodiscard]] AioCheck aio_check(const Process& p, const AioCb& cb, std::int32_t opcode) const;
  SysResult aio_aqueue(Process& p, const AioCb& cb, std::int32_t opcode, std::uint32_t lio);
  SysResult lio_listio(Process& p, const AioCall& call);
  SysResult aio_error(const Process& p, std::uint64_t ujob) const;
  SysResult aio_return(Process& p, std::uint64_t ujob);
  SysResult aio_cancel(Process& p, std::int32_t fd, std::uint64_t ujob);
  void aio_store(Process& p, std::uint64_t ujob, std::int64_t status, std::int32_t error);
  std::optional<std::uint32_t> aio_find(const Process& p, std::uint64_t ujob, bool finished_only) const;
  bool aio_daemons_run(Pid only_owner = 0, std::uint64_t only_ujob = 0);
  void aio_process_rw(std::uint32_t job);
  void aio_complete(std::uint32_t job, std::int64_t status, Errno error);
  void aio_bio_done_notify(std::uint32_t job, bool rundown);
  void aio_free_entry(std::uint32_t job);
  void lio_free(std::uint32_t lio);
  void aio_proc_rundown(Process& p);
  void knlist_delete(KnoteList& list);
  Errno kqfd_register(std::uint32_t kq, KEvent kev, Process& p);
  RegisterOutcome filt_aioattach(KnoteRef ref);  // also filt_lioattach
  void filt_aiodetach(KnoteRef ref);
  bool filt_aio(Knote& kn, std::int64_t hint);
  void filt_liodetach(KnoteRef ref);
  bool filt_lio(Knote& kn, std::int64_t hint);

  // Callouts on the virtual clock (callouts.cpp).
  void advance_clock_to(std::int64_t target_ns);
  std::optional<std::int64_t> next_wakeup_ns(std::uint32_t kq) const;
  // seltdwait (poll_io.cpp): sleep until a callout wakes one of `kqs` or the deadline.
  enum class SelWake { kWoken, kTimedOut, kForever };
  SelWake seltdwait(const std::vector<std::uint32_t>& kqs, std::int64_t deadline_ns);
  SysResult sleep_and_rescan(const std::vector<std::uint32_t>& kqs, std::int64_t deadline_ns,
                             const std::function<SysResult()>& rescan, std::string_view forever);
  [[nodiscard]] std::optional<std::uint32_t> kqueue_of_fd(Pid pid, std::int32_t fd) const;
  [[nodiscard]] bool wakes_reached_knote(const Socket& so, const std::vector<std::uint32_t>& reach) const;
  void timer_expire(KnoteRef ref, std::int64_t target_ns);
  void timer_expire_late(KnoteRef ref);

  // Signals (signals_io.cpp).
  SysResult deliver_signal(Process& p, std::int32_t signo);
  SysResult psignal(Process& p, std::int32_t signo);

  // Process life cycle (process_io.cpp, filters/proc_filter.cpp).
  Process* pfind(Pid pid, bool zombies_too);
  Pid fork_process(Pid parent);
  SysResult knote_fork(KnoteList& list, Pid child);
  void register_tracking_knote(KnoteRef parent, KEvent kev);
  void exit_process(Process& p, std::int32_t status);
  void reparent_children(Pid dying);
  SysResult wait_any(Pid pid, bool same_group, bool nohang);
  bool procdesc_exit(Process& p);
  void procdesc_fork(const Process& p, Pid child);
  bool procdesc_kqops_event_main(Knote& kn, std::int64_t hint);
  void procdesc_close(std::uint32_t pd, bool nokill);
  void proc_reap(Process& p);

  // fork helpers (kernel_fd.cpp).
  void fork_copy_fds(const Process& parent, Process& child);
  // KQUEUE_CPONFORK's copy at fork (kqueue_fork.cpp).
  void kqueue_fork_alloc(std::uint32_t kq, Process& child, std::int32_t fd, const FdEntry& entry);
  void kqueue_fork_copy_all(Pid child);
  [[nodiscard]] std::vector<std::uint32_t> kqueue_fork_copy_order(std::uint32_t kq) const;
  void kqueue_fork_copy_knote(std::uint32_t kq1, KnoteRef from, Pid child);
  KnoteList* knote_list_of(const Knote& kn);

  const DialectProfile* profile_;
  KernelConfig config_;
  std::int64_t now_ns_ = 0;
  std::vector<Process> processes_;  // index pid - 1
  std::vector<File> files_;
  std::vector<Kqueue> kqueues_;
  std::vector<PipePair> pipes_;
  PipeMap pipe_map_;
  std::vector<Socket> sockets_;
  std::map<std::string, std::uint32_t, std::less<>> socket_names_;  // bound path -> socket (kNoSocket once closed)
  std::map<std::uint16_t, std::uint32_t> inet_ports_;  // bound 127.0.0.1 port -> the socket that bound it
  std::uint16_t next_ephemeral_port_ = 10000;          // ipport_firstauto; see tcp_io.cpp
  std::vector<std::uint32_t> timewait_sockets_;        // sockets whose 2MSL callout is armed
  std::vector<Procdesc> procdescs_;
  std::uint32_t callouts_ = 0;  // kq_ncallouts
  std::vector<std::uint32_t> pending_kqueue_tasks_;  // kqueues whose watchers must re-evaluate
  // set_task_timing's plan for the current call, and what it met.
  bool task_timing_set_ = false;
  std::vector<std::uint32_t> other_task_points_;
  std::uint32_t task_points_seen_ = 0;
  std::vector<TaskRace> task_races_;
  std::vector<Vnode> vnodes_;  // index kRootVnode is "/"; removed vnodes stay, with nlink 0
  bool fs_unmounted_ = false;  // unmount(MNT_FORCE) succeeded: path calls are unsupported after it
  std::vector<AioJob> aio_jobs_;   // every kaiocb ever made; freed ones stay, not live
  std::vector<AioLio> aio_lios_;   // every aioliojob ever made; freed ones stay, not live
  std::vector<std::uint32_t> aio_queue_;  // aio_jobs: queued for a daemon, oldest first
  bool track_touched_ = false;
  std::uint8_t touched_objects_ = 0;  // ObjectKind bits: see objects_touched
  std::uint64_t exits_ = 0;            // see exits()
  std::vector<KnoteRef> touched_;  // see set_touch_tracking
};

}  // namespace kqsim::model
