// `kqreplay explain --html`: one self-contained page (no network: the data
// as JSON, the script and style inlined) showing the run step by step.
#pragma once

#include <string>

#include "tools/replay/explain_run.hpp"

namespace kqsim::replay {

std::string explain_html(const ExplainedRun& run);

}  // namespace kqsim::replay
