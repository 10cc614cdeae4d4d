// Known, explained differences between two kernels (or a kernel and the
// model): a divergence listed here is reported but does not fail a diff.
//
// File format (JSON):
//   {"expectations": [{"trace": "pipe-write-data-sizes", "step": 3,
//                      "category": "data", "reason": "NetBSD: reverse pipe buffer is 16384"}]}
// "step" and "category" may be omitted to cover every step / category of a trace.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/compare.hpp"

namespace kqsim::replay {

struct Expectation {
  std::string trace;
  std::optional<std::size_t> step;
  std::optional<std::string> category;
  std::string reason;
};

class Expectations {
 public:
  // Throws traces::TraceError naming the file and entry on a bad file.
  static Expectations load(const std::string& path);
  static Expectations parse(const nlohmann::json& doc, const std::string& path);
  // The reason if this divergence is expected, nullptr otherwise.
  [[nodiscard]] const std::string* reason_for(const std::string& trace, std::size_t step,
                                              const traces::Divergence& d) const;

 private:
  std::vector<Expectation> entries_;
};

}  // namespace kqsim::replay
