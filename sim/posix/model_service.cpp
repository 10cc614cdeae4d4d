#include "sim/posix/model_service.hpp"

#include "model/signals.hpp"

#include <signal.h>

#include <algorithm>
#include <cstdlib>

#include <cstring>
#include <string>
#include <vector>

namespace kqsim::posix {
namespace {

using HostPids = std::map<std::int64_t, std::int32_t>;

// A pid the program names (EVFILT_PROC idents, waitpid) is a host pid; one
// no process plays passes unchanged.
std::int64_t to_model_pid(const HostPids& pids, std::int64_t host_pid) {
  auto it = pids.find(host_pid);
  return it == pids.end() ? host_pid : it->second;
}

std::int64_t to_host_pid(const HostPids& pids, std::int64_t model_pid) {
  for (const auto& [host, model] : pids) {
    if (model == model_pid) return host;
  }
  return model_pid;
}

sim::CallResult kevent_in_host_pids(sim::ModelBackend& m, const HostPids& pids, RpcRequest q) {
  for (std::int32_t i = 0; i < q.nchanges; ++i) {
    model::KEvent& c = q.changes[i];
    if (c.filter == model::filt::kProc) c.ident = static_cast<std::uint64_t>(to_model_pid(pids, static_cast<std::int64_t>(c.ident)));
  }
  std::optional<model::Timespec> timeout;
  if (q.has_timeout) timeout = model::Timespec{q.timeout_sec, q.timeout_nsec};
  sim::CallResult r = m.kevent(q.pid, static_cast<std::int32_t>(q.a),
                               std::span<const model::KEvent>(q.changes, static_cast<std::size_t>(q.nchanges)), q.nevents, timeout);
  for (model::KEvent& e : r.events) {
    if (e.filter != model::filt::kProc) continue;
    e.ident = static_cast<std::uint64_t>(to_host_pid(pids, static_cast<std::int64_t>(e.ident)));
    if ((e.flags & model::ev::kError) == 0 && (e.fflags & model::note::kChild) != 0) e.data = to_host_pid(pids, e.data);
  }
  return r;
}

// kern_wait6: the status is read before proc_reap lets the zombie go.
sim::CallResult wait_in_host_pids(sim::ModelBackend& m, const HostPids& pids, const RpcRequest& q, std::int32_t& status) {
  // -1 (any child) and 0 (the process group) pass unchanged.
  const auto target = static_cast<std::int32_t>(to_model_pid(pids, q.a));
  sim::CallResult r = m.wait(q.pid, target, q.b != 0);
  if (r.sys.ret > 0) {
    const model::Process* child = m.kernel().process(static_cast<std::int32_t>(r.sys.ret));
    status = child != nullptr ? child->exit_status : 0;
    r.sys.ret = to_host_pid(pids, r.sys.ret);
  }
  return r;
}

sim::CallResult kill_by_host_pid(sim::ModelBackend& m, const HostPids& pids, const RpcRequest& q) {
  auto it = pids.find(q.a);
  if (it == pids.end()) return sim::CallResult::of(model::SysResult::fail(model::Errno::kESRCH));
  return m.kill(q.pid, it->second, static_cast<std::int32_t>(q.b));
}

// poll/select over q.changes; each descriptor's answer in events[i].fflags.
sim::CallResult poll_or_select(sim::ModelBackend& m, const RpcRequest& q) {
  const auto n = static_cast<std::size_t>(std::clamp(q.nchanges, 0, static_cast<std::int32_t>(kMaxRecords)));
  std::vector<std::uint32_t> answers(n);
  sim::CallResult r;
  if (q.op == RpcOp::kPoll) {
    std::vector<model::PollFd> fds(n);
    for (std::size_t i = 0; i < n; ++i) fds[i] = {static_cast<std::int32_t>(q.changes[i].ident), q.changes[i].filter, 0};
    r = m.poll(q.pid, fds, q.a);
    for (std::size_t i = 0; i < n; ++i) answers[i] = static_cast<std::uint16_t>(fds[i].revents);
  } else {
    std::vector<model::SelectFd> fds(n);
    for (std::size_t i = 0; i < n; ++i) {
      fds[i].fd = static_cast<std::int32_t>(q.changes[i].ident);
      fds[i].read = (q.changes[i].fflags & 1) != 0;
      fds[i].write = (q.changes[i].fflags & 2) != 0;
      fds[i].except = (q.changes[i].fflags & 4) != 0;
    }
    std::optional<model::Timespec> tv;
    if (q.has_timeout) tv = model::Timespec{q.timeout_sec, q.timeout_nsec};
    r = m.select(q.pid, fds, tv);
    for (std::size_t i = 0; i < n; ++i) {
      answers[i] = (fds[i].read_ready ? 1U : 0U) | (fds[i].write_ready ? 2U : 0U) | (fds[i].except_ready ? 4U : 0U);
    }
  }
  r.events.clear();
  for (std::size_t i = 0; i < n; ++i) r.events.push_back(model::KEvent{q.changes[i].ident, 0, 0, answers[i], 0, 0});
  return r;
}

sim::CallResult dispatch(sim::ModelBackend& m, HostPids& pids, const RpcRequest& q, std::int32_t& status) {
  const auto fd = static_cast<std::int32_t>(q.a);
  switch (q.op) {
    case RpcOp::kKqueue: return m.kqueue(q.pid, static_cast<std::uint32_t>(q.a));
    case RpcOp::kPipe: return m.pipe(q.pid, q.a != 0, q.b != 0);
    case RpcOp::kRead: return m.read(q.pid, fd, q.b);
    case RpcOp::kWrite: return m.write(q.pid, fd, q.b);
    case RpcOp::kClose: return m.close(q.pid, fd);
    case RpcOp::kDup: return m.dup(q.pid, fd);
    case RpcOp::kDup2: return m.dup2(q.pid, fd, static_cast<std::int32_t>(q.b));
    case RpcOp::kGetfd: return m.fcntl_getfd(q.pid, fd);
    case RpcOp::kSetfd: return m.fcntl_setfd(q.pid, fd, static_cast<std::int32_t>(q.b));
    case RpcOp::kFork: return m.fork(q.pid);
    case RpcOp::kExec: return m.exec(q.pid);
    case RpcOp::kExit: return m.exit_with_code(q.pid, static_cast<std::int32_t>(q.b));
    case RpcOp::kSleep: return m.sleep(q.pid, q.a);
    case RpcOp::kNow: return sim::CallResult::of(model::SysResult::ok(m.kernel().now_ns()));
    case RpcOp::kBindPid: pids[q.b] = static_cast<std::int32_t>(q.a); return sim::CallResult::of(model::SysResult::ok(0));
    case RpcOp::kKill: return kill_by_host_pid(m, pids, q);
    case RpcOp::kSigaction: return m.sigaction(q.pid, fd, static_cast<std::int32_t>(q.b));
    case RpcOp::kSigmask: return m.sigprocmask(q.pid, q.b != 0, fd);
    case RpcOp::kSocket: return m.socket_call(q.pid, q.sock);
    case RpcOp::kKevent: return kevent_in_host_pids(m, pids, q);
    case RpcOp::kPdfork: return m.pdfork(q.pid, static_cast<std::uint32_t>(q.a));
    case RpcOp::kWait: return wait_in_host_pids(m, pids, q, status);
    case RpcOp::kVfs: return m.vfs(q.pid, sim::from_wire(q.vfs));
    case RpcOp::kAio: return m.aio(q.pid, sim::from_wire(q.aio));
    case RpcOp::kPoll:
    case RpcOp::kSelect: return poll_or_select(m, q);
    case RpcOp::kConnect: break;  // the server's own business
  }
  return sim::CallResult::of(model::SysResult::unsupported("unknown request"));
}

RpcReply to_reply(const sim::CallResult& r) {
  RpcReply reply;
  reply.ret = r.sys.ret;
  reply.err = static_cast<std::int32_t>(r.sys.err);
  reply.completion = static_cast<std::uint8_t>(r.sys.completion);
  std::strncpy(reply.detail, std::string(r.sys.detail).c_str(), sizeof(reply.detail) - 1);
  reply.fds[0] = r.fds[0];
  reply.fds[1] = r.fds[1];
  reply.nevents = static_cast<std::int32_t>(std::min(r.events.size(), kMaxRecords));
  for (std::size_t i = 0; i < static_cast<std::size_t>(reply.nevents); ++i) reply.events[i] = r.events[i];
  return reply;
}

RpcReply answer_on(sim::ModelBackend& model, HostPids& pids, const Deviations& deviations, const RpcRequest& request) {
  RpcReply reply;
  if (deviate_request(deviations, request, reply)) return reply;
  // libkqueue-like: the kqueue holds internal descriptors of its own first.
  if (deviations.extra_fds && request.op == RpcOp::kKqueue) model.pipe(request.pid, false, true);
  try {
    std::int32_t status = 0;
    reply = to_reply(dispatch(model, pids, request, status));
    reply.wait_status = status;
  } catch (const sim::InvariantViolation& e) {
    reply = RpcReply{};
    reply.completion = static_cast<std::uint8_t>(model::Completion::kUnsupported);
    std::strncpy(reply.detail, e.what(), sizeof(reply.detail) - 1);
  }
  deviate_reply(deviations, request, reply);
  return reply;
}

}  // namespace

ModelService::ModelService(const model::DialectProfile& profile, bool host_effects)
    : model_(profile), deviations_(active_deviations()), host_effects_(host_effects) {
  if (host_effects && std::getenv("KQSIM_TRACE") != nullptr) {
    trace_ = std::make_unique<CallTrace>(std::string(profile.name),
                                         [this](std::int64_t host_pid) { return to_model_pid(host_to_model_, host_pid); });
  }
  // A C program starts with every signal's default action, SIGPIPE's too
  // (a trace's processes start with it ignored: kernel_fd.cpp); the call
  // is the trace's first step, so the run replays.
  if (host_effects) {
    RpcRequest q;
    q.op = RpcOp::kSigaction;
    q.pid = model::Kernel::kInitPid;
    q.a = model::sig::kPipe;
    q.b = 0;
    (void)answer(q);
  }
}

void ModelService::finish() const {
  if (trace_) trace_->write(std::getenv("KQSIM_TRACE"));
}

RpcReply ModelService::answer(const RpcRequest& q) {
  // A call that reaches the model after its caller was killed (kill(2) from
  // another process raced the call's request): the kernel never sees it, so
  // neither does the model nor the trace (an exit would be exit1 twice). The
  // host process is dying (sent SIGKILL by the kill, or exiting with its
  // process): an exit goes on, any other call waits meanwhile.
  if (caller_already_gone(q)) return gone_caller_reply(q);
  RpcReply reply = answer_on(model_, host_to_model_, deviations_, q);
  if (trace_) {
    const bool blocked = reply.completion == static_cast<std::uint8_t>(model::Completion::kBlockedForever);
    if (!blocked) trace_->record(q, reply);
    if (blocked && q.op == RpcOp::kKevent && q.nchanges > 0) trace_->record_applied_changes(q);
  }
  // kill(2) that ended a process ends the host process playing it (psignal's
  // default action, which the model decided).
  if (host_effects_ && q.op == RpcOp::kKill && reply.ret == 0) {
    auto it = host_to_model_.find(q.a);
    if (it != host_to_model_.end() && !model_.alive(it->second)) ::kill(static_cast<pid_t>(it->first), SIGKILL);
  }
  // postsig: the caller runs the handlers of the caught signals delivered
  // to its process (by this call or another process's) when a call returns.
  const bool done = reply.completion != static_cast<std::uint8_t>(model::Completion::kBlockedForever);
  if (host_effects_ && done && q.pid > 0 && model_.alive(q.pid)) {
    const auto due = model_.take_handlers_due(q.pid);
    for (int s = 1; s <= 64; ++s) {
      if (due.test(static_cast<std::size_t>(s))) reply.handlers |= std::uint64_t{1} << (s - 1);
    }
  }
  // So does a call that ended its own caller (a write's SIGPIPE, a kill of
  // itself): the host process never sees the reply.
  if (q.op != RpcOp::kExit && caller_already_gone(q)) {
    for (const auto& [host, model_pid] : host_to_model_) {
      if (model_pid == q.pid) ::kill(static_cast<pid_t>(host), SIGKILL);
    }
  }
  return reply;
}

bool ModelService::caller_already_gone(const RpcRequest& q) const {
  return host_effects_ && q.op != RpcOp::kBindPid && q.pid > 0 && !model_.alive(q.pid);
}

// Not killed again here: the call may be retried while parked, after the
// host process is gone and its pid reused.
RpcReply ModelService::gone_caller_reply(const RpcRequest& q) {
  RpcReply reply;
  if (q.op != RpcOp::kExit) reply.completion = static_cast<std::uint8_t>(model::Completion::kBlockedForever);
  return reply;
}

RpcReply ModelService::try_answer(const RpcRequest& q) const {
  sim::ModelBackend copy(model_);
  HostPids pids = host_to_model_;
  return answer_on(copy, pids, deviations_, q);
}

void ModelService::vanished(std::int32_t model_pid) {
  if (!model_.alive(model_pid)) return;
  RpcRequest q;
  q.op = RpcOp::kExit;
  q.pid = model_pid;
  (void)answer(q);
}

}  // namespace kqsim::posix
