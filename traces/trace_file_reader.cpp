#include "traces/trace_file_reader.hpp"

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "traces/json_key_path.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

// The SAX handler: events go to the document's nodes, except inside an
// element of the top-level "steps" array, whose events go to the step's.
class TraceNodeReader {
 public:
  TraceNodeReader(const std::string& file, const StepNodesSink& sink, const StepsBeginSink& steps_begin)
      : file_(file), keys_(file), sink_(sink), steps_begin_(steps_begin) {}

  bool null() { return value([](JsonNodes& n) { n.null(); }); }
  bool boolean(bool v) { return value([v](JsonNodes& n) { n.boolean(v); }); }
  bool number_integer(json::number_integer_t v) { return value([v](JsonNodes& n) { n.integer(v); }); }
  bool number_unsigned(json::number_unsigned_t v) { return value([v](JsonNodes& n) { n.uinteger(v); }); }
  bool number_float(json::number_float_t v, const std::string&) { return value([v](JsonNodes& n) { n.real(v); }); }
  bool string(std::string& v) { return value([&v](JsonNodes& n) { n.string(v); }); }
  bool binary(json::binary_t&) { return value([](JsonNodes& n) { n.other(); }); }
  bool start_object(std::size_t) { return open(false); }
  bool start_array(std::size_t) { return open(true); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    keys_.key(k);
    if (keys_.depth() == 1) {
      top_key_ = k;
      if (out.streamed_steps) out.members_after_steps = true;
    }
    target().key(k);
    return true;
  }
  // Also reached for numbers a double cannot hold (1e999).
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    throw TraceError(file_, std::nullopt, "", std::string("malformed JSON: ") + e.what());
  }

  TraceNodes out;

 private:
  // Inside "steps", between its elements, or within one.
  [[nodiscard]] bool at_steps() const { return in_steps_ && keys_.depth() == 2; }
  JsonNodes& target() { return in_steps_ && keys_.depth() >= 2 ? step_ : out.doc; }

  template <typename Add>
  bool value(Add add) {
    keys_.element();
    if (at_steps()) step_.clear();
    add(target());
    if (at_steps()) hand_over_step();
    return true;
  }
  bool open(bool array) {
    const bool steps = array && keys_.depth() == 1 && out.doc.is(0, JsonKind::kObject) && top_key_ == "steps";
    if (at_steps()) step_.clear();
    if (steps && steps_begin_) steps_begin_(out.doc.closed_copy());
    target().open(array ? JsonKind::kArray : JsonKind::kObject);
    keys_.open(array);
    if (steps) {
      in_steps_ = true;
      out.streamed_steps = true;
    }
    return true;
  }
  bool close() {
    if (at_steps()) in_steps_ = false;  // the steps array itself ends
    target().close();
    keys_.close();
    if (at_steps()) hand_over_step();
    return true;
  }
  void hand_over_step() { sink_(step_, next_step_++); }

  const std::string& file_;
  KeyPath keys_;
  const StepNodesSink& sink_;
  const StepsBeginSink& steps_begin_;
  std::string top_key_;  // the root object's member being read
  bool in_steps_ = false;
  JsonNodes step_;
  std::size_t next_step_ = 0;
};

}  // namespace

TraceNodes read_trace_nodes(const std::string& text, const std::string& path, const StepNodesSink& sink,
                            const StepsBeginSink& steps_begin) {
  TraceNodeReader reader(path, sink, steps_begin);
  json::sax_parse(text, &reader);
  if (reader.out.doc.empty() || !reader.out.doc.is(0, JsonKind::kObject)) {
    throw TraceError(path, std::nullopt, "", "a trace is a JSON object");
  }
  return std::move(reader.out);
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
