// Following a host across a race with a kernel thread - the kqueue_task race
// (R21) or a loopback connect's netisr race (R15); model/kqueue_task_timing.hpp,
// docs/observed-real-kernels.md: a recording whose host took the rarer
// outcome at some call diverges from the model's usual outcome there, though
// the kernel does both. kqreplay diff replays such a trace again with the
// other outcome at a race point before a divergence, and keeps a flip when it
// moves that divergence later (or removes it) and leaves the ones before it
// as they were: what is left is what no schedule of those threads that the
// model knows explains.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace kqsim::replay {

// One task point of one step's call (model::TaskRace::point).
struct RacePoint {
  std::size_t step = 0;
  std::uint32_t point = 0;
  auto operator<=>(const RacePoint&) const = default;
};

// What one replay with some race points flipped found.
struct RaceRun {
  std::optional<std::size_t> first_divergence;  // the step of the first unexpected one; nullopt: none
  std::vector<RacePoint> races;                  // the race points met, in order
  std::vector<std::size_t> later_divergences;    // the steps of the other unexpected ones, sorted, distinct
};

// A run's RaceRun from the steps of its unexpected divergences, in step
// order (a step may repeat), and the race points it met.
RaceRun race_run_from(std::vector<RacePoint> races, const std::vector<std::size_t>& divergent_steps);

// Replays the trace with these race points (sorted) on the other outcome.
using RaceReplay = std::function<RaceRun(const std::vector<RacePoint>& other)>;

// Bounds the replays one trace may cost: each race point is tried at most
// once per divergence moved, and a trace rarely meets more than a few. A
// long recording gets fewer: at most kMaxRaceReplaySteps steps replayed in
// all (some 20 s on this project's machine), and at least one replay.
inline constexpr std::size_t kMaxRaceReplays = 64;
inline constexpr std::size_t kMaxRaceReplaySteps = 10'000'000;
[[nodiscard]] constexpr std::size_t race_replays_for(std::size_t steps) {
  const std::size_t by_size = steps == 0 ? kMaxRaceReplays : kMaxRaceReplaySteps / steps;
  return by_size < 1 ? 1 : by_size > kMaxRaceReplays ? kMaxRaceReplays : by_size;
}

// Greedy, latest race point first: the flips kept (sorted; empty when the
// first run has no divergence, or none helps). `first` is the unflipped run.
// A divergence no flip moves is left for the next one: a race after an
// earlier divergence of another cause (a timer the real clock fired first)
// is still followed, as long as the divergences before it stay as they were.
std::vector<RacePoint> follow_task_races(const RaceRun& first, const RaceReplay& replay,
                                         std::size_t max_replays = kMaxRaceReplays);

// What a caller wants from following: the outcome (a report, findings,
// counts: whatever `replay` returns) of the run with the kept flips, or
// nullopt when none is kept. `run_of` reads an outcome's RaceRun. The last
// trial is that run unless a later, unkept trial followed it; then the kept
// flips are replayed once more.
template <class Outcome, class Replay, class RunOf>
std::optional<Outcome> run_with_followed_races(const RaceRun& first, std::size_t max_replays, Replay&& replay,
                                               RunOf&& run_of) {
  std::optional<Outcome> last;
  std::vector<RacePoint> last_flips;
  auto trial = [&](const std::vector<RacePoint>& other) {
    last.emplace(replay(other));
    last_flips = other;
    return run_of(*last);
  };
  const std::vector<RacePoint> kept = follow_task_races(first, trial, max_replays);
  if (kept.empty()) return std::nullopt;
  if (last_flips != kept) trial(kept);
  return last;
}

}  // namespace kqsim::replay
