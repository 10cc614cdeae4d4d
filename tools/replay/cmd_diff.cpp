// kqreplay diff: each trace's recorded observations against the model; the
// first divergence per trace with the model's kqueue state at that step,
// then a summary over the corpus.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/kernel_view.hpp"
#include "tools/replay/commands.hpp"
#include "tools/replay/diff_summary.hpp"
#include "tools/replay/step_text.hpp"
#include "tools/replay/trace_runner.hpp"

namespace kqsim::replay {
namespace {

// Copied out of the run: the run's own records do not outlive a trace
// that fails later with bad input.
struct FirstDivergence {
  bool found = false;
  std::size_t step = 0;
  std::string op, call, note;
  traces::Divergence divergence;
  std::string model_state;  // the knote tables right after that step
};

void print_text(const TraceReport& r, const FirstDivergence& f) {
  if (r.status == TraceStatus::kMatched) {
    fmt::print("ok        {} ({} steps)\n", r.path, r.steps);
    return;
  }
  if (r.status != TraceStatus::kDivergent) {
    fmt::print("{:<9} {}\n", status_name(r.status), r.error);
    return;
  }
  if (!f.found) return;
  fmt::print("DIVERGES  {}\n  step {}: {}\n  {}\n", r.path, f.step, f.call, divergence_text(f.divergence));
  if (!f.note.empty()) fmt::print("  trace note: {}\n", f.note);
  fmt::print("  the model's kqueues after this step:\n{}", f.model_state);
}

nlohmann::json report_json(const TraceReport& r, const FirstDivergence& f, std::size_t unexpected) {
  nlohmann::json j{{"path", r.path}, {"name", r.name}, {"dialect", r.dialect}, {"status", status_name(r.status)},
                   {"steps", r.steps}, {"compared_steps", r.compared_steps}, {"unexpected_divergences", unexpected}};
  if (!r.error.empty()) j["error"] = r.error;
  if (f.found) {
    j["first_divergence"] = {{"step", f.step}, {"op", f.op},
                             {"category", traces::divergence_kind_name(f.divergence.kind)},
                             {"expected", f.divergence.expected}, {"actual", f.divergence.actual},
                             {"detail", f.divergence.detail}, {"model_state", f.model_state}};
  }
  return j;
}

// Replays one trace, remembering the model's state at its first unexpected divergence.
TraceReport replay_one(const std::string& path, const CommonOptions& opts, const Expectations* known,
                       FirstDivergence& first) {
  return replay_trace(path, opts.dialect, [&](const sim::Interpreter& interp, const sim::ModelBackend& backend,
                                              const sim::StepOutcome& o) {
    if (first.found) return;
    for (const traces::Divergence& d : o.divergences) {
      if (known != nullptr && known->reason_for(interp.trace().name, o.step->index, d) != nullptr) continue;
      first = {true, o.step->index, traces::op_name(o.step->op), call_text(*o.step), o.step->note, d, ""};
      auto namer = [&](model::Pid pid, std::int64_t fd) { return interp.fd_name(pid, fd); };
      first.model_state = sim::describe_kqueues(backend.kernel(), namer, [&](model::Pid pid) { return interp.proc_name(pid); },
                                      [&](std::uint64_t addr) { return interp.aiocb_name(addr); });
      return;
    }
  });
}

}  // namespace

int cmd_diff(const std::vector<std::string>& args, const CommonOptions& opts) {
  std::optional<Expectations> known;
  if (opts.expectations) known = Expectations::load(*opts.expectations);
  std::vector<std::string> paths = expand_trace_paths(args);
  int code = kExitOk;
  DiffSummary summary;
  nlohmann::json traces_json = nlohmann::json::array();
  for (const std::string& path : paths) {
    FirstDivergence first;
    TraceReport r = replay_one(path, opts, known ? &*known : nullptr, first);
    std::size_t unexpected = 0;
    for (const sim::StepOutcome& o : r.outcomes) {
      for (const traces::Divergence& d : o.divergences) unexpected += summary.count(r.name, o.step->index, d, known ? &*known : nullptr);
    }
    if (r.status == TraceStatus::kDivergent && unexpected == 0) r.status = TraceStatus::kMatched;
    code = std::max(code, static_cast<int>(exit_code_for(r.status)));
    ++summary.traces;
    ++summary.by_status[status_name(r.status)];
    summary.steps += r.steps;
    summary.compared_steps += r.compared_steps;
    if (opts.json) traces_json.push_back(report_json(r, first, unexpected));
    else print_text(r, first);
  }
  if (opts.json) std::cout << nlohmann::json{{"traces", traces_json}, {"summary", summary.to_json()}}.dump(2) << "\n";
  else summary.print_text();
  if (paths.empty()) {
    std::cerr << "kqreplay: no trace files found\n";
    return kExitBadInput;
  }
  return code;
}

}  // namespace kqsim::replay
