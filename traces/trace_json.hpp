// Reading and writing the JSON trace format (docs/trace-format.md). Every
// problem becomes a TraceError naming the file, the step and the field.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "traces/trace.hpp"

namespace kqsim::traces {

Trace load_trace_file(const std::string& path);
Trace parse_trace(const nlohmann::json& doc, const std::string& path);
// A bare array of steps (a scenario's setup or thread, a history's setup)
// parsed exactly as a trace's steps; `where` names them in errors.
Trace parse_steps(const nlohmann::json& steps, const std::string& where, const std::string& dialect);
nlohmann::json trace_to_json(const Trace& trace);

}  // namespace kqsim::traces
