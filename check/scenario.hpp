// A concurrency scenario for the explorer: setup steps run first by one
// thread, then several threads, each a sequence of steps over the kqueues
// and objects the setup made, each in a process of the setup (main, or one
// it forked and named). Format
// "kqsim-scenario/1" (docs/model-checking.md).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/trace.hpp"

namespace kqsim::check {

// Events returned for (ident, filter), over all threads: at most `max`.
using DeliveryBound = traces::DeliveryBound;

struct ScenarioThread {
  std::string name;
  std::string process = "main";  // a process name the setup bound
  std::vector<traces::Step> steps;
};

struct Scenario {
  std::string path, name, description, dialect = "freebsd-main";
  traces::Trace setup;  // its steps run first, in order
  std::vector<ScenarioThread> threads;
  std::vector<DeliveryBound> max_deliveries;
  bool deadlock_is_violation = false;
};

// Throws traces::TraceError naming the file, the thread and the field.
Scenario load_scenario_file(const std::string& path);
// The same for a document already read; `path` names it in errors.
Scenario parse_scenario(const nlohmann::json& doc, const std::string& path);

}  // namespace kqsim::check
