// The semantic properties checked after every step of a run on the model,
// each a kernel rule (core.md), alongside the invariants of
// model/invariants.cpp:
//   - kevent never returns more than nevents (nevents >= 0);
//   - a delivered EV_ONESHOT knote is gone;
//   - a delivered EV_DISPATCH knote is disabled;
//   - a delivered EV_CLEAR knote is no longer queued;
//   - a delivered level-triggered knote is queued again (it keeps firing
//     while its condition holds);
//   - no event is returned for a descriptor the process has closed.
#pragma once

#include <optional>
#include <string>

#include "model/kernel.hpp"
#include "traces/compare.hpp"
#include "traces/trace.hpp"

namespace kqsim::check {

// The first property the step broke, in words; nullopt when all hold.
// `with_invariants`: the model's invariants first (a caller whose backend
// already checked them after the call - sim::ModelBackend - skips them).
std::optional<std::string> check_step_properties(const model::Kernel& kernel, model::Pid pid, const traces::Step& step,
                                                 std::int32_t kqfd, const traces::ActualObservation& result,
                                                 bool with_invariants = true);

}  // namespace kqsim::check
