// kqreplay explain: what happened inside the kqueues after every step.
#include <iostream>

#include <fmt/format.h>

#include "sim/kernel_view.hpp"
#include "tools/replay/commands.hpp"
#include "tools/replay/step_text.hpp"
#include "tools/replay/trace_runner.hpp"

namespace kqsim::replay {

int cmd_explain(const std::string& path, const CommonOptions& opts) {
  TraceReport report = replay_trace(path, opts.dialect, [&](const sim::Interpreter& interp, const sim::ModelBackend& backend,
                                                            const sim::StepOutcome& o) {
    fmt::print("── step {}: {}\n", o.step->index, call_text(*o.step));
    if (!o.step->note.empty()) fmt::print("   note: {}\n", o.step->note);
    fmt::print("   model {}\n", result_text(interp.to_observed(o)));
    for (const traces::Divergence& d : o.divergences) fmt::print("   DIVERGES {}\n", divergence_text(d));
    auto namer = [&](model::Pid pid, std::int64_t fd) { return interp.fd_name(pid, fd); };
    auto proc_namer = [&](model::Pid pid) { return interp.proc_name(pid); };
    auto addr_namer = [&](std::uint64_t addr) { return interp.aiocb_name(addr); };
    fmt::print("{}\n", sim::describe_kqueues(backend.kernel(), namer, proc_namer, addr_namer));
  });
  if (report.status != TraceStatus::kMatched && report.status != TraceStatus::kDivergent) {
    std::cerr << "kqreplay: " << report.error << "\n";
  }
  return exit_code_for(report.status);
}

}  // namespace kqsim::replay
