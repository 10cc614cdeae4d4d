// The kernel's KASSERTs about knotes and queues, as a check over a whole
// Kernel value. Tests and the explorer run it after every step.
#pragma once

#include <string>
#include <vector>

#include "model/kernel.hpp"

namespace kqsim::model {

// Empty when every invariant holds; otherwise one line per violation.
std::vector<std::string> check_invariants(const Kernel& kernel);

}  // namespace kqsim::model
