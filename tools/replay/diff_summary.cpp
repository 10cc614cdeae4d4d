#include "tools/replay/diff_summary.hpp"

#include <fmt/format.h>

#include "model/kevent_names.hpp"

namespace kqsim::replay {

bool DiffSummary::count(const std::string& trace, std::size_t step, const traces::Divergence& d,
                        const Expectations* known) {
  if (known != nullptr && known->reason_for(trace, step, d) != nullptr) {
    ++expected_divergences;
    return false;
  }
  ++by_category[traces::divergence_kind_name(d.kind)];
  ++by_filter[d.filter == 0 ? std::string("(call)") : model::filter_name(d.filter)];
  return true;
}

void DiffSummary::print_text() const {
  fmt::print("\n{} trace(s), {} step(s), {} compared", traces, steps, compared_steps);
  for (const auto& [status, n] : by_status) fmt::print(", {} {}", n, status);
  fmt::print("\n");
  if (expected_divergences > 0) fmt::print("  {} known difference(s) listed in the expectations file\n", expected_divergences);
  if (by_category.empty()) return;
  fmt::print("  divergences by category:");
  for (const auto& [category, n] : by_category) fmt::print(" {} {}", category, n);
  fmt::print("\n  divergences by filter:");
  for (const auto& [filter, n] : by_filter) fmt::print(" {} {}", filter, n);
  fmt::print("\n");
}

nlohmann::json DiffSummary::to_json() const {
  return {{"traces", traces},       {"steps", steps},
          {"compared_steps", compared_steps}, {"by_status", by_status},
          {"divergences_by_category", by_category}, {"divergences_by_filter", by_filter},
          {"expected_divergences", expected_divergences}};
}

}  // namespace kqsim::replay
