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
//
// Partial-order reduction (check/independence.hpp) runs a step alone when
// its objects are disjoint from every remaining step of every other thread.
// In the three scenarios above every step uses the one kqueue (or the pipe
// whose knote it holds), so no step is safe until a single thread is left,
// which full expansion also runs alone: the counts are unchanged.
//
// two-independent-pipes (thread a writes pipe 1 and polls kq1; b the same on
// pipe 2 and kq2; nothing shared): a state is (pc_a, pc_b), each 0..2.
//   Without POR: all 3 x 3 = 9 states; a moves in the 2 x 3 states with
//   pc_a < 2, b in the 3 x 2 with pc_b < 2: 12 transitions.
//   With POR: a's steps are safe (b's touch only pipe 2 and kq2) and a comes
//   first: 00 -a-> 10 -a-> 20 -b-> 21 -b-> 22: 5 states, 4 transitions.
//
// oneshot-with-bystander (tests/check): oneshot-two-waiters plus a thread
// that writes its own pipe and polls its own kqueue (2 steps).
//   Without POR: the product of the oneshot graph (7 states, 8 transitions)
//   and the bystander's chain (3 states, 2 transitions): 7 x 3 = 21 states,
//   8 x 3 + 7 x 2 = 38 transitions; deadlocks are the 2 oneshot deadlocks
//   with the bystander finished (while it has a step left, it can move).
//   With POR: the bystander's steps are the only safe ones and run first
//   (2 states, 2 transitions), then the whole oneshot graph: 2 + 7 = 9
//   states, 2 + 8 = 10 transitions, the same 2 deadlocks.
//   With the seeded EV_ONESHOT bug the violation is the same; the reduced
//   search's counterexample is the 3-step one behind the bystander's 2
//   steps, which the reduction runs first: 5 steps (documented price of POR).
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

