#include "traces/json_key_path.hpp"

#include <optional>

#include "traces/trace_error.hpp"

namespace kqsim::traces {

void KeyPath::open(bool array) {
  element();
  if (depth_ == frames_.size()) frames_.emplace_back();
  Frame& f = frames_[depth_++];
  f.array = array;
  f.elements = 0;
  f.names.clear();
  f.ends.clear();
  f.many_keys.clear();
  f.seen = 0;
  f.last_key_at = 0;
}

void KeyPath::key(std::string_view k) {
  Frame& f = frames_[depth_ - 1];
  if (f.add_key(k)) return;
  // A trace's steps are named as every other error names them.
  std::optional<std::size_t> step;
  std::size_t from = 0;
  if (depth_ >= 3 && frames_[0].last_key() == "steps" && frames_[1].array) {
    step = frames_[1].elements - 1;
    from = 2;
  }
  throw TraceError(file_, step, path_from(from), "the key '" + std::string(k) + "' appears twice in one object");
}

bool KeyPath::Frame::add_key(std::string_view k) {
  // Kept whether or not it is new: a repeat is named in the error's path.
  if (!many_keys.empty()) {
    names.assign(k);  // the set holds the others
    last_key_at = 0;
    return many_keys.emplace(k).second;
  }
  last_key_at = names.size();
  names.append(k);
  const std::uint64_t bit = std::uint64_t{1} << ((k.size() * 7 + (k.empty() ? 0U : static_cast<unsigned char>(k.front()) * 3U +
                                                                                  static_cast<unsigned char>(k.back()))) & 63U);
  if ((seen & bit) != 0) {
    std::size_t begin = 0;
    for (const std::size_t end : ends) {
      if (std::string_view(names).substr(begin, end - begin) == k) return false;
      begin = end;
    }
  }
  seen |= bit;
  ends.push_back(names.size());
  if (ends.size() > kShortList) {
    std::size_t begin = 0;
    for (const std::size_t end : ends) {
      many_keys.emplace(std::string_view(names).substr(begin, end - begin));
      begin = end;
    }
    ends.clear();
  }
  return true;
}

std::string KeyPath::path_from(std::size_t from) const {
  std::string out;
  for (std::size_t i = from; i < depth_; ++i) {
    const Frame& f = frames_[i];
    if (f.array) out += "[" + std::to_string(f.elements - 1) + "]";
    else out += (out.empty() ? "" : ".") + std::string(f.last_key());
  }
  return out;
}

}  // namespace kqsim::traces
