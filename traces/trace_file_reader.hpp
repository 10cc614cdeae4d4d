// Reading a trace file into JsonNodes straight from a parser's SAX events,
// with no DOM: each element of the top-level "steps" array is handed to a
// sink as soon as it is read, in one JsonNodes reused for every step (issue
// 14: the replay path), and the rest of the document is kept. Memory stays a
// small multiple of the file's (issue 13); time is linear. Two parsers make
// the same events (traces/trace_node_events.hpp): nlohmann's, the canonical
// one whose errors users see, and RapidJSON's, faster, for the texts both
// surely read alike (read_trace_nodes_fast; fuzz/trace_reader_fuzz.cpp).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "traces/json_nodes.hpp"

namespace kqsim::traces {

// Node 0 of `step` is the step's value (not necessarily an object).
using StepNodesSink = std::function<void(const JsonNodes& step, std::size_t index)>;
// When the top-level "steps" array begins: the document's members before it
// (a closed copy), so a reader can take the header before the first step.
using StepsBeginSink = std::function<void(const JsonNodes& header)>;

struct TraceNodes {
  JsonNodes doc;                // node 0: the document; "steps" left empty when streamed
  bool streamed_steps = false;  // there was a top-level "steps" array
  bool members_after_steps = false;  // a top-level key followed it
};

// `text` is the file's (read_regular_file), `path` names it in errors.
// Throws TraceError for what parse_json_object refuses (malformed JSON, a
// repeated key, a document that is not an object), with the same messages.
TraceNodes read_trace_nodes(const std::string& text, const std::string& path, const StepNodesSink& sink,
                            const StepsBeginSink& steps_begin = {});

// The same nodes as read_trace_nodes, from the same events, read by
// RapidJSON's parser - several times faster than nlohmann's (issue 14: the
// replay path) - but only for texts both parsers surely read alike: nullopt
// for a JSON error, a number that is not an integer, a \u escape (RapidJSON
// takes a lone low surrogate, nlohmann does not), a NUL byte or a text of
// 4 GiB or more. Throws what read_trace_nodes would throw on reaching the
// same event (a repeated key; what a sink throws). The caller then reads the
// text with read_trace_nodes, whose errors and messages are the canonical
// ones; the sink may already have seen steps.
std::optional<TraceNodes> read_trace_nodes_fast(const std::string& text, const std::string& path,
                                                const StepNodesSink& sink, const StepsBeginSink& steps_begin = {});

// Whether RapidJSON was found at configure time; without it
// read_trace_nodes_fast always gives up.
bool fast_trace_reader_built();

// The document's nodes, or a TraceError when it is not an object.
TraceNodes checked_trace_nodes(TraceNodes nodes, const std::string& path);

// How many steps the text seems to hold: its "op" keys (every step has
// one; an "op" elsewhere, in a string or a deadlock waiter, only makes it
// larger, up to what the text could hold). For reserving the steps' vector, so a Step is built in place
// and never moved as the vector grows; nothing depends on its exactness.
std::size_t count_op_keys(std::string_view text);

}  // namespace kqsim::traces
