// kqreplay diff: each trace's recorded observations against the model; the
// first divergence per trace, then a summary over the corpus.
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tools/replay/commands.hpp"
#include "tools/replay/step_text.hpp"
#include "tools/replay/trace_runner.hpp"

namespace kqsim::replay {
namespace {

struct FirstDivergence {
  const sim::StepOutcome* outcome = nullptr;
  const traces::Divergence* divergence = nullptr;
};

FirstDivergence first_divergence(const TraceReport& r) {
  for (const sim::StepOutcome& o : r.outcomes) {
    if (!o.divergences.empty()) return {&o, &o.divergences.front()};
  }
  return {};
}

void print_text(const TraceReport& r) {
  if (r.status == TraceStatus::kMatched) {
    fmt::print("ok        {} ({} steps)\n", r.path, r.steps);
    return;
  }
  if (r.status != TraceStatus::kDivergent) {
    fmt::print("{:<9} {}\n", status_name(r.status), r.error);
    return;
  }
  FirstDivergence f = first_divergence(r);
  fmt::print("DIVERGES  {}\n  step {}: {}\n  {}\n", r.path, f.outcome->step->index, call_text(*f.outcome->step),
             divergence_text(*f.divergence));
  if (!f.outcome->step->note.empty()) fmt::print("  trace note: {}\n", f.outcome->step->note);
}

nlohmann::json report_json(const TraceReport& r) {
  nlohmann::json j{{"path", r.path}, {"name", r.name}, {"dialect", r.dialect}, {"status", status_name(r.status)},
                   {"steps", r.steps}, {"compared_steps", r.compared_steps}};
  if (!r.error.empty()) j["error"] = r.error;
  if (FirstDivergence f = first_divergence(r); f.outcome != nullptr) {
    j["first_divergence"] = {{"step", f.outcome->step->index}, {"op", traces::op_name(f.outcome->step->op)},
                             {"category", traces::divergence_kind_name(f.divergence->kind)},
                             {"expected", f.divergence->expected}, {"actual", f.divergence->actual},
                             {"detail", f.divergence->detail}};
    std::size_t n = 0;
    for (const sim::StepOutcome& o : r.outcomes) n += o.divergences.size();
    j["divergences"] = n;
  }
  return j;
}

}  // namespace

int cmd_diff(const std::vector<std::string>& args, const CommonOptions& opts) {
  std::vector<std::string> paths = expand_trace_paths(args);
  int code = kExitOk;
  std::map<std::string, std::size_t> by_status, by_category;
  std::size_t steps = 0, compared = 0;
  nlohmann::json traces_json = nlohmann::json::array();
  for (const std::string& path : paths) {
    TraceReport r = replay_trace(path, opts.dialect);
    code = std::max(code, static_cast<int>(exit_code_for(r.status)));
    ++by_status[status_name(r.status)];
    steps += r.steps;
    compared += r.compared_steps;
    for (const sim::StepOutcome& o : r.outcomes) {
      for (const traces::Divergence& d : o.divergences) ++by_category[traces::divergence_kind_name(d.kind)];
    }
    if (opts.json) traces_json.push_back(report_json(r));
    else print_text(r);
  }
  if (opts.json) {
    nlohmann::json summary{{"traces", paths.size()}, {"steps", steps}, {"compared_steps", compared},
                           {"by_status", by_status}, {"divergences_by_category", by_category}};
    std::cout << nlohmann::json{{"traces", traces_json}, {"summary", summary}}.dump(2) << "\n";
    return code;
  }
  fmt::print("\n{} trace(s), {} step(s), {} compared", paths.size(), steps, compared);
  for (const auto& [status, n] : by_status) fmt::print(", {} {}", n, status);
  fmt::print("\n");
  for (const auto& [category, n] : by_category) fmt::print("  {:<14} {}\n", category, n);
  if (paths.empty()) {
    std::cerr << "kqreplay: no trace files found\n";
    return kExitBadInput;
  }
  return code;
}

}  // namespace kqsim::replay
