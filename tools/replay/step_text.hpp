// One-line descriptions of steps, results and divergences for terminals.
#pragma once

#include <string>

#include "sim/interpreter.hpp"
#include "traces/compare.hpp"
#include "traces/trace.hpp"

namespace kqsim::replay {

std::string call_text(const traces::Step& step);
std::string result_text(const traces::Observed& observed);
std::string divergence_text(const traces::Divergence& d);

}  // namespace kqsim::replay
