#include "check/scenario.hpp"

#include <fstream>

#include <nlohmann/json.hpp>

#include "traces/json_fields.hpp"
#include "traces/json_file.hpp"
#include "traces/trace_properties_json.hpp"
#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::check {
namespace {

using nlohmann::json;

// Threads use the setup's names; a thread step may not bind new ones,
// whose meaning would depend on the interleaving. A thread's steps run in
// its process, named once for the thread.
void reject_bindings(const ScenarioThread& t, const std::string& where) {
  for (const traces::Step& s : t.steps) {
    if (!s.as.empty()) throw traces::TraceError(where, s.index, "as", "thread steps cannot bind names; create descriptors in setup");
    if (s.proc != "main") throw traces::TraceError(where, s.index, "proc", "a thread's steps run in the thread's \"process\"; set it there");
  }
}

}  // namespace

Scenario load_scenario_file(const std::string& path) {
  return parse_scenario(traces::load_json_object(path, "a scenario"), path);
}

Scenario parse_scenario(const nlohmann::json& doc, const std::string& path) {
  traces::FieldReader r(path, std::nullopt, "", doc);
  Scenario s;
  s.path = path;
  if (r.string_required("format") != "kqsim-scenario/1") r.fail("format", "expected \"kqsim-scenario/1\"");
  s.name = r.string_required("name");
  s.description = r.optional_string("description").value_or("");
  s.dialect = r.optional_string("dialect").value_or("freebsd-main");
  r.skip("setup");
  s.setup = traces::parse_steps(doc.value("setup", json::array()), path + " (setup)", s.dialect);
  for (traces::FieldReader t : r.array_items("threads")) {
    ScenarioThread thread;
    thread.name = t.string_required("name");
    thread.process = t.optional_string("process").value_or("main");
    t.skip("steps");
    std::string where = path + " (thread " + thread.name + ")";
    thread.steps = traces::parse_steps(doc.at("threads").at(s.threads.size()).value("steps", json::array()), where, s.dialect).steps;
    t.finish();
    reject_bindings(thread, where);
    s.threads.push_back(std::move(thread));
  }
  if (s.threads.empty()) r.fail("threads", "a scenario needs at least one thread");
  if (r.has("properties")) {
    traces::FieldReader p = r.object("properties");
    for (traces::FieldReader b : p.array_items("max_deliveries")) s.max_deliveries.push_back(traces::parse_delivery_bound(std::move(b)));
    s.deadlock_is_violation = p.bool_or("deadlock_is_violation", false);
    p.finish();
  }
  r.finish();
  return s;
}

}  // namespace kqsim::check
