#include "traces/name_suggest.hpp"

#include <algorithm>
#include <cctype>

namespace kqsim::traces {
namespace {

char upper(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }

// Levenshtein distance, letters compared without case.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t replace = diagonal + (upper(a[i - 1]) == upper(b[j - 1]) ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, replace});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string> closest_name(std::string_view name, const std::vector<std::string_view>& known) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (std::string_view candidate : known) {
    const std::size_t d = edit_distance(name, candidate);
    if (!best || d < best_distance) {
      best = std::string(candidate);
      best_distance = d;
    }
  }
  // A third of the name may be wrong (ONESHOTT, EV_ONSHOT, ev_oneshot, ONESHOT
  // without its EV_ prefix); anything further is a different word.
  const std::size_t allowed = std::max<std::size_t>(2, (name.size() + 2) / 3);
  if (!best || best_distance > allowed) return std::nullopt;
  return best;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& known) {
  auto best = closest_name(name, known);
  return best ? " (did you mean " + *best + "?)" : "";
}

}  // namespace kqsim::traces
