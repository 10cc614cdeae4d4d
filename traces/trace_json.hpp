// Reading and writing the JSON trace format (docs/trace-format.md). Every
// problem becomes a TraceError naming the file, the step and the field.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "traces/trace.hpp"

namespace kqsim::traces {

Trace load_trace_file(const std::string& path);

// A trace file read for a caller that takes each step as it is read and
// keeps none (kqreplay diff: memory O(1) in the steps, issue 14).
struct TraceStreamSink {
  // The trace's header (every member before "steps"), before the first step.
  std::function<void(const Trace& header)> header;
  // Each step, valid during the call only.
  std::function<void(const Step& step)> step;
};
// Thrown by a sink to give the stream up.
struct StopStream {};
struct StreamedTrace {
  Trace header;  // no steps
  std::size_t steps = 0;
};
// The trace without its steps, or nullopt when the stream cannot stand for
// load_trace_file: the file has an error (load_trace_file names it, in its
// order), a member follows "steps" (the header given to the sink may lack
// it), or the sink threw StopStream. The caller then reads the file again
// with load_trace_file, having forgotten what the sink saw.
std::optional<StreamedTrace> stream_trace_file(const std::string& path, const TraceStreamSink& sink);
Trace parse_trace(const nlohmann::json& doc, const std::string& path);
// A bare array of steps (a scenario's setup or thread, a history's setup)
// parsed exactly as a trace's steps; `where` names them in errors.
Trace parse_steps(const nlohmann::json& steps, const std::string& where, const std::string& dialect);
nlohmann::json trace_to_json(const Trace& trace);

}  // namespace kqsim::traces
