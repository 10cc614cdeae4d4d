#include "sim/host/host_backend.hpp"

#include <algorithm>

#include <cstring>

#include "model/errno_code.hpp"
#include "model/signals.hpp"
#include "model/kernel.hpp"
#include "sim/host/host_process.hpp"

namespace kqsim::host {
namespace {

sim::CallResult from_reply(const WorkerReply& r) {
  sim::CallResult c;
  c.sys.ret = r.ret;
  c.sys.completion = static_cast<model::Completion>(r.completion);
  if (r.errno_name[0] != '\0') {
    auto e = model::errno_from_name(r.errno_name);
    // An errno the model has no name for is kept out of the comparison's way
    // as EOPNOTSUPP; the detail says what it really was.
    c.sys.err = e.value_or(model::Errno::kEOPNOTSUPP);
  }
  c.fds[0] = r.fds[0];
  c.fds[1] = r.fds[1];
  c.events.assign(r.events, r.events + std::clamp(r.nevents, 0, static_cast<std::int32_t>(kMaxRecords)));
  if (r.elapsed_ns >= 0) c.elapsed_ns = r.elapsed_ns;
  c.detail = r.detail;
  return c;
}

// Whether a worker's death names the trace's signal `signo`: by name, or, for
// a signal the host's name table lacks, as "SIG<number>" (FreeBSD numbers
// are the model's).
bool died_of(const std::string& crash, std::int32_t signo) {
  return crash == model::signal_name(signo) || crash == "SIG" + std::to_string(signo);
}

}  // namespace

HostBackend::HostBackend(HostBackendOptions options) : options_(std::move(options)) {
  adopt_orphans();
  scratch_dir_ = make_scratch_dir();
  SpawnedWorker w = spawn_worker(options_.self_path.c_str(), options_.model_server_fd, scratch_dir_.c_str(),
                                 options_.worker_path.c_str());
  if (options_.model_server_fd >= 0) close_fd(options_.model_server_fd);
  channels_[1] = w.channel;
  host_pids_[1] = w.pid;
}

// Workers are disposable once the run is over, and one may still be blocked
// in a call that timed out: kill them all, with the model server, and reap.
HostBackend::~HostBackend() {
  for (auto& [proc, channel] : channels_) {
    if (channel >= 0) close_fd(channel);
  }
  std::vector<int> pids{options_.model_server_pid};
  for (const auto& [proc, pid] : host_pids_) pids.push_back(pid);
  end_processes(pids);
  remove_scratch_dir(scratch_dir_);
}

// A call that waits on purpose (sleep, kevent, poll or select with a timeout)
// gets its own wait on top of the step timeout before it counts as a hang.
int HostBackend::patience_ms(const WorkerCommand& q) const {
  std::int64_t wait_ms = 0;
  if (q.op == WorkerOp::kSleep) wait_ms = q.a / 1'000'000;
  if (q.op == WorkerOp::kKevent && q.has_timeout && q.timeout_sec >= 0) wait_ms = q.timeout_sec * 1000 + q.timeout_nsec / 1'000'000;
  if (q.op == WorkerOp::kSocket && q.sock.op == sim::SocketOp::kPoll) wait_ms = q.sock.timeout_ms;
  if (q.op == WorkerOp::kSocket && q.sock.op == sim::SocketOp::kSelect) wait_ms = q.sock.timeout_ms / 1'000;
  return static_cast<int>(std::min<std::int64_t>(options_.step_timeout_ms + std::max<std::int64_t>(wait_ms, 0), 24 * 3600 * 1000));
}

sim::CallResult HostBackend::round_trip(sim::ProcId p, const WorkerCommand& q, int pass_fd) {
  auto it = channels_.find(p);
  WorkerReply r;
  if (it == channels_.end() || it->second < 0) {
    return sim::CallResult::of(model::SysResult::blocked("the process's worker is gone"));
  }
  ReplyStatus status = send_command(it->second, q, pass_fd) ? receive_reply(it->second, r, patience_ms(q)) : ReplyStatus::kGone;
  if (status != ReplyStatus::kReplied || r.crash_signal[0] != '\0') return failed(p, r, status);
  return from_reply(r);
}

sim::CallResult HostBackend::failed(sim::ProcId p, const WorkerReply& r, ReplyStatus status) {
  sim::CallResult c;
  if (status == ReplyStatus::kTimeout) {
    c.hang = "no reply within the step timeout (" + std::to_string(options_.step_timeout_ms) + " ms)";
    c.sys = model::SysResult::blocked("the host call did not return within the step timeout");
    return c;
  }
  c.sys = model::SysResult::blocked("the worker died during the call");
  if (r.crash_signal[0] != '\0') {
    c.crash = std::string(r.crash_signal, strnlen(r.crash_signal, sizeof r.crash_signal));
  } else {
    auto z = zombie_status(p, options_.settle_timeout_ms);
    c.crash = z && z->first != 0 ? host_signal_name(z->first) : z ? "exit " + std::to_string(z->second) : "an unknown signal";
  }
  drop_channel(p);
  return c;
}

void HostBackend::drop_channel(sim::ProcId p) {
  auto it = channels_.find(p);
  if (it == channels_.end() || it->second < 0) return;
  close_fd(it->second);
  it->second = -1;
}

// The zombie's {signal, exit status}, asked of whoever can wait for it: its
// parent worker, or this controller once it adopted the orphan (or for main).
std::optional<std::pair<int, int>> HostBackend::zombie_status(sim::ProcId p, int wait_ms) {
  auto pid = host_pids_.find(p);
  if (pid == host_pids_.end()) return std::nullopt;
  auto parent = parents_.find(p);
  const sim::ProcId par = parent == parents_.end() ? 0 : parent->second;
  auto ch = channels_.find(par);
  if (par != 0 && ch != channels_.end() && ch->second >= 0 && !peer_gone(ch->second)) {
    WorkerCommand q;
    q.op = WorkerOp::kProbeChild;
    q.a = pid->second;
    q.b = wait_ms;
    WorkerReply r;
    if (send_command(ch->second, q, -1) && receive_reply(ch->second, r, wait_ms + options_.step_timeout_ms) == ReplyStatus::kReplied &&
        r.ret == kProbeZombie) {
      return std::make_pair(r.fds[0], r.fds[1]);
    }
    if (r.ret != kProbeNotChild) return std::nullopt;
  }
  return probe_own_child(pid->second, wait_ms);
}

void HostBackend::settle_death(sim::ProcId p) {
  auto it = channels_.find(p);
  if (it != channels_.end() && it->second >= 0) wait_hangup(it->second, options_.settle_timeout_ms);
  drop_channel(p);
  (void)zombie_status(p, options_.settle_timeout_ms);
}

void HostBackend::settle_if_dying(sim::ProcId p) {
  auto it = channels_.find(p);
  if (it == channels_.end() || it->second < 0) return;
  WorkerCommand q;
  q.op = WorkerOp::kPing;
  WorkerReply r;
  if (send_command(it->second, q, -1) && receive_reply(it->second, r, options_.settle_timeout_ms) == ReplyStatus::kReplied) return;
  settle_death(p);
}

void HostBackend::settle_procdesc_children() {
  for (const auto& [child, daemon] : procdesc_children_) {
    if (!daemon) settle_if_dying(child);
  }
}

sim::CallResult HostBackend::simple(sim::ProcId p, WorkerOp op, std::int64_t a, std::int64_t b) {
  WorkerCommand q;
  q.op = op;
  q.a = a;
  q.b = b;
  return round_trip(p, q);
}

sim::CallResult HostBackend::kqueue(sim::ProcId p, std::uint32_t flags) { return simple(p, WorkerOp::kKqueue, flags); }
sim::CallResult HostBackend::pipe(sim::ProcId p, bool nonblock, bool cloexec) { return simple(p, WorkerOp::kPipe, nonblock, cloexec); }
sim::CallResult HostBackend::read(sim::ProcId p, std::int32_t fd, std::int64_t n) { return simple(p, WorkerOp::kRead, fd, n); }
// dofilewrite: an EPIPE from a pipe, FIFO or file raises SIGPIPE at the
// writer; a writer whose SIGPIPE has its default action (a trace's processes
// start with it ignored, so a sigaction step asked for this) dies in the
// call. As for a kill of oneself, the call that ended its caller is recorded
// as the model answers it: the call's own result, EPIPE, the process gone.
sim::CallResult HostBackend::write(sim::ProcId p, std::int32_t fd, std::int64_t n) {
  sim::CallResult r = simple(p, WorkerOp::kWrite, fd, n);
  if (r.crash && *r.crash == "SIGPIPE") {
    r = sim::CallResult::of(model::SysResult::fail(model::Errno::kEPIPE));
    settle_death(p);
    settle_procdesc_children();  // its process descriptors closed with it
  }
  return r;
}
sim::CallResult HostBackend::dup(sim::ProcId p, std::int32_t fd) { return simple(p, WorkerOp::kDup, fd); }
sim::CallResult HostBackend::dup2(sim::ProcId p, std::int32_t from, std::int32_t to) {
  if (to >= kChannelFd) return sim::CallResult::of(model::SysResult::unsupported("descriptors from 1000 up are the recorder's own"));
  sim::CallResult r = simple(p, WorkerOp::kDup2, from, to);
  if (r.sys.ret >= 0 && r.sys.done()) settle_procdesc_children();  // dup2 over a process descriptor closes it
  return r;
}
sim::CallResult HostBackend::fcntl_getfd(sim::ProcId p, std::int32_t fd) { return simple(p, WorkerOp::kGetfd, fd); }
sim::CallResult HostBackend::fcntl_setfd(sim::ProcId p, std::int32_t fd, std::int32_t f) { return simple(p, WorkerOp::kSetfd, fd, f); }
// exec closes close-on-exec descriptors, process descriptors among them.
sim::CallResult HostBackend::exec(sim::ProcId p) {
  sim::CallResult r = simple(p, WorkerOp::kExec);
  if (r.sys.ret == 0 && r.sys.done()) settle_procdesc_children();
  return r;
}
sim::CallResult HostBackend::sleep(sim::ProcId p, std::int64_t ns) { return simple(p, WorkerOp::kSleep, ns); }

sim::CallResult HostBackend::exit(sim::ProcId p) { return exit_with_code(p, 0); }

// The worker answers, then _exits with `code` (NOTE_EXIT's data, the wait status).
sim::CallResult HostBackend::exit_with_code(sim::ProcId p, std::int32_t code) {
  sim::CallResult r = simple(p, WorkerOp::kExit, code);
  if (r.crash || r.hang) return r;
  settle_death(p);
  settle_procdesc_children();  // its process descriptors closed with it
  return r;
}

sim::CallResult HostBackend::close(sim::ProcId p, std::int32_t fd) {
  sim::CallResult r = simple(p, WorkerOp::kClose, fd);
  if (r.sys.ret == 0 && r.sys.done()) settle_procdesc_children();
  return r;
}

sim::CallResult HostBackend::fork(sim::ProcId p) { return spawn(p, WorkerOp::kFork, 0); }
sim::CallResult HostBackend::pdfork(sim::ProcId p, std::uint32_t pd_flags) { return spawn(p, WorkerOp::kPdfork, pd_flags); }

// waitpid(-1) and waitpid(0) keep their meaning on the host: the worker's
// children are exactly the trace's processes it forked, so the host kernel
// picks the child (kern_wait6's order) and the reaped pid is named back.
sim::CallResult HostBackend::wait(sim::ProcId p, sim::ProcId target, bool nohang) {
  static_assert(model::Kernel::kAnyChild == -1 && model::Kernel::kGroupChild == 0, "waitpid's own pid values");
  std::int64_t host_target = target;
  if (target != model::Kernel::kAnyChild && target != model::Kernel::kGroupChild) {
    auto it = host_pids_.find(target);
    if (it == host_pids_.end()) return sim::CallResult::of(model::SysResult::fail(model::Errno::kECHILD));
    host_target = it->second;
  }
  sim::CallResult r = simple(p, WorkerOp::kWait, host_target, nohang ? 1 : 0);
  if (r.sys.ret > 0) r.sys.ret = to_proc_id(r.sys.ret);
  return r;
}

std::int64_t HostBackend::to_host_pid(std::int64_t proc) const {
  auto it = host_pids_.find(static_cast<sim::ProcId>(proc));
  return it == host_pids_.end() ? proc : it->second;
}

std::int64_t HostBackend::to_proc_id(std::int64_t host_pid) const {
  for (const auto& [proc, pid] : host_pids_) {
    if (pid == host_pid) return proc;
  }
  return host_pid;
}

// fork and pdfork: the new worker's channel travels with the command; the
// trace addresses the child by the ProcId returned here, not by its host pid.
sim::CallResult HostBackend::spawn(sim::ProcId p, WorkerOp op, std::int64_t a) {
  auto pair = channel_pair();
  if (!pair) return sim::CallResult::of(model::SysResult::unsupported("cannot create a worker channel"));
  WorkerCommand q;
  q.op = op;
  q.a = a;
  sim::CallResult r = round_trip(p, q, pair->second);
  close_fd(pair->second);
  if (r.sys.ret <= 0 || !r.sys.done()) {
    close_fd(pair->first);
    return r;
  }
  sim::ProcId child = next_proc_++;
  channels_[child] = pair->first;
  host_pids_[child] = static_cast<int>(r.sys.ret);
  parents_[child] = p;
  if (op == WorkerOp::kPdfork) procdesc_children_[child] = (a & model::pdflag::kDaemon) != 0;
  r.sys.ret = child;
  return r;
}

sim::CallResult HostBackend::kevent(sim::ProcId p, std::int32_t kqfd, std::span<const model::KEvent> changes,
                                    std::int32_t nevents, const std::optional<model::Timespec>& timeout) {
  if (changes.size() > kMaxRecords || nevents > static_cast<std::int32_t>(kMaxRecords)) {
    return sim::CallResult::of(model::SysResult::unsupported("more than 256 changes or events in one kevent call (a recorder limit)"));
  }
  WorkerCommand q;
  q.op = WorkerOp::kKevent;
  q.a = kqfd;
  q.nevents = nevents;
  q.nchanges = static_cast<std::int32_t>(changes.size());
  std::copy(changes.begin(), changes.end(), q.changes);
  for (std::int32_t i = 0; i < q.nchanges; ++i) {
    if (q.changes[i].filter == model::filt::kProc) q.changes[i].ident = static_cast<std::uint64_t>(to_host_pid(static_cast<std::int64_t>(q.changes[i].ident)));
  }
  q.has_timeout = timeout.has_value();
  if (timeout) {
    q.timeout_sec = timeout->sec;
    q.timeout_nsec = timeout->nsec;
  }
  sim::CallResult r = round_trip(p, q);
  for (model::KEvent& e : r.events) {
    if (e.filter != model::filt::kProc) continue;
    e.ident = static_cast<std::uint64_t>(to_proc_id(static_cast<std::int64_t>(e.ident)));
    if ((e.flags & model::ev::kError) == 0 && (e.fflags & model::note::kChild) != 0) e.data = to_proc_id(e.data);
  }
  return r;
}

// The caller's worker sends the signal to the worker playing the target.
sim::CallResult HostBackend::kill(sim::ProcId p, sim::ProcId target, std::int32_t signo) {
  auto it = host_pids_.find(target);
  if (it == host_pids_.end()) return sim::CallResult::of(model::SysResult::fail(model::Errno::kESRCH));
  sim::CallResult r = simple(p, WorkerOp::kKill, it->second, signo);
  if (r.crash && target == p) {
    // The caller killed itself: it died of its own signal, as the program asked.
    r = sim::CallResult::of(model::SysResult::ok(0));
    settle_death(p);
    settle_procdesc_children();  // its process descriptors closed with it
    return r;
  }
  if (r.sys.ret != 0 || !r.sys.done() || target == p) return r;
  // kill posted the signal; the target dies (or not) on its own time.
  if (signo == model::sig::kKill) settle_death(target);
  else if (model::default_action(signo) != model::DefaultAction::kStop) settle_if_dying(target);
  // A dead target's exit closed its descriptors: a process descriptor's
  // last one kills that child too (pdfork without PD_DAEMON).
  settle_procdesc_children();
  return r;
}

sim::CallResult HostBackend::sigaction(sim::ProcId p, std::int32_t signo, std::int32_t action) {
  return simple(p, WorkerOp::kSigaction, signo, action);
}

// kern_sigprocmask: unblocking a pending signal delivers it before the call
// returns, so one left to its default action (terminate) ends the caller in
// the call. As for a kill of oneself, that call is recorded as the model
// answers it, by convention (the kernel never returns it): 0, the process
// gone. Any other death in the call stays a crash.
sim::CallResult HostBackend::sigprocmask(sim::ProcId p, bool block, std::int32_t signo) {
  sim::CallResult r = simple(p, WorkerOp::kSigmask, signo, block ? 1 : 0);
  if (!block && r.crash && died_of(*r.crash, signo)) {
    r = sim::CallResult::of(model::SysResult::ok(0));
    settle_death(p);
    settle_procdesc_children();  // its process descriptors closed with it
  }
  return r;
}

sim::CallResult HostBackend::socket_call(sim::ProcId p, const sim::SocketCall& call) {
  WorkerCommand q;
  q.op = WorkerOp::kSocket;
  q.sock = call;
  return round_trip(p, q);
}

sim::CallResult HostBackend::vfs(sim::ProcId p, const model::VfsCall& call) {
  if (call.path.size() >= sim::kWirePathBytes || call.path2.size() >= sim::kWirePathBytes) {
    return sim::CallResult::of(model::SysResult::unsupported("a path of 256 bytes or more (a recorder limit)"));
  }
  WorkerCommand q;
  q.op = WorkerOp::kVfs;
  q.vfs = sim::to_wire(call);
  return round_trip(p, q);
}

sim::CallResult HostBackend::aio(sim::ProcId p, const model::AioCall& call) {
  WorkerCommand q;
  q.op = WorkerOp::kAio;
  if (!sim::to_wire(call, q.aio)) {
    return sim::CallResult::of(model::SysResult::unsupported("lio_listio of more than 64 entries (a recorder limit)"));
  }
  return round_trip(p, q);
}

// A worker that a signal ended has hung up its channel.
bool HostBackend::alive(sim::ProcId p) const {
  auto it = channels_.find(p);
  return it != channels_.end() && it->second >= 0 && !peer_gone(it->second);
}

}  // namespace kqsim::host
