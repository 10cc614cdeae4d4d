#include "traces/trace_properties_json.hpp"

#include "model/kevent_names.hpp"
#include "model/mutations.hpp"
#include "traces/name_suggest.hpp"
#include "traces/step_json.hpp"

namespace kqsim::traces {

using nlohmann::json;

DeliveryBound parse_delivery_bound(FieldReader b) {
  DeliveryBound d;
  d.ident = b.uint_or("ident", 0);
  d.filter = b.filter("filter");
  d.max = static_cast<std::uint32_t>(b.int_in_range("max", 0, 1'000'000, 1));
  b.finish();
  return d;
}

json delivery_bound_to_json(const DeliveryBound& b) {
  std::string name = model::filter_name(b.filter);
  json filter = model::filter_from_name(name) ? json(name) : json(b.filter);  // a number without a name stays one
  return {{"ident", b.ident}, {"filter", filter}, {"max", b.max}};
}

namespace {

// A thread's call that waits forever: one of the calls a scenario's thread
// may make (check/thread_call.hpp), never run, so without an observation.
Step parse_waiter(FieldReader w) {
  if (w.has("observed")) w.fail("observed", "a call that waits forever has no observation");
  const FieldReader where = w;  // for the error below: parse_step takes w
  Step s = parse_step(std::move(w), 0);
  if (s.op != Op::kKevent && s.op != Op::kRead && s.op != Op::kWrite && s.op != Op::kClose && s.op != Op::kDup2) {
    where.fail("op", std::string("'") + op_name(s.op) + "': a waiting thread's call is kevent, read, write, close or dup2");
  }
  return s;
}

}  // namespace

void parse_check_fields(FieldReader& r, Trace& t) {
  if (auto name = r.optional_string("mutation")) {
    if (!model::mutation_named(*name) || name->empty()) {
      std::vector<std::string_view> known;
      for (const model::MutationName& m : model::mutation_names()) known.emplace_back(m.name);
      r.fail("mutation", "unknown mutation '" + *name + "'" + did_you_mean(*name, known));
    }
    t.mutation = *name;
  }
  if (!r.has("properties")) return;
  FieldReader p = r.object("properties");
  TraceProperties props;
  props.step_properties = p.bool_or("step_properties", false);
  for (FieldReader b : p.array_items("max_deliveries")) props.max_deliveries.push_back(parse_delivery_bound(std::move(b)));
  for (FieldReader w : p.array_items("deadlock_waiters")) props.deadlock_waiters.push_back(parse_waiter(std::move(w)));
  p.finish();
  t.properties = props;
}

void check_fields_to_json(const Trace& t, json& doc) {
  if (!t.mutation.empty()) doc["mutation"] = t.mutation;
  if (!t.properties) return;
  json bounds = json::array();
  for (const DeliveryBound& b : t.properties->max_deliveries) bounds.push_back(delivery_bound_to_json(b));
  doc["properties"] = {{"step_properties", t.properties->step_properties}, {"max_deliveries", bounds}};
  if (t.properties->deadlock_waiters.empty()) return;
  json waiters = json::array();
  for (const Step& s : t.properties->deadlock_waiters) waiters.push_back(step_to_json(s));
  doc["properties"]["deadlock_waiters"] = waiters;
}

}  // namespace kqsim::traces
