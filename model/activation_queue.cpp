#include "model/activation_queue.hpp"

#include <algorithm>

namespace kqsim::model {

bool ActivationQueue::remove(std::uint32_t slot) {
  auto it = std::find(slots_.begin(), slots_.end(), slot);
  if (it == slots_.end()) return false;
  slots_.erase(it);
  return true;
}

std::optional<std::uint32_t> ActivationQueue::pop_front() {
  if (slots_.empty()) return std::nullopt;
  std::uint32_t slot = slots_.front();
  slots_.erase(slots_.begin());
  return slot;
}

}  // namespace kqsim::model
