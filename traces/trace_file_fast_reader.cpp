#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "traces/trace_file_reader.hpp"

#if KQSIM_HAVE_RAPIDJSON
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "traces/trace_node_events.hpp"

namespace kqsim::traces {
namespace {

// RapidJSON's SAX handler over the parser-neutral events. Its classes of
// integer are nlohmann's: a non-negative integer is unsigned, a negative one
// signed, one that fits neither a double - and a double gives the fast
// reader up (returning false stops the parse), so no floating-point value is
// ever read two ways.
class RapidTraceReader {
 public:
  RapidTraceReader(const std::string& file, const StepNodesSink& sink, const StepsBeginSink& steps_begin)
      : events(file, sink, steps_begin) {}

  bool Null() { events.null(); return true; }
  bool Bool(bool v) { events.boolean(v); return true; }
  bool Int(int v) { events.integer(v); return true; }
  bool Uint(unsigned v) { events.uinteger(v); return true; }
  bool Int64(std::int64_t v) { events.integer(v); return true; }
  bool Uint64(std::uint64_t v) { events.uinteger(v); return true; }
  bool Double(double) { return false; }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return false; }  // not asked for
  bool String(const char* s, rapidjson::SizeType n, bool) { events.string({s, n}); return true; }
  bool StartObject() { events.start_object(); return true; }
  bool Key(const char* s, rapidjson::SizeType n, bool) { events.key({s, n}); return true; }
  bool EndObject(rapidjson::SizeType) { events.end_container(); return true; }
  bool StartArray() { events.start_array(); return true; }
  bool EndArray(rapidjson::SizeType) { events.end_container(); return true; }

  TraceNodeEvents events;
};

// What the two parsers might read differently, found before parsing: a \u
// escape (RapidJSON encodes a lone low surrogate, which nlohmann refuses),
// a NUL byte (each ends the text there, by its own rules: not relied on),
// string lengths beyond RapidJSON's 32-bit sizes.
bool both_parsers_agree_on(const std::string& text) {
  if (text.size() >= UINT32_MAX) return false;
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) return false;
  // memchr, not memmem: a trace has few backslashes, and glibc's memmem
  // walks a two-byte needle a byte at a time (6 % of the replay path).
  const char* const end = text.data() + text.size();
  const char* at = text.data();
  while (at < end) {
    const auto* slash = static_cast<const char*>(std::memchr(at, '\\', static_cast<std::size_t>(end - at)));
    if (slash == nullptr) return true;
    if (slash + 1 < end && slash[1] == 'u') return false;
    at = slash + 2;  // past the escaped character, which starts no escape of its own
  }
  return true;
}

// Whether every byte is below 0x80. Such a text holds no UTF-8 to validate,
// and RapidJSON's validation costs a branch per byte of every string (6 % of
// the replay path); a word at a time, this check costs a few per cent of it.
bool all_ascii(const std::string& text) {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  const char* at = text.data();
  const char* const end = at + text.size();
  std::uint64_t seen = 0;
  for (; end - at >= 8; at += 8) {
    std::uint64_t word;
    std::memcpy(&word, at, sizeof word);
    seen |= word;
  }
  for (; at < end; ++at) seen |= static_cast<unsigned char>(*at);
  return (seen & kHighBits) == 0;
}

template <unsigned kFlags>
bool parse_with(const std::string& text, RapidTraceReader& handler) {
  // Bounded by the text's size, not its NUL: RapidJSON 1.1's UTF-8
  // validation takes every byte a lead byte announces before judging them,
  // so a sequence cut by the end of the text read past the terminator
  // (fuzz/regressions/trace_reader/truncated-utf8-at-end-of-text.json).
  rapidjson::MemoryStream in(text.data(), text.size());
  rapidjson::Reader reader;
  return !reader.Parse<kFlags>(in, handler).IsError();
}

}  // namespace

std::optional<TraceNodes> read_trace_nodes_fast(const std::string& text, const std::string& path,
                                                const StepNodesSink& sink, const StepsBeginSink& steps_begin) {
  if (!both_parsers_agree_on(text)) return std::nullopt;
  // Iterative, so deep nesting costs heap, not stack; a single root value and
  // only whitespace after it. UTF-8 validated as nlohmann validates it,
  // unless there is no byte it could refuse.
  constexpr unsigned kIterative = rapidjson::kParseIterativeFlag;
  constexpr unsigned kValidated = kIterative | rapidjson::kParseValidateEncodingFlag;
  RapidTraceReader handler(path, sink, steps_begin);
  const bool parsed = all_ascii(text) ? parse_with<kIterative>(text, handler) : parse_with<kValidated>(text, handler);
  if (!parsed) return std::nullopt;
  return checked_trace_nodes(std::move(handler.events.out), path);
}

bool fast_trace_reader_built() { return true; }

}  // namespace kqsim::traces

#else  // no RapidJSON at configure time: nlohmann's parser reads every trace

namespace kqsim::traces {

std::optional<TraceNodes> read_trace_nodes_fast(const std::string&, const std::string&, const StepNodesSink&,
                                                const StepsBeginSink&) {
  return std::nullopt;
}

bool fast_trace_reader_built() { return false; }

}  // namespace kqsim::traces

#endif
