#include "check/trace_runs.hpp"

#include "check/trace_properties.hpp"
#include "sim/interpreter.hpp"
#include "traces/compare_json.hpp"
#include "sim/model_backend.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::check {
namespace {

model::KernelConfig config_of(const ModelUnderTest& m) {
  model::KernelConfig c;
  c.mutations = m.mutations;
  return c;
}

}  // namespace

std::optional<Failure> run_with_properties(const traces::Trace& trace, const ModelUnderTest& m,
                                           std::vector<traces::Observed>* observed) {
  sim::ModelBackend backend(*m.profile, config_of(m));
  if (m.touched_checks) backend.set_invariant_checks(sim::InvariantChecks::kTouched);
  sim::Interpreter interp(trace, backend);
  PropertyChecker checker(random_run_properties());
  checker.invariants_checked_by_backend();  // ModelBackend::checked, after every call
  std::optional<Failure> failure;
  std::size_t next_step = 0;  // the step an invariant broken inside a call belongs to
  try {
    interp.run_each([&](const sim::StepOutcome& o) {
      next_step = o.step->index + 1;
      if (observed != nullptr) observed->push_back(interp.to_observed(o));
      if (failure) return;
      auto bad = checker.after_step(interp, backend.kernel(), o);
      if (bad) failure = Failure{o.step->index, "property", bad->text(), nlohmann::json::array()};
    });
  } catch (const sim::InvariantViolation& e) {
    if (failure) return failure;
    return Failure{next_step, "property", PropertyViolation{"invariant", e.violation()}.text(), nlohmann::json::array()};
  }
  return failure;
}

bool passes_with_properties(std::uint64_t seed, const GeneratorOptions& options, const ModelUnderTest& m) {
  // The interpreter reads no more of the trace than its path (for messages)
  // and its steps, which it is handed one by one here (the model's dialect
  // is m.profile): an empty header stands for the program, whose name and
  // description (program_header) a failing program gets when it is run
  // again whole (issue 14: building them cost about 1 % of random testing).
  const traces::Trace header;
  sim::ModelBackend backend(*m.profile, config_of(m));
  if (m.touched_checks) backend.set_invariant_checks(sim::InvariantChecks::kTouched);
  sim::Interpreter interp(header, backend);
  PropertyChecker checker(random_run_properties());
  checker.invariants_checked_by_backend();
  bool failed = false;
  const std::function<void(const sim::StepOutcome&)> check = [&](const sim::StepOutcome& o) {
    if (!failed && checker.after_step(interp, backend.kernel(), o)) failed = true;
  };
  try {
    generate_program_steps(seed, options, [&](const traces::Step& step) { return interp.run_next(step, check) && !failed; });
  } catch (const sim::InvariantViolation&) {
    return false;
  }
  return !failed;
}

traces::TraceProperties random_run_properties() {
  traces::TraceProperties p;
  p.step_properties = true;
  return p;
}

namespace {

// The reference's observations, one per step it ran: it stops after a crash
// or a hang, and at a step the interpreter refuses (then the program is not
// one this reference can run: nothing to compare). Cut at the first step the
// reference could not make: what follows depends on it.
std::optional<traces::Trace> run_reference(const traces::Trace& trace, const BackendFactory& reference) {
  traces::Trace recorded = trace;
  std::size_t ran = 0;
  try {
    std::unique_ptr<sim::Backend> ref = reference();
    sim::Interpreter interp(trace, *ref, /*unsupported_is_observation=*/true);
    interp.run([&](const sim::StepOutcome& o) { recorded.steps[ran++].observed = interp.to_observed(o); });
  } catch (const traces::TraceError&) {
    return std::nullopt;
  }
  recorded.steps.resize(ran);
  for (std::size_t i = 0; i < recorded.steps.size(); ++i) {
    if (recorded.steps[i].observed->unsupported) {
      recorded.steps.resize(i);
      break;
    }
  }
  return recorded;
}

}  // namespace

std::optional<Failure> run_differential(const traces::Trace& trace, const ModelUnderTest& m,
                                        const BackendFactory& reference,
                                        std::vector<traces::Observed>* reference_observed) {
  std::optional<traces::Trace> recorded = run_reference(trace, reference);
  if (!recorded || recorded->steps.empty()) return std::nullopt;
  if (reference_observed != nullptr) {
    for (const traces::Step& s : recorded->steps) reference_observed->push_back(*s.observed);
  }
  // The implementation under test crashed or hung: a finding in itself.
  const traces::Step& last_step = recorded->steps.back();
  const traces::Observed& last = *last_step.observed;
  if (last.crash || last.hang) {
    traces::Divergence d;
    d.kind = last.crash ? traces::DivergenceKind::kCrash : traces::DivergenceKind::kHang;
    d.expected = last.crash ? *last.crash : "never returned";
    d.actual = "returned";
    Failure f{last_step.index, last.crash ? "crash" : "hang",
              last.crash ? "the reference died of " + *last.crash : "the reference " + *last.hang, nlohmann::json::array()};
    f.divergences.push_back(traces::divergence_json(last_step, d, traces::trace_vs_model(d), traces::op_name(last_step.op), nullptr));
    return f;
  }
  sim::ModelBackend backend(*m.profile, config_of(m));
  sim::Interpreter interp(*recorded, backend, sim::InterpreterOptions{true, true, m.raw_fds});
  std::optional<Failure> failure;
  try {
    for (const sim::StepOutcome& o : interp.run()) {
      for (const traces::Divergence& d : o.divergences) {
        if (!failure) {
          failure = Failure{o.step->index, traces::divergence_kind_name(d.kind),
                            "reference " + d.expected + ", model " + d.actual + (d.detail.empty() ? "" : " (" + d.detail + ")"), {}};
        }
        failure->divergences.push_back(traces::divergence_json(*o.step, d, traces::trace_vs_model(d), traces::op_name(o.step->op), nullptr));
      }
    }
  } catch (const traces::TraceError& e) {
    // The reference ran a step the model refuses outright.
    if (!failure) return Failure{e.step().value_or(0), "model-refused", e.what(), nlohmann::json::array()};
  }
  return failure;
}

}  // namespace kqsim::check
