#include "model/kqueue.hpp"

#include <cassert>
#include <iterator>

namespace kqsim::model {

bool filter_is_fd_based(FilterId filter) {
  return filter == filt::kRead || filter == filt::kWrite || filter == filt::kVnode ||
         filter == filt::kEmpty || filter == filt::kProcdesc || filter == filt::kJaildesc;
}

std::uint32_t Kqueue::insert(const Knote& knote) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    knotes_[slot] = knote;
  } else {
    slot = static_cast<std::uint32_t>(knotes_.size());
    knotes_.push_back(knote);
  }
  knotes_[slot].live = true;
  index_.emplace(std::make_pair(knote.kev.ident, knote.kev.filter), slot);
  return slot;
}

void Kqueue::erase(std::uint32_t slot) {
  Knote& kn = knotes_[slot];
  assert(kn.live);
  assert(!kn.has_status(kn::kQueued));
  auto [first, last] = index_.equal_range({kn.kev.ident, kn.kev.filter});
  for (auto it = first; it != last; ++it) {
    if (it->second == slot) {
      index_.erase(it);
      break;
    }
  }
  kn = Knote{};
  free_slots_.push_back(slot);
}

std::optional<std::uint32_t> Kqueue::lookup(std::uint64_t ident, FilterId filter) const {
  auto [first, last] = index_.equal_range({ident, filter});
  if (first == last) return std::nullopt;
  return std::prev(last)->second;
}

bool Kqueue::indexed(std::uint32_t slot) const {
  const Knote& kn = knotes_[slot];
  auto [first, last] = index_.equal_range({kn.kev.ident, kn.kev.filter});
  for (auto it = first; it != last; ++it) {
    if (it->second == slot) return true;
  }
  return false;
}

std::vector<std::uint32_t> Kqueue::live_slots() const {
  std::vector<std::uint32_t> out;
  out.reserve(index_.size());
  for (const auto& [key, slot] : index_) out.push_back(slot);
  return out;
}

std::vector<std::uint32_t> Kqueue::slots_on_fd(std::int32_t fd) const {
  std::vector<std::uint32_t> out;
  auto it = index_.lower_bound({static_cast<std::uint64_t>(fd), INT16_MIN});
  for (; it != index_.end() && it->first.first == static_cast<std::uint64_t>(fd); ++it) {
    if (filter_is_fd_based(it->first.second)) out.push_back(it->second);
  }
  return out;
}

}  // namespace kqsim::model
