// kqreplay's subcommands.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kqsim::replay {

struct CommonOptions {
  std::optional<std::string> dialect;  // overrides the trace's own
  bool json = false;
};

int cmd_run(const std::string& path, const CommonOptions& opts);
int cmd_diff(const std::vector<std::string>& paths, const CommonOptions& opts);
int cmd_explain(const std::string& path, const CommonOptions& opts);

}  // namespace kqsim::replay
