#include "model/activation_queue.hpp"

namespace kqsim::model {

bool ActivationQueue::remove(std::uint32_t slot) {
  if (!contains(slot)) return false;
  Link& l = links_[slot];
  if (l.prev == kNone) head_ = l.next;
  else links_[l.prev].next = l.next;
  if (l.next == kNone) tail_ = l.prev;
  else links_[l.next].prev = l.prev;
  l = Link{};
  --size_;
  return true;
}

bool ActivationQueue::linked_consistently(std::uint32_t slot) const {
  if (!contains(slot)) return false;
  const Link& l = links_[slot];
  const bool back = l.prev == kNone ? head_ == slot : l.prev < links_.size() && links_[l.prev].next == slot;
  const bool fore = l.next == kNone ? tail_ == slot : l.next < links_.size() && links_[l.next].prev == slot;
  return back && fore;
}

}  // namespace kqsim::model
