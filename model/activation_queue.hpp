// kq_head: the kqueue's pending list, in activation order. The kernel's
// TAILQ, linked through per-slot next/prev words, so that knote_dequeue
// removes a knote from anywhere in O(1) as TAILQ_REMOVE does. The scan's
// marker becomes "how many entries were ahead of it"; knotes a scan
// re-appends land behind that point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <vector>

namespace kqsim::model {

class ActivationQueue {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // The queued slots from head to tail: a forward range for range-for.
  class Slots {
   public:
    class iterator {
     public:
      using iterator_category = std::forward_iterator_tag;
      using value_type = std::uint32_t;
      using difference_type = std::ptrdiff_t;
      using pointer = const std::uint32_t*;
      using reference = std::uint32_t;
      iterator(const ActivationQueue* q, std::uint32_t slot) : q_(q), slot_(slot) {}
      std::uint32_t operator*() const { return slot_; }
      iterator& operator++() {
        slot_ = q_->links_[slot_].next;
        return *this;
      }
      iterator operator++(int) {
        iterator was = *this;
        ++*this;
        return was;
      }
      friend bool operator==(const iterator& a, const iterator& b) { return a.slot_ == b.slot_; }

     private:
      const ActivationQueue* q_;
      std::uint32_t slot_;
    };
    explicit Slots(const ActivationQueue& q) : q_(&q) {}
    [[nodiscard]] iterator begin() const { return {q_, q_->head_}; }
    [[nodiscard]] iterator end() const { return {q_, kNone}; }
    [[nodiscard]] std::size_t size() const { return q_->size_; }

   private:
    const ActivationQueue* q_;
  };

  // knote_enqueue: append at the tail. The slot must not be queued.
  void push_back(std::uint32_t slot) {
    if (slot >= links_.size()) links_.resize(static_cast<std::size_t>(slot) + 1);
    links_[slot] = Link{tail_, kNone, true};
    if (tail_ == kNone) head_ = slot;
    else links_[tail_].next = slot;
    tail_ = slot;
    ++size_;
  }
  // knote_dequeue: remove wherever it is (EV_DELETE, timer re-add), O(1).
  // False when the slot is not queued.
  bool remove(std::uint32_t slot);
  // TAILQ_REMOVE of the head, as kqueue_scan does: O(1).
  std::optional<std::uint32_t> pop_front() {
    if (head_ == kNone) return std::nullopt;
    const std::uint32_t slot = head_;
    remove(slot);
    return slot;
  }
  [[nodiscard]] bool contains(std::uint32_t slot) const { return slot < links_.size() && links_[slot].queued; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] Slots slots() const { return Slots(*this); }
  // Whether the links around a queued slot agree with each other (the
  // touched-knote check's view of TAILQ's integrity).
  [[nodiscard]] bool linked_consistently(std::uint32_t slot) const;

 private:
  // Vectors indexed by slot, not nodes: the explorer copies whole kernels,
  // where per-node allocations dominate (docs/performance.md).
  struct Link {
    std::uint32_t prev = kNone;
    std::uint32_t next = kNone;
    bool queued = false;
  };
  std::vector<Link> links_;
  std::uint32_t head_ = kNone;
  std::uint32_t tail_ = kNone;
  std::size_t size_ = 0;
};

}  // namespace kqsim::model
