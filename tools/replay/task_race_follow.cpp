#include "tools/replay/task_race_follow.hpp"

#include <algorithm>
#include <cassert>

namespace kqsim::replay {
namespace {

// Every unexpected divergence of a run, by step.
std::vector<std::size_t> divergences_of(const RaceRun& run) {
  std::vector<std::size_t> out;
  if (run.first_divergence) out.push_back(*run.first_divergence);
  out.insert(out.end(), run.later_divergences.begin(), run.later_divergences.end());
  return out;
}

// Whether `after` fixes the divergence at `target` of `before`: the same
// divergences before it, and the first one from it on later (or none).
bool moves(const RaceRun& before, const RaceRun& after, std::size_t target) {
  const std::vector<std::size_t> b = divergences_of(before), a = divergences_of(after);
  const auto b_end = std::lower_bound(b.begin(), b.end(), target);
  const auto a_end = std::lower_bound(a.begin(), a.end(), target);
  if (!std::equal(b.begin(), b_end, a.begin(), a_end)) return false;
  return a_end == a.end() || *a_end > target;
}

}  // namespace

RaceRun race_run_from(std::vector<RacePoint> races, const std::vector<std::size_t>& divergent_steps) {
  RaceRun run{std::nullopt, std::move(races), {}};
  for (const std::size_t step : divergent_steps) {
    assert(!run.first_divergence || step >= *run.first_divergence);
    if (!run.first_divergence) run.first_divergence = step;
    else if (step != *run.first_divergence && (run.later_divergences.empty() || run.later_divergences.back() != step)) {
      run.later_divergences.push_back(step);
    }
  }
  return run;
}

std::vector<RacePoint> follow_task_races(const RaceRun& first, const RaceReplay& replay, std::size_t max_replays) {
  std::vector<RacePoint> kept;
  RaceRun current = first;
  std::size_t replays = 0;
  // The divergence being explained, by its position among current's.
  for (std::size_t at = 0;;) {
    const std::vector<std::size_t> divergences = divergences_of(current);
    if (at >= divergences.size()) break;
    const std::size_t target = divergences[at];
    bool moved = false;
    // The latest race before the divergence is the likeliest cause: try it first.
    for (auto it = current.races.rbegin(); it != current.races.rend() && !moved; ++it) {
      const RacePoint race = *it;
      if (race.step > target || std::binary_search(kept.begin(), kept.end(), race)) continue;
      if (replays++ == max_replays) return kept;
      std::vector<RacePoint> trial = kept;
      trial.insert(std::upper_bound(trial.begin(), trial.end(), race), race);
      RaceRun run = replay(trial);
      if (!moves(current, run, target)) continue;
      kept = std::move(trial);
      current = std::move(run);
      moved = true;
    }
    if (!moved) ++at;  // no race explains this one: the next divergence
  }
  return kept;
}

}  // namespace kqsim::replay
