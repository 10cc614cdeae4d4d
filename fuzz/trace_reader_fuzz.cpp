// The trace readers against each other. Aborts when
// - the fast reader (RapidJSON) returns anything but exactly what the
//   canonical one (nlohmann) makes of the same text - the same nodes for the
//   document and for every step, in the same order - or returns where the
//   canonical reader refuses the text (traces/trace_file_reader.hpp);
// - the stream `kqreplay diff` reads (stream_trace_file) hands over anything
//   but the trace load_trace_file reads from the same file, or streams a
//   file load_trace_file refuses. Giving up is always allowed.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "traces/trace_error.hpp"
#include "traces/trace_file_reader.hpp"
#include "traces/trace_json.hpp"

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

// The text as a file of its own, in memory (no disk per input).
class MemoryFile {
 public:
  explicit MemoryFile(const std::string& text) : fd_(::memfd_create("trace", MFD_CLOEXEC)) {
    if (fd_ < 0) std::abort();
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  [[nodiscard]] std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

void check_stream(const std::string& text) {
  using namespace kqsim::traces;
  const MemoryFile file(text);
  std::optional<std::string> whole;
  try {
    whole = trace_to_json(load_trace_file(file.path())).dump();
  } catch (const TraceError&) {
  }
  std::optional<Trace> early_header;
  std::vector<Step> steps;
  const std::optional<StreamedTrace> streamed = stream_trace_file(
      file.path(), {[&](const Trace& h) { early_header = h; }, [&](const Step& s) { steps.push_back(s); }});
  if (!streamed) return;
  if (!whole || !early_header || streamed->steps != steps.size()) std::abort();
  // The header handed over before the first step is the final one.
  if (trace_to_json(*early_header).dump() != trace_to_json(streamed->header).dump()) std::abort();
  Trace t = streamed->header;
  t.steps = std::move(steps);
  if (trace_to_json(t).dump() != *whole) std::abort();
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
  check_stream(text);
  return 0;
}
