#include "sim/name_table.hpp"

namespace kqsim::sim {

void NameTable::bind(const std::string& name, std::int64_t fd) { names_[name] = Binding{fd, next_seq_++}; }

std::optional<std::int64_t> NameTable::lookup(const std::string& name) const {
  auto it = names_.find(name);
  if (it == names_.end()) return std::nullopt;
  return it->second.fd;
}

std::optional<std::string> NameTable::name_of(std::int64_t fd) const {
  const std::string* best = nullptr;
  std::uint64_t best_seq = 0;
  for (const auto& [name, b] : names_) {
    if (b.fd == fd && (best == nullptr || b.seq > best_seq)) {
      best = &name;
      best_seq = b.seq;
    }
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

}  // namespace kqsim::sim
