// struct knlist: the knotes an object notifies when its state changes.
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

#include "model/knote.hpp"

namespace kqsim::model {

class KnoteList {
 public:
  // knlist_add inserts at the head (SLIST_INSERT_HEAD), so knote() visits
  // the newest registration first; that order decides which of two knotes
  // activated by one write is queued first.
  void add(KnoteRef ref) { refs_.insert(refs_.begin(), ref); }
  bool remove(KnoteRef ref) {
    auto it = std::find(refs_.begin(), refs_.end(), ref);
    if (it == refs_.end()) return false;
    refs_.erase(it);
    return true;
  }
  [[nodiscard]] bool empty() const { return refs_.empty(); }
  [[nodiscard]] const std::vector<KnoteRef>& refs() const { return refs_; }
  std::vector<KnoteRef> take_all() { return std::exchange(refs_, {}); }

 private:
  std::vector<KnoteRef> refs_;
};

}  // namespace kqsim::model
