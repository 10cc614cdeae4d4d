// Divergences as JSON values, in the result format every comparing command
// prints (kqreplay diff, diff --against, kqcheck random and explore):
// traces/schema/kqsim-result-1.schema.json, docs/kqreplay.md#json-results.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "traces/compare.hpp"
#include "traces/trace.hpp"

namespace kqsim::traces {

inline constexpr const char* kResultFormat = "kqsim-result/1";

// The three values of a divergence: `expected` is the reference's (the
// model's in diff, recording A's in diff --against), `observed` the
// implementation's (the trace's recording, recording B's, the host's in a
// campaign), `model` what kqsim's model gives there (null where unknown).
struct DivergenceSides {
  nlohmann::json expected;
  nlohmann::json observed;
  nlohmann::json model;
};

// The sides of a divergence found by comparing a trace's observation
// (compare_observation's `expected`) with the model's (its `actual`).
DivergenceSides trace_vs_model(const Divergence& d);

// One divergence. `known_reason` is the expectations file's reason when the
// difference is a known one (null otherwise).
nlohmann::json divergence_json(const Step& step, const Divergence& d, const DivergenceSides& sides,
                               const std::string& call, const std::string* known_reason);

// An observation as a JSON value (the trace format's "observed" object).
nlohmann::json observation_json(const Observed& o);

// Dumps with invalid UTF-8 (file names, notes) replaced, never throwing.
std::string dump_result(const nlohmann::json& j);

}  // namespace kqsim::traces
