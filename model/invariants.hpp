// The kernel's KASSERTs about knotes and queues, as a check over a whole
// Kernel value. Tests and the explorer run it after every step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/kernel.hpp"

namespace kqsim::model {

// Empty when every invariant holds; otherwise one line per violation.
std::vector<std::string> check_invariants(const Kernel& kernel);

// Working memory for invariants_hold, kept by a caller that checks many
// states so that a passing check allocates nothing.
struct InvariantScratch {
  std::vector<std::uint32_t> counts;       // per knote slot, flattened over kqueues
  std::vector<std::uint32_t> kq_offsets;   // where each kqueue's slots start in counts
  std::vector<std::uint32_t> vnode_counts; // per vnode: links, FIFO readers, FIFO writers (3 each)
};

// The same checks as check_invariants, stopping at the first violation and
// without building messages: the explorer's per-state check. Call
// check_invariants for the words when this returns false.
bool invariants_hold(const Kernel& kernel, InvariantScratch& scratch);

// What a call can have broken, at a cost in proportion to what it touched
// (the knotes Kernel::touched() lists since the last clear_touched and their
// places in their queues; the objects that are not knotes only when
// Kernel::objects_touched(), and only of the kinds it names,
// Kernel::touched_object_kinds()) rather than to every registered knote or
// pending event: kqreplay's default after each call. Knlist
// membership, file reference counts and kq_ncallouts need every knote and
// are left to check_invariants (kqreplay --full-checks, the tests, the
// explorer). Empty when all hold; needs Kernel::set_touch_tracking(true).
std::vector<std::string> check_touched_invariants(const Kernel& kernel, InvariantScratch& scratch);

}  // namespace kqsim::model
