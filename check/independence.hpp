// Partial-order reduction for the explorer: which thread's next step may be
// explored alone from a state, because it commutes with everything the other
// threads can still do.
//
// Objects are grouped, in the current state, into components: the two ends
// of a pipe belong together, and a kqueue belongs with every object one of
// its knotes watches (pipe ends, and other kqueues for EVFILT_READ on a
// kqueue). A step's footprint is the components of the objects it names
// (descriptors resolved in the step's own process): kevent its kqueue and
// the descriptors its changes name, read/write their pipe. Steps whose
// effects can reach further are "global" and independent of nothing: close
// and dup2 (they change a descriptor table that steps read, and a last
// close can kill a process), changes with a filter other than
// EVFILT_READ/WRITE/USER, descriptors other than pipes and kqueues, and any
// state holding a knote of another kind (a timer can move the shared clock;
// a signal knote ties a kqueue to the process).
//
// A step is SAFE when it is not global and its footprint is disjoint from
// the footprint of every remaining step of every other thread. Why exploring
// a safe, enabled step alone loses nothing (it is a persistent set of size
// one, Godefroid 1996):
//  - Other threads' steps touch other components, so in any order they
//    neither change what the safe step does nor whether it is enabled (a
//    kevent without timeout is enabled only when its own kqueue has events),
//    and it changes neither for them: the two orders reach the same state.
//    Links between components only appear through a registration, which
//    names both ends; one naming the safe step's objects would overlap it.
//  - Descriptor numbers resolve the same way along every path of the other
//    threads: only close and dup2 change the table, and they are global.
//  - So every terminal state (all finished, or deadlocked) stays reachable,
//    and every state the reduction skips differs from a visited state only
//    in components the skipped steps touch, which reach the same contents
//    right after the same steps in the reduced order. The invariants are
//    checks per kqueue, per knote list, per file and per pipe, so a skipped
//    violation reappears there; delivery counts only grow, so a bound
//    broken in a skipped state is broken in the states after it.
//  - The choice depends only on the state (pcs and kernel), never on the
//    path, so state caching stays sound; schedules are acyclic (every step
//    advances a program counter), so no cycle proviso is needed.
// The price: a counterexample can be longer than the shortest one, by the
// safe steps of unrelated threads that the reduced search runs first.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "check/thread_steps.hpp"
#include "model/kernel.hpp"

namespace kqsim::check {

class Independence {
 public:
  explicit Independence(const std::vector<std::vector<ResolvedStep>>& steps) : steps_(steps) {}

  // Prepares the components of this state; call before is_safe.
  void analyse(const model::Kernel& k);
  // Whether thread t's next step (at pcs[t]) commutes with every remaining
  // step of every other thread, in the state last analysed.
  [[nodiscard]] bool is_safe(const model::Kernel& k, std::span<const std::uint32_t> pcs, std::size_t t) const;

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // Component roots a step touches, appended to `out`; false when global.
  bool footprint(const model::Kernel& k, const ResolvedStep& st, std::vector<std::uint32_t>& out) const;
  bool object_of_fd(const model::Kernel& k, model::Pid pid, std::int32_t fd, std::vector<std::uint32_t>& out) const;
  std::uint32_t root(std::uint32_t file) const;
  void unite(std::uint32_t a, std::uint32_t b);

  const std::vector<std::vector<ResolvedStep>>& steps_;
  std::vector<std::uint32_t> parent_;       // union-find over file indexes
  std::vector<std::uint32_t> pipe_file_;    // a file of each pipe pair, or kNone
  bool all_global_ = false;
  mutable std::vector<std::uint32_t> mine_, theirs_;
};

}  // namespace kqsim::check
