#include "traces/json_file.hpp"

#include <fstream>
#include <set>
#include <vector>

#include "traces/trace_error.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

// Where the parser is, as a stack of open containers, so a duplicate key
// can be named by its path ("steps[2].changes[0].flags"). nlohmann::json
// keeps the last of two equal keys without a word; a trace with the same
// field twice is ambiguous, so it is refused.
class KeyPath {
 public:
  explicit KeyPath(const std::string& file) : file_(file) {}

  bool on(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: element(); frames_.push_back(Frame{false, 0, {}, {}}); break;
      case json::parse_event_t::array_start: element(); frames_.push_back(Frame{true, 0, {}, {}}); break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end: frames_.pop_back(); break;
      case json::parse_event_t::key: key(parsed.get<std::string>()); break;
      case json::parse_event_t::value: element(); break;
    }
    return true;
  }

 private:
  struct Frame {
    bool array;
    std::size_t elements = 0;  // arrays: elements begun so far
    std::string key;           // objects: the member being read
    std::set<std::string> keys;
  };

  void element() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().elements;
  }

  void key(const std::string& k) {
    Frame& f = frames_.back();
    f.key = k;
    if (f.keys.insert(k).second) return;
    // A trace's steps are named as every other error names them.
    std::optional<std::size_t> step;
    std::size_t from = 0;
    if (frames_.size() >= 3 && frames_[0].key == "steps" && frames_[1].array) {
      step = frames_[1].elements - 1;
      from = 2;
    }
    throw TraceError(file_, step, path_from(from), "the key '" + k + "' appears twice in one object");
  }

  std::string path_from(std::size_t from) const {
    std::string out;
    for (std::size_t i = from; i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      if (f.array) out += "[" + std::to_string(f.elements - 1) + "]";
      else out += (out.empty() ? "" : ".") + f.key;
    }
    return out;
  }

  const std::string& file_;
  std::vector<Frame> frames_;
};

}  // namespace

nlohmann::json load_json_object(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw TraceError(path, std::nullopt, "", "cannot open the file");
  nlohmann::json doc;
  KeyPath keys(path);
  try {
    doc = nlohmann::json::parse(in, [&keys](int, json::parse_event_t event, json& parsed) { return keys.on(event, parsed); });
  } catch (const nlohmann::json::parse_error& e) {
    throw TraceError(path, std::nullopt, "", std::string("malformed JSON: ") + e.what());
  }
  if (!doc.is_object()) throw TraceError(path, std::nullopt, "", what + " is a JSON object");
  return doc;
}

}  // namespace kqsim::traces
