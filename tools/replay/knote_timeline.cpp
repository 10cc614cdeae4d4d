#include "tools/replay/knote_timeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "model/knote.hpp"

namespace kqsim::replay {
namespace {

// The word for a knote present after a step. "fired" first: a delivered
// EV_DISPATCH knote is also disabled, but the delivery is the news.
std::string status_word(std::uint16_t status, bool delivered) {
  if (delivered) return "fired";
  if ((status & model::kn::kDisabled) != 0) return "disabled";
  if ((status & model::kn::kQueued) != 0) return "queued";
  if ((status & model::kn::kActive) != 0) return "active";
  return "idle";
}

}  // namespace

std::vector<TimelineRow> knote_timeline(const ExplainedRun& run) {
  std::vector<TimelineRow> rows;
  std::map<std::string, std::size_t> row_of;
  const std::size_t steps = run.steps.size();
  for (std::size_t i = 0; i < steps; ++i) {
    const ExplainedStep& s = run.steps[i];
    for (const KnoteCell& cell : s.knotes) {
      auto [it, added] = row_of.emplace(cell.key, rows.size());
      if (added) rows.push_back({cell.key, cell.label, std::vector<std::string>(steps)});
      rows[it->second].cells[i] = status_word(cell.status, s.delivered.count(cell.key) != 0);
    }
    // A knote there after the previous step and gone now was deleted by this
    // one (EV_DELETE, EV_ONESHOT delivery, close, exit...).
    if (i == 0) continue;
    for (TimelineRow& row : rows) {
      const bool was = !row.cells[i - 1].empty() && row.cells[i - 1] != "deleted";
      if (was && row.cells[i].empty()) row.cells[i] = s.delivered.count(row.key) != 0 ? "fired" : "deleted";
    }
  }
  return rows;
}

std::string timeline_text(const ExplainedRun& run, std::size_t width) {
  const std::vector<TimelineRow> rows = knote_timeline(run);
  if (rows.empty()) return "(the program registers no knote)\n";
  std::size_t label_width = 0;
  for (const TimelineRow& r : rows) label_width = std::max(label_width, r.label.size());
  label_width = std::min<std::size_t>(label_width, 44);
  constexpr std::size_t kCell = 9;  // "disabled" and a space
  const std::size_t per_block = std::max<std::size_t>(1, (width - label_width - 1) / kCell);
  std::string out;
  for (std::size_t first = 0; first < run.steps.size(); first += per_block) {
    const std::size_t last = std::min(run.steps.size(), first + per_block);
    out += fmt::format("{:<{}} ", "step", label_width);
    for (std::size_t i = first; i < last; ++i) out += fmt::format("{:<{}}", run.steps[i].index, kCell);
    out += "\n";
    for (const TimelineRow& r : rows) {
      if (std::all_of(r.cells.begin() + static_cast<std::ptrdiff_t>(first), r.cells.begin() + static_cast<std::ptrdiff_t>(last),
                      [](const std::string& c) { return c.empty(); })) {
        continue;
      }
      std::string label = r.label.size() > label_width ? r.label.substr(0, label_width - 3) + "..." : r.label;
      out += fmt::format("{:<{}} ", label, label_width);
      for (std::size_t i = first; i < last; ++i) out += fmt::format("{:<{}}", r.cells[i].empty() ? "." : r.cells[i], kCell);
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out += "\n";
    }
    out += "\n";
  }
  out += "idle: registered, nothing to report; active: its event is true; queued: on the activation queue;\n"
         "disabled: EV_DISABLE or a delivered EV_DISPATCH; fired: this step's kevent() returned it (a fired\n"
         "EV_ONESHOT knote is gone after it); deleted: gone at this step (EV_DELETE, close, exit);\n"
         ".: not registered\n";
  return out;
}

}  // namespace kqsim::replay