// The fingerprint table holds 8-byte slots at most three quarters full and
// grows by half, so it never takes more than 16 bytes per stored state.
TEST(Explorer, FingerprintModeFindsTheSameStatesInAtMostSixteenBytes) {
  Scenario s = load_scenario_file(scenario_path("oneshot-two-waiters.json"));
  ExploreOptions o;
  o.fingerprint = true;
  ExploreResult r = explore(s, o);
  EXPECT_EQ(r.distinct, 7U);
  EXPECT_LE(r.stored_bytes, 7U * 16U);
  ExploreResult big = explore(load_scenario_file(scenario_path("three-threads-pipe-and-user.json")), o);
  EXPECT_EQ(big.distinct, 2002U);
  EXPECT_EQ(big.generated, 4200U);
  EXPECT_LE(big.stored_bytes, 2002U * 16U);
  EXPECT_GE(big.stored_bytes, 2002U * 8U);
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

// The lost wakeup: writer then drainer leave the waiter's kevent (no
// timeout) with nothing readable and the write end open, so it sleeps
// forever - the shortest deadlock, 2 steps. The counterexample carries the
// waiter's call, which kqreplay makes again after the last step.
TEST(Explorer, DeadlockCounterexampleRecordsTheWaitingCall) {
  Scenario s = load_scenario_file(scenario_path("drained-pipe-waiter-waits-forever.json"));
  ExploreResult r = explore(s, {});
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_EQ(*r.violation, "deadlock: every unfinished thread waits forever");
  ASSERT_EQ(r.counterexample.size(), 2U);
  EXPECT_EQ(s.threads[r.counterexample[0].thread].name, "writer");
  EXPECT_EQ(s.threads[r.counterexample[1].thread].name, "drainer");
  traces::Trace t = counterexample_trace(s, r, {});
  EXPECT_EQ(t.steps.size(), s.setup.steps.size() + 2);
  ASSERT_TRUE(t.properties.has_value());
  ASSERT_EQ(t.properties->deadlock_waiters.size(), 1U);
  EXPECT_EQ(t.properties->deadlock_waiters[0].op, traces::Op::kKevent);
  EXPECT_FALSE(t.properties->deadlock_waiters[0].timeout.has_value());
  // Not a deadlock: no waiters recorded.
  ExploreOptions oneshot_bug;
  oneshot_bug.mutations.oneshot_not_deleted = true;
  r = explore(load_scenario_file(scenario_path("oneshot-two-waiters.json")), oneshot_bug);
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_TRUE(counterexample_trace(load_scenario_file(scenario_path("oneshot-two-waiters.json")), r, oneshot_bug)
                  .properties->deadlock_waiters.empty());
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

ExploreOptions with_por() {
  ExploreOptions o;
  o.partial_order_reduction = true;
  return o;
}

TEST(Explorer, PorLeavesSingleKqueueScenariosUnchanged) {
  for (const char* name : {"dispatch-two-waiters-retrigger.json", "oneshot-two-waiters.json", "three-threads-pipe-and-user.json"}) {
    Scenario s = load_scenario_file(scenario_path(name));
    ExploreResult full = explore(s, {});
    ExploreResult reduced = explore(s, with_por());
    EXPECT_EQ(reduced.generated, full.generated) << name;
    EXPECT_EQ(reduced.distinct, full.distinct) << name;
    EXPECT_EQ(reduced.deadlocks, full.deadlocks) << name;
  }
}

TEST(Explorer, PorRunsIndependentThreadsInOneOrder) {
  Scenario s = load_scenario_file(scenario_path("two-independent-pipes.json"));
  ExploreResult full = explore(s, {});
  EXPECT_EQ(full.generated, 12U);
  EXPECT_EQ(full.distinct, 9U);
  EXPECT_EQ(full.deadlocks, 0U);
  ExploreResult reduced = explore(s, with_por());
  EXPECT_EQ(reduced.generated, 4U);
  EXPECT_EQ(reduced.distinct, 5U);
  EXPECT_EQ(reduced.max_depth, 4U);
  EXPECT_TRUE(reduced.complete);
}

std::string bystander_path() { return std::string(KQSIM_SOURCE_DIR) + "/tests/check/oneshot-with-bystander.json"; }

TEST(Explorer, PorKeepsDeadlocksWithABystander) {
  Scenario s = load_scenario_file(bystander_path());
  ExploreResult full = explore(s, {});
  EXPECT_EQ(full.generated, 38U);
  EXPECT_EQ(full.distinct, 21U);
  EXPECT_EQ(full.deadlocks, 2U);
  ExploreResult reduced = explore(s, with_por());
  EXPECT_EQ(reduced.generated, 10U);
  EXPECT_EQ(reduced.distinct, 9U);
  EXPECT_EQ(reduced.deadlocks, 2U);
}

// The search counts depth-first, then looks breadth-first for a shortest
// schedule. With the bystander as the first thread, depth-first walks its
// two steps before the writer's, so the first path it finds to the oneshot
// bug has 5 steps; the shortest is writer, waiter, waiter.
TEST(Explorer, CounterexampleIsShortestUnlessABoundStopsTheSecondSearch) {
  ExploreOptions oneshot_bug;
  oneshot_bug.mutations.oneshot_not_deleted = true;
  Scenario first = load_scenario_file(std::string(KQSIM_SOURCE_DIR) + "/tests/check/oneshot-with-bystander-first.json");
  ExploreResult r = explore(first, oneshot_bug);
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_TRUE(r.counterexample_shortest);
  ASSERT_EQ(r.counterexample.size(), 3U);
  EXPECT_EQ(first.threads[r.counterexample[0].thread].name, "writer");
  Scenario s = load_scenario_file(bystander_path());
  // Depth-first reaches the violation after 4 distinct states (root and the
  // three on its path); breadth-first needs every state of depth 1 and 2
  // first. With room for 5 states only the first search gets there, and
  // the result says its path is not known to be shortest.
  oneshot_bug.max_states = 5;
  r = explore(s, oneshot_bug);
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_FALSE(r.counterexample_shortest);
  EXPECT_EQ(r.counterexample.size(), 3U);
}

TEST(Explorer, PorStillFindsTheSeededBugs) {
  ExploreOptions dispatch_bug = with_por();
  dispatch_bug.mutations.dispatch_does_not_disable = true;
  ExploreResult r = explore(load_scenario_file(scenario_path("dispatch-two-waiters-retrigger.json")), dispatch_bug);
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_EQ(r.counterexample.size(), 3U);

  ExploreOptions oneshot_bug;
  oneshot_bug.mutations.oneshot_not_deleted = true;
  Scenario s = load_scenario_file(bystander_path());
  ExploreResult full = explore(s, oneshot_bug);
  ASSERT_TRUE(full.violation.has_value());
  EXPECT_EQ(full.counterexample.size(), 3U);
  oneshot_bug.partial_order_reduction = true;
  ExploreResult reduced = explore(s, oneshot_bug);
  ASSERT_TRUE(reduced.violation.has_value());
  EXPECT_EQ(*reduced.violation, *full.violation);
  ASSERT_EQ(reduced.counterexample.size(), 5U);
  EXPECT_EQ(s.threads[reduced.counterexample[0].thread].name, "bystander");
  EXPECT_EQ(s.threads[reduced.counterexample[1].thread].name, "bystander");
  // The schedule replays: it is a real execution of the scenario.
  traces::Trace t = counterexample_trace(s, reduced, oneshot_bug);
  EXPECT_EQ(t.steps.size(), s.setup.steps.size() + 5);
}

TEST(Explorer, ThreadsCannotBindNames) {
  EXPECT_THROW(load_scenario_file(std::string(KQSIM_SOURCE_DIR) + "/tests/check/bad-scenario-binds.json"), traces::TraceError);
}

// fork-writers-close-for-eof: after fork, parent and child each hold the
// write end (one file, two descriptors); threads parent and child close
// theirs, the waiter sleeps until EOF.
//   R -parent-> P   R -child-> C   P -child-> PC   C -parent-> = PC
//   (the file closes on its last close either way)   PC -waiter-> PCW
//   The waiter is enabled only in PC: 5 states, 5 transitions, no
//   deadlock, one EV_EOF delivery. Were both closes made in one process,
//   the second would be EBADF, the child's reference would keep the pipe
//   open, and every state would end with the waiter asleep: deadlocks.
TEST(Explorer, ThreadsRunInTheirOwnProcesses) {
  Scenario s = load_scenario_file(scenario_path("fork-writers-close-for-eof.json"));
  ExploreResult r = explore(s, {});
  EXPECT_FALSE(r.violation.has_value()) << r.violation.value_or("");
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.generated, 5U);
  EXPECT_EQ(r.distinct, 5U);
  EXPECT_EQ(r.deadlocks, 0U);
}

// pdfork-close-ends-child-thread: the closer's close of the last process
// descriptor kills the child, whose writer thread then has nothing left.
//   R -closer-> K (child dead: writer finished)   R -writer-> W   W -closer-> WK
//   4 states, 3 transitions, no deadlock (a dead process's thread does not wait).
TEST(Explorer, ThreadsOfAKilledProcessAreFinished) {
  ExploreResult r = explore(load_scenario_file(std::string(KQSIM_SOURCE_DIR) + "/tests/check/pdfork-close-ends-child-thread.json"), {});
  EXPECT_FALSE(r.violation.has_value()) << r.violation.value_or("");
  EXPECT_EQ(r.generated, 3U);
  EXPECT_EQ(r.distinct, 4U);
  EXPECT_EQ(r.deadlocks, 0U);
}

TEST(Explorer, AThreadNamesALiveProcessOfTheSetup) {
  Scenario s = load_scenario_file(scenario_path("fork-writers-close-for-eof.json"));
  s.threads[1].process = "nobody";
  try {
    explore(s, {});
    FAIL() << "an unknown process was accepted";
  } catch (const traces::TraceError& e) {
    EXPECT_NE(std::string(e.what()).find("process"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nobody"), std::string::npos) << e.what();
  }
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
