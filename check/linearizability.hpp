// Is a concurrent history linearizable with respect to the model? A history
// (format "kqsim-history/1") is setup steps plus operations of several
// threads of one process, each with the logical times it was invoked and
// returned and what it observed. It is linearizable when some order of the
// operations that respects real time (an operation that returned before
// another was invoked comes first) makes the model observe exactly what
// each operation observed. The search (Wing and Gong, with memoised states)
// tries, at each point, every operation no pending operation must precede.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/compare.hpp"
#include "traces/trace.hpp"

namespace kqsim::check {

struct HistoryOperation {
  std::string thread;
  std::int64_t invoke = 0;
  std::int64_t ret = 0;
  traces::Step step;  // with its observed
};

struct History {
  std::string path, name, dialect = "freebsd-main";
  traces::Trace setup;
  std::vector<HistoryOperation> operations;
};

struct Linearization {
  bool linearizable = false;
  std::vector<std::size_t> order;  // operation indexes, when linearizable
  // Otherwise, the smallest part that cannot be placed: the longest prefix
  // that could, and for each operation that could come next, why not.
  std::vector<std::size_t> longest_prefix;
  std::vector<std::pair<std::size_t, std::string>> blocked;  // operation, first divergence
  std::uint64_t states_explored = 0;
};

History load_history_file(const std::string& path);
// The same for a document already read; `path` names it in errors.
History parse_history(const nlohmann::json& doc, const std::string& path);
Linearization check_linearizable(const History& history);

}  // namespace kqsim::check
