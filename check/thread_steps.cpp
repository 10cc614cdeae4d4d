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
  auto r = resolve_thread_call(st, [&](const traces::Ref& ref, const char*) { return fd_of(ref, s, names, thread, st.index); });
  if (!r) {
    throw traces::TraceError(s.path, st.index, "op", "thread " + thread + ": '" + traces::op_name(st.op) +
                                                         "' is not available to threads (use kevent, read, write, close, dup2)");
  }
  return *r;
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
  auto r = make_thread_call(k, st);
  if (r && r->sys.completion == model::Completion::kUnsupported) {
    throw traces::TraceError(s.path, index, "op", "thread " + s.threads[thread].name + ": not supported by the model: " + std::string(r->sys.detail));
  }
  return r;
}

}  // namespace kqsim::check
