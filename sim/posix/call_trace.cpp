#include "sim/posix/call_trace.hpp"

#include <cstdio>
#include <fstream>

#include "model/errno_code.hpp"
#include "model/kevent_constants.hpp"
#include "sim/vfs_wire.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::posix {
namespace {

using traces::Op;
using traces::Ref;
using traces::Step;

std::string proc_name(std::int64_t model_pid) { return model_pid == 1 ? "main" : "p" + std::to_string(model_pid); }

Ref number(std::int64_t v) { return Ref{static_cast<std::uint64_t>(v)}; }

// Names the trace binds are unique per step; later steps use the numbers.
std::vector<std::string> bound(const Step& s, std::size_t n) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) names.push_back("s" + std::to_string(s.index) + (n > 1 ? "_" + std::to_string(i) : ""));
  return names;
}

std::optional<Op> op_of_vfs(model::VfsOp v) {
  if (v == model::VfsOp::kUtimes) return Op::kUtimes;  // after the others in Op
  for (int o = static_cast<int>(Op::kOpen); o <= static_cast<int>(Op::kUnmount); ++o) {
    if (traces::vfs_op_of(static_cast<Op>(o)) == v) return static_cast<Op>(o);
  }
  return std::nullopt;
}

// The model's root is the trace's scratch directory: namei skips empty
// components, so "/tmp/f" and "tmp/f" name one file.
std::string scratch_relative(const std::string& path) {
  if (path.empty() || path[0] != '/') return path;
  const auto first = path.find_first_not_of('/');
  return first == std::string::npos ? "." : path.substr(first);
}

}  // namespace

CallTrace::CallTrace(std::string dialect, std::function<std::int64_t(std::int64_t)> to_model_pid)
    : to_model_pid_(std::move(to_model_pid)) {
  trace_.name = "kqsim-c-program";
  trace_.dialect = std::move(dialect);
  trace_.sources.push_back({"recording", "written by libkqsim (KQSIM_TRACE): a C program's run on the kqsim model, not on a kernel"});
}

bool CallTrace::fill(const RpcRequest& q, const RpcReply& r, Step& s) {
  const auto fd = number(q.a);
  switch (q.op) {
    case RpcOp::kKqueue: s.op = Op::kKqueue; s.kqueue_flags = static_cast<std::uint32_t>(q.a); s.as = bound(s, 1); return true;
    case RpcOp::kPipe: s.op = Op::kPipe; s.nonblock = q.a != 0; s.cloexec = q.b != 0; s.as = bound(s, 2); return true;
    case RpcOp::kRead: s.op = Op::kRead; s.fd = fd; s.bytes = q.b; return true;
    case RpcOp::kWrite: s.op = Op::kWrite; s.fd = fd; s.bytes = q.b; return true;
    case RpcOp::kClose: s.op = Op::kClose; s.fd = fd; return true;
    case RpcOp::kDup: s.op = Op::kDup; s.fd = fd; s.as = bound(s, 1); return true;
    case RpcOp::kDup2: s.op = Op::kDup2; s.fd = fd; s.to = number(q.b); return true;
    case RpcOp::kGetfd: s.op = Op::kFcntl; s.fd = fd; s.fcntl_cmd = "F_GETFD"; return true;
    case RpcOp::kSetfd: s.op = Op::kFcntl; s.fd = fd; s.fcntl_cmd = "F_SETFD"; s.fcntl_arg = static_cast<std::int32_t>(q.b); return true;
    case RpcOp::kFork: s.op = Op::kFork; s.as = {proc_name(r.ret)}; return r.ret > 0;
    case RpcOp::kExec: s.op = Op::kExec; return true;
    case RpcOp::kExit: s.op = Op::kExit; s.exit_status = static_cast<std::int32_t>(q.b & 0xff); return true;
    case RpcOp::kSleep: s.op = Op::kSleep; s.sleep_ns = q.a; return true;
    case RpcOp::kKill: s.op = Op::kKill; s.target = proc_name(to_model_pid_(q.a)); s.signo = static_cast<std::int32_t>(q.b); return true;
    case RpcOp::kSigaction: s.op = Op::kSigaction; s.signo = static_cast<std::int32_t>(q.a); s.sig_action = static_cast<std::int32_t>(q.b); return true;
    case RpcOp::kSigmask: s.op = Op::kSigprocmask; s.signo = static_cast<std::int32_t>(q.a); s.block = q.b != 0; return true;
    case RpcOp::kWait:
      s.op = Op::kWait;
      s.target = q.a == -1 ? traces::kAnyChild : q.a == 0 ? traces::kGroupChild : proc_name(to_model_pid_(q.a));
      s.nohang = q.b != 0;
      return true;
    case RpcOp::kKevent:
      s.op = Op::kKevent;
      s.fd = fd;
      for (std::int32_t i = 0; i < q.nchanges; ++i) {
        const model::KEvent& c = q.changes[i];
        const auto ident = c.filter == model::filt::kProc ? to_model_pid_(static_cast<std::int64_t>(c.ident)) : static_cast<std::int64_t>(c.ident);
        s.changes.push_back({number(ident), c.filter, c.flags, c.fflags, c.data, c.udata});
      }
      s.nevents = q.nevents;
      if (q.has_timeout) s.timeout = model::Timespec{q.timeout_sec, q.timeout_nsec};
      return true;
    case RpcOp::kVfs: {
      model::VfsCall v = sim::from_wire(q.vfs);
      auto op = op_of_vfs(v.op);
      if (!op) return false;
      s.op = *op;
      if (v.fd >= 0) s.fd = number(v.fd);
      if (v.op == model::VfsOp::kOpen) s.as = bound(s, 1);
      v.path = scratch_relative(v.path);
      v.path2 = scratch_relative(v.path2);
      s.vfs = std::move(v);
      return true;
    }
    default: return false;  // sockets, aio, pdfork: not written yet (docs/capi.md)
  }
}

