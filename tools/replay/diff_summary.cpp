#include "tools/replay/diff_summary.hpp"

#include <fmt/format.h>

#include "model/kevent_names.hpp"

namespace kqsim::replay {
namespace {

nlohmann::json expectation_json(const Expectation& e) {
  nlohmann::json j{{"index", e.index}, {"reason", e.reason}};
  if (e.trace) j["trace"] = *e.trace;
  if (e.step) j["step"] = *e.step;
  if (e.category) j["category"] = *e.category;
  if (e.filter) j["filter"] = model::filter_name(*e.filter);
  if (e.flag) j["flag"] = *e.flag;
  if (e.op) j["op"] = traces::op_name(*e.op);
  return j;
}

}  // namespace

const std::string* DiffSummary::count(const std::string& trace, const traces::Step& step, const traces::Divergence& d,
                                      const Expectations* known) {
  const std::string* reason = known != nullptr ? known->reason_for(trace, step, d) : nullptr;
  if (reason != nullptr) {
    ++expected_divergences;
    return reason;
  }
  ++by_category[traces::divergence_kind_name(d.kind)];
  ++by_filter[d.filter == 0 ? std::string("(call)") : model::filter_name(d.filter)];
  return nullptr;
}

void DiffSummary::print_text(const Expectations* known) const {
  fmt::print("\n{} trace(s), {} step(s), {} compared", traces, steps, compared_steps);
  for (const auto& [status, n] : by_status) fmt::print(", {} {}", n, status);
  if (skipped_steps > 0) fmt::print(", {} step(s) skipped", skipped_steps);
  fmt::print("\n");
  if (task_races_followed > 0) {
    fmt::print("  {} trace(s) followed the host across a race with a kernel thread (kqueue_task, netisr: the other outcome at some steps)\n",
               task_races_followed);
  }
  if (expected_divergences > 0) fmt::print("  {} known difference(s) listed in the expectations file\n", expected_divergences);
  if (known != nullptr) {
    for (const Expectation* e : known->unmatched()) {
      fmt::print("  expectations entry {} matched nothing: {}\n", e->index, e->reason);
    }
  }
  if (by_category.empty()) return;
  fmt::print("  divergences by category:");
  for (const auto& [category, n] : by_category) fmt::print(" {} {}", category, n);
  fmt::print("\n  divergences by filter:");
  for (const auto& [filter, n] : by_filter) fmt::print(" {} {}", filter, n);
  fmt::print("\n");
}

nlohmann::json DiffSummary::to_json(const Expectations* known) const {
  nlohmann::json unmatched = nlohmann::json::array();
  if (known != nullptr) {
    for (const Expectation* e : known->unmatched()) unmatched.push_back(expectation_json(*e));
  }
  return {{"traces", traces},
          {"steps", steps},
          {"compared_steps", compared_steps},
          {"skipped_steps", skipped_steps},
          {"task_races_followed", task_races_followed},
          {"by_status", by_status},
          {"divergences_by_category", by_category},
          {"divergences_by_filter", by_filter},
          {"expected_divergences", expected_divergences},
          {"unmatched_expectations", unmatched}};
}

}  // namespace kqsim::replay
