// kqreplay's subcommands.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kqsim::replay {

struct CommonOptions {
  std::optional<std::string> dialect;       // overrides the trace's own
  std::optional<std::string> expectations;  // known differences file
  bool json = false;
  bool raw_fds = false;  // compare returned descriptors by number
  bool full_checks = false;  // every invariant after every call, not only what it touched
  // diff: replay again with the other outcome of a race with a kernel thread where
  // that explains a divergence (tools/replay/task_race_follow.hpp).
  bool follow_task_races = true;
};

int cmd_run(const std::string& path, const CommonOptions& opts);
// Each trace's observations against the model.
int cmd_diff(const std::vector<std::string>& paths, const CommonOptions& opts);
// Two recordings of the same program against each other (files, or folders
// paired by relative path), with the model's answer shown where they differ.
int cmd_compare(const std::string& a, const std::string& b, const CommonOptions& opts);
struct ReportOptions {
  std::optional<std::string> corpus;  // conformance traces to cite sources from
  std::string out;                    // where to write each behaviour's minimal trace
  std::vector<std::string> examples;  // traces offering shorter examples only (kqcheck shrink's output)
  std::vector<std::string> notes;     // what was checked by hand, per behaviour (one or more files)
  bool past_notes = false;            // ReportInput::past_notes
};
// Distinct divergences over recordings and campaign failures, as Markdown or JSON.
int cmd_report(const std::vector<std::string>& paths, const CommonOptions& opts, const ReportOptions& ro);
struct ExplainOptions {
  bool changes = false;  // only what each step changed
  std::string html;      // write the HTML page here instead of text
};

int cmd_explain(const std::string& path, const CommonOptions& opts, const ExplainOptions& explain);
// One row per knote, one column per step: its status as a word.
int cmd_timeline(const std::string& path, const CommonOptions& opts);
// The run as Chrome trace event JSON (Perfetto), to `out` or stdout.
int cmd_perfetto(const std::string& path, const CommonOptions& opts, const std::string& out);

}  // namespace kqsim::replay
