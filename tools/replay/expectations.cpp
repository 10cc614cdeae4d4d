#include "tools/replay/expectations.hpp"

#include <algorithm>
#include <climits>

#include <nlohmann/json.hpp>

#include "model/kevent_names.hpp"
#include "traces/json_fields.hpp"
#include "traces/json_file.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::replay {
namespace {

std::optional<traces::Op> op_from_name(const std::string& name) {
  for (int k = 0; k <= static_cast<int>(traces::Op::kAioRun); ++k) {
    if (name == traces::op_name(static_cast<traces::Op>(k))) return static_cast<traces::Op>(k);
  }
  return std::nullopt;
}

bool has_flag(const nlohmann::json& flags, const std::string& flag) {
  return flags.is_array() && std::find(flags.begin(), flags.end(), flag) != flags.end();
}

// "flags": the flag is on one side only; any other category: the event
// concerned carries it.
bool flag_matches(const traces::Divergence& d, const std::string& flag) {
  if (d.kind == traces::DivergenceKind::kFlags) return has_flag(d.expected_value, flag) != has_flag(d.actual_value, flag);
  return d.event.is_object() && has_flag(d.event["flags"], flag);
}

bool entry_matches(const Expectation& e, const std::string& trace, const traces::Step& step, const traces::Divergence& d) {
  if (e.trace && *e.trace != trace) return false;
  if (e.step && *e.step != step.index) return false;
  if (e.category && *e.category != traces::divergence_kind_name(d.kind)) return false;
  if (e.filter && *e.filter != d.filter) return false;
  if (e.op && *e.op != step.op) return false;
  return !e.flag || flag_matches(d, *e.flag);
}

}  // namespace

Expectations Expectations::load(const std::string& path) {
  nlohmann::json doc = traces::load_json_object(path, "an expectations file");
  traces::FieldReader r(path, std::nullopt, "", doc);
  Expectations out;
  out.path_ = path;
  for (traces::FieldReader e : r.array_items("expectations")) {
    Expectation x;
    x.index = out.entries_.size();
    x.trace = e.optional_string("trace");
    if (e.has("step")) x.step = static_cast<std::size_t>(e.int_in_range("step", 0, INT32_MAX, 0));
    x.category = e.optional_string("category");
    if (x.category && !traces::divergence_kind_from_name(*x.category)) {
      e.fail("category", "unknown divergence category '" + *x.category + "'");
    }
    if (auto filter = e.optional_string("filter")) {
      x.filter = model::filter_from_name(*filter);
      if (!x.filter) e.fail("filter", "unknown filter name '" + *filter + "'");
    }
    x.flag = e.optional_string("flag");
    if (x.flag && !model::flag_from_name(*x.flag)) e.fail("flag", "unknown flag name '" + *x.flag + "'");
    if (auto op = e.optional_string("op")) {
      x.op = op_from_name(*op);
      if (!x.op) e.fail("op", "unknown op '" + *op + "'");
    }
    if (!x.trace && !x.category) e.fail("category", "an entry names a trace or a category (else it would hide everything)");
    x.reason = e.string_required("reason");
    if (x.reason.empty()) e.fail("reason", "every known difference needs a reason");
    e.finish();
    out.entries_.push_back(std::move(x));
  }
  r.finish();
  out.matches_.assign(out.entries_.size(), 0);
  return out;
}

const std::string* Expectations::reason_for(const std::string& trace, const traces::Step& step,
                                            const traces::Divergence& d) const {
  for (const Expectation& e : entries_) {
    if (!entry_matches(e, trace, step, d)) continue;
    ++matches_[e.index];
    return &e.reason;
  }
  return nullptr;
}

std::vector<const Expectation*> Expectations::unmatched() const {
  std::vector<const Expectation*> out;
  for (const Expectation& e : entries_) {
    if (matches_[e.index] == 0) out.push_back(&e);
  }
  return out;
}

}  // namespace kqsim::replay
