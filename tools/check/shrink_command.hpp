// kqcheck shrink: shrink given traces (a report's examples cut from
// recordings) against a reference, keeping the divergences of their last step.
#pragma once

#include <string>
#include <vector>

#include "check/trace_runs.hpp"

namespace kqsim::tools {

struct ShrinkCli {
  std::vector<std::string> traces;
  std::string out = "kqcheck-shrunk";
  double seconds = 30;         // shrinking budget per trace
  std::size_t attempts = 2000;  // shrinking runs per trace
  std::string dialect = "freebsd-main";
};

// Exit 0 when every trace was shrunk (or kept: it still diverges as it is),
// 1 when some trace did not diverge at its last step on the reference, 2 bad input.
int shrink_command(const ShrinkCli& c, const check::BackendFactory& reference);

}  // namespace kqsim::tools
