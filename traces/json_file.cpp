#include "traces/json_file.hpp"

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

  // Frames are reused level by level (depth_ of them are open), so a
  // steady stream of steps allocates nothing here after the first.
  void open(bool array) {
    element();
    if (depth_ == frames_.size()) frames_.emplace_back();
    Frame& f = frames_[depth_++];
    f.array = array;
    f.elements = 0;
    f.key.clear();
    f.keys.clear();
    f.many_keys.clear();
  }
  void close() { --depth_; }
  void element() {
    if (depth_ > 0 && frames_[depth_ - 1].array) ++frames_[depth_ - 1].elements;
  }

  void key(const std::string& k) {
    Frame& f = frames_[depth_ - 1];
    f.key = k;
    if (f.add_key(k)) return;
    // A trace's steps are named as every other error names them.
    std::optional<std::size_t> step;
    std::size_t from = 0;
    if (depth_ >= 3 && frames_[0].key == "steps" && frames_[1].array) {
      step = frames_[1].elements - 1;
      from = 2;
    }
    throw TraceError(file_, step, path_from(from), "the key '" + k + "' appears twice in one object");
  }

 private:
  struct Frame {
    bool array = false;
    std::size_t elements = 0;  // arrays: elements begun so far
    std::string key;           // objects: the member being read
    // The keys seen: a short list (a step has a dozen), then a set, so
    // an object with very many keys stays linear-logarithmic.
    std::vector<std::string> keys;
    std::set<std::string> many_keys;
    static constexpr std::size_t kShortList = 16;

    // False when the key was already there.
    bool add_key(const std::string& k) {
      if (!many_keys.empty()) return many_keys.insert(k).second;
      for (const std::string& seen : keys) {
        if (seen == k) return false;
      }
      keys.push_back(k);
      if (keys.size() > kShortList) {
        many_keys.insert(keys.begin(), keys.end());
        keys.clear();
      }
      return true;
    }
  };

  std::string path_from(std::size_t from) const {
    std::string out;
    for (std::size_t i = from; i < depth_; ++i) {
      const Frame& f = frames_[i];
      if (f.array) out += "[" + std::to_string(f.elements - 1) + "]";
      else out += (out.empty() ? "" : ".") + f.key;
    }
    return out;
  }

  const std::string& file_;
  std::vector<Frame> frames_;
  std::size_t depth_ = 0;
};

// Builds the document from nlohmann's SAX events, checking keys on the way.
// nlohmann's own callback parser rescans the enclosing array after every
// object it closes, which made a trace's parse quadratic in its steps; this
// one does constant work per event.
//
// With a sink, each element of the top-level "steps" array is handed to it
// as soon as it is complete and then dropped, so a trace's document never
// holds all its steps at once (its memory stays a small multiple of the
// file's, issue 13/14); the "steps" array left in the document is empty.
class DomBuilder {
 public:
  explicit DomBuilder(const std::string& file, const StepSink* sink = nullptr) : file_(file), keys_(file), sink_(sink) {}

  bool null() { return value(nullptr); }
  bool boolean(bool v) { return value(v); }
  bool number_integer(json::number_integer_t v) { return value(v); }
  bool number_unsigned(json::number_unsigned_t v) { return value(v); }
  bool number_float(json::number_float_t v, const std::string&) { return value(v); }
  bool string(std::string& v) { return value(std::move(v)); }
  bool binary(json::binary_t& v) { return value(json::binary(std::move(v))); }
  bool start_object(std::size_t) { return open(json::object(), false); }
  bool start_array(std::size_t) { return open(json::array(), true); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    keys_.key(k);
    key_ = std::move(k);
    return true;
  }
  // Also reached for numbers a double cannot hold (1e999).
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    throw TraceError(file_, std::nullopt, "", std::string("malformed JSON: ") + e.what());
  }

  json root;
  bool streamed_steps = false;

 private:
  bool value(json v) {
    keys_.element();
    place(std::move(v));
    if (steps_ != nullptr && open_.back() == steps_) hand_over_step();
    return true;
  }
  bool open(json v, bool array) {
    keys_.open(array);
    const bool steps = sink_ != nullptr && array && open_.size() == 1 && root.is_object() && key_ == "steps";
    open_.push_back(place(std::move(v)));
    if (steps) {
      steps_ = open_.back();
      streamed_steps = true;
    }
    return true;
  }
  bool close() {
    keys_.close();
    if (open_.back() == steps_) steps_ = nullptr;
    open_.pop_back();
    if (steps_ != nullptr && open_.back() == steps_) hand_over_step();
    return true;
  }
  void hand_over_step() {
    json step = std::move(steps_->back());
    steps_->get_ref<json::array_t&>().pop_back();
    (*sink_)(std::move(step), next_step_++);
  }
  // Only the innermost open container grows, so the pointers to the outer
  // ones stay valid.
  json* place(json v) {
    if (open_.empty()) {
      root = std::move(v);
      return &root;
    }
    json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    // The key is new (KeyPath refused a repeat): inserted, not looked up
    // and then assigned.
    return &parent.get_ref<json::object_t&>().emplace(std::move(key_), std::move(v)).first->second;
  }

  const std::string& file_;
  KeyPath keys_;
  std::vector<json*> open_;
  std::string key_;
  const StepSink* sink_;
  json* steps_ = nullptr;  // the top-level "steps" array while it is open
  std::size_t next_step_ = 0;
};

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Only regular files are read: a FIFO or a device could block or never end.
// O_NONBLOCK keeps open() itself from waiting for a FIFO's writer.
std::string read_regular_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw TraceError(path, std::nullopt, "", errno_text("cannot open the file"));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    std::string why = errno_text("cannot stat the file");
    ::close(fd);
    throw TraceError(path, std::nullopt, "", why);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw TraceError(path, std::nullopt, "", std::string("not a regular file: it is ") + file_kind(st.st_mode));
  }
  std::string text;
  text.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = errno_text("cannot read the file");
      ::close(fd);
      throw TraceError(path, std::nullopt, "", why);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace

nlohmann::json parse_json_object(const std::string& text, const std::string& name, const std::string& what) {
  DomBuilder builder(name);
  json::sax_parse(text, &builder);
  if (!builder.root.is_object()) throw TraceError(name, std::nullopt, "", what + " is a JSON object");
  return std::move(builder.root);
}

nlohmann::json load_json_object(const std::string& path, const std::string& what) {
  return parse_json_object(read_regular_file(path), path, what);
}

nlohmann::json load_json_object_streaming_steps(const std::string& path, const std::string& what, const StepSink& sink,
                                                bool& streamed) {
  const std::string text = read_regular_file(path);
  DomBuilder builder(path, &sink);
  json::sax_parse(text, &builder);
  if (!builder.root.is_object()) throw TraceError(path, std::nullopt, "", what + " is a JSON object");
  streamed = builder.streamed_steps;
  return std::move(builder.root);
}

}  // namespace kqsim::traces
