// kqcheck linearize: whether a concurrent history (kqsim-history/1) has an
// order of its operations that the model explains (check/linearizability.hpp).
#pragma once

#include <string>

namespace kqsim::tools {

// Exit 0 when linearizable, 1 when not (the longest explained order and what
// blocks each next operation are printed), 2 bad input.
int linearize_command(const std::string& path);

}  // namespace kqsim::tools
