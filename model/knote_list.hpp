// struct knlist: the knotes an object notifies when its state changes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

#include "model/knote.hpp"

namespace kqsim::model {

class KnoteList {
 public:
  // knlist_add inserts at the head (SLIST_INSERT_HEAD, constant time), so
  // knote() visits the newest registration first; that order decides which
  // of two knotes activated by one write is queued first. Kept oldest first
  // here, so that adding stays constant time as in the kernel; every walk
  // goes through newest_first(), the kernel's order.
  void add(KnoteRef ref) { refs_.push_back(ref); }
  // knlist_remove (SLIST_REMOVE): a walk from the head, linear as there.
  bool remove(KnoteRef ref) {
    auto it = std::find(refs_.rbegin(), refs_.rend(), ref);
    if (it == refs_.rend()) return false;
    refs_.erase(std::next(it).base());
    return true;
  }
  [[nodiscard]] bool empty() const { return refs_.empty(); }
  [[nodiscard]] std::size_t size() const { return refs_.size(); }
  // The list in the kernel's order, head first (newest registration first),
  // for a range-for. (Not std::views::reverse: clang 14 with GCC 12's
  // <ranges>, the FreeBSD 13.2 compile check's pair, cannot build it.)
  struct NewestFirst {
    const std::vector<KnoteRef>& refs;
    [[nodiscard]] auto begin() const { return refs.rbegin(); }
    [[nodiscard]] auto end() const { return refs.rend(); }
  };
  [[nodiscard]] NewestFirst newest_first() const { return {refs_}; }
  // A copy in that order, for a walk during which the list may change.
  [[nodiscard]] std::vector<KnoteRef> snapshot() const { return {refs_.rbegin(), refs_.rend()}; }
  // Empties the list, handing its knotes over in the kernel's order.
  std::vector<KnoteRef> take_all() {
    std::reverse(refs_.begin(), refs_.end());
    return std::exchange(refs_, {});
  }

 private:
  std::vector<KnoteRef> refs_;  // oldest first: refs_.back() is the list's head
};

}  // namespace kqsim::model
