// The events of a JSON parser turned into a trace's JsonNodes: the document's
// nodes, except inside an element of the top-level "steps" array, whose
// events go to the step's nodes, handed to a sink as each element closes.
// Parser-neutral (string views, no parser types), so the canonical reader
// (nlohmann, traces/trace_file_reader.cpp) and the fast one (RapidJSON,
// traces/trace_file_fast_reader.cpp) make exactly the same nodes from the
// same events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "traces/json_key_path.hpp"
#include "traces/json_nodes.hpp"
#include "traces/trace_file_reader.hpp"

namespace kqsim::traces {

class TraceNodeEvents {
 public:
  TraceNodeEvents(const std::string& file, const StepNodesSink& sink, const StepsBeginSink& steps_begin)
      : keys_(file), sink_(sink), steps_begin_(steps_begin) {}

  void null() { value([](JsonNodes& n) { n.null(); }); }
  void boolean(bool v) { value([v](JsonNodes& n) { n.boolean(v); }); }
  void integer(std::int64_t v) { value([v](JsonNodes& n) { n.integer(v); }); }
  void uinteger(std::uint64_t v) { value([v](JsonNodes& n) { n.uinteger(v); }); }
  void real(double v) { value([v](JsonNodes& n) { n.real(v); }); }
  void string(std::string_view v) { value([v](JsonNodes& n) { n.string(v); }); }
  void other() { value([](JsonNodes& n) { n.other(); }); }
  void start_object() { open(false); }
  void start_array() { open(true); }
  void end_container() { close(); }
  // Throws TraceError for a key the open object already has.
  void key(std::string_view k) {
    keys_.key(k);
    if (keys_.depth() == 1) {
      top_key_ = k;
      if (out.streamed_steps) out.members_after_steps = true;
    }
    target().key(k);
  }

  TraceNodes out;

 private:
  // Inside "steps", between its elements, or within one.
  [[nodiscard]] bool at_steps() const { return in_steps_ && keys_.depth() == 2; }
  JsonNodes& target() { return in_steps_ && keys_.depth() >= 2 ? step_ : out.doc; }

  template <typename Add>
  void value(Add add) {
    keys_.element();
    if (at_steps()) step_.clear();
    add(target());
    if (at_steps()) hand_over_step();
  }
  void open(bool array) {
    const bool steps = array && keys_.depth() == 1 && out.doc.is(0, JsonKind::kObject) && top_key_ == "steps";
    if (at_steps()) step_.clear();
    if (steps && steps_begin_) steps_begin_(out.doc.closed_copy());
    target().open(array ? JsonKind::kArray : JsonKind::kObject);
    keys_.open(array);
    if (steps) {
      in_steps_ = true;
      out.streamed_steps = true;
    }
  }
  void close() {
    if (at_steps()) in_steps_ = false;  // the steps array itself ends
    target().close();
    keys_.close();
    if (at_steps()) hand_over_step();
  }
  void hand_over_step() { sink_(step_, next_step_++); }

  KeyPath keys_;
  const StepNodesSink& sink_;
  const StepsBeginSink& steps_begin_;
  std::string top_key_;  // the root object's member being read
  bool in_steps_ = false;
  JsonNodes step_;
  std::size_t next_step_ = 0;
};

}  // namespace kqsim::traces
