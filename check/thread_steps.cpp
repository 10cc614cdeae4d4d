#include "check/thread_steps.hpp"

#include "traces/trace_error.hpp"

namespace kqsim::check {
namespace {

using model::Kernel;

std::int32_t fd_of(const traces::Ref& ref, const Scenario& s, const sim::NameTable& names, const std::string& thread,
                   std::size_t step) {
  if (!ref.is_name()) return static_cast<std::int32_t>(ref.number());
  auto v = names.lookup(ref.name());
  if (!v) throw traces::TraceError(s.path, step, "fd", "thread " + thread + ": name '" + ref.name() + "' is not bound by the setup");
  return static_cast<std::int32_t>(*v);
}

ResolvedStep resolve(const traces::Step& st, const Scenario& s, const sim::NameTable& names, const std::string& thread) {
  ResolvedStep r;
  r.op = st.op;
  r.bytes = st.bytes;
  switch (st.op) {
    case traces::Op::kKevent:
      for (const traces::Change& c : st.changes) {
        std::uint64_t ident = c.ident.is_name() ? static_cast<std::uint64_t>(fd_of(c.ident, s, names, thread, st.index)) : c.ident.number();
        r.changes.push_back({ident, c.filter, c.flags, c.fflags, c.data, c.udata});
      }
      r.nevents = st.nevents;
      r.waits_forever = !st.timeout.has_value();
      r.fd = fd_of(st.fd, s, names, thread, st.index);
      break;
    case traces::Op::kDup2:
      r.to = fd_of(st.to, s, names, thread, st.index);
      r.fd = fd_of(st.fd, s, names, thread, st.index);
      break;
    case traces::Op::kWrite:
    case traces::Op::kRead:
    case traces::Op::kClose:
      r.fd = fd_of(st.fd, s, names, thread, st.index);
      break;
    default:
      throw traces::TraceError(s.path, st.index, "op", "thread " + thread + ": '" + traces::op_name(st.op) +
                                                           "' is not available to threads (use kevent, read, write, close, dup2)");
  }
  return r;
}

}  // namespace

std::vector<std::vector<ResolvedStep>> resolve_thread_steps(const Scenario& s, const sim::Interpreter& setup) {
  std::vector<std::vector<ResolvedStep>> out;
  for (const ScenarioThread& t : s.threads) {
    if (!setup.proc_alive(t.process)) {
      throw traces::TraceError(s.path + " (thread " + t.name + ")", std::nullopt, "process",
                               "process '" + t.process + "' is not a live process named by the setup (fork with \"as\")");
    }
    const auto pid = static_cast<model::Pid>(setup.proc_id(t.process));
    std::vector<ResolvedStep>& steps = out.emplace_back();
    for (const traces::Step& st : t.steps) {
      steps.push_back(resolve(st, s, setup.names(t.process), t.name));
      steps.back().pid = pid;
    }
  }
  return out;
}

std::optional<model::KeventResult> run_step(Kernel& k, const ResolvedStep& st, const Scenario& s, std::size_t thread,
                                            std::size_t index) {
  const model::Pid pid = st.pid;
  model::KeventResult r;
  switch (st.op) {
    case traces::Op::kKevent: {
      // Other timeouts are explored as polls: no virtual time passes.
      auto timeout = st.waits_forever ? std::nullopt : std::optional<model::Timespec>(model::Timespec{0, 0});
      r = k.kevent(pid, st.fd, st.changes, st.nevents, timeout);
      break;
    }
    case traces::Op::kWrite: r.sys = k.write(pid, st.fd, st.bytes); break;
    case traces::Op::kRead: r.sys = k.read(pid, st.fd, st.bytes); break;
    case traces::Op::kClose: r.sys = k.close(pid, st.fd); break;
    case traces::Op::kDup2: r.sys = k.dup2(pid, st.fd, st.to); break;
    default: break;  // resolve() rejected every other op
  }
  if (r.sys.completion == model::Completion::kBlockedForever) return std::nullopt;
  if (r.sys.completion == model::Completion::kUnsupported) {
    throw traces::TraceError(s.path, index, "op", "thread " + s.threads[thread].name + ": not supported by the model: " + std::string(r.sys.detail));
  }
  return r;
}

}  // namespace kqsim::check
