#include "sim/interpreter.hpp"

#include <charconv>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "model/kernel.hpp"
#include "model/kqueue.hpp"
#include "model/signals.hpp"

namespace kqsim::sim {

using traces::Op;
using traces::Ref;
using traces::Step;

namespace {

// A step that needs a name an earlier step left unbound: not played.
struct SkipStep {
  std::string why;
};

// Plays one call on a scratch copy of the backend, then puts the real one back.
class BackendSwap {
 public:
  BackendSwap(Backend*& slot, Backend* scratch) : slot_(slot), saved_(slot) { slot_ = scratch; }
  ~BackendSwap() { slot_ = saved_; }
  BackendSwap(const BackendSwap&) = delete;
  BackendSwap& operator=(const BackendSwap&) = delete;

 private:
  Backend*& slot_;
  Backend* saved_;
};

// "changes[i].ident", for messages, in a buffer of its own: made for every
// change a kevent step names, so no std::string (it would not fit inline).
class ChangeField {
 public:
  explicit ChangeField(std::size_t i) {
    constexpr std::string_view kHead = "changes[";
    constexpr std::string_view kTail = "].ident";
    char* p = buf_;
    std::memcpy(p, kHead.data(), kHead.size());
    p = std::to_chars(p + kHead.size(), buf_ + sizeof buf_ - kTail.size() - 1, i).ptr;
    std::memcpy(p, kTail.data(), kTail.size());
    p[kTail.size()] = '\0';
  }
  [[nodiscard]] const char* c_str() const { return buf_; }

 private:
  char buf_[48];
};

bool host_failed(const traces::Observed& o) {
  return o.errno_name.has_value() || (o.ret.pid_of.empty() && o.ret.max < 0);
}

}  // namespace

namespace {

// Ports the trace's bind steps name: never taken as ephemeral.
std::set<std::int64_t> explicit_ports(const traces::Trace& trace) {
  std::set<std::int64_t> ports;
  for (const Step& step : trace.steps) {
    if (names_explicit_port(step)) ports.insert(*step.sock->port);
  }
  return ports;
}

}  // namespace

bool names_explicit_port(const traces::Step& step) { return step.sock->port && *step.sock->port != 0; }

Interpreter::Interpreter(const traces::Trace& trace, Backend& backend, bool unsupported_is_observation)
    : Interpreter(trace, backend, InterpreterOptions{unsupported_is_observation, false, false}) {}

Interpreter::Interpreter(const traces::Trace& trace, Backend& backend, const InterpreterOptions& options)
    : trace_(trace), backend_(&backend), options_(options), ports_(explicit_ports(trace)) {
  procs_["main"] = ProcState{backend_->initial_process(), true, {}, {}, {}};
}

void Interpreter::check_bound(const Step& step, const std::string& name) const {
  const auto& unbound = proc_state(step.proc).unbound;
  auto it = unbound.find(name);
  if (it != unbound.end()) throw SkipStep{"needs '" + name + "', left unbound: " + it->second};
  auto p = unbound_procs_.find(name);
  if (p != unbound_procs_.end()) throw SkipStep{"needs process '" + name + "', left unbound: " + p->second};
}

void Interpreter::fail(const Step& step, const std::string& field, const std::string& message) const {
  throw traces::TraceError(trace_.path, step.index, field, message);
}

const Interpreter::ProcState* Interpreter::find_proc(const std::string& name) const {
  if (last_proc_ != nullptr && last_proc_->first == name) return &last_proc_->second;
  auto it = procs_.find(name);
  if (it == procs_.end()) return nullptr;
  last_proc_ = &*it;
  return &it->second;
}

const Interpreter::ProcState& Interpreter::proc_state(const std::string& name) const {
  const ProcState* p = find_proc(name);
  if (p == nullptr) throw std::out_of_range("no process named " + name);
  return *p;
}

Interpreter::ProcState& Interpreter::proc_state(const std::string& name) {
  return const_cast<ProcState&>(std::as_const(*this).proc_state(name));
}

const NameTable& Interpreter::names(const std::string& proc) const { return proc_state(proc).names; }
ProcId Interpreter::proc_id(const std::string& proc) const { return proc_state(proc).id; }

bool Interpreter::proc_alive(const std::string& proc) const {
  auto it = procs_.find(proc);
  return it != procs_.end() && it->second.alive;
}

std::optional<std::string> Interpreter::fd_name(ProcId pid, std::int64_t fd) const {
  for (const auto& [name, ps] : procs_) {
    if (ps.id == pid) return ps.names.name_of(fd);
  }
  return std::nullopt;
}

class Interpreter::PlayingStep {
 public:
  PlayingStep(Interpreter& in, const Step& step, const ProcState& proc) : in_(in) {
    in_.playing_step_ = &step;
    in_.playing_proc_ = &proc;
  }
  ~PlayingStep() {
    in_.playing_step_ = nullptr;
    in_.playing_proc_ = nullptr;
  }
  PlayingStep(const PlayingStep&) = delete;
  PlayingStep& operator=(const PlayingStep&) = delete;

