// struct kqueue: the knote table, the activation queue, and the knotes of
// other kqueues watching this one.
//
// The kernel finds a knote by (ident, filter) in kq_knlist (fd filters, an
// array indexed by descriptor, grown by kqueue_expand) or kq_knhash (the
// rest, a hash table): both are one hash-table lookup here, so finding,
// registering and dropping a knote costs the same whether the kqueue holds
// one knote or 100,000. An identity is normally unique; only NOTE_TRACK's
// internal registrations bypass the lookup, and then a lookup finds the
// newest (knote_attach links at the head of the chain), as the kernel does.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/activation_queue.hpp"
#include "model/knote.hpp"
#include "model/knote_list.hpp"

namespace kqsim::model {

using Pid = std::int32_t;

class Kqueue {
 public:
  Kqueue(Pid owner, FileIndex file, bool cponfork) : owner_(owner), file_(file), cponfork_(cponfork) {}

  // knote_attach: store a new knote at the head of its identity's chain;
  // returns its slot. O(1) amortised.
  std::uint32_t insert(const Knote& knote);
  // knote_drop's unlinking: forget the slot (the caller has detached it).
  void erase(std::uint32_t slot);
  // kqueue_register's lookup (kq_knlist / kq_knhash): the newest knote with
  // this identity.
  [[nodiscard]] std::optional<std::uint32_t> lookup(std::uint64_t ident, FilterId filter) const {
    if (buckets_.empty()) return std::nullopt;
    const std::uint32_t head = buckets_[bucket_of(ident, filter)];
    if (head == 0) return std::nullopt;
    return head - 1;
  }
  // Whether `slot` is on its identity's chain.
  [[nodiscard]] bool indexed(std::uint32_t slot) const;

  Knote& knote(std::uint32_t slot) { return knotes_[slot]; }
  [[nodiscard]] const Knote& knote(std::uint32_t slot) const { return knotes_[slot]; }
  // Slots are below this bound; those in use have knote(slot).live. Walking
  // them in slot order is the cheap order, for walks whose order nobody sees
  // (invariants, the state encoding).
  [[nodiscard]] std::uint32_t slot_bound() const { return static_cast<std::uint32_t>(knotes_.size()); }
  // Live slots in (ident, filter) order, equal identities oldest first: the
  // order the model has always used where one is observable (kqueue_close's
  // drops, equal timer deadlines, explanations). A sorted copy, O(n log n),
  // so callers may drop knotes while they walk it.
  [[nodiscard]] std::vector<std::uint32_t> live_slots() const;
  // Live slots whose ident is this fd and whose filter is fd-based, in the
  // same order: the kq_knlist[fd] chain knote_fdclose walks. O(1): one
  // lookup per fd-based filter.
  [[nodiscard]] std::vector<std::uint32_t> slots_on_fd(std::int32_t fd) const;
  [[nodiscard]] std::size_t knote_count() const { return count_; }
  // The slot registered before `slot` with the same identity (a NOTE_TRACK
  // duplicate), or kNoSlot: part of the state, as lookup depends on it.
  [[nodiscard]] std::uint32_t older_same_identity(std::uint32_t slot) const { return older_[slot]; }
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;
  // The EVFILT_TIMER knotes, in no particular order: the callouts this
  // kqueue has armed or may arm, so that advancing the clock does not walk
  // every knote.
  [[nodiscard]] const std::vector<std::uint32_t>& timer_slots() const { return timer_slots_; }

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
  // kq_forksrc: the parent's kqueue this one is being copied from, only
  // during the fork that made it (kqueue_fork_alloc to kqueue_fork_copy).
  [[nodiscard]] std::optional<std::uint32_t> fork_source() const { return fork_source_; }
  void set_fork_source(std::optional<std::uint32_t> kq) { fork_source_ = kq; }
  [[nodiscard]] bool closed() const { return closed_; }
  void mark_closed() { closed_ = true; }

 private:
  // The bucket holding this identity's chain head, or the empty bucket
  // where it would go.
  // Inline with lookup: kevent's per-change cost is a few of these (issue 14).
  [[nodiscard]] std::size_t bucket_of(std::uint64_t ident, FilterId filter) const {
    const std::size_t mask = buckets_.size() - 1;
    for (std::size_t b = identity_hash(ident, filter) & mask;; b = (b + 1) & mask) {
      const std::uint32_t head = buckets_[b];
      if (head == 0) return b;
      const KEvent& kev = knotes_[head - 1].kev;
      if (kev.ident == ident && kev.filter == filter) return b;
    }
  }
  // KN_HASH's job: spread (ident, filter) over the buckets. A multiplicative
  // mix, so consecutive descriptors or user idents do not cluster.
  static std::size_t identity_hash(std::uint64_t ident, FilterId filter) {
    std::uint64_t h = (ident ^ (static_cast<std::uint64_t>(static_cast<std::uint16_t>(filter)) << 48)) * 0x9E3779B97F4A7C15ULL;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
  void grow_buckets();
  void erase_bucket(std::size_t bucket);

  static constexpr std::size_t kInitialSlots = 8;

  std::vector<Knote> knotes_;
  std::vector<std::uint32_t> older_;  // per slot: the next-older knote with the same identity
  std::vector<std::uint32_t> free_slots_;
  // Open addressing with linear probing (vectors only: the explorer copies
  // whole kernels, where per-node allocations dominated, docs/performance.md).
  // Each bucket holds a chain head's slot + 1, or 0 when empty.
  std::vector<std::uint32_t> buckets_;
  std::size_t identities_ = 0;  // non-empty buckets
  std::size_t count_ = 0;       // live knotes
  std::vector<std::uint32_t> timer_slots_;
  ActivationQueue queue_;
  KnoteList watchers_;  // kq_sel.si_note
  Pid owner_;
  FileIndex file_;
  bool cponfork_;
  bool closed_ = false;
  std::optional<std::uint32_t> fork_source_;
  std::uint32_t next_attach_seq_ = 0;
};

// f_isfd of the filter: its ident is a descriptor number.
bool filter_is_fd_based(FilterId filter);

}  // namespace kqsim::model
