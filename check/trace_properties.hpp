// The properties a trace asks to be checked (traces::TraceProperties: the
// step properties kqcheck random checks, the delivery bounds of the
// scenario kqcheck explore searched), checked step by step over one run.
// kqcheck's random runs and kqreplay's replays share it, so a counterexample
// replays as the failure it was found as: the same property at the same step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "check/step_properties.hpp"
#include "model/kernel.hpp"
#include "sim/interpreter.hpp"
#include "traces/trace.hpp"

namespace kqsim::check {

// "EVFILT_USER ident 1 delivered 2 times, at most 1 allowed" (the explorer
// words a broken bound the same way).
std::string delivery_bound_message(const traces::DeliveryBound& b, std::uint32_t delivered);
// The events of a kevent result a bound counts: delivered events, not
// EV_ERROR change records.
bool counts_as_delivery(const std::vector<model::KEvent>& events);

// The descriptor of the kqueue a kevent step names (-1 otherwise).
std::int32_t kqueue_fd_of(const sim::Interpreter& interp, const traces::Step& step);

class PropertyChecker {
 public:
  explicit PropertyChecker(traces::TraceProperties properties);
  // The backend checks the model's invariants after every call itself
  // (sim::ModelBackend): the step properties then skip them.
  void invariants_checked_by_backend() { with_invariants_ = false; }

  // After one step the interpreter played: the first property it broke.
  // Steps not played (skipped in follow mode) are not checked.
  std::optional<PropertyViolation> after_step(const sim::Interpreter& interp, const model::Kernel& kernel,
                                              const sim::StepOutcome& outcome);
  // After the last step: the deadlock the trace ends in ("deadlock_waiters":
  // every waiting thread's call still waits forever), as kqcheck explore
  // reported it. Throws traces::TraceError for a waiter naming a process or
  // a descriptor name the trace never bound.
  std::optional<PropertyViolation> at_end(const sim::Interpreter& interp, const model::Kernel& kernel) const;

 private:
  traces::TraceProperties properties_;
  std::vector<std::uint32_t> deliveries_;  // per bound
  bool with_invariants_ = true;
};

// kqcheck explore's deadlock (check/explorer.cpp), as both tools word it.
inline const PropertyViolation kDeadlock{"deadlock", "every unfinished thread waits forever"};

// A step that broke a property, as kqcheck and kqreplay report it.
struct StepViolation {
  std::size_t step = 0;
  PropertyViolation violation;
};

}  // namespace kqsim::check
