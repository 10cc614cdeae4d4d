#include "tools/replay/expectations.hpp"

#include <fstream>

#include <nlohmann/json.hpp>

#include "traces/json_fields.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::replay {

Expectations Expectations::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw traces::TraceError(path, std::nullopt, "", "cannot open the expectations file");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw traces::TraceError(path, std::nullopt, "", std::string("malformed JSON: ") + e.what());
  }
  if (!doc.is_object()) throw traces::TraceError(path, std::nullopt, "", "expected a JSON object");
  traces::FieldReader r(path, std::nullopt, "", doc);
  Expectations out;
  for (traces::FieldReader e : r.array_items("expectations")) {
    Expectation x;
    x.trace = e.string_required("trace");
    if (e.has("step")) x.step = static_cast<std::size_t>(e.int_required("step"));
    x.category = e.optional_string("category");
    x.reason = e.string_required("reason");
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
