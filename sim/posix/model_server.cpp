#include "sim/posix/model_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "model/dialect_profile.hpp"
#include "sim/model_backend.hpp"
#include "sim/posix/deviations.hpp"
#include "sim/posix/model_rpc.hpp"

namespace kqsim::posix {
namespace {

// Host pids of the processes playing model processes, learnt from requests.
std::map<std::int64_t, std::int32_t> g_host_to_model;

// A pid the program names (EVFILT_PROC idents, waitpid) is a host pid; one
// no process plays passes unchanged.
std::int64_t to_model_pid(std::int64_t host_pid) {
  auto it = g_host_to_model.find(host_pid);
  return it == g_host_to_model.end() ? host_pid : it->second;
}

std::int64_t to_host_pid(std::int64_t model_pid) {
  for (const auto& [host, model] : g_host_to_model) {
    if (model == model_pid) return host;
  }
  return model_pid;
}

sim::CallResult kevent_in_host_pids(sim::ModelBackend& m, RpcRequest q) {
  for (std::int32_t i = 0; i < q.nchanges; ++i) {
    model::KEvent& c = q.changes[i];
    if (c.filter == model::filt::kProc) c.ident = static_cast<std::uint64_t>(to_model_pid(static_cast<std::int64_t>(c.ident)));
  }
  std::optional<model::Timespec> timeout;
  if (q.has_timeout) timeout = model::Timespec{q.timeout_sec, q.timeout_nsec};
  sim::CallResult r = m.kevent(q.pid, static_cast<std::int32_t>(q.a),
                               std::span<const model::KEvent>(q.changes, static_cast<std::size_t>(q.nchanges)), q.nevents, timeout);
  for (model::KEvent& e : r.events) {
    if (e.filter != model::filt::kProc) continue;
    e.ident = static_cast<std::uint64_t>(to_host_pid(static_cast<std::int64_t>(e.ident)));
    if ((e.flags & model::ev::kError) == 0 && (e.fflags & model::note::kChild) != 0) e.data = to_host_pid(e.data);
  }
  return r;
}

sim::CallResult wait_in_host_pids(sim::ModelBackend& m, const RpcRequest& q) {
  sim::CallResult r = m.wait(q.pid, static_cast<std::int32_t>(to_model_pid(q.a)), q.b != 0);
  if (r.sys.ret > 0) r.sys.ret = to_host_pid(r.sys.ret);
  return r;
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

sim::CallResult dispatch(sim::ModelBackend& m, const RpcRequest& q) {
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
    case RpcOp::kExit: return m.exit(q.pid);
    case RpcOp::kSleep: return m.sleep(q.pid, q.a);
    case RpcOp::kNow: return sim::CallResult::of(model::SysResult::ok(m.kernel().now_ns()));
    case RpcOp::kBindPid: g_host_to_model[q.b] = static_cast<std::int32_t>(q.a); return sim::CallResult::of(model::SysResult::ok(0));
    case RpcOp::kKill: {
      auto it = g_host_to_model.find(q.a);
      if (it == g_host_to_model.end()) return sim::CallResult::of(model::SysResult::fail(model::Errno::kESRCH));
      return m.kill(q.pid, it->second, static_cast<std::int32_t>(q.b));
    }
    case RpcOp::kSigaction: return m.sigaction(q.pid, fd, static_cast<std::int32_t>(q.b));
    case RpcOp::kSigmask: return m.sigprocmask(q.pid, q.b != 0, fd);
    case RpcOp::kSocket: return m.socket_call(q.pid, q.sock);
    case RpcOp::kKevent: return kevent_in_host_pids(m, q);
    case RpcOp::kPdfork: return m.pdfork(q.pid, static_cast<std::uint32_t>(q.a));
    case RpcOp::kWait: return wait_in_host_pids(m, q);
    case RpcOp::kVfs: return m.vfs(q.pid, sim::from_wire(q.vfs));
    case RpcOp::kAio: return m.aio(q.pid, sim::from_wire(q.aio));
    case RpcOp::kPoll:
    case RpcOp::kSelect: return poll_or_select(m, q);
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

// Requests arrive one at a time; the loop ends when every client is gone.
// One request answered, as faithfully as the injected deviations allow.
RpcReply answer(sim::ModelBackend& model, const Deviations& deviations, const RpcRequest& request) {
  RpcReply reply;
  if (deviate_request(deviations, request, reply)) return reply;
  // libkqueue-like: the kqueue holds internal descriptors of its own first.
  if (deviations.extra_fds && request.op == RpcOp::kKqueue) model.pipe(request.pid, false, true);
  reply = to_reply(dispatch(model, request));
  deviate_reply(deviations, request, reply);
  return reply;
}

[[noreturn]] void serve(int fd, const model::DialectProfile& profile) {
  sim::ModelBackend model(profile);
  const Deviations& deviations = active_deviations();
  RpcRequest request;
  for (;;) {
    ssize_t n = recv(fd, &request, sizeof request, 0);
    if (n != static_cast<ssize_t>(sizeof request)) break;
    RpcReply reply;
    try {
      reply = answer(model, deviations, request);
    } catch (const sim::InvariantViolation& e) {
      reply.completion = static_cast<std::uint8_t>(model::Completion::kUnsupported);
      std::strncpy(reply.detail, e.what(), sizeof(reply.detail) - 1);
    }
    if (send(fd, &reply, sizeof reply, MSG_NOSIGNAL) < 0) break;
  }
  _exit(0);
}

}  // namespace

ModelServer start_model_server(const std::string& dialect) {
  const model::DialectProfile* profile = model::find_profile(dialect);
  if (profile == nullptr) return {};
  active_deviations();  // a bad KQSIM_DEVIATIONS ends the caller here, not the server silently
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0) return {};
  pid_t pid = fork();
  if (pid < 0) return {};
  if (pid == 0) {
    // Holding the caller's descriptors would keep its pipes and channels open.
    for (int fd = 0; fd < 4096; ++fd) {
      if (fd != sv[1]) close(fd);
    }
    serve(sv[1], *profile);
  }
  close(sv[1]);
  return {sv[0], pid};
}

}  // namespace kqsim::posix
