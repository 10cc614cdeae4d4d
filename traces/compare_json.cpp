#include "traces/compare_json.hpp"

#include "model/kevent_names.hpp"

namespace kqsim::traces {

using nlohmann::json;

DivergenceSides trace_vs_model(const Divergence& d) { return {d.actual_value, d.expected_value, d.actual_value}; }

json divergence_json(const Step& step, const Divergence& d, const DivergenceSides& sides, const std::string& call,
                     const std::string* known_reason) {
  json j{{"step", step.index},
         {"op", op_name(step.op)},
         {"call", call},
         {"category", divergence_kind_name(d.kind)},
         {"expected", sides.expected},
         {"observed", sides.observed},
         {"model", sides.model},
         {"event", d.event},
         {"detail", d.detail},
         {"known", known_reason != nullptr ? json(*known_reason) : json(nullptr)}};
  if (!step.note.empty()) j["note"] = step.note;
  return j;
}

json observation_json(const Observed& o) {
  if (o.unsupported) return {{"unsupported", *o.unsupported}};
  json out{{"ret", int_expect_json(o.ret)}, {"errno", o.errno_name ? json(*o.errno_name) : json(nullptr)}};
  json events = json::array();
  for (const ExpectedEvent& e : o.events) {
    events.push_back({{"ident", e.ident.is_name() ? json(e.ident.name()) : json(e.ident.number())},
                      {"filter", model::filter_name(e.filter)},
                      {"flags", flags_json(e.flags)},
                      {"fflags", e.fflags},
                      {"data", int_expect_json(e.data)},
                      {"udata", e.udata}});
  }
  out["events"] = events;
  return out;
}

std::string dump_result(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

}  // namespace kqsim::traces
