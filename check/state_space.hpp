// What both search orders of the explorer share: a state (Node), the
// successor function (one thread's next step, atomically), the visited set,
// and the checks made in every new state. The orders themselves are in
// explorer.cpp: depth-first to count and check (its working set is one
// kernel per level, which stays in cache), breadth-first to recover a
// shortest counterexample once a violation is known to exist.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "check/explorer.hpp"
#include "check/thread_steps.hpp"
#include "check/shared_visited_set.hpp"
#include "check/visited_set.hpp"
#include "model/invariants.hpp"
#include "model/kernel.hpp"

namespace kqsim::check {

// One state: the kernel, each thread's next step, and the deliveries
// counted against the scenario's bounds. Every step advances one program
// counter, so a state's depth is their sum whichever schedule reached it.
struct Node {
  model::Kernel kernel;
  std::vector<std::uint32_t> pcs;         // next step of each thread
  std::vector<std::uint32_t> deliveries;  // per bound of the scenario
  std::uint32_t id = 0;                   // position in the schedule links, when they are kept

  [[nodiscard]] std::uint32_t depth() const;
};

class StateSpace {
 public:
  enum class Successor { kDisabled, kSeen, kNew };

  StateSpace(const Scenario& s, const ExploreOptions& o, const std::vector<std::vector<ResolvedStep>>& steps)
      : s_(s), o_(o), steps_(steps) {}
  // A worker of a parallel search: states go to the set all workers share.
  StateSpace(const Scenario& s, const ExploreOptions& o, const std::vector<std::vector<ResolvedStep>>& steps,
             SharedStateSet& shared)
      : s_(s), o_(o), steps_(steps), shared_(shared), shared_set_(&shared) {}

  [[nodiscard]] std::size_t threads() const { return steps_.size(); }
  // Thread t has no step left, or its process is gone (closing the last
  // process descriptor of a pdfork child kills it, threads and all).
  [[nodiscard]] bool finished(const Node& n, std::size_t t) const;
  // Past the last thread that still has a step: the thread whose step may
  // take the parent's kernel instead of copying it.
  [[nodiscard]] std::size_t last_unfinished(const Node& n) const;

  // Thread t's next step from `from`, built in `out`. kDisabled: the step
  // would wait forever there. With `take_kernel`, `from`'s kernel is moved
  // out (the caller does not use it again); otherwise it is copied, into
  // storage `out` already holds.
  Successor next(Node& from, std::size_t t, bool take_kernel, Node& out);
  // Stores the state; false when it was already there.
  bool remember(const Node& n);
  // Swarm members: every state this search stores is also counted in
  // `coverage` (64-bit fingerprints of the default hash, shared by members).
  void count_coverage_in(SharedStateSet& coverage) { coverage_.emplace(coverage); }
  // The first broken invariant or scenario bound in a new state.
  std::optional<std::string> violation_in(const Node& n);

  [[nodiscard]] std::uint64_t visited() const {
    if (shared_set_ != nullptr) return shared_set_->size();
    return o_.fingerprint ? fingerprints_.size() : exact_.size();
  }
  [[nodiscard]] std::uint64_t stored_bytes() const {
    if (shared_set_ != nullptr) return shared_set_->bytes();
    return o_.fingerprint ? fingerprints_.bytes() : exact_.bytes();
  }
  [[nodiscard]] bool over_limit() const { return visited() > o_.max_states; }
  [[nodiscard]] const ExploreOptions& options() const { return o_; }
  [[nodiscard]] const Scenario& scenario() const { return s_; }

 private:
  void count_deliveries(const model::KeventResult& r, Node& n) const;
  void append_counters(const std::vector<std::uint32_t>& values);

  const Scenario& s_;
  const ExploreOptions& o_;
  const std::vector<std::vector<ResolvedStep>>& steps_;
  std::string key_;
  std::vector<std::uint32_t> part_ends_;
  CollapsedStateSet exact_;
  FingerprintSet fingerprints_;
  std::optional<SharedStateSet::View> shared_, coverage_;
  SharedStateSet* shared_set_ = nullptr;
  model::InvariantScratch invariant_scratch_;
};

}  // namespace kqsim::check
