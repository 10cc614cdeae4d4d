// Shrinking a failing trace: drop chunks of steps, then single changes,
// then simplify numbers, keeping each cut that still fails, until nothing
// more can go. Candidates that no longer make sense (a name used before it
// is bound) simply do not fail.
#pragma once

#include <functional>

#include "traces/trace.hpp"

namespace kqsim::check {

using StillFails = std::function<bool(const traces::Trace&)>;

// Bounded: at most `max_attempts` candidate runs.
traces::Trace shrink_trace(traces::Trace failing, const StillFails& still_fails, std::size_t max_attempts = 20000);

}  // namespace kqsim::check
