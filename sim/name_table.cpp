#include "sim/name_table.hpp"

namespace kqsim::sim {

// FNV-1a: names are a few bytes long.
std::uint64_t NameTable::hash(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

std::size_t NameTable::find(const std::string& name, std::uint64_t h) const {
  for (std::size_t i = 0; i < hashes_.size(); ++i) {
    if (hashes_[i] == h && bindings_[i].name == name) return i;
  }
  return hashes_.size();
}

void NameTable::bind(const std::string& name, std::int64_t fd) {
  const std::uint64_t h = hash(name);
  const std::size_t i = find(name, h);
  if (i < bindings_.size()) {
    bindings_[i].fd = fd;
    bindings_[i].seq = next_seq_++;
    return;
  }
  if (bindings_.empty()) {  // most programs name fewer; growing moves every name
    hashes_.reserve(16);
    bindings_.reserve(16);
  }
  hashes_.push_back(h);
  bindings_.push_back(Binding{name, fd, next_seq_++});
}

std::optional<std::int64_t> NameTable::lookup(const std::string& name) const {
  const std::size_t i = find(name, hash(name));
  if (i == bindings_.size()) return std::nullopt;
  return bindings_[i].fd;
}

std::optional<std::string> NameTable::name_of(std::int64_t fd) const {
  const Binding* best = nullptr;
  for (const Binding& b : bindings_) {
    if (b.fd == fd && (best == nullptr || b.seq > best->seq)) best = &b;
  }
  if (best == nullptr) return std::nullopt;
  return best->name;
}

}  // namespace kqsim::sim
