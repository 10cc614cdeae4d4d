// What both search orders of the explorer share: a state (Node), the
// successor function (one thread's next step, atomically), the visited set,
// and the checks made in every new state. The orders themselves are in
// explorer.cpp: depth-first to count and check (its working set is one
// kernel per level, which stays in cache), breadth-first to recover a
// shortest counterexample once a violation is known to exist.
//
// A state is stored as its kernel's number, program counters and delivery
// counts. Exact storage numbers kernels by their byte encoding
// (model::Kernel::encode) in a table of distinct kernels - far fewer than
// states: six threads polling one kqueue reach 231,657 states but
// only 100 distinct kernels - so the number stands for the encoding exactly and the
// stored state is a dozen bytes. With fingerprints the kernel's number is
// the 64-bit hash of its encoding: no table.
//
// The kernel is a value with no hidden state, so a step's effect depends
// on the kernel and the step alone: (kernel number, thread, program counter)
// -> (the next kernel's number, deliveries counted, or disabled) is
// remembered, and a transition met again - most are: each state is reached
// 4.4 times in that scenario - costs a table lookup and a visited-set probe,
// without copying the kernel, making the call or encoding the result. Only
// a new state's kernel is built (to expand and check it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "check/explorer.hpp"
#include "check/seen_state_cache.hpp"
#include "check/shared_visited_set.hpp"
#include "check/thread_steps.hpp"
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
  std::uint64_t kernel_number = 0;        // set by StateSpace::remember and next

  [[nodiscard]] std::uint32_t depth() const;
};

class StateSpace {
 public:
  enum class Successor { kDisabled, kSeen, kNew };

  StateSpace(const Scenario& s, const ExploreOptions& o, const std::vector<std::vector<ResolvedStep>>& steps)
      : s_(s), o_(o), steps_(steps) {}
  // A worker of a parallel search: kernels and states go to the tables all
  // workers share.
  StateSpace(const Scenario& s, const ExploreOptions& o, const std::vector<std::vector<ResolvedStep>>& steps,
             SharedStateSet& shared)
      : s_(s), o_(o), steps_(steps), shared_(&shared) {
    seen_.enable(kSeenCacheSlotsLog2);
  }

  [[nodiscard]] std::size_t threads() const { return steps_.size(); }
  // Thread t has no step left, or its process is gone (closing the last
  // process descriptor of a pdfork child kills it, threads and all).
  [[nodiscard]] bool finished(const Node& n, std::size_t t) const;
  // Past the last thread that still has a step: the thread whose step may
  // take the parent's kernel instead of copying it.
  [[nodiscard]] std::size_t last_unfinished(const Node& n) const;

  // Thread t's next step from `from`, built in `out` when it is a new
  // state (otherwise out's kernel is unspecified). kDisabled: the step
  // would wait forever there. With `take_kernel`, `from`'s kernel may be
  // moved out (the caller does not use it again); otherwise it is copied,
  // into storage `out` already holds.
  Successor next(Node& from, std::size_t t, bool take_kernel, Node& out);
  // Numbers n's kernel and stores the state; false when it was already there.
  bool remember(Node& n);
  // Swarm members: every state this search stores is also counted in
  // `coverage` (64-bit fingerprints of the default hash, shared by members).
  void count_coverage_in(SharedStateSet& coverage) { coverage_ = &coverage; }
  // The first broken invariant or scenario bound in a new state.
  std::optional<std::string> violation_in(const Node& n);

  [[nodiscard]] std::uint64_t visited() const;
  // The visited set: the states and, exact, the distinct kernels.
  [[nodiscard]] std::uint64_t stored_bytes() const;
  // The table of steps' effects: a cache, not needed for soundness.
  [[nodiscard]] std::uint64_t cache_bytes() const { return effects_.capacity() * sizeof(Effect); }
  [[nodiscard]] bool over_limit() const { return visited() > o_.max_states; }
  [[nodiscard]] const ExploreOptions& options() const { return o_; }
  [[nodiscard]] const Scenario& scenario() const { return s_; }

 private:
  // What thread t's step at pc does to a kernel: the next kernel's number
  // and the deliveries it counts (a number in delta_), or disabled.
  struct Effect {
    std::uint64_t kernel = 0;
    std::uint32_t step = 0;  // thread and pc, plus one; 0: empty slot
    std::uint32_t delta = 0;
    std::uint64_t next_kernel = 0;
    bool disabled = false;
  };
  static constexpr std::uint64_t kNoDelta = 0;

  std::uint64_t kernel_number(const model::Kernel& k);
  bool insert_state(const Node& n);
  bool insert_shared();
  const Effect* find_effect(std::uint64_t kernel, std::uint32_t step) const;
  void add_effect(const Effect& e);
  std::uint32_t count_deliveries(const model::KeventResult& r);
  [[nodiscard]] std::uint32_t step_key(const Node& from, std::size_t t) const;

  const Scenario& s_;
  const ExploreOptions& o_;
  const std::vector<std::vector<ResolvedStep>>& steps_;
  std::string key_;
  // One thread only: the distinct kernels and the states.
  InternTable kernels_;
  ShortKeyStateSet exact_;
  FingerprintSet fingerprints_;
  std::vector<std::uint64_t> kernel_hashes_;  // of each kernel's encoding (swarm coverage)
  SharedStateSet* shared_ = nullptr;
  // 2^16 slots, 2 MiB per worker: kept in the core's L2 cache (larger and
  // smaller caches measured slower; docs/performance.md).
  static constexpr unsigned kSeenCacheSlotsLog2 = 16;
  SeenStateCache seen_;  // a parallel worker's states found in shared_
  // States this worker stored in shared_ and has not yet added to its
  // running count: visited() - the --max-states bound - may lag the other
  // workers' by up to kPublishEvery each; the final count is exact.
  static constexpr std::uint64_t kPublishEvery = 256;
  std::uint64_t unpublished_ = 0;
  SharedStateSet* coverage_ = nullptr;
  std::vector<Effect> effects_;                     // open addressing, by key
  std::uint64_t effects_used_ = 0;
  std::vector<std::vector<std::uint32_t>> deltas_{{}};  // delivery increments; 0: none
  std::vector<std::uint32_t> scratch_delta_;
  std::unordered_set<std::uint64_t> checked_kernels_;  // whose invariants held
  model::InvariantScratch invariant_scratch_;
};

}  // namespace kqsim::check
