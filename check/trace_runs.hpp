// Running a generated program: on the model with every property checked,
// or on two backends compared step by step.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/program_generator.hpp"
#include "model/kernel.hpp"
#include "sim/backend.hpp"
#include "traces/trace.hpp"

namespace kqsim::check {

struct Failure {
  std::size_t step = 0;
  std::string kind;     // "property" or a divergence category (of the first divergence)
  std::string message;
  // Every divergence of a differential run, in the result format
  // (traces/compare_json.hpp); empty for a property failure. A known one
  // (KnownBehaviours) has "known" set to its behaviour keys, in words.
  nlohmann::json divergences = nlohmann::json::array();
  // A differential run whose every divergence was known: not a failure of
  // the implementation, only counted (step, kind and message name the first).
  bool known_only = false;
};

// Behaviours an implementation is known to have, by the keys kqreplay report
// gives them (traces::behaviour_keys signatures, as in a report's notes
// file). A divergence all of whose keys are known does not fail a
// differential run: the run goes on to the first divergence that is not
// known, which names the failure - so a campaign looks past an emulator's
// known differences (a flag echoed, a receipt's fields) at what its programs
// do after them. A divergence after a known one may still be its consequence.
using KnownBehaviours = std::set<std::string>;

// The model under test: a profile plus, in tests of the tooling, mutations.
struct ModelUnderTest {
  const model::DialectProfile* profile = &model::default_profile();
  model::ModelMutations mutations;
  bool raw_fds = false;  // differential runs compare returned descriptor numbers
  // run_with_properties: after each call only the invariants of what the
  // call touched (sim::InvariantChecks::kTouched, as kqreplay does), not the
  // whole state; kqcheck random's default, --full-checks turns it off.
  bool touched_checks = false;
};

// Runs `trace` on the model, checking invariants and properties after each
// step. Fills `observed` with the model's observations when given.
// What run_with_properties checks: the step properties (and invariants);
// written into its failure traces so kqreplay checks the same.
traces::TraceProperties random_run_properties();

std::optional<Failure> run_with_properties(const traces::Trace& trace, const ModelUnderTest& m,
                                           std::vector<traces::Observed>* observed = nullptr);

// run_with_properties on the program generate_program(seed, options) makes,
// run while it is generated and never held whole (issue 14: random
// testing): whether it passes. The caller regenerates a failing program
// whole for run_with_properties's failure and for shrinking.
bool passes_with_properties(std::uint64_t seed, const GeneratorOptions& options, const ModelUnderTest& m);

using BackendFactory = std::function<std::unique_ptr<sim::Backend>()>;

// Runs `trace` on the reference backend, then replays those observations on
// the model under test, following the reference's bindings; the failure
// lists every divergence (the first one names it). A crash or a hang of the
// reference is a failure too (kinds "crash", "hang"). Only the steps before
// the first one the reference could not make are compared; a program the
// reference refuses to run at all is no failure. Fills `reference_observed`
// with the reference's observations (one per step it ran) when given. With
// `known`, divergences it names are skipped as above (Failure::known_only).
std::optional<Failure> run_differential(const traces::Trace& trace, const ModelUnderTest& m,
                                        const BackendFactory& reference,
                                        std::vector<traces::Observed>* reference_observed = nullptr,
                                        const KnownBehaviours& known = {});

}  // namespace kqsim::check
