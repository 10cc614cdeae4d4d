// The two trace readers against each other: whatever the fast reader
// (RapidJSON) returns must be exactly what the canonical one (nlohmann)
// makes of the same text - the same nodes for the document and for every
// step, in the same order - and it must return nothing where the canonical
// reader refuses the text (traces/trace_file_reader.hpp). Aborts otherwise.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "traces/trace_error.hpp"
#include "traces/trace_file_reader.hpp"

namespace {

using kqsim::traces::JsonKind;
using kqsim::traces::JsonNodes;

// Every node: kind, parent, key and value.
void dump(const JsonNodes& nodes, std::string& out) {
  for (JsonNodes::Index i = 0; i < nodes.count(); ++i) {
    out += std::to_string(static_cast<int>(nodes.kind(i))) + ' ' + std::to_string(nodes.parent(i)) + ' ';
    out += nodes.key_of(i);
    out += '=';
    switch (nodes.kind(i)) {
      case JsonKind::kBool: out += nodes.boolean(i) ? "true" : "false"; break;
      case JsonKind::kInt: out += std::to_string(nodes.integer(i)); break;
      case JsonKind::kUint: out += std::to_string(nodes.uinteger(i)); break;
      case JsonKind::kString: out += nodes.text(i); break;
      default: break;  // kFloat: the fast reader never makes one
    }
    out += '\n';
  }
}

template <typename Read>
std::optional<std::string> outcome(Read read) {
  std::string out;
  auto sink = [&out](const JsonNodes& step, std::size_t index) {
    out += "step " + std::to_string(index) + '\n';
    dump(step, out);
  };
  auto begin = [&out](const JsonNodes& header) {
    out += "header\n";
    dump(header, out);
  };
  try {
    const std::optional<kqsim::traces::TraceNodes> doc = read(sink, begin);
    if (!doc) return std::nullopt;
    out += "doc " + std::to_string(doc->streamed_steps) + std::to_string(doc->members_after_steps) + '\n';
    dump(doc->doc, out);
  } catch (const kqsim::traces::TraceError& e) {
    return "error: " + e.message();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kqsim::traces;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string path = "fuzz-input";
  const std::optional<std::string> canonical = outcome([&](const StepNodesSink& s, const StepsBeginSink& b) {
    return std::optional<TraceNodes>(read_trace_nodes(text, path, s, b));
  });
  const std::optional<std::string> fast = outcome([&](const StepNodesSink& s, const StepsBeginSink& b) {
    return read_trace_nodes_fast(text, path, s, b);
  });
  // The fast reader may give up (nullopt) or stop with the error the
  // canonical reader reports at the same event; what it returns must agree.
  if (fast && fast->rfind("error: ", 0) != 0 && fast != canonical) std::abort();
  if (fast && fast->rfind("error: ", 0) == 0 && canonical->rfind("error: ", 0) != 0) std::abort();
  return 0;
}