void CallTrace::record(const RpcRequest& q, const RpcReply& r) {
  if (q.op == RpcOp::kNow || q.op == RpcOp::kBindPid || q.op == RpcOp::kConnect) return;
  Step s;
  s.index = trace_.steps.size();
  s.proc = proc_name(q.pid);
  if (!fill(q, r, s)) {
    if (skipped_.find(std::to_string(static_cast<int>(q.op))) == std::string::npos) skipped_ += " " + std::to_string(static_cast<int>(q.op));
    return;
  }
  traces::Observed o;
  o.ret = traces::IntExpect(r.ret, r.ret);
  // A pid comes back as the process's name (fork: the model's pid; wait: the host's).
  if (q.op == RpcOp::kFork && r.ret > 0) o.ret = traces::IntExpect::pid(proc_name(r.ret));
  if (q.op == RpcOp::kWait && r.ret > 0) o.ret = traces::IntExpect::pid(proc_name(to_model_pid_(r.ret)));
  if (r.err != 0) o.errno_name = std::string(model::errno_name(static_cast<model::Errno>(r.err)));
  for (std::int32_t i = 0; i < r.nevents; ++i) {
    const model::KEvent& e = r.events[i];
    std::int64_t ident = static_cast<std::int64_t>(e.ident);
    std::int64_t data = e.data;
    if (e.filter == model::filt::kProc) {
      ident = to_model_pid_(ident);
      if ((e.flags & model::ev::kError) == 0 && (e.fflags & model::note::kChild) != 0) data = to_model_pid_(data);
    }
    o.events.push_back({number(ident), e.filter, e.flags, e.fflags, traces::IntExpect(data, data), e.udata});
  }
  s.observed = std::move(o);
  trace_.steps.push_back(std::move(s));
}

void CallTrace::record_applied_changes(const RpcRequest& q) {
  RpcRequest applied = q;
  applied.nevents = 0;
  applied.has_timeout = false;
  RpcReply r;
  record(applied, r);
}

void CallTrace::write(const std::string& path) const {
  traces::Trace t = trace_;
  if (!skipped_.empty()) t.description = "incomplete: calls of these kinds (kqsim RpcOp numbers) are not written:" + skipped_;
  std::ofstream out(path);
  out << traces::trace_to_json(t).dump(2) << "\n";
  if (!out) std::fprintf(stderr, "kqsim: cannot write the trace to %s\n", path.c_str());
}

}  // namespace kqsim::posix