 private:
  Interpreter& in_;
};

std::int32_t Interpreter::fd_of(const Step& step, const Ref& ref, const char* field) const {
  const ProcState& ps = &step == playing_step_ ? *playing_proc_ : proc_state(step.proc);
  if (!ref.is_name()) {
    if (ref.number() > static_cast<std::uint64_t>(INT_MAX)) fail(step, field, "descriptor number out of range");
    // A number the host returned means the descriptor it returned it for.
    auto it = ps.host_fds.find(static_cast<std::int64_t>(ref.number()));
    if (it != ps.host_fds.end()) return static_cast<std::int32_t>(it->second);
    return static_cast<std::int32_t>(ref.number());
  }
  if (!ps.unbound.empty() || !unbound_procs_.empty()) check_bound(step, ref.name());
  auto fd = ps.names.lookup(ref.name());
  if (!fd) fail(step, field, "descriptor name '" + ref.name() + "' is not bound in process '" + step.proc + "'");
  return static_cast<std::int32_t>(*fd);
}

// An EVFILT_SIGNAL ident may be written as the signal's name, an
// EVFILT_PROC ident as a process's name.
std::uint64_t Interpreter::ident_of(const Step& step, const Ref& ref, model::FilterId filter, const char* field) const {
  if (filter == model::filt::kSignal) {
    if (auto signo = model::signal_from_name(ref.name())) return static_cast<std::uint64_t>(*signo);
  }
  if (filter == model::filt::kProc) {
    if (ref.is_name()) check_bound(step, ref.name());
    auto it = procs_.find(ref.name());
    if (it != procs_.end()) return static_cast<std::uint64_t>(it->second.id);
  }
  if (filter == model::filt::kAio || filter == model::filt::kLio) return aiocb_addr(ref);
  return static_cast<std::uint64_t>(fd_of(step, ref, field));
}

// An aiocb (or lio list) by name gets the next fake address at its first
// mention; a number is an address as it stands.
std::uint64_t Interpreter::aiocb_addr(const Ref& ref) const {
  if (!ref.is_name()) return ref.number();
  auto [it, added] = aiocbs_.try_emplace(ref.name(), 0);
  if (added) it->second = kAiocbBase + kAiocbStride * (aiocbs_.size() - 1);
  return it->second;
}

std::optional<std::string> Interpreter::aiocb_name(std::uint64_t addr) const {
  for (const auto& [name, a] : aiocbs_) {
    if (a == addr) return name;
  }
  return std::nullopt;
}

// A name in an expectation: a process for EVFILT_PROC (and for pids), else a
// descriptor, a signal, or a process.
std::uint64_t Interpreter::resolve_observed(const Step& step, const Ref& ref, model::FilterId filter) const {
  if (!ref.is_name()) {
    const auto& host_fds = proc_state(step.proc).host_fds;
    auto it = model::filter_is_fd_based(filter) ? host_fds.find(static_cast<std::int64_t>(ref.number())) : host_fds.end();
    return it != host_fds.end() ? static_cast<std::uint64_t>(it->second) : ref.number();
  }
  check_bound(step, ref.name());
  auto proc = procs_.find(ref.name());
  if (filter == model::filt::kProc && proc != procs_.end()) return static_cast<std::uint64_t>(proc->second.id);
  if (filter == model::filt::kAio || filter == model::filt::kLio) {
    if (aiocbs_.count(ref.name()) == 0) fail(step, "observed", "aiocb name '" + ref.name() + "' was never submitted");
    return aiocb_addr(ref);
  }
  if (auto fd = proc_state(step.proc).names.lookup(ref.name())) return static_cast<std::uint64_t>(*fd);
  if (auto signo = model::signal_from_name(ref.name())) return static_cast<std::uint64_t>(*signo);
  if (proc != procs_.end()) return static_cast<std::uint64_t>(proc->second.id);
  fail(step, "observed", "name '" + ref.name() + "' is not bound");
}

ProcId Interpreter::target_of(const Step& step) const {
  check_bound(step, step.target);
  auto target = procs_.find(step.target);
  if (target == procs_.end()) fail(step, "target", "no process named '" + step.target + "'");
  return target->second.id;
}

ProcId Interpreter::wait_target(const Step& step) const {
  if (step.target == traces::kAnyChild) return model::Kernel::kAnyChild;
  if (step.target == traces::kGroupChild) return model::Kernel::kGroupChild;
  return target_of(step);
}

std::optional<std::string> Interpreter::proc_name(ProcId id) const {
  for (const auto& [name, ps] : procs_) {
    if (ps.id == id) return name;
  }
  return std::nullopt;
}

traces::IntExpect Interpreter::pid_or_value(std::int64_t value, bool is_pid) const {
  traces::IntExpect e{value, value};
  if (is_pid && value > 0) {
    if (auto name = proc_name(static_cast<ProcId>(value))) e.pid_of = *name;
  }
  return e;
}

std::vector<StepOutcome> Interpreter::run(const std::function<void(const StepOutcome&)>& after_step) {
  std::vector<StepOutcome> out;
  out.reserve(trace_.steps.size());
  for (const Step& step : trace_.steps) {
    out.push_back(run_step(step));
    if (after_step) after_step(out.back());
    if (ends_run(out.back())) break;
  }
  return out;
}

std::size_t Interpreter::run_each(const std::function<void(const StepOutcome&)>& after_step) {
  std::size_t played = 0;
  for (const Step& step : trace_.steps) {
    ++played;
    if (!run_next(step, after_step)) break;
  }
  return played;
}

bool Interpreter::run_next(const Step& step, const std::function<void(const StepOutcome&)>& after_step) {
  const StepOutcome outcome = run_step(step);
  after_step(outcome);
  return !ends_run(outcome);
}

// After a crash or a hang the host's state is unknown: nothing later means anything.
bool Interpreter::ends_run(const StepOutcome& o) { return o.actual.crash || o.actual.hang || o.host_stopped; }

StepOutcome Interpreter::run_step(const Step& step) {
  try {
    return play_step(step);
  } catch (const SkipStep& skip) {
    StepOutcome outcome;
    outcome.step = &step;
    outcome.skipped = skip.why;
    unbind_results(step, "step " + std::to_string(step.index) + " was skipped");
    return outcome;
  }
}

StepOutcome Interpreter::play_step(const Step& step) {
  // Every return below returns this one object, so that it is built in the
  // caller's place (NRVO) rather than moved there (issue 14).
  StepOutcome outcome;
  if (unbound_procs_.count(step.proc) != 0) throw SkipStep{"process '" + step.proc + "' left unbound: " + unbound_procs_.at(step.proc)};
  const ProcState* proc = find_proc(step.proc);
  if (proc == nullptr) fail(step, "proc", "no process named '" + step.proc + "' (processes come from fork's \"as\")");
  if (!proc->alive) fail(step, "proc", "process '" + step.proc + "' has exited");
  const PlayingStep playing(*this, step, *proc);
  const bool follow = options_.follow_observed && step.observed.has_value();
  if (follow && (step.observed->unsupported || step.observed->crash || step.observed->hang)) {
    outcome = run_not_on_host(step, proc->id);
    return outcome;
  }
  CallResult r = call(step, proc->id);
  // Made only when a message needs it.
  auto detail = [&r] { return r.detail.empty() ? std::string(r.sys.detail) : r.detail; };
  if (r.crash || r.hang) {
    outcome = failed_step(step, r);
    return outcome;
  }
  // A recorded hang and a model that says "never completes" agree.
  if (r.sys.completion == model::Completion::kBlockedForever && step.observed && step.observed->hang) {
    r.hang = detail();
    outcome = failed_step(step, r);
    return outcome;
  }
  outcome.step = &step;
  if (r.sys.completion == model::Completion::kBlockedForever) {
    if (!follow) fail(step, "op", "this step can never complete: " + detail());
    // The host returned where this backend would wait forever: the states
    // parted earlier; nothing this step would bind can be followed.
    outcome.compared = true;
    outcome.divergences.push_back({traces::DivergenceKind::kHang, "returns", "waits forever: " + detail(), "", 0,
                                   "returns", "waits forever: " + detail(), nullptr});
    unbind_results(step, "step " + std::to_string(step.index) + " would wait forever on the " + std::string(backend_->name()));
    return outcome;
  }
  const bool unsupported = r.sys.completion == model::Completion::kUnsupported;
  const bool expected_unsupported = step.observed && step.observed->unsupported;
  if (unsupported && !options_.unsupported_is_observation && !expected_unsupported) {
    throw UnsupportedStep(trace_.path, step.index, "op", "not supported by the " + std::string(backend_->name()) + ": " + detail());
  }
  if (unsupported) unbind_results(step, "step " + std::to_string(step.index) + " is not supported by the " + std::string(backend_->name()));
  else if (follow) follow_bindings(step, r);
  else bind_results(step, r);
  refresh_alive();
  // Field by field: `outcome` is fresh here (unsupported, crash and hang unset).
  outcome.actual.ret = r.sys.ret;
  outcome.actual.err = r.sys.err;
  outcome.actual.events = std::move(r.events);
  if (unsupported) outcome.actual.unsupported = detail();
  outcome.elapsed_ns = r.elapsed_ns;
  if (step.observed) {
    outcome.compared = true;
    auto resolve = [&](const Ref& ref, model::FilterId filter) { return resolve_observed(step, ref, filter); };
    std::optional<traces::Observed> by_port_name;
    if (follow && step.op == Op::kGetsockname && !unsupported) by_port_name = ports_as_names(*step.observed, r.sys);
    for (traces::Divergence& d : traces::compare_observation(by_port_name ? *by_port_name : *step.observed, outcome.actual, resolve,
                                                             {traces::returns_descriptor(step.op), options_.raw_fds})) {
      name_returned_pid(step, outcome.actual.ret, d);
      outcome.divergences.push_back(traces::implementation_view(std::move(d)));
    }
  }
  return outcome;
}

// A signal or an exit may have ended any process: each is asked, unless the
// backend counts exits and none happened since the last time.
void Interpreter::refresh_alive() {
  const std::optional<std::uint64_t> exits = backend_->exits();
  if (exits && exits == exits_seen_) return;
  exits_seen_ = exits;
  for (auto& [name, ps] : procs_) ps.alive = ps.alive && backend_->alive(ps.id);
}

// A pid this backend returned (fork, pdfork, wait) is reported by the
// process's name, as the trace writes it: "pid of second", not a number
// that means nothing beside the trace's names.
void Interpreter::name_returned_pid(const Step& step, std::int64_t ret, traces::Divergence& d) const {
  const bool returns_pid = step.op == Op::kFork || step.op == Op::kPdfork || step.op == Op::kWait;
  if (d.kind != traces::DivergenceKind::kRet || !returns_pid || ret <= 0) return;
  const std::optional<std::string> name = proc_name(static_cast<ProcId>(ret));
  if (!name) return;
  d.actual = "pid of " + *name + " (" + std::to_string(ret) + ")";
  d.actual_value = traces::int_expect_json(pid_or_value(ret, true));
}

// getsockname in follow mode: the host's ephemeral port, when it pairs with
// the model's (sim/port_names.hpp), is compared as the model's.
std::optional<traces::Observed> Interpreter::ports_as_names(const traces::Observed& host, const model::SysResult& model) {
  if (!host.ret.exact() || !host.ret.pid_of.empty() || host.errno_name || model.err != model::Errno::kNone) return std::nullopt;
  const std::int64_t port = ports_.model_port_for(host.ret.min, model.ret);
  if (port == host.ret.min) return std::nullopt;
  traces::Observed as_model = host;
  as_model.ret = traces::IntExpect(port, port);
  return as_model;
}

// The host could not make the call, or its process crashed or hung in it:
// the step is not played on the backend, only tried on a scratch copy to
// learn what the backend would answer (an "unsupported" divergence when it
// could make the call; "crash" or "hang" whatever it answers). Nothing after
// a crash or a hang was run on the host.
StepOutcome Interpreter::run_not_on_host(const Step& step, ProcId p) {
  StepOutcome outcome;
  outcome.step = &step;
  outcome.compared = true;
  outcome.host_unsupported = step.observed->unsupported.has_value();
  outcome.host_stopped = step.observed->crash || step.observed->hang;
  outcome.actual.unsupported = "not played on the " + std::string(backend_->name());
  if (std::unique_ptr<Backend> scratch = backend_->scratch_copy()) {
    BackendSwap swap(backend_, scratch.get());
    CallResult r = call(step, p);
    const std::string detail = r.detail.empty() ? std::string(r.sys.detail) : r.detail;
    if (r.sys.completion == model::Completion::kUnsupported) {
      outcome.actual.unsupported = detail;
    } else if (r.sys.completion == model::Completion::kBlockedForever) {
      outcome.actual.hang = detail;  // a recorded hang and a model that never completes agree
    } else {
      outcome.actual = traces::ActualObservation{r.sys.ret, r.sys.err, std::move(r.events), std::nullopt, std::nullopt, std::nullopt};
    }
  }
  auto resolve = [&](const Ref& ref, model::FilterId filter) { return resolve_observed(step, ref, filter); };
  outcome.divergences = traces::compare_observation(*step.observed, outcome.actual, resolve);
  const std::string why = step.observed->unsupported ? "the host could not make the call (" + *step.observed->unsupported + ")"
                          : step.observed->crash     ? "the host's process died of " + *step.observed->crash
                                                     : "the host's call never returned";
  unbind_results(step, "step " + std::to_string(step.index) + ": " + why);
  return outcome;
}

// Binds names as the host's call did: a C variable holds -1 after a call
// that failed on the host, whatever the backend returned; a name the host
// bound but the backend could not is left unbound. A descriptor number the
// host returned is remembered so later raw numbers can be translated.
void Interpreter::follow_bindings(const Step& step, const CallResult& r) {
  const traces::Observed& o = *step.observed;
  const bool model_failed = r.sys.err != model::Errno::kNone;
  if (host_failed(o) && !model_failed) {
    CallResult as_host = CallResult::of(model::SysResult::fail(model::errno_from_name(o.errno_name.value_or("EINVAL")).value_or(model::Errno::kEINVAL)));
    if (step.op == Op::kFork || step.op == Op::kPdfork) {
      unbind_results(step, "step " + std::to_string(step.index) + " failed on the host");
      if (step.op == Op::kPdfork) proc_state(step.proc).names.bind(step.as[1], -1);
      return;
    }
    as_host.sys.ret = -1;
    bind_results(step, as_host);
    return;
  }
  if (!host_failed(o) && model_failed) {
    unbind_results(step, "step " + std::to_string(step.index) + " failed on the " + std::string(backend_->name()) +
                             " (" + std::string(model::errno_name(r.sys.err)) + ") where the host's call succeeded");
    return;
  }
  bind_results(step, r);
  if (!model_failed && traces::returns_descriptor(step.op) && o.ret.pid_of.empty() && o.ret.exact()) {
    proc_state(step.proc).host_fds[o.ret.min] = r.sys.ret;
  }
}

void Interpreter::unbind_results(const Step& step, const std::string& why) {
  auto it = procs_.find(step.proc);
  if (it == procs_.end()) return;
  for (std::size_t i = 0; i < step.as.size(); ++i) {
    if ((step.op == Op::kFork || step.op == Op::kPdfork) && i == 0) unbound_procs_[step.as[0]] = why;
    else it->second.unbound[step.as[i]] = why;
  }
}

// The implementation under test crashed or hung at this step: an observation
// of its own, compared as such; the process is gone or stuck for good.
StepOutcome Interpreter::failed_step(const Step& step, const CallResult& r) {
  proc_state(step.proc).alive = false;
  StepOutcome outcome;
  outcome.step = &step;
  outcome.actual.crash = r.crash;
  outcome.actual.hang = r.hang;
  if (step.observed) {
    outcome.compared = true;
    auto resolve = [&](const Ref& ref, model::FilterId filter) { return resolve_observed(step, ref, filter); };
    outcome.divergences = traces::compare_observation(*step.observed, outcome.actual, resolve);
  }
  return outcome;
}

CallResult Interpreter::call(const Step& step, ProcId p) {
  switch (step.op) {
    case Op::kKqueue: return backend_->kqueue(p, step.kqueue_flags);
    case Op::kPipe: return backend_->pipe(p, step.nonblock, step.cloexec);
    case Op::kRead: return backend_->read(p, fd_of(step, step.fd, "fd"), step.bytes);
    case Op::kWrite: return backend_->write(p, fd_of(step, step.fd, "fd"), step.bytes);
    case Op::kClose: return backend_->close(p, fd_of(step, step.fd, "fd"));
    case Op::kDup: return backend_->dup(p, fd_of(step, step.fd, "fd"));
    case Op::kDup2: return backend_->dup2(p, fd_of(step, step.fd, "fd"), fd_of(step, step.to, "to"));
    case Op::kFcntl:
      if (step.fcntl_cmd == "F_GETFD") return backend_->fcntl_getfd(p, fd_of(step, step.fd, "fd"));
      return backend_->fcntl_setfd(p, fd_of(step, step.fd, "fd"), step.fcntl_arg);
    case Op::kFork:
      if (procs_.count(step.as[0]) != 0) fail(step, "as", "a process named '" + step.as[0] + "' already exists");
      return backend_->fork(p);
    case Op::kPdfork:
      if (procs_.count(step.as[0]) != 0) fail(step, "as", "a process named '" + step.as[0] + "' already exists");
      return backend_->pdfork(p, step.pd_flags);
    case Op::kWait: return backend_->wait(p, wait_target(step), step.nohang);
    case Op::kExec: return backend_->exec(p);
    case Op::kExit: return step.exit_status == 0 ? backend_->exit(p) : backend_->exit_with_code(p, step.exit_status);
    case Op::kSleep: return backend_->sleep(p, step.sleep_ns);
    case Op::kKevent: return call_kevent(step, p);
    case Op::kKill: return backend_->kill(p, target_of(step), step.signo);
    case Op::kSigaction: return backend_->sigaction(p, step.signo, step.sig_action);
    case Op::kSigprocmask: return backend_->sigprocmask(p, step.block, step.signo);
    case Op::kSocketpair:
    case Op::kSocket:
    case Op::kBind:
    case Op::kListen:
    case Op::kConnect:
    case Op::kAccept:
    case Op::kShutdown:
    case Op::kSetsockopt:
    case Op::kGetsockname:
    case Op::kRecv:
    case Op::kSend:
    case Op::kPoll:
    case Op::kSelect:
    case Op::kPause: return call_socket(step, p);
    case Op::kOpen: case Op::kMkdir: case Op::kRmdir: case Op::kMkfifo: case Op::kUnlink: case Op::kRename:
    case Op::kLink: case Op::kChmod: case Op::kTruncate: case Op::kRevoke: case Op::kUnmount:
    case Op::kUtimes:
      return backend_->vfs(p, *step.vfs);
    case Op::kAioRead: case Op::kAioWrite: case Op::kAioError: case Op::kAioReturn: case Op::kAioCancel:
    case Op::kLioListio: case Op::kAioRun: return call_aio(step, p);
    case Op::kFtruncate:
    case Op::kLseek: {
      model::VfsCall c = *step.vfs;
      c.fd = fd_of(step, step.fd, "fd");
      return backend_->vfs(p, c);
    }
  }
  fail(step, "op", "unknown op");
}

CallResult Interpreter::call_kevent(const Step& step, ProcId p) {
  std::vector<model::KEvent>& changes = kevent_changes_;
  changes.clear();
  for (std::size_t i = 0; i < step.changes.size(); ++i) {
    const traces::Change& c = step.changes[i];
    std::uint64_t ident = c.ident.is_name() ? ident_of(step, c.ident, c.filter, ChangeField(i).c_str()) : c.ident.number();
    changes.push_back(model::KEvent{ident, c.filter, c.flags, c.fflags, c.data, c.udata});
  }
  return backend_->kevent(p, fd_of(step, step.fd, "kq"), changes, step.nevents, step.timeout);
}

CallResult Interpreter::call_socket(const Step& step, ProcId p) {
  SocketCall c;
  const bool has_fd = step.op != Op::kSocketpair && step.op != Op::kSocket && step.op != Op::kPause;
  if (has_fd) c.fd = fd_of(step, step.fd, "fd");
  c.type = step.sock->type;
  c.nonblock = step.nonblock;
  c.cloexec = step.cloexec;
  c.backlog = step.sock->backlog;
  c.how = step.sock->how;
  c.option = step.sock->option;
  c.value = step.sock->value;
  c.set_name(step.sock->name);
  c.domain = step.sock->domain;
  c.nbytes = step.bytes;
  c.msg_flags = step.sock->msg_flags;
  c.poll_events = step.sock->poll_events;
  c.select_sets = step.sock->select_sets;
  c.timeout_ms = step.sock->timeout;
  if (step.sock->port) {
    c.by_port = true;
    c.port = *step.sock->port;
  } else if (!step.sock->port_of.empty()) {
    // The port another socket is bound to, asked of the backend (a host
    // hands out ephemeral ports of its own choosing). A socket with no
    // AF_INET port now (closed, never bound, AF_UNIX) gives port 0, which
    // in_pcbconnect_setup refuses (EADDRNOTAVAIL): a random program may
    // name a listener it has closed.
    SocketCall q;
    q.op = SocketOp::kGetsockname;
    q.fd = fd_of(step, Ref{step.sock->port_of}, "port_of");
    CallResult r = backend_->socket_call(p, q);
    const bool bound = r.sys.done() && r.sys.err == model::Errno::kNone && r.sys.ret > 0 && r.sys.ret <= 65535;
    c.by_port = true;
    c.port = bound ? static_cast<std::uint16_t>(r.sys.ret) : std::uint16_t{0};
  }
  switch (step.op) {
    case Op::kSocketpair: c.op = SocketOp::kSocketpair; break;
    case Op::kSocket: c.op = SocketOp::kSocket; break;
    case Op::kBind: c.op = SocketOp::kBind; break;
    case Op::kListen: c.op = SocketOp::kListen; break;
    case Op::kConnect: c.op = SocketOp::kConnect; break;
    case Op::kAccept: c.op = SocketOp::kAccept; break;
    case Op::kShutdown: c.op = SocketOp::kShutdown; break;
    case Op::kGetsockname: c.op = SocketOp::kGetsockname; break;
    case Op::kRecv: c.op = SocketOp::kRecv; break;
    case Op::kSend: c.op = SocketOp::kSend; break;
    case Op::kPoll: c.op = SocketOp::kPoll; break;
    case Op::kSelect: c.op = SocketOp::kSelect; break;
    case Op::kPause: c.op = SocketOp::kPause; break;
    default: c.op = SocketOp::kSetsockopt; break;
  }
  return backend_->socket_call(p, c);
}

model::SigEvent Interpreter::aio_sigevent(const Step& step, const traces::AioSigevent& e, const std::string& field) const {
  model::SigEvent out;
  out.notify = e.notify;
  if (e.has_kq) out.kqueue = fd_of(step, e.kq, (field + ".kq").c_str());
  out.kevent_flags = e.flags;
  out.value = e.udata;
  out.signo = e.signo;
  return out;
}

model::AioCb Interpreter::aio_request(const Step& step, const traces::AioRequest& q, const std::string& field) const {
  model::AioCb cb;
  if (!q.aiocb) return cb;  // a NULL entry: address 0
  cb.addr = aiocb_addr(*q.aiocb);
  cb.fildes = fd_of(step, q.fd, (field + "fd").c_str());
  cb.offset = q.offset;
  cb.nbytes = q.bytes;
  cb.lio_opcode = q.opcode;
  cb.sigevent = aio_sigevent(step, q.sigevent, field + "sigevent");
  cb.defer = q.defer;
  return cb;
}

CallResult Interpreter::call_aio(const Step& step, ProcId p) {
  const traces::AioArgs& a = *step.aio;
  model::AioCall c;
  c.op = *traces::aio_op_of(step.op);
  switch (c.op) {
    case model::AioOp::kRead:
    case model::AioOp::kWrite: c.cb = aio_request(step, a.cb, ""); break;
    case model::AioOp::kCancel:
      c.cb.fildes = fd_of(step, a.cb.fd, "fd");
      if (a.cb.aiocb) c.cb.addr = aiocb_addr(*a.cb.aiocb);
      break;
    case model::AioOp::kError:
    case model::AioOp::kReturn:
    case model::AioOp::kRun:
      if (a.cb.aiocb) c.cb.addr = aiocb_addr(*a.cb.aiocb);
      break;
    case model::AioOp::kLioListio:
      c.mode = a.mode;
      c.list_addr = aiocb_addr(a.list);
      for (std::size_t i = 0; i < a.entries.size(); ++i) {
        c.list.push_back(aio_request(step, a.entries[i], "entries[" + std::to_string(i) + "]."));
      }
      if (a.sig) c.sig = aio_sigevent(step, *a.sig, "sigevent");
      break;
  }
  return backend_->aio(p, c);
}

// Names are bound to what the call returned, -1 for a failed call, as a C
// variable holding the result would be; a failed fork creates no process.
void Interpreter::bind_results(const Step& step, const CallResult& r) {
  if (step.as.empty() && step.op != Op::kExit) return;  // most steps bind nothing
  ProcState& ps = proc_state(step.proc);
  for (std::size_t i = 0; i < step.as.size(); ++i) {
    if ((step.op == Op::kFork || step.op == Op::kPdfork) && i == 0) unbound_procs_.erase(step.as[0]);
    else ps.unbound.erase(step.as[i]);
  }
  const bool forks = step.op == Op::kFork || step.op == Op::kPdfork;
  if (r.sys.err != model::Errno::kNone && forks) return;
  switch (step.op) {
    case Op::kKqueue:
    case Op::kSocket:
    case Op::kAccept:
    case Op::kOpen:
    case Op::kDup: ps.names.bind(step.as[0], r.sys.ret); break;
    case Op::kDup2: if (!step.as.empty()) ps.names.bind(step.as[0], r.sys.ret); break;
    case Op::kPipe:
    case Op::kSocketpair:
      ps.names.bind(step.as[0], r.fds[0]);
      ps.names.bind(step.as[1], r.fds[1]);
      break;
    case Op::kFork: bind_child(step, static_cast<ProcId>(r.sys.ret), ps.names); break;
    case Op::kPdfork:
      bind_child(step, static_cast<ProcId>(r.sys.ret), ps.names);  // the child lacks the descriptor
      ps.names.bind(step.as[1], r.fds[0]);
      break;
    case Op::kExit: ps.alive = false; break;
    default: break;
  }
}

void Interpreter::bind_child(const Step& step, ProcId child, const NameTable& names) {
  const ProcState& parent = proc_state(step.proc);
  procs_[step.as[0]] = ProcState{child, true, names, parent.unbound, parent.host_fds};
}

traces::Observed Interpreter::to_observed(const StepOutcome& outcome) const {
  traces::Observed o;
  o.elapsed_ns = outcome.elapsed_ns;
  if (outcome.actual.crash || outcome.actual.hang) {
    o.crash = outcome.actual.crash;
    o.hang = outcome.actual.hang;
    return o;
  }
  if (outcome.skipped) {
    o.unsupported = "not made: " + *outcome.skipped;
    return o;
  }
  if (outcome.actual.unsupported) {
    o.unsupported = outcome.actual.unsupported;
    return o;
  }
  const Op op = outcome.step->op;
  o.ret = pid_or_value(outcome.actual.ret, op == Op::kFork || op == Op::kPdfork || op == Op::kWait);
  if (outcome.actual.err != model::Errno::kNone) o.errno_name = std::string(model::errno_name(outcome.actual.err));
  const NameTable& table = proc_state(outcome.step->proc).names;
  // A trace that declares its events' order no part of the behaviour (the
  // kernel's threads race to queue them) keeps saying so: the recording
  // lists the events in the order seen, and a diff does not compare it.
  if (outcome.step->observed && outcome.step->observed->order == traces::EventOrder::kAny) o.order = traces::EventOrder::kAny;
  for (const model::KEvent& ev : outcome.actual.events) {
    traces::ExpectedEvent e;
    auto name = model::filter_is_fd_based(ev.filter) ? table.name_of(static_cast<std::int64_t>(ev.ident)) : std::nullopt;
    const bool is_error = (ev.flags & model::ev::kError) != 0;
    // By name only where the signal has one: signal 0 and the real-time
    // signals are written as numbers (a name must read back as the same ident).
    if (ev.filter == model::filt::kSignal && !is_error) {
      std::string signal = model::signal_name(static_cast<std::int32_t>(ev.ident));
      if (model::signal_from_name(signal)) name = std::move(signal);
    }
    if (ev.filter == model::filt::kProc && ev.ident <= static_cast<std::uint64_t>(INT32_MAX)) name = proc_name(static_cast<ProcId>(ev.ident));
    if (ev.filter == model::filt::kAio || ev.filter == model::filt::kLio) name = aiocb_name(ev.ident);
    e.ident = name ? Ref{*name} : Ref{ev.ident};
    e.filter = ev.filter;
    e.flags = ev.flags;
    e.fflags = ev.fflags;
    // NOTE_CHILD's data is the parent's pid.
    const bool data_is_pid = ev.filter == model::filt::kProc && !is_error && (ev.fflags & model::note::kChild) != 0;
    e.data = pid_or_value(ev.data, data_is_pid);
    e.udata = ev.udata;
    o.events.push_back(e);
  }
  return o;
}

}  // namespace kqsim::sim
