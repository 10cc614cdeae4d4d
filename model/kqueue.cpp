#include "model/kqueue.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <tuple>

namespace kqsim::model {
namespace {

// The fd-based filters in ascending numeric order: slots_on_fd's order is
// the (ident, filter) order of live_slots.
constexpr std::array<FilterId, 6> kFdFiltersAscending{filt::kJaildesc, filt::kEmpty, filt::kProcdesc,
                                                      filt::kVnode, filt::kWrite, filt::kRead};

}  // namespace

bool filter_is_fd_based(FilterId filter) {
  return filter == filt::kRead || filter == filt::kWrite || filter == filt::kVnode ||
         filter == filt::kEmpty || filter == filt::kProcdesc || filter == filt::kJaildesc;
}

// kqueue_expand / hashinit: double the table before it is half full, so a
// probe stays short; rehashing moves each chain head once (amortised O(1)).
void Kqueue::grow_buckets() {
  std::vector<std::uint32_t> old = std::move(buckets_);
  buckets_.assign(old.empty() ? 8 : old.size() * 2, 0);
  for (std::uint32_t head : old) {
    if (head == 0) continue;
    const KEvent& kev = knotes_[head - 1].kev;
    buckets_[bucket_of(kev.ident, kev.filter)] = head;
  }
}

// Backward-shift deletion: later members of the probe run move up so that
// every lookup still reaches them without tombstones.
void Kqueue::erase_bucket(std::size_t hole) {
  const std::size_t mask = buckets_.size() - 1;
  buckets_[hole] = 0;
  for (std::size_t b = (hole + 1) & mask; buckets_[b] != 0; b = (b + 1) & mask) {
    const KEvent& kev = knotes_[buckets_[b] - 1].kev;
    const std::size_t home = identity_hash(kev.ident, kev.filter) & mask;
    // Move it into the hole unless its home lies cyclically in (hole, b].
    const bool home_after_hole = hole <= b ? (hole < home && home <= b) : (hole < home || home <= b);
    if (home_after_hole) continue;
    buckets_[hole] = buckets_[b];
    buckets_[b] = 0;
    hole = b;
  }
  --identities_;
}

std::uint32_t Kqueue::insert(const Knote& knote) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    knotes_[slot] = knote;
  } else {
    slot = static_cast<std::uint32_t>(knotes_.size());
    // A kqueue usually holds a few knotes: room for them at once rather
    // than a reallocation of both vectors at 1, 2 and 4 (issue 14).
    if (knotes_.capacity() == 0) {
      knotes_.reserve(kInitialSlots);
      older_.reserve(kInitialSlots);
    }
    knotes_.push_back(knote);
    older_.push_back(kNoSlot);
  }
  knotes_[slot].live = true;
  knotes_[slot].attach_seq = next_attach_seq_++;
  if ((identities_ + 1) * 2 > buckets_.size()) grow_buckets();
  const std::size_t b = bucket_of(knote.kev.ident, knote.kev.filter);
  if (buckets_[b] == 0) ++identities_;
  older_[slot] = buckets_[b] == 0 ? kNoSlot : buckets_[b] - 1;  // SLIST_INSERT_HEAD
  buckets_[b] = slot + 1;
  ++count_;
  if (knote.kev.filter == filt::kTimer) timer_slots_.push_back(slot);
  return slot;
}

void Kqueue::erase(std::uint32_t slot) {
  Knote& kn = knotes_[slot];
  assert(kn.live);
  assert(!kn.has_status(kn::kQueued));
  const std::size_t b = bucket_of(kn.kev.ident, kn.kev.filter);
  assert(buckets_[b] != 0);
  if (buckets_[b] == slot + 1) {
    if (older_[slot] == kNoSlot) erase_bucket(b);
    else buckets_[b] = older_[slot] + 1;
  } else {
    // SLIST_REMOVE: a NOTE_TRACK duplicate further down the chain.
    std::uint32_t prev = buckets_[b] - 1;
    while (older_[prev] != slot && older_[prev] != kNoSlot) prev = older_[prev];
    assert(older_[prev] == slot);
    older_[prev] = older_[slot];
  }
  older_[slot] = kNoSlot;
  if (kn.kev.filter == filt::kTimer) {
    auto it = std::find(timer_slots_.begin(), timer_slots_.end(), slot);
    assert(it != timer_slots_.end());
    *it = timer_slots_.back();
    timer_slots_.pop_back();
  }
  kn = Knote{};
  free_slots_.push_back(slot);
  --count_;
}

bool Kqueue::indexed(std::uint32_t slot) const {
  const Knote& kn = knotes_[slot];
  for (auto s = lookup(kn.kev.ident, kn.kev.filter); s && *s != kNoSlot; s = older_[*s]) {
    if (*s == slot) return true;
  }
  return false;
}

std::vector<std::uint32_t> Kqueue::live_slots() const {
  struct Entry {
    std::uint64_t ident;
    FilterId filter;
    std::uint32_t age;  // 0 = the oldest of its identity
    std::uint32_t slot;
  };
  std::vector<Entry> entries;
  entries.reserve(count_);
  for (std::uint32_t head : buckets_) {
    if (head == 0) continue;
    const std::size_t first = entries.size();
    for (std::uint32_t s = head - 1; s != kNoSlot; s = older_[s]) {
      entries.push_back(Entry{knotes_[s].kev.ident, knotes_[s].kev.filter, 0, s});
    }
    const auto n = static_cast<std::uint32_t>(entries.size() - first);
    for (std::uint32_t i = 0; i < n; ++i) entries[first + i].age = n - 1 - i;  // the chain is newest first
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.ident, a.filter, a.age) < std::tie(b.ident, b.filter, b.age);
  });
  std::vector<std::uint32_t> out;
  out.reserve(entries.size());
  for (const Entry& e : entries) out.push_back(e.slot);
  return out;
}

std::vector<std::uint32_t> Kqueue::slots_on_fd(std::int32_t fd) const {
  std::vector<std::uint32_t> out;
  for (FilterId filter : kFdFiltersAscending) {
    const std::size_t first = out.size();
    for (auto s = lookup(static_cast<std::uint64_t>(fd), filter); s && *s != kNoSlot; s = older_[*s]) out.push_back(*s);
    std::reverse(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());  // oldest first
  }
  return out;
}

}  // namespace kqsim::model
