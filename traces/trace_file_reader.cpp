#include "traces/trace_file_reader.hpp"

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "traces/trace_error.hpp"
#include "traces/trace_node_events.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

// nlohmann's SAX interface over the parser-neutral events.
class NlohmannTraceReader {
 public:
  NlohmannTraceReader(const std::string& file, const StepNodesSink& sink, const StepsBeginSink& steps_begin)
      : events(file, sink, steps_begin), file_(file) {}

  bool null() { events.null(); return true; }
  bool boolean(bool v) { events.boolean(v); return true; }
  bool number_integer(json::number_integer_t v) { events.integer(v); return true; }
  bool number_unsigned(json::number_unsigned_t v) { events.uinteger(v); return true; }
  bool number_float(json::number_float_t v, const std::string&) { events.real(v); return true; }
  bool string(std::string& v) { events.string(v); return true; }
  bool binary(json::binary_t&) { events.other(); return true; }
  bool start_object(std::size_t) { events.start_object(); return true; }
  bool start_array(std::size_t) { events.start_array(); return true; }
  bool end_object() { events.end_container(); return true; }
  bool end_array() { events.end_container(); return true; }
  bool key(std::string& k) { events.key(k); return true; }
  // Also reached for numbers a double cannot hold (1e999).
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    throw TraceError(file_, std::nullopt, "", std::string("malformed JSON: ") + e.what());
  }

  TraceNodeEvents events;

 private:
  const std::string& file_;
};

}  // namespace

TraceNodes checked_trace_nodes(TraceNodes nodes, const std::string& path) {
  if (nodes.doc.empty() || !nodes.doc.is(0, JsonKind::kObject)) {
    throw TraceError(path, std::nullopt, "", "a trace is a JSON object");
  }
  return nodes;
}

TraceNodes read_trace_nodes(const std::string& text, const std::string& path, const StepNodesSink& sink,
                            const StepsBeginSink& steps_begin) {
  NlohmannTraceReader reader(path, sink, steps_begin);
  json::sax_parse(text, &reader);
  return checked_trace_nodes(std::move(reader.events.out), path);
}

std::size_t count_op_keys(std::string_view text) {
  // memmem: string_view::find stops at every '"', a third of a trace's bytes.
  constexpr std::string_view kOpKey = "\"op\"";
  std::size_t n = 0;
  const char* at = text.data();
  const char* const end = text.data() + text.size();
  while (const void* hit = ::memmem(at, static_cast<std::size_t>(end - at), kOpKey.data(), kOpKey.size())) {
    ++n;
    at = static_cast<const char*>(hit) + kOpKey.size();
  }
  // No more than the text can hold, should "op" be all a bad file holds:
  // the shortest step, {"op":"dup"} and its comma, is 13 bytes.
  return std::min(n, text.size() / 13);
}

}  // namespace kqsim::traces
