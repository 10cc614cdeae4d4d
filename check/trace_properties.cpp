#include "check/trace_properties.hpp"

#include <utility>

#include "check/thread_call.hpp"
#include "model/kevent_names.hpp"
#include "traces/trace_error.hpp"

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
  // The step properties are of kevent calls, but for the invariants when
  // the backend does not check them: no other step needs its process looked up.
  if (properties_.step_properties && (with_invariants_ || step.op == traces::Op::kKevent)) {
    auto bad = check_step_properties(kernel, interp.proc_id(step.proc), step, kqueue_fd_of(interp, step), o.actual, with_invariants_);
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

namespace {

// Whether `w`, made by its process in the final state, would wait forever
// (on a copy of the kernel: the trace's end state stays as it is).
bool waits_forever(const sim::Interpreter& interp, const model::Kernel& kernel, const traces::Step& w, std::size_t i) {
  const std::string field = "properties.deadlock_waiters[" + std::to_string(i) + "].";
  const std::string& path = interp.trace().path;
  if (!interp.proc_alive(w.proc)) throw traces::TraceError(path, std::nullopt, field + "proc", "no live process '" + w.proc + "' at the end of the trace");
  const sim::NameTable& names = interp.names(w.proc);
  auto call = resolve_thread_call(w, [&](const traces::Ref& ref, const char* what) {
    if (!ref.is_name()) return static_cast<std::int32_t>(ref.number());
    auto fd = names.lookup(ref.name());
    if (!fd) throw traces::TraceError(path, std::nullopt, field + what, "name '" + ref.name() + "' is not bound at the end of the trace");
    return static_cast<std::int32_t>(*fd);
  });
  if (!call) return false;  // the parser refused other ops
  call->pid = static_cast<model::Pid>(interp.proc_id(w.proc));
  model::Kernel copy = kernel;
  return !make_thread_call(copy, *call).has_value();
}

}  // namespace

std::optional<PropertyViolation> PropertyChecker::at_end(const sim::Interpreter& interp, const model::Kernel& kernel) const {
  const std::vector<traces::Step>& waiters = properties_.deadlock_waiters;
  if (waiters.empty()) return std::nullopt;
  for (std::size_t i = 0; i < waiters.size(); ++i) {
    if (!waits_forever(interp, kernel, waiters[i], i)) return std::nullopt;
  }
  return kDeadlock;
}

}  // namespace kqsim::check
