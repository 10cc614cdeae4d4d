// kqcheck explore --threads N and --swarm (check/explorer.hpp).
//
// Parallel: each distinct state is inserted into the shared visited set by
// exactly one worker, which alone expands it, so the counts of a complete
// search are those of one thread: the figures pinned by hand in
// explorer_test.cpp (and the larger scenarios' counts from one thread) must
// come out for any number of workers, with and without fingerprints and POR.
//
// Swarm: members are depth-first searches with their own thread order and
// hash, so unbounded each finds the whole space (the same distinct count);
// bounded, together they cover more than any one; the same seed gives the
// same members.
#include <gtest/gtest.h>

#include <set>

#include "check/explorer.hpp"

namespace kqsim::check {
namespace {

std::string scenario_path(const char* name) { return std::string(KQSIM_SOURCE_DIR) + "/traces/scenarios/" + name; }
std::string bystander_path() { return std::string(KQSIM_SOURCE_DIR) + "/tests/check/oneshot-with-bystander.json"; }

ExploreOptions with_threads(unsigned n, bool fingerprint = false, bool por = false) {
  ExploreOptions o;
  o.threads = n;
  o.fingerprint = fingerprint;
  o.partial_order_reduction = por;
  return o;
}

TEST(ParallelExplorer, HandDerivedCountsForAnyNumberOfWorkers) {
  for (unsigned n : {2U, 3U, 8U}) {
    ExploreResult d = explore(load_scenario_file(scenario_path("dispatch-two-waiters-retrigger.json")), with_threads(n));
    EXPECT_EQ(d.generated, 7U) << n;
    EXPECT_EQ(d.distinct, 6U) << n;
    EXPECT_EQ(d.deadlocks, 2U) << n;
    ExploreResult b = explore(load_scenario_file(bystander_path()), with_threads(n));
    EXPECT_EQ(b.generated, 38U) << n;
    EXPECT_EQ(b.distinct, 21U) << n;
    EXPECT_EQ(b.deadlocks, 2U) << n;
    ExploreResult r = explore(load_scenario_file(bystander_path()), with_threads(n, false, true));
    EXPECT_EQ(r.generated, 10U) << n;
    EXPECT_EQ(r.distinct, 9U) << n;
    EXPECT_EQ(r.deadlocks, 2U) << n;
    ExploreResult p = explore(load_scenario_file(scenario_path("two-independent-pipes.json")), with_threads(n, true, true));
    EXPECT_EQ(p.generated, 4U) << n;
    EXPECT_EQ(p.distinct, 5U) << n;
  }
}

TEST(ParallelExplorer, SameCountsAsOneThreadOnTheLargerScenarios) {
  for (const char* name : {"three-threads-pipe-and-user.json", "fork-writers-close-for-eof.json", "socket-dispatch-writer-and-closer.json"}) {
    const Scenario s = load_scenario_file(scenario_path(name));
    for (bool fingerprint : {false, true}) {
      const ExploreResult one = explore(s, with_threads(1, fingerprint));
      const ExploreResult two = explore(s, with_threads(2, fingerprint));
      EXPECT_EQ(two.generated, one.generated) << name;
      EXPECT_EQ(two.distinct, one.distinct) << name;
      EXPECT_EQ(two.deadlocks, one.deadlocks) << name;
      EXPECT_EQ(two.max_depth, one.max_depth) << name;
      EXPECT_EQ(two.complete, one.complete) << name;
    }
  }
  EXPECT_EQ(explore(load_scenario_file(scenario_path("three-threads-pipe-and-user.json")), with_threads(2)).distinct, 2002U);
}

TEST(ParallelExplorer, FindsTheSeededBugWithAShortestCounterexample) {
  ExploreOptions o = with_threads(2);
  o.mutations.oneshot_not_deleted = true;
  const ExploreResult r = explore(load_scenario_file(bystander_path()), o);
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_EQ(r.counterexample.size(), 3U);  // as with one thread: the breadth-first search after it
}

TEST(Swarm, UnboundedMembersEachFindTheWholeSpace) {
  const Scenario s = load_scenario_file(scenario_path("three-threads-pipe-and-user.json"));
  const SwarmResult r = explore_swarm(s, {}, {4, 7, 0, 4});
  ASSERT_EQ(r.members.size(), 4U);
  for (const SwarmMember& m : r.members) {
    EXPECT_EQ(m.result.distinct, 2002U);
    EXPECT_TRUE(m.result.complete);
  }
  EXPECT_EQ(r.covered, 2002U);
}

TEST(Swarm, BoundedMembersCoverMoreTogetherAndRepeatForTheSameSeed) {
  const Scenario s = load_scenario_file(scenario_path("three-threads-pipe-and-user.json"));
  ExploreOptions o;
  o.max_states = 300;
  const SwarmResult r = explore_swarm(s, o, {6, 11, 0, 6});
  std::set<std::uint64_t> generated;
  for (const SwarmMember& m : r.members) {
    EXPECT_FALSE(m.result.complete);
    generated.insert(m.result.generated);
  }
  EXPECT_GT(generated.size(), 1U) << "members searched in the same order";
  EXPECT_GT(r.covered, 2 * 301U);
  EXPECT_LE(r.covered, 2002U);
  o.threads = 2;
  const SwarmResult again = explore_swarm(s, o, {6, 11, 2, 4});  // a shard of it, on two threads
  ASSERT_EQ(again.members.size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(again.members[i].index, r.members[i + 2].index);
    EXPECT_EQ(again.members[i].result.generated, r.members[i + 2].result.generated);
    EXPECT_EQ(again.members[i].result.distinct, r.members[i + 2].result.distinct);
  }
}

TEST(Swarm, MembersFindTheSeededBug) {
  ExploreOptions o;
  o.mutations.oneshot_not_deleted = true;
  const SwarmResult r = explore_swarm(load_scenario_file(bystander_path()), o, {3, 1, 0, 3});
  ASSERT_TRUE(r.violating.has_value());
  EXPECT_FALSE(r.members[*r.violating].result.counterexample.empty());
}

}  // namespace
}  // namespace kqsim::check
