// Reading a trace file into JsonNodes straight from nlohmann's SAX events,
// with no nlohmann DOM: each element of the top-level "steps" array is
// handed to a sink as soon as it is read, in one JsonNodes reused for every
// step (issue 14: the replay path), and the rest of the document is kept.
// Memory stays a small multiple of the file's (issue 13); time is linear.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "traces/json_nodes.hpp"

namespace kqsim::traces {

// Node 0 of `step` is the step's value (not necessarily an object).
using StepNodesSink = std::function<void(const JsonNodes& step, std::size_t index)>;

struct TraceNodes {
  JsonNodes doc;                // node 0: the document; "steps" left empty when streamed
  bool streamed_steps = false;  // there was a top-level "steps" array
};

// Throws TraceError for what load_json_object refuses (an unreadable or
// irregular file, malformed JSON, a repeated key, a document that is not
// an object), with the same messages.
TraceNodes read_trace_nodes(const std::string& path, const StepNodesSink& sink);

}  // namespace kqsim::traces
