#include "check/trace_runs.hpp"

#include "check/trace_properties.hpp"
#include "sim/interpreter.hpp"
#include "traces/compare_json.hpp"
#include "sim/model_backend.hpp"
#include "traces/behaviour_key.hpp"
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

// "known behaviour KEY[, KEY...]" when every behaviour key of `d` is known:
// the divergence's "known" field in the result format.
std::optional<std::string> known_reason(const traces::Step& step, const traces::Divergence& d, const KnownBehaviours& known) {
  if (known.empty()) return std::nullopt;
  std::string reason;
  for (const traces::BehaviourKey& k : traces::behaviour_keys(step, d)) {
    if (known.count(k.signature) == 0) return std::nullopt;
    reason += (reason.empty() ? "known behaviour " : ", ") + k.signature;
  }
  return reason.empty() ? std::nullopt : std::optional(reason);
}

std::string message_of(const traces::Divergence& d) {
  return "reference " + d.expected + ", model " + d.actual + (d.detail.empty() ? "" : " (" + d.detail + ")");
}

// Adds a divergence to the run's failure: the first one names it, unless
// only known ones came before it and it is not known.
bool add_divergence(std::optional<Failure>& failure, const traces::Step& step, const traces::Divergence& d,
                    const std::string& message, const KnownBehaviours& known) {
  const std::optional<std::string> reason = known_reason(step, d, known);
  const bool known_one = reason.has_value();
  nlohmann::json j = traces::divergence_json(step, d, traces::trace_vs_model(d), traces::op_name(step.op),
                                             reason ? &*reason : nullptr);
  if (!failure || (failure->known_only && !known_one)) {
    nlohmann::json earlier = failure ? std::move(failure->divergences) : nlohmann::json::array();
    failure = Failure{step.index, traces::divergence_kind_name(d.kind), message, std::move(earlier), known_one};
  }
  failure->divergences.push_back(std::move(j));
  return known_one;
}

// A step's divergences in the order they came, except that with `known` a
// return value that only restates another divergence of the step comes
// last, known when all the others are (kqreplay report lists no behaviour
// for it either).
void add_step_divergences(std::optional<Failure>& failure, const traces::Step& step,
                          const std::vector<traces::Divergence>& divergences, const KnownBehaviours& known) {
  std::vector<const traces::Divergence*> all;
  for (const traces::Divergence& d : divergences) all.push_back(&d);
  std::vector<const traces::Divergence*> restating;
  bool others_known = true;
  for (const traces::Divergence* d : all) {
    if (!known.empty() && traces::restates_other_divergence(*d, all)) {
      restating.push_back(d);
      continue;
    }
    others_known = add_divergence(failure, step, *d, message_of(*d), known) && others_known;
  }
  const std::string restates = "known: restates the step's other divergences";
  for (const traces::Divergence* d : restating) {
    failure->divergences.push_back(traces::divergence_json(step, *d, traces::trace_vs_model(*d), traces::op_name(step.op),
                                                           others_known ? &restates : nullptr));
  }
}

traces::Divergence death_divergence(const traces::Observed& last) {
  traces::Divergence d;
  d.kind = last.crash ? traces::DivergenceKind::kCrash : traces::DivergenceKind::kHang;
  d.expected = last.crash ? *last.crash : "never returned";
  d.actual = "returned";
  return d;
}

std::string death_message(const traces::Observed& last) {
  return last.crash ? "the reference died of " + *last.crash : "the reference " + *last.hang;
}

// Replays the reference's observations on the model under test, adding
// every divergence to `failure`.
void compare_on_model(const traces::Trace& recorded, const ModelUnderTest& m, const KnownBehaviours& known,
                      std::optional<Failure>& failure) {
  sim::ModelBackend backend(*m.profile, config_of(m));
  sim::Interpreter interp(recorded, backend, sim::InterpreterOptions{true, true, m.raw_fds});
  try {
    for (const sim::StepOutcome& o : interp.run()) add_step_divergences(failure, *o.step, o.divergences, known);
  } catch (const traces::TraceError& e) {
    // The reference ran a step the model refuses outright.
    if (!failure || failure->known_only) {
      nlohmann::json earlier = failure ? std::move(failure->divergences) : nlohmann::json::array();
      failure = Failure{e.step().value_or(0), "model-refused", e.what(), std::move(earlier)};
    }
  }
}

}  // namespace

std::optional<Failure> run_differential(const traces::Trace& trace, const ModelUnderTest& m,
                                        const BackendFactory& reference,
                                        std::vector<traces::Observed>* reference_observed, const KnownBehaviours& known) {
  std::optional<traces::Trace> recorded = run_reference(trace, reference);
  if (!recorded || recorded->steps.empty()) return std::nullopt;
  if (reference_observed != nullptr) {
    for (const traces::Step& s : recorded->steps) reference_observed->push_back(*s.observed);
  }
  // The implementation under test crashed or hung: a finding in itself,
  // named first. With known behaviours the steps before it are compared
  // first: a known crash must not hide an unknown divergence before it.
  const traces::Step last_step = recorded->steps.back();
  const traces::Observed& last = *last_step.observed;
  const bool died = last.crash || last.hang;
  std::optional<Failure> failure;
  if (died && known.empty()) {
    (void)add_divergence(failure, last_step, death_divergence(last), death_message(last), known);
    return failure;
  }
  if (died) recorded->steps.pop_back();
  compare_on_model(*recorded, m, known, failure);
  if (died) (void)add_divergence(failure, last_step, death_divergence(last), death_message(last), known);
  return failure;
}

}  // namespace kqsim::check
