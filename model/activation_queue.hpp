// kq_head: the kqueue's pending list, in activation order. The kernel's
// TAILQ plus a per-scan marker becomes a vector plus "how many entries were
// ahead of the marker"; knotes a scan re-appends land behind that point.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace kqsim::model {

class ActivationQueue {
 public:
  // knote_enqueue: append at the tail.
  void push_back(std::uint32_t slot) { slots_.push_back(slot); }
  // knote_dequeue: remove wherever it is (EV_DELETE, timer re-add). Linear
  // in the queue's length (pending events, not registered knotes).
  bool remove(std::uint32_t slot);
  // TAILQ_REMOVE of the head, as kqueue_scan does: O(1) amortised.
  std::optional<std::uint32_t> pop_front();
  [[nodiscard]] std::size_t size() const { return slots_.size() - head_; }
  [[nodiscard]] bool empty() const { return size() == 0; }
  [[nodiscard]] std::span<const std::uint32_t> slots() const {
    return std::span<const std::uint32_t>(slots_).subspan(head_);
  }

 private:
  // A vector, not a deque: queues are short, and the explorer copies whole
  // kernels, where a deque's chunk allocations dominate. Entries before
  // head_ are already taken; they are dropped once they are half the vector.
  std::vector<std::uint32_t> slots_;
  std::size_t head_ = 0;
};

}  // namespace kqsim::model
