// Where a JSON parser is, as a stack of open containers, so a duplicate key
// can be named by its path ("steps[2].changes[0].flags"). nlohmann::json
// keeps the last of two equal keys without a word; a file with the same
// field twice is ambiguous, so it is refused. Fed by SAX events
// (traces/json_file.cpp, traces/trace_file_reader.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kqsim::traces {

class KeyPath {
 public:
  explicit KeyPath(const std::string& file) : file_(file) {}

  // Frames are reused level by level (depth_ of them are open), so a
  // steady stream of steps allocates nothing here after the first.
  void open(bool array);
  void close() { --depth_; }
  void element() {
    if (depth_ > 0 && frames_[depth_ - 1].array) ++frames_[depth_ - 1].elements;
  }
  // Throws TraceError when the open object already has this key.
  void key(std::string_view k);
  [[nodiscard]] std::size_t depth() const { return depth_; }

 private:
  struct Frame {
    bool array = false;
    std::size_t elements = 0;  // arrays: elements begun so far
    // Objects: the keys seen, end to end in one buffer (a step has a dozen;
    // clearing it frees nothing and builds no string per key); the last is
    // the member being read.
    std::string names;
    std::vector<std::size_t> ends;  // where each key in `names` ends
    // Past kShortList keys, a set instead of the list, so an object with
    // very many keys stays linear-logarithmic.
    std::set<std::string, std::less<>> many_keys;
    // One bit per hash of the keys in the list: most keys are compared with none.
    std::uint64_t seen = 0;
    std::size_t last_key_at = 0;
    static constexpr std::size_t kShortList = 16;

    // False when the key was already there.
    bool add_key(std::string_view k);
    [[nodiscard]] std::string_view last_key() const {
      return std::string_view(names).substr(last_key_at);
    }
  };

  [[nodiscard]] std::string path_from(std::size_t from) const;

  const std::string& file_;
  std::vector<Frame> frames_;
  std::size_t depth_ = 0;
};

}  // namespace kqsim::traces
