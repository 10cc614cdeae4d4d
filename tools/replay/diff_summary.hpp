// Counting divergences over a corpus: by outcome, category and filter, with
// known differences (expectations) set apart.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "traces/compare.hpp"
#include "tools/replay/expectations.hpp"

namespace kqsim::replay {

struct DiffSummary {
  std::size_t traces = 0;
  std::size_t steps = 0;
  std::size_t compared_steps = 0;
  std::size_t expected_divergences = 0;  // listed in the expectations file
  std::map<std::string, std::size_t> by_status;
  std::map<std::string, std::size_t> by_category;
  std::map<std::string, std::size_t> by_filter;

  std::size_t skipped_steps = 0;  // steps needing a name the host never bound
  // Traces matched or diverging later once replayed on the other outcome of
  // a race with a kernel thread at some steps (task_race_follow.hpp).
  std::size_t task_races_followed = 0;

  // Counts one divergence; returns its known reason (null: unexpected).
  const std::string* count(const std::string& trace, const traces::Step& step, const traces::Divergence& d,
                           const Expectations* known);
  // With the expectations entries that matched nothing, when there is a file.
  void print_text(const Expectations* known) const;
  [[nodiscard]] nlohmann::json to_json(const Expectations* known) const;
};

}  // namespace kqsim::replay
