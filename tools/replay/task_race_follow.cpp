#include "tools/replay/task_race_follow.hpp"

#include <algorithm>

namespace kqsim::replay {
namespace {

// Whether `after` diverges later than `before` (no divergence is latest).
bool later(const std::optional<std::size_t>& after, std::size_t before) {
  return !after || *after > before;
}

}  // namespace

std::vector<RacePoint> follow_task_races(const RaceRun& first, const RaceReplay& replay, std::size_t max_replays) {
  std::vector<RacePoint> kept;
  RaceRun current = first;
  std::size_t replays = 0;
  while (current.first_divergence) {
    const std::size_t diverged = *current.first_divergence;
    bool moved = false;
    // The latest race before the divergence is the likeliest cause: try it first.
    for (auto it = current.races.rbegin(); it != current.races.rend() && !moved; ++it) {
      const RacePoint race = *it;
      if (race.step > diverged || std::binary_search(kept.begin(), kept.end(), race)) continue;
      if (replays++ == max_replays) return kept;
      std::vector<RacePoint> trial = kept;
      trial.insert(std::upper_bound(trial.begin(), trial.end(), race), race);
      RaceRun run = replay(trial);
      if (!later(run.first_divergence, diverged)) continue;
      kept = std::move(trial);
      current = std::move(run);
      moved = true;
    }
    if (!moved) break;
  }
  return kept;
}

}  // namespace kqsim::replay
