// follow_task_races: which flips of the kqueue_task race it keeps, against
// a scripted replay (the real replays are in tests/cli/kqreplay_race_test.sh).
#include "tools/replay/task_race_follow.hpp"

#include <map>

#include <gtest/gtest.h>

namespace kqsim::replay {
namespace {

using Flips = std::vector<RacePoint>;

// A replay whose outcome per set of flips is scripted; counts its calls.
struct ScriptedReplay {
  std::map<Flips, RaceRun> outcomes;
  RaceRun otherwise;
  std::vector<Flips> asked;
  RaceRun operator()(const Flips& flips) {
    asked.push_back(flips);
    auto it = outcomes.find(flips);
    return it == outcomes.end() ? otherwise : it->second;
  }
};

const std::vector<RacePoint> kRaces{{2, 0}, {5, 0}, {5, 1}, {9, 0}};

TEST(FollowTaskRaces, NoDivergenceNoReplay) {
  ScriptedReplay s;
  EXPECT_TRUE(follow_task_races(RaceRun{std::nullopt, kRaces, {}}, std::ref(s)).empty());
  EXPECT_TRUE(s.asked.empty());
}

TEST(FollowTaskRaces, TriesTheLatestRaceBeforeTheDivergenceFirst) {
  ScriptedReplay s;
  s.otherwise = RaceRun{6, kRaces, {}};
  s.outcomes[{{5, 1}}] = RaceRun{std::nullopt, kRaces, {}};
  EXPECT_EQ(follow_task_races(RaceRun{6, kRaces, {}}, std::ref(s)), (Flips{{5, 1}}));
  ASSERT_EQ(s.asked.size(), 1U);  // {9, 0} is after the divergence: never tried
}

TEST(FollowTaskRaces, KeepsAFlipThatMovesTheDivergenceAndGoesOn) {
  ScriptedReplay s;
  s.otherwise = RaceRun{6, kRaces, {}};
  s.outcomes[{{5, 1}}] = RaceRun{7, kRaces, {}};  // later, not gone
  s.outcomes[{{5, 0}, {5, 1}}] = RaceRun{std::nullopt, kRaces, {}};
  EXPECT_EQ(follow_task_races(RaceRun{6, kRaces, {}}, std::ref(s)), (Flips{{5, 0}, {5, 1}}));
}

TEST(FollowTaskRaces, NothingKeptWhenNoFlipHelps) {
  ScriptedReplay s;
  s.otherwise = RaceRun{6, kRaces, {}};
  s.outcomes[{{2, 0}}] = RaceRun{4, kRaces, {}};  // earlier: worse
  EXPECT_TRUE(follow_task_races(RaceRun{6, kRaces, {}}, std::ref(s)).empty());
  EXPECT_EQ(s.asked.size(), 3U);  // {5, 1}, {5, 0}, {2, 0}
}

TEST(FollowTaskRaces, RaceOnTheDivergentStepItselfCounts) {
  ScriptedReplay s;
  s.otherwise = RaceRun{5, kRaces, {}};
  s.outcomes[{{5, 0}}] = RaceRun{std::nullopt, kRaces, {}};
  EXPECT_EQ(follow_task_races(RaceRun{5, kRaces, {}}, std::ref(s)), (Flips{{5, 0}}));
}

TEST(FollowTaskRaces, BoundedReplays) {
  ScriptedReplay s;
  s.otherwise = RaceRun{100, {}, {}};
  std::vector<RacePoint> many;
  for (std::size_t i = 0; i < 100; ++i) many.push_back({i, 0});
  s.otherwise.races = many;
  EXPECT_TRUE(follow_task_races(RaceRun{100, many, {}}, std::ref(s), 10).empty());
  EXPECT_EQ(s.asked.size(), 10U);
}

// A first divergence of another cause (a timer the real clock fired early)
// is left as it is, and a race after it still followed: a flip is kept
// when the divergences before the one it moves stay the same (15.1 seed 19
// p01537: a timing divergence at step 22, the netisr race at 34).
TEST(FollowTaskRaces, ARaceAfterAnUnexplainedDivergenceIsFollowed) {
  ScriptedReplay s;
  const RaceRun plain{3, kRaces, {6}};
  s.otherwise = plain;
  s.outcomes[{{5, 1}}] = RaceRun{3, kRaces, {}};  // {2, 0}, the only race before step 3, changes nothing
  EXPECT_EQ(follow_task_races(plain, std::ref(s)), (Flips{{5, 1}}));
}

// The divergences before the one a flip moves must not change: a flip that
// removes step 6 but adds one at step 4 is not kept.
TEST(FollowTaskRaces, AFlipThatAddsAnEarlierDivergenceIsNotKept) {
  ScriptedReplay s;
  const RaceRun plain{3, kRaces, {6}};
  s.otherwise = plain;
  s.outcomes[{{5, 1}}] = RaceRun{3, kRaces, {4}};
  EXPECT_TRUE(follow_task_races(plain, std::ref(s)).empty());
}

TEST(RaceRunFrom, FirstAndDistinctLaterSteps) {
  const RaceRun run = race_run_from(kRaces, {3, 3, 6, 6, 9});
  EXPECT_EQ(run.first_divergence, std::optional<std::size_t>(3));
  EXPECT_EQ(run.later_divergences, (std::vector<std::size_t>{6, 9}));
  EXPECT_EQ(run.races, kRaces);
  EXPECT_FALSE(race_run_from(kRaces, {}).first_divergence.has_value());
}

TEST(FollowTaskRaces, LongTracesGetFewerReplays) {
  EXPECT_EQ(race_replays_for(100), kMaxRaceReplays);
  EXPECT_EQ(race_replays_for(1'000'000), 10U);
  EXPECT_EQ(race_replays_for(50'000'000), 1U);
  EXPECT_EQ(race_replays_for(0), kMaxRaceReplays);
}

// run_with_followed_races: the outcome handed back is the kept flips' run.
struct Outcome {
  Flips flips;
  RaceRun run;
};

std::optional<Outcome> run_following(ScriptedReplay& s, const RaceRun& first) {
  auto replay = [&](const Flips& flips) { return Outcome{flips, s(flips)}; };
  auto run_of = [](const Outcome& o) { return o.run; };
  return run_with_followed_races<Outcome>(first, kMaxRaceReplays, replay, run_of);
}

TEST(RunWithFollowedRaces, NoneKeptNoOutcome) {
  ScriptedReplay s;
  s.otherwise = RaceRun{6, kRaces, {}};
  EXPECT_FALSE(run_following(s, RaceRun{6, kRaces, {}}).has_value());
}

TEST(RunWithFollowedRaces, TheLastTrialKeptIsNotReplayedAgain) {
  ScriptedReplay s;
  s.otherwise = RaceRun{6, kRaces, {}};
  s.outcomes[{{5, 1}}] = RaceRun{std::nullopt, kRaces, {}};
  const std::optional<Outcome> o = run_following(s, RaceRun{6, kRaces, {}});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->flips, (Flips{{5, 1}}));
  EXPECT_FALSE(o->run.first_divergence.has_value());
  EXPECT_EQ(s.asked.size(), 1U);
}

TEST(RunWithFollowedRaces, AnUnkeptLaterTrialMeansOneMoreReplayOfTheKept) {
  ScriptedReplay s;
  s.otherwise = RaceRun{6, kRaces, {}};
  s.outcomes[{{5, 1}}] = RaceRun{7, kRaces, {}};  // kept; nothing after helps
  const std::optional<Outcome> o = run_following(s, RaceRun{6, kRaces, {}});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->flips, (Flips{{5, 1}}));
  EXPECT_EQ(o->run.first_divergence, std::optional<std::size_t>(7));
  // {5,1}; then {5,0}+{5,1} and {2,0}+{5,1}, neither kept; then {5,1} again.
  ASSERT_EQ(s.asked.size(), 4U);
  EXPECT_EQ(s.asked.back(), (Flips{{5, 1}}));
}

}  // namespace
}  // namespace kqsim::replay
