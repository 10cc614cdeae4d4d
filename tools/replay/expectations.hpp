// Known, explained differences between two kernels (or a kernel and the
// model): a divergence listed here is reported but does not fail a diff.
//
// File format (JSON, docs/kqreplay.md#expectations-files):
//   {"expectations": [
//     {"trace": "pipe-write-data-sizes", "step": 3, "category": "data",
//      "reason": "NetBSD: reverse pipe buffer is 16384"},
//     {"category": "flags", "flag": "EV_ADD", "reason": "libkqueue keeps EV_ADD in returned flags"}]}
// Every field but "reason" may be omitted (a missing one matches anything),
// but an entry names at least a trace or a category. "filter", "flag" and
// "op" narrow an entry to divergences about that filter, that EV_* flag (for
// "flags": a flag one side has and the other lacks; otherwise a flag of the
// event concerned) or that call.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/kevent_constants.hpp"
#include "traces/compare.hpp"
#include "traces/trace.hpp"

namespace kqsim::replay {

struct Expectation {
  std::optional<std::string> trace;
  std::optional<std::size_t> step;
  std::optional<std::string> category;
  std::optional<model::FilterId> filter;
  std::optional<std::string> flag;
  std::optional<traces::Op> op;
  std::string reason;
  std::size_t index = 0;  // position in the file, for messages
};

class Expectations {
 public:
  // Throws traces::TraceError naming the file and entry on a bad file.
  static Expectations load(const std::string& path);
  static Expectations parse(const nlohmann::json& doc, const std::string& path);
  // The reason if this divergence is expected, nullptr otherwise; counts the match.
  [[nodiscard]] const std::string* reason_for(const std::string& trace, const traces::Step& step,
                                              const traces::Divergence& d) const;
  // Entries no divergence matched so far (stale or mistyped entries).
  [[nodiscard]] std::vector<const Expectation*> unmatched() const;
  // The match counts, to put back after a replay whose findings are
  // discarded (kqreplay diff's trials across the kqueue_task race).
  [[nodiscard]] std::vector<std::size_t> match_counts() const { return matches_; }
  void restore_match_counts(std::vector<std::size_t> counts) const { matches_ = std::move(counts); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<Expectation> entries_;
  mutable std::vector<std::size_t> matches_;
};

}  // namespace kqsim::replay
