// kq_head: the kqueue's pending list, in activation order. The kernel's
// TAILQ plus a per-scan marker becomes a deque plus "how many entries were
// ahead of the marker"; knotes a scan re-appends land behind that point.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace kqsim::model {

class ActivationQueue {
 public:
  // knote_enqueue: append at the tail.
  void push_back(std::uint32_t slot) { slots_.push_back(slot); }
  // knote_dequeue: remove wherever it is (EV_DELETE, timer re-add).
  bool remove(std::uint32_t slot);
  std::optional<std::uint32_t> pop_front();
  [[nodiscard]] std::size_t size() const { return slots_.size(); }
  [[nodiscard]] bool empty() const { return slots_.empty(); }
  [[nodiscard]] const std::vector<std::uint32_t>& slots() const { return slots_; }

 private:
  // A vector, not a deque: queues are short, and the explorer copies whole
  // kernels, where a deque's chunk allocations dominate.
  std::vector<std::uint32_t> slots_;
};

}  // namespace kqsim::model
