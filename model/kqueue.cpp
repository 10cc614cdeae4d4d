#include "model/kqueue.hpp"

#include <algorithm>
#include <cassert>

namespace kqsim::model {
namespace {

bool before(const Kqueue::IndexEntry& e, std::pair<std::uint64_t, FilterId> key) {
  return std::pair(e.ident, e.filter) < key;
}

}  // namespace

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
  const std::pair key{knote.kev.ident, knote.kev.filter};
  auto it = std::lower_bound(index_.begin(), index_.end(), key, before);
  assert((it == index_.end() || std::pair(it->ident, it->filter) != key) && "knote identity (ident, filter) must be unique per kqueue");
  index_.insert(it, IndexEntry{key.first, key.second, slot});
  return slot;
}

void Kqueue::erase(std::uint32_t slot) {
  Knote& kn = knotes_[slot];
  assert(kn.live);
  assert(!kn.has_status(kn::kQueued));
  const std::pair key{kn.kev.ident, kn.kev.filter};
  auto it = std::lower_bound(index_.begin(), index_.end(), key, before);
  assert(it != index_.end() && it->slot == slot);
  index_.erase(it);
  kn = Knote{};
  free_slots_.push_back(slot);
}

std::optional<std::uint32_t> Kqueue::lookup(std::uint64_t ident, FilterId filter) const {
  const std::pair key{ident, filter};
  auto it = std::lower_bound(index_.begin(), index_.end(), key, before);
  if (it == index_.end() || it->ident != ident || it->filter != filter) return std::nullopt;
  return it->slot;
}

std::vector<std::uint32_t> Kqueue::live_slots() const {
  std::vector<std::uint32_t> out;
  out.reserve(index_.size());
  for (const IndexEntry& e : index_) out.push_back(e.slot);
  return out;
}

std::vector<std::uint32_t> Kqueue::slots_on_fd(std::int32_t fd) const {
  std::vector<std::uint32_t> out;
  const auto ident = static_cast<std::uint64_t>(fd);
  auto it = std::lower_bound(index_.begin(), index_.end(), std::pair(ident, FilterId{INT16_MIN}), before);
  for (; it != index_.end() && it->ident == ident; ++it) {
    if (filter_is_fd_based(it->filter)) out.push_back(it->slot);
  }
  return out;
}

}  // namespace kqsim::model
