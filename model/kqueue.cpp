#include "model/kqueue.hpp"

#include <algorithm>
#include <cassert>
#include <iterator>

namespace kqsim::model {
namespace {

bool before(const Kqueue::IndexEntry& e, std::pair<std::uint64_t, FilterId> key) {
  return std::pair(e.ident, e.filter) < key;
}

bool after(std::pair<std::uint64_t, FilterId> key, const Kqueue::IndexEntry& e) {
  return key < std::pair(e.ident, e.filter);
}

}  // namespace

std::pair<Kqueue::IndexConstIter, Kqueue::IndexConstIter> Kqueue::equal_range_of(std::pair<std::uint64_t, FilterId> key) const {
  return {std::lower_bound(index_.begin(), index_.end(), key, before), std::upper_bound(index_.begin(), index_.end(), key, after)};
}

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
  // Behind any equal keys: equal identities stay in insertion order.
  index_.insert(equal_range_of(key).second, IndexEntry{key.first, key.second, slot});
  return slot;
}

void Kqueue::erase(std::uint32_t slot) {
  Knote& kn = knotes_[slot];
  assert(kn.live);
  assert(!kn.has_status(kn::kQueued));
  auto [first, last] = equal_range_of({kn.kev.ident, kn.kev.filter});
  auto it = std::find_if(first, last, [&](const IndexEntry& e) { return e.slot == slot; });
  assert(it != last);
  if (it != last) index_.erase(it);
  kn = Knote{};
  free_slots_.push_back(slot);
}

std::optional<std::uint32_t> Kqueue::lookup(std::uint64_t ident, FilterId filter) const {
  auto [first, last] = equal_range_of({ident, filter});
  if (first == last) return std::nullopt;
  return std::prev(last)->slot;  // the newest
}

bool Kqueue::indexed(std::uint32_t slot) const {
  const Knote& kn = knotes_[slot];
  auto [first, last] = equal_range_of({kn.kev.ident, kn.kev.filter});
  return std::any_of(first, last, [&](const IndexEntry& e) { return e.slot == slot; });
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
