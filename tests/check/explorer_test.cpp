// The explorer on the two bundled scenarios. The state counts are derived by
// hand from the kernel rules, as Stateright's tests pin theirs:
//
// dispatch-two-waiters-retrigger (EV_DISPATCH user event, triggered and
// queued by the setup; threads w1, w2 wait with no timeout; t triggers):
//   R -w1-> A (delivered, knote disabled)   R -w2-> B   R -t-> C (no change but t's pc)
//   A -t-> AT   B -t-> BT   C -w1-> = AT   C -w2-> = BT   (trigger then deliver = deliver then trigger)
//   AT and BT: the other waiter can never run: deadlocked.
//   => 7 transitions, 6 distinct states (R, A, B, C, AT, BT), 2 deadlocks.
//
// oneshot-two-waiters (EV_ONESHOT read knote on an empty pipe; w1, w2 wait;
// the writer writes twice):
//   R -wr-> S1 (queued)   S1 -w1-> S1a (delivered, knote gone)   S1 -w2-> S1b   S1 -wr-> S2
//   S1a -wr-> S1a2   S1b -wr-> S1b2   S2 -w1-> = S1a2   S2 -w2-> = S1b2
//   => 8 transitions, 7 distinct states, 2 deadlocks (S1a2, S1b2).
//
// With the seeded bugs the bound "delivered at most once" breaks, and the
// shortest schedules that show it have 3 steps.
#include <gtest/gtest.h>

#include "check/explorer.hpp"
#include "check/linearizability.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::check {
namespace {

std::string scenario_path(const char* name) { return std::string(KQSIM_SOURCE_DIR) + "/traces/scenarios/" + name; }

TEST(Explorer, DispatchScenarioStateCounts) {
  Scenario s = load_scenario_file(scenario_path("dispatch-two-waiters-retrigger.json"));
  ExploreResult r = explore(s, {});
  EXPECT_FALSE(r.violation.has_value());
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.generated, 7U);
  EXPECT_EQ(r.distinct, 6U);
  EXPECT_EQ(r.deadlocks, 2U);
}

// Socket state is part of the explored state: the dispatch bound holds over
// every interleaving of a writer/closer and two waiters, and a seeded
// EV_DISPATCH bug is found.
TEST(Explorer, SocketDispatchScenario) {
  Scenario s = load_scenario_file(scenario_path("socket-dispatch-writer-and-closer.json"));
  ExploreResult r = explore(s, {});
  EXPECT_FALSE(r.violation.has_value());
  EXPECT_TRUE(r.complete);
  ExploreOptions dispatch_bug;
  dispatch_bug.mutations.dispatch_does_not_disable = true;
  r = explore(s, dispatch_bug);
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_EQ(r.counterexample.size(), 4U);
}

TEST(Explorer, OneshotScenarioStateCounts) {
  Scenario s = load_scenario_file(scenario_path("oneshot-two-waiters.json"));
  ExploreResult r = explore(s, {});
  EXPECT_FALSE(r.violation.has_value());
  EXPECT_EQ(r.generated, 8U);
  EXPECT_EQ(r.distinct, 7U);
  EXPECT_EQ(r.deadlocks, 2U);
}

TEST(Explorer, FingerprintModeFindsTheSameStatesInEightBytes) {
  Scenario s = load_scenario_file(scenario_path("oneshot-two-waiters.json"));
  ExploreOptions o;
  o.fingerprint = true;
  ExploreResult r = explore(s, o);
  EXPECT_EQ(r.distinct, 7U);
  EXPECT_EQ(r.stored_bytes, 7U * 8U);
}

TEST(Explorer, SeededBugsGiveShortestCounterexamples) {
  ExploreOptions dispatch_bug;
  dispatch_bug.mutations.dispatch_does_not_disable = true;
  ExploreResult r = explore(load_scenario_file(scenario_path("dispatch-two-waiters-retrigger.json")), dispatch_bug);
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_EQ(r.counterexample.size(), 3U);

  ExploreOptions oneshot_bug;
  oneshot_bug.mutations.oneshot_not_deleted = true;
  Scenario s = load_scenario_file(scenario_path("oneshot-two-waiters.json"));
  r = explore(s, oneshot_bug);
  ASSERT_TRUE(r.violation.has_value());
  ASSERT_EQ(r.counterexample.size(), 3U);
  EXPECT_EQ(s.threads[r.counterexample[0].thread].name, "writer");
  traces::Trace t = counterexample_trace(s, r, oneshot_bug);
  EXPECT_EQ(t.steps.size(), s.setup.steps.size() + 3);
}

// 2002 distinct states: a measuring scenario; every interleaving completes
// (polls only), so nothing is deadlocked and the delivery bound holds.
TEST(Explorer, LargerScenarioHasNoDeadlockOrViolation) {
  ExploreResult r = explore(load_scenario_file(scenario_path("three-threads-pipe-and-user.json")), {});
  EXPECT_FALSE(r.violation.has_value());
  EXPECT_EQ(r.deadlocks, 0U);
  EXPECT_EQ(r.max_depth, 15U);  // 5 + 5 + 5 steps
  EXPECT_TRUE(r.complete);
}

TEST(Explorer, ThreadsCannotBindNames) {
  EXPECT_THROW(load_scenario_file(std::string(KQSIM_SOURCE_DIR) + "/tests/check/bad-scenario-binds.json"), traces::TraceError);
}

}  // namespace
}  // namespace kqsim::check

namespace kqsim::check {
namespace {

std::string history_path(const char* name) { return std::string(KQSIM_SOURCE_DIR) + "/traces/histories/" + name; }

// Verdicts from the kernel rules: EV_CLEAR and EV_ONESHOT events are
// delivered once; a poll invoked after another returned comes after it.
TEST(Linearizability, OverlappingPollsAreLinearizable) {
  Linearization l = check_linearizable(load_history_file(history_path("two-pollers-overlapping.json")));
  ASSERT_TRUE(l.linearizable);
  EXPECT_EQ(l.order, (std::vector<std::size_t>{1, 0}));  // the poll that got the event went first
}

TEST(Linearizability, RealTimeOrderIsRespected) {
  Linearization l = check_linearizable(load_history_file(history_path("two-pollers-in-sequence.json")));
  EXPECT_FALSE(l.linearizable);
  EXPECT_TRUE(l.longest_prefix.empty());
  ASSERT_EQ(l.blocked.size(), 1U);  // only t1 may go first, and it cannot have seen nothing
  EXPECT_EQ(l.blocked[0].first, 0U);
}

TEST(Linearizability, OneshotTwiceIsNot) {
  Linearization l = check_linearizable(load_history_file(history_path("oneshot-delivered-twice.json")));
  EXPECT_FALSE(l.linearizable);
  EXPECT_EQ(l.longest_prefix.size(), 1U);
}

}  // namespace
}  // namespace kqsim::check
