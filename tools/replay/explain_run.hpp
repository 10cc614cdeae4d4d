// One trace replayed on the model with everything the explain views need
// recorded after each step: the step in words, the state as text and as
// JSON, each knote's status, and which knotes the step delivered.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/replay/trace_runner.hpp"

namespace kqsim::replay {

struct KnoteCell {
  std::string key;    // stable across steps (sim::KnoteState::key)
  std::string label;  // "kq (fd 3): r (fd 4) EVFILT_READ"
  std::uint16_t status = 0;
};

struct ExplainedStep {
  std::size_t index = 0;
  std::string proc;
  std::string call;
  std::string note;
  std::string result;
  std::vector<std::string> divergences;
  std::string violation;           // the property this step broke ("max-deliveries: ..."), if any
  std::string state_text;          // what `explain` prints after the step
  nlohmann::json world;            // sim::world_json
  std::vector<KnoteCell> knotes;   // every live knote after the step
  std::set<std::string> delivered; // keys of the knotes this kevent call returned
  std::int64_t clock_ns = 0;
};

struct ExplainedRun {
  TraceReport report;
  std::vector<ExplainedStep> steps;
};

ExplainedRun explain_run(const std::string& path, const std::optional<std::string>& dialect);

}  // namespace kqsim::replay
