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

  // Counts one divergence; returns whether it was unexpected.
  bool count(const std::string& trace, std::size_t step, const traces::Divergence& d, const Expectations* known);
  void print_text() const;
  [[nodiscard]] nlohmann::json to_json() const;
};

}  // namespace kqsim::replay
