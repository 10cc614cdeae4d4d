#include "tools/replay/expectations.hpp"

#include <climits>
#include <fstream>

#include <nlohmann/json.hpp>

#include "traces/json_fields.hpp"
#include "traces/json_file.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::replay {
namespace {

bool is_category(const std::string& name) {
  for (int k = 0; k <= static_cast<int>(traces::DivergenceKind::kHang); ++k) {
    if (name == traces::divergence_kind_name(static_cast<traces::DivergenceKind>(k))) return true;
  }
  return false;
}

}  // namespace

Expectations Expectations::load(const std::string& path) {
  nlohmann::json doc = traces::load_json_object(path, "an expectations file");
  traces::FieldReader r(path, std::nullopt, "", doc);
  Expectations out;
  for (traces::FieldReader e : r.array_items("expectations")) {
    Expectation x;
    x.trace = e.string_required("trace");
    if (e.has("step")) x.step = static_cast<std::size_t>(e.int_in_range("step", 0, INT32_MAX, 0));
    x.category = e.optional_string("category");
    if (x.category && !is_category(*x.category)) e.fail("category", "unknown divergence category '" + *x.category + "'");
    x.reason = e.string_required("reason");
    if (x.reason.empty()) e.fail("reason", "every known difference needs a reason");
    e.finish();
    out.entries_.push_back(std::move(x));
  }
  r.finish();
  return out;
}

const std::string* Expectations::reason_for(const std::string& trace, std::size_t step,
                                            const traces::Divergence& d) const {
  for (const Expectation& e : entries_) {
    if (e.trace != trace) continue;
    if (e.step && *e.step != step) continue;
    if (e.category && *e.category != traces::divergence_kind_name(d.kind)) continue;
    return &e.reason;
  }
  return nullptr;
}

}  // namespace kqsim::replay
