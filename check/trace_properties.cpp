#include "check/trace_properties.hpp"

#include <utility>

#include "model/kevent_names.hpp"

namespace kqsim::check {

std::string delivery_bound_message(const traces::DeliveryBound& b, std::uint32_t delivered) {
  return model::filter_name(b.filter) + " ident " + std::to_string(b.ident) + " delivered " + std::to_string(delivered) +
         " times, at most " + std::to_string(b.max) + " allowed";
}

bool counts_as_delivery(const std::vector<model::KEvent>& events) {
  return events.empty() || events.front().flags != model::ev::kError;
}

std::int32_t kqueue_fd_of(const sim::Interpreter& interp, const traces::Step& step) {
  if (step.op != traces::Op::kKevent) return -1;
  if (!step.fd.is_name()) return static_cast<std::int32_t>(step.fd.number());
  return static_cast<std::int32_t>(interp.names(step.proc).lookup(step.fd.name()).value_or(-1));
}

PropertyChecker::PropertyChecker(traces::TraceProperties properties)
    : properties_(std::move(properties)), deliveries_(properties_.max_deliveries.size(), 0) {}

std::optional<PropertyViolation> PropertyChecker::after_step(const sim::Interpreter& interp, const model::Kernel& kernel,
                                                             const sim::StepOutcome& o) {
  if (o.skipped || o.host_unsupported) return std::nullopt;
  const traces::Step& step = *o.step;
  if (properties_.step_properties) {
    auto bad = check_step_properties(kernel, interp.proc_id(step.proc), step, kqueue_fd_of(interp, step), o.actual);
    if (bad) return bad;
  }
  if (step.op != traces::Op::kKevent || !counts_as_delivery(o.actual.events)) return std::nullopt;
  for (std::size_t i = 0; i < deliveries_.size(); ++i) {
    const traces::DeliveryBound& b = properties_.max_deliveries[i];
    for (const model::KEvent& e : o.actual.events) {
      if (e.ident == b.ident && e.filter == b.filter) ++deliveries_[i];
    }
    if (deliveries_[i] > b.max) return PropertyViolation{"max-deliveries", delivery_bound_message(b, deliveries_[i])};
  }
  return std::nullopt;
}

}  // namespace kqsim::check
