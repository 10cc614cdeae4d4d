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
// The calls a deadlock counterexample's threads wait in forever
// ("deadlock_waiters"), one indented line each: "  waits forever: ...".
std::string waiting_calls_text(const traces::Trace& trace);

}  // namespace kqsim::replay
