#include "model/activation_queue.hpp"

#include <algorithm>

namespace kqsim::model {

bool ActivationQueue::remove(std::uint32_t slot) {
  auto it = std::find(slots_.begin() + static_cast<std::ptrdiff_t>(head_), slots_.end(), slot);
  if (it == slots_.end()) return false;
  slots_.erase(it);
  return true;
}

std::optional<std::uint32_t> ActivationQueue::pop_front() {
  if (empty()) return std::nullopt;
  std::uint32_t slot = slots_[head_++];
  if (head_ == slots_.size()) {
    slots_.clear();
    head_ = 0;
  } else if (head_ >= 32 && head_ * 2 >= slots_.size()) {
    slots_.erase(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  return slot;
}

}  // namespace kqsim::model
