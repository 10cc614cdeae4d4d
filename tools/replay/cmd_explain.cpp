// kqreplay explain: what happened inside the kqueues after every step.
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "tools/replay/commands.hpp"
#include "tools/replay/explain_html.hpp"
#include "tools/replay/explain_run.hpp"
#include "tools/replay/explain_text.hpp"
#include "tools/replay/knote_timeline.hpp"
#include "tools/replay/step_text.hpp"

namespace kqsim::replay {
namespace {

std::string step_header(const ExplainedStep& s) {
  std::string out = fmt::format("── step {}: {}\n", s.index, s.call);
  if (!s.note.empty()) out += fmt::format("   note: {}\n", s.note);
  out += fmt::format("   model {}\n", s.result);
  for (const std::string& d : s.divergences) out += fmt::format("   DIVERGES {}\n", d);
  if (!s.violation.empty()) out += fmt::format("   VIOLATES {}\n", s.violation);
  return out;
}

int finish(const ExplainedRun& run) {
  if (run.report.violation) {
    fmt::print("PROPERTY VIOLATED at {}\n", violation_text(*run.report.violation));
    if (run.report.violation->violation.property == check::kDeadlock.property) fmt::print("{}", waiting_calls_text(run.report.trace));
  }
  if (run.report.status != TraceStatus::kMatched && run.report.status != TraceStatus::kDivergent &&
      run.report.status != TraceStatus::kPropertyViolated) {
    std::cerr << "kqreplay: " << run.report.error << "\n";
  }
  return exit_code_for(run.report.status);
}

}  // namespace

int cmd_explain(const std::string& path, const CommonOptions& opts, const ExplainOptions& explain) {
  const ExplainedRun run = explain_run(path, opts.dialect);
  if (!explain.html.empty()) {
    std::ofstream out(explain.html, std::ios::binary);
    out << explain_html(run);
    if (!out) {
      std::cerr << "kqreplay: cannot write " << explain.html << "\n";
      return kExitBadInput;
    }
    return finish(run);
  }
  std::string previous;
  if (!model_banner(run.report.trace).empty()) fmt::print("{}\n\n", model_banner(run.report.trace));
  for (const ExplainedStep& s : run.steps) {
    const std::string state = explain.changes ? state_changes(previous, s.state_text) : s.state_text;
    fmt::print("{}\n", fit_width(step_header(s) + state));
    previous = s.state_text;
  }
  return finish(run);
}

int cmd_timeline(const std::string& path, const CommonOptions& opts) {
  const ExplainedRun run = explain_run(path, opts.dialect);
  for (const ExplainedStep& s : run.steps) fmt::print("{}", fit_width(fmt::format("{:>4}  {}\n", s.index, s.call)));
  fmt::print("\n{}", timeline_text(run));
  return finish(run);
}

}  // namespace kqsim::replay
