#include "traces/json_file.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "traces/json_key_path.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

// Builds the document from nlohmann's SAX events, checking keys on the way.
// nlohmann's own callback parser rescans the enclosing array after every
// object it closes, which made a trace's parse quadratic in its steps; this
// one does constant work per event. (A trace is read into nodes instead:
// traces/trace_file_reader.cpp.)
class DomBuilder {
 public:
  explicit DomBuilder(const std::string& file) : file_(file), keys_(file) {}

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

 private:
  bool value(json v) {
    keys_.element();
    place(std::move(v));
    return true;
  }
  bool open(json v, bool array) {
    keys_.open(array);
    open_.push_back(place(std::move(v)));
    return true;
  }
  bool close() {
    keys_.close();
    open_.pop_back();
    return true;
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

// A recording of a million steps is some 180 MB: touched a 4 KiB page at a
// time, its buffer cost a page fault per page (a tenth of kqreplay diff's
// time on it, issue 14). Where the kernel gives transparent huge pages on
// request, ask for them over the buffer's whole 2 MiB blocks. Only a hint:
// nothing changes where it is refused.
void advise_huge_pages(std::string& text) {
#ifdef MADV_HUGEPAGE
  constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
  if (text.capacity() < 2 * kHugePage) return;
  const auto begin = reinterpret_cast<std::uintptr_t>(text.data());
  const std::uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t last = (begin + text.capacity()) & ~(kHugePage - 1);
  if (last > first) (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)text;
#endif
}

}  // namespace

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
  // Read straight into the text (the kernel's copy only; a bounce buffer
  // appended from cost a second pass over the file), with room for one byte
  // more than fstat said so that the read returning 0 fits; a file that grew
  // since is read whole all the same.
  std::string text;
  text.reserve(static_cast<std::size_t>(st.st_size) + 1);
  advise_huge_pages(text);
  text.resize(text.capacity());
  std::size_t used = 0;
  for (;;) {
    if (used == text.size()) text.resize(text.size() * 2);
    ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = errno_text("cannot read the file");
      ::close(fd);
      throw TraceError(path, std::nullopt, "", why);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  ::close(fd);
  text.resize(used);
  return text;
}

nlohmann::json parse_json_object(const std::string& text, const std::string& name, const std::string& what) {
  DomBuilder builder(name);
  json::sax_parse(text, &builder);
  if (!builder.root.is_object()) throw TraceError(name, std::nullopt, "", what + " is a JSON object");
  return std::move(builder.root);
}

nlohmann::json load_json_object(const std::string& path, const std::string& what) {
  return parse_json_object(read_regular_file(path), path, what);
}

}  // namespace kqsim::traces
