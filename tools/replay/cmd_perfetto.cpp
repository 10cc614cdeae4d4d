// kqreplay perfetto: the run as Chrome trace event JSON.
#include <fstream>
#include <iostream>

#include "tools/replay/commands.hpp"
#include "tools/replay/explain_run.hpp"
#include "tools/replay/perfetto_export.hpp"

namespace kqsim::replay {

int cmd_perfetto(const std::string& path, const CommonOptions& opts, const std::string& out_path) {
  const ExplainedRun run = explain_run(path, opts.dialect);
  // A run that stopped part way is still exported up to where it stopped
  // (it ends with a STOPPED marker); a trace that never ran is not.
  if (run.report.status != TraceStatus::kMatched && run.report.status != TraceStatus::kDivergent) {
    std::cerr << "kqreplay: " << run.report.error << "\n";
    if (run.steps.empty()) return exit_code_for(run.report.status);
  }
  const std::string text = perfetto_trace(run).dump(1) + "\n";
  if (out_path.empty()) {
    std::cout << text;
  } else {
    std::ofstream out(out_path, std::ios::binary);
    out << text;
    if (!out) {
      std::cerr << "kqreplay: cannot write " << out_path << "\n";
      return kExitBadInput;
    }
  }
  return exit_code_for(run.report.status);
}

}  // namespace kqsim::replay
