// Running a generated program: on the model with every property checked,
// or on two backends compared step by step.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/kernel.hpp"
#include "sim/backend.hpp"
#include "traces/trace.hpp"

namespace kqsim::check {

struct Failure {
  std::size_t step = 0;
  std::string kind;     // "property" or a divergence category
  std::string message;
};

// The model under test: a profile plus, in tests of the tooling, mutations.
struct ModelUnderTest {
  const model::DialectProfile* profile = &model::default_profile();
  model::ModelMutations mutations;
};

// Runs `trace` on the model, checking invariants and properties after each
// step. Fills `observed` with the model's observations when given.
std::optional<Failure> run_with_properties(const traces::Trace& trace, const ModelUnderTest& m,
                                           std::vector<traces::Observed>* observed = nullptr);

using BackendFactory = std::function<std::unique_ptr<sim::Backend>()>;

// Runs `trace` on the reference backend, then replays those observations on
// the model under test; the first divergence is the failure. Fills
// `reference` with the reference's observations when given.
std::optional<Failure> run_differential(const traces::Trace& trace, const ModelUnderTest& m,
                                        const BackendFactory& reference,
                                        std::vector<traces::Observed>* reference_observed = nullptr);

}  // namespace kqsim::check
