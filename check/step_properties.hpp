// The semantic properties checked after every step of a run on the model,
// each a kernel rule (core.md), alongside the invariants of
// model/invariants.cpp ("invariant"), each with the name it is reported by:
//   - at-most-nevents: kevent never returns more than nevents (nevents >= 0);
//   - oneshot-deleted: a delivered EV_ONESHOT knote is gone;
//   - dispatch-disabled: a delivered EV_DISPATCH knote is disabled;
//   - clear-not-requeued: a delivered EV_CLEAR knote is no longer queued;
//   - level-requeued: a delivered level-triggered knote is queued again (it
//     keeps firing while its condition holds);
//   - no-event-for-closed-fd: no event is returned for a descriptor the
//     process has closed;
//   - aio-finished: an EVFILT_AIO event is for a finished request, with
//     EV_EOF and its error as data.
#pragma once

#include <optional>
#include <string>

#include "model/kernel.hpp"
#include "traces/compare.hpp"
#include "traces/trace.hpp"

namespace kqsim::check {

// A broken property: its name (the words kqcheck and kqreplay print, and
// tests match) and what broke, in words.
struct PropertyViolation {
  std::string property;  // "invariant", "dispatch-disabled", "max-deliveries", ...
  std::string message;
  [[nodiscard]] std::string text() const { return property + ": " + message; }
};

// The first property the step broke; nullopt when all hold.
std::optional<PropertyViolation> check_step_properties(const model::Kernel& kernel, model::Pid pid, const traces::Step& step,
                                                 std::int32_t kqfd, const traces::ActualObservation& result);

}  // namespace kqsim::check
