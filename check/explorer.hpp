// The model checker. A state is the whole kernel plus each thread's program
// counter and the deliveries counted so far; a transition is one thread
// making its next system call, atomically. Every interleaving, up to a
// bound, with visited-state hashing so each distinct state is expanded once:
// depth-first to count and check, then, only when a violation exists,
// breadth-first again for a shortest schedule reaching one (see
// check/state_space.hpp). Checked in every state: the model's invariants and
// the scenario's properties (bounded deliveries, optionally deadlock).
//
// Choices the kernel leaves open appear as interleavings: which of several
// sleeping waiters gets an event is which waiter's kevent runs first. A
// kevent with no timeout is enabled only when it would return without
// sleeping; other timeouts are explored as polls (no virtual time passes).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "check/scenario.hpp"
#include "model/kernel.hpp"

namespace kqsim::check {

struct ExploreOptions {
  bool fingerprint = false;          // store 64-bit hashes instead of whole states
  std::uint64_t max_states = 2'000'000;
  std::uint32_t max_depth = 64;
  model::ModelMutations mutations;   // test-only: explore a broken model
  bool partial_order_reduction = false;  // check/independence.hpp; counterexamples may then be longer
  // Workers sharing one visited set (check/shared_visited_set.hpp): the
  // same states and transitions as one, found sooner on several cores.
  unsigned threads = 1;
  // Swarm members only: a seed for the order in which each state's threads
  // are tried (0: scenario order), and the fingerprint hash's salt.
  std::uint64_t order_seed = 0;
  std::uint64_t hash_salt = 0;
  // Called every few thousand new states of the depth-first search with
  // the transitions taken and the states stored so far (progress lines).
  std::function<void(std::uint64_t generated, std::uint64_t distinct)> on_progress;
};

struct ScheduledStep {
  std::size_t thread = 0;
  std::size_t step = 0;  // index in that thread's steps
};

struct ExploreResult {
  std::uint64_t generated = 0;        // transitions taken
  std::uint64_t distinct = 0;         // states stored
  std::uint32_t max_depth = 0;
  std::uint64_t deadlocks = 0;        // states where every unfinished thread waits forever
  std::uint64_t stored_bytes = 0;     // memory of the visited set, slack included
  std::uint64_t cache_bytes = 0;      // memory of the table of steps' effects (check/state_space.hpp)
  double seconds = 0;                 // wall-clock time of the search
  double cpu_seconds = 0;             // processor time of the search (one thread)
  bool complete = true;               // false when a bound cut the search
  std::optional<std::string> violation;
  std::vector<ScheduledStep> counterexample;  // the schedule reaching it
  bool counterexample_shortest = true;        // false when a bound stopped the breadth-first search for it
};

ExploreResult explore(const Scenario& scenario, const ExploreOptions& options);

// Swarm (Holzmann, Joshi and Groce's swarm verification): many depth-first
// searches, each bounded (--max-states, --max-depth apply to each member),
// each trying a state's threads in its own random order and storing 64-bit
// fingerprints of its own hash function - for state spaces too large to
// search whole: together they cover far more of the space, in different
// places, than one search with the same bound. Deterministic: member i's
// order and hash come from (seed, i).
struct SwarmOptions {
  std::uint64_t members = 8;
  std::uint64_t seed = 1;
  std::uint64_t first = 0, end = 0;  // the members run here, [first, end): a shard of the swarm
};

struct SwarmMember {
  std::uint64_t index = 0;
  ExploreResult result;
};

struct SwarmResult {
  std::vector<SwarmMember> members;
  std::uint64_t covered = 0;           // distinct states stored by at least one member (fingerprints)
  std::optional<std::size_t> violating;  // the first member, by index, that found a violation
  double seconds = 0, cpu_seconds = 0;
};

// Runs the swarm's members [first, end) on options.threads threads.
SwarmResult explore_swarm(const Scenario& scenario, const ExploreOptions& options, const SwarmOptions& swarm);

// The counterexample as a sequential trace (setup, then the schedule),
// with the explored model's observations, for `kqreplay explain`.
traces::Trace counterexample_trace(const Scenario& scenario, const ExploreResult& result, const ExploreOptions& options);

}  // namespace kqsim::check
