// The knote timeline: one row per knote, one column per step, each cell the
// knote's status after that step as a word. `kqreplay timeline` prints it;
// the HTML page draws it.
#pragma once

#include <string>
#include <vector>

#include "tools/replay/explain_run.hpp"

namespace kqsim::replay {

struct TimelineRow {
  std::string key;
  std::string label;
  // Per step: "" (no such knote), "idle", "active", "queued", "disabled",
  // "fired" (this step's kevent returned it) or "deleted" (gone at this step).
  std::vector<std::string> cells;
};

std::vector<TimelineRow> knote_timeline(const ExplainedRun& run);

// Columns of steps in blocks that fit `width` columns, with a legend.
std::string timeline_text(const ExplainedRun& run, std::size_t width = 100);

}  // namespace kqsim::replay
