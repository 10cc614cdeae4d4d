// kqreplay report: the divergences of many traces (recordings of an
// implementation, campaign failures) grouped into distinct behaviours, each
// with how often it was seen, the shortest trace showing it cut after the
// step, what the implementation did, what FreeBSD does and the source of that.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/replay/expectations.hpp"
#include "traces/behaviour_notes.hpp"
#include "traces/compare.hpp"
#include "traces/trace.hpp"

namespace kqsim::replay {

// Where a behaviour belongs: kqueue's own calls, the host OS's (a pipe,
// socket, file-system or process call whose difference is not kqueue's), or
// timing (a timer's events against simulated time: not claimed).
enum class ReportSection { kKqueue, kHostOs, kTiming };

struct Behaviour {
  std::string signature;  // what makes two divergences the same behaviour
  std::string title;
  ReportSection section = ReportSection::kKqueue;
  traces::DivergenceKind kind = traces::DivergenceKind::kRet;
  std::string known_reason;  // from the expectations file; empty if unexpected
  std::string checked;       // from the notes file: what was checked by hand; empty if nothing
  std::set<std::string> filters;  // the filters it was seen with
  std::size_t occurrences = 0;
  std::size_t first_in_trace = 0;  // how often it was a trace's first divergence (ReportInput::past_notes: or after noted ones only)
  std::vector<std::string> traces;  // names of the traces showing it
  // The example: the shortest trace showing it, cut after the step (a
  // campaign failure or an --examples trace is shrunk already).
  traces::Trace example;
  bool example_is_recording = false;  // a recording, cut but not shrunk
  std::size_t example_step = 0;
  std::string example_path;
  std::string example_dialect;  // the model's dialect the example was replayed as (its own, or --dialect)
  nlohmann::json divergence;  // the example's divergence (result format)
  nlohmann::json model_observation;
  std::vector<traces::SourceRef> freebsd_sources;
};

struct ReportInput {
  std::vector<std::string> paths;
  // Traces that only offer shorter examples (kqcheck shrink's output): not
  // counted, and they add no behaviour.
  std::vector<std::string> examples;
  const traces::BehaviourNotes* notes = nullptr;
  std::optional<std::string> dialect;
  std::optional<std::string> corpus;  // conformance traces, looked up by name for sources
  const Expectations* known = nullptr;
  bool raw_fds = false;
  // --past-notes: a divergence after noted ones only (every behaviour key of
  // each in `notes`) counts as a trace's first, as kqcheck --known looks
  // past known behaviours: what a campaign run with --known found is claimed.
  bool past_notes = false;
};

struct Report {
  std::vector<Behaviour> behaviours;  // in order of first appearance
  std::size_t traces = 0;
  std::size_t recordings = 0;
  std::size_t divergent_traces = 0;
  // Traces replayed on the other outcome of a race with a kernel thread at some
  // points, as their host took it (task_race_follow.hpp), as kqreplay diff does.
  std::size_t races_followed = 0;
  std::vector<std::string> problems;  // traces that could not be replayed, with why
  int worst_exit = 0;                 // the highest exit code of those (bad input 2, unsupported 3, ...)
  std::string implementation;  // from the recordings' host headers
  std::string dialect;         // --dialect, or the first trace's own
  std::set<std::string> dialects;  // every dialect a trace was replayed as (a trace names its own)
  bool past_notes = false;         // ReportInput::past_notes: what "first" means
};

Report build_report(const ReportInput& in);
std::string report_markdown(const Report& r, const Expectations* known, const traces::BehaviourNotes* notes = nullptr);
nlohmann::json report_json(const Report& r, const Expectations* known, const traces::BehaviourNotes* notes = nullptr);

}  // namespace kqsim::replay
