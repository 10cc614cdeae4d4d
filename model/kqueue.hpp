// struct kqueue: the knote table (kq_knlist for fd filters and kq_knhash for
// the rest, merged here into one index sorted on (ident, filter)), the
// activation queue, and the knotes of other kqueues watching this one.
// An identity is normally unique; only NOTE_TRACK's internal registrations
// bypass the lookup, and then a lookup finds the newest (knote_attach links
// at the head of the chain).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "model/activation_queue.hpp"
#include "model/knote.hpp"
#include "model/knote_list.hpp"

namespace kqsim::model {

using Pid = std::int32_t;

class Kqueue {
 public:
  Kqueue(Pid owner, FileIndex file, bool cponfork) : owner_(owner), file_(file), cponfork_(cponfork) {}

  // knote_attach: store a new knote; returns its slot.
  std::uint32_t insert(const Knote& knote);
  // knote_drop's unlinking: forget the slot (the caller has detached it).
  void erase(std::uint32_t slot);
  [[nodiscard]] std::optional<std::uint32_t> lookup(std::uint64_t ident, FilterId filter) const;
  // Whether `slot` is indexed under its knote's identity.
  [[nodiscard]] bool indexed(std::uint32_t slot) const;

  Knote& knote(std::uint32_t slot) { return knotes_[slot]; }
  [[nodiscard]] const Knote& knote(std::uint32_t slot) const { return knotes_[slot]; }
  // Live slots in (ident, filter) order: a stable order for explanations.
  // A copy, so callers may drop knotes while they walk it.
  [[nodiscard]] std::vector<std::uint32_t> live_slots() const;
  // The same order without copying, for read-only walks (encoding, invariants).
  struct IndexEntry {
    std::uint64_t ident;
    FilterId filter;
    std::uint32_t slot;
  };
  [[nodiscard]] std::span<const IndexEntry> index() const { return index_; }
  // Live slots whose ident is this fd and whose filter is fd-based.
  [[nodiscard]] std::vector<std::uint32_t> slots_on_fd(std::int32_t fd) const;
  [[nodiscard]] std::size_t knote_count() const { return index_.size(); }

  ActivationQueue& queue() { return queue_; }
  [[nodiscard]] const ActivationQueue& queue() const { return queue_; }
  // kq_count: queued knotes, including disabled or stale ones not yet swept.
  [[nodiscard]] std::int64_t pending_count() const { return static_cast<std::int64_t>(queue_.size()); }
  KnoteList& watchers() { return watchers_; }
  [[nodiscard]] const KnoteList& watchers() const { return watchers_; }

  [[nodiscard]] Pid owner() const { return owner_; }
  void set_owner(Pid pid) { owner_ = pid; }
  [[nodiscard]] FileIndex file() const { return file_; }
  [[nodiscard]] bool cponfork() const { return cponfork_; }
  [[nodiscard]] bool closed() const { return closed_; }
  void mark_closed() { closed_ = true; }

 private:
  std::vector<Knote> knotes_;
  std::vector<std::uint32_t> free_slots_;
  // A sorted vector, not a std::multimap: a kqueue holds a handful of
  // knotes, and the explorer copies whole kernels, where a map's per-node
  // allocations dominated (docs/performance.md). Equal keys stay in
  // insertion order.
  std::vector<IndexEntry> index_;
  using IndexConstIter = std::vector<IndexEntry>::const_iterator;
  [[nodiscard]] std::pair<IndexConstIter, IndexConstIter> equal_range_of(std::pair<std::uint64_t, FilterId> key) const;
  ActivationQueue queue_;
  KnoteList watchers_;  // kq_sel.si_note
  Pid owner_;
  FileIndex file_;
  bool cponfork_;
  bool closed_ = false;
};

// f_isfd of the filter: its ident is a descriptor number.
bool filter_is_fd_based(FilterId filter);

}  // namespace kqsim::model
