// kqreplay run: the model's observations, as text or as the trace rewritten
// with them. A counterexample's property violation (its "properties", on
// its "mutation") is reported with its step, exit code 1.
#include <iostream>

#include <fmt/format.h>

#include "tools/replay/commands.hpp"
#include "tools/replay/step_text.hpp"
#include "tools/replay/trace_runner.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::replay {

int cmd_run(const std::string& path, const CommonOptions& opts) {
  std::vector<traces::Observed> observed;
  TraceReport report = replay_trace(path, ReplayOptions{opts.dialect, false, false, opts.full_checks}, [&](const sim::Interpreter& interp, const sim::ModelBackend&,
                                                            const sim::StepOutcome& o) {
    if (observed.empty() && !opts.json && !model_banner(interp.trace()).empty()) {
      fmt::print("# {}\n", model_banner(interp.trace()));
    }
    observed.push_back(interp.to_observed(o));
    if (!opts.json) fmt::print("#{} {}\n    {}\n", o.step->index, call_text(*o.step), result_text(observed.back()));
  });
  if (report.status == TraceStatus::kBadInput || report.status == TraceStatus::kUnsupported ||
      report.status == TraceStatus::kInternal) {
    std::cerr << "kqreplay: " << report.error << "\n";
    return exit_code_for(report.status);
  }
  if (opts.json) {
    traces::Trace out = report.trace;
    out.dialect = report.dialect;
    for (std::size_t i = 0; i < observed.size(); ++i) out.steps[i].observed = observed[i];
    std::cout << traces::trace_to_json(out).dump(2) << "\n";
  }
  if (report.violation) {
    // On stderr under --json, which keeps stdout one JSON document.
    fmt::print(opts.json ? stderr : stdout, "PROPERTY VIOLATED at {}\n", violation_text(*report.violation));
    if (report.violation->violation.property == check::kDeadlock.property) {
      fmt::print(opts.json ? stderr : stdout, "{}", waiting_calls_text(report.trace));
    }
  }
  // run prints what the model does; it compares nothing (that is diff), so
  // only a broken property makes it fail.
  return report.violation ? kExitDivergence : kExitOk;
}

}  // namespace kqsim::replay
