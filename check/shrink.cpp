#include "check/shrink.hpp"

#include "traces/trace_error.hpp"

namespace kqsim::check {
namespace {

void reindex(traces::Trace& t) {
  for (std::size_t i = 0; i < t.steps.size(); ++i) t.steps[i].index = i;
}

class Shrinker {
 public:
  Shrinker(const StillFails& still_fails, std::size_t budget) : still_fails_(still_fails), budget_(budget) {}

  // Keeps the candidate if it still fails.
  bool try_keep(traces::Trace& current, traces::Trace candidate) {
    if (budget_ == 0) return false;
    --budget_;
    reindex(candidate);
    bool fails = false;
    try {
      fails = still_fails_(candidate);
    } catch (const traces::TraceError&) {
      fails = false;  // no longer a valid program
    }
    if (fails) current = std::move(candidate);
    return fails;
  }

  bool drop_step_chunks(traces::Trace& t) {
    bool progress = false;
    for (std::size_t chunk = std::max<std::size_t>(t.steps.size() / 2, 1); chunk >= 1; chunk /= 2) {
      for (std::size_t start = 0; start < t.steps.size();) {
        traces::Trace candidate = t;
        auto first = candidate.steps.begin() + static_cast<std::ptrdiff_t>(start);
        auto last = candidate.steps.begin() + static_cast<std::ptrdiff_t>(std::min(start + chunk, t.steps.size()));
        candidate.steps.erase(first, last);
        if (try_keep(t, std::move(candidate))) progress = true;
        else start += chunk;
      }
      if (chunk == 1) break;
    }
    return progress;
  }

  bool drop_changes(traces::Trace& t) {
    bool progress = false;
    for (std::size_t s = 0; s < t.steps.size(); ++s) {
      for (std::size_t c = 0; c < t.steps[s].changes.size();) {
        traces::Trace candidate = t;
        candidate.steps[s].changes.erase(candidate.steps[s].changes.begin() + static_cast<std::ptrdiff_t>(c));
        if (try_keep(t, std::move(candidate))) progress = true;
        else ++c;
      }
    }
    return progress;
  }

  // A registration made by its own kevent call can often ride along with
  // the next call on the same kqueue: move its changes there, one step fewer.
  bool merge_kevents(traces::Trace& t) {
    bool progress = false;
    for (std::size_t i = 0; i < t.steps.size(); ++i) {
      if (t.steps[i].op != traces::Op::kKevent || t.steps[i].changes.empty()) continue;
      for (std::size_t j = i + 1; j < t.steps.size(); ++j) {
        if (t.steps[j].op != traces::Op::kKevent || t.steps[j].proc != t.steps[i].proc) continue;
        traces::Trace candidate = t;
        auto& into = candidate.steps[j].changes;
        into.insert(into.begin(), t.steps[i].changes.begin(), t.steps[i].changes.end());
        candidate.steps.erase(candidate.steps.begin() + static_cast<std::ptrdiff_t>(i));
        if (try_keep(t, std::move(candidate))) progress = true;
        break;  // only the next kevent call is a natural home
      }
    }
    return progress;
  }

  // Smaller sizes and counts read better: halve them while it still fails.
  bool simplify_numbers(traces::Trace& t) {
    bool progress = false;
    for (std::size_t s = 0; s < t.steps.size(); ++s) {
      while (t.steps[s].bytes > 1) {
        traces::Trace candidate = t;
        candidate.steps[s].bytes /= 2;
        if (!try_keep(t, std::move(candidate))) break;
        progress = true;
      }
      while (t.steps[s].nevents > 1) {
        traces::Trace candidate = t;
        candidate.steps[s].nevents -= 1;
        if (!try_keep(t, std::move(candidate))) break;
        progress = true;
      }
    }
    return progress;
  }

 private:
  const StillFails& still_fails_;
  std::size_t budget_;
};

}  // namespace

traces::Trace shrink_trace(traces::Trace failing, const StillFails& still_fails, std::size_t max_attempts) {
  Shrinker s(still_fails, max_attempts);
  for (int round = 0; round < 16; ++round) {
    bool progress = s.drop_step_chunks(failing);
    progress = s.drop_changes(failing) || progress;
    progress = s.merge_kevents(failing) || progress;
    progress = s.simplify_numbers(failing) || progress;
    if (!progress) break;
  }
  reindex(failing);
  return failing;
}

}  // namespace kqsim::check
