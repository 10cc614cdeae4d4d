// kqreplay diff: each trace's recorded observations against the model;
// every divergence per trace (the model following the host's bindings, see
// docs/kqreplay.md#following-the-host), the model's kqueue state at the first
// one, the steps skipped, then a summary over the corpus.
#include <algorithm>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/kernel_view.hpp"
#include "tools/replay/commands.hpp"
#include "tools/replay/diff_summary.hpp"
#include "tools/replay/step_text.hpp"
#include "tools/replay/task_race_follow.hpp"
#include "tools/replay/trace_runner.hpp"
#include "traces/compare_json.hpp"

namespace kqsim::replay {
namespace {

// Copied out of the run: the run's own records do not outlive a trace
// that fails later with bad input.
struct FoundDivergence {
  std::size_t step = 0;
  std::string call;
  traces::Divergence divergence;
  std::string known_reason;  // empty: unexpected
  nlohmann::json json;
};

struct SkippedStep {
  std::size_t step = 0;
  std::string call;
  std::string why;
};

struct TraceFindings {
  std::vector<FoundDivergence> divergences;
  std::vector<SkippedStep> skipped;
  std::size_t unexpected = 0;
  std::string first_state;  // the model's knote tables after the first unexpected divergence
  std::size_t first_state_step = 0;
  std::optional<std::size_t> first_unexpected;  // its step
  // Race points replayed on the other outcome of their race, as
  // the host took it, and what each was ("exec(): after closing descriptor 5").
  std::vector<RacePoint> other_races;
  std::map<RacePoint, std::pair<std::string, std::string>> other_race_texts;  // the race's name, what happened
  std::vector<std::pair<std::size_t, std::string>> notes;  // trace notes of divergent steps
};

// Which race, for the line naming a followed one.
std::string race_name(const model::TaskRace& race) {
  switch (race.kind) {
    case model::TaskPoint::kLoopbackConnect: return "netisr race (R15)";
    case model::TaskPoint::kLoopbackReset:
    case model::TaskPoint::kLoopbackResetFirst: return "netisr race (R38)";
    case model::TaskPoint::kExecClose:
    case model::TaskPoint::kKeventChange: break;
  }
  return "kqueue_task race (R21)";
}

// "after closing descriptor 5: the task had run" - what the other outcome was.
std::string race_text(const model::TaskRace& race) {
  switch (race.kind) {
    case model::TaskPoint::kExecClose:
      return fmt::format("after closing descriptor {}: the task had not run yet (the model runs it here)", race.detail);
    case model::TaskPoint::kKeventChange:
      return fmt::format("after change {}: the task had already run (the model runs it when the call ends)", race.detail);
    case model::TaskPoint::kLoopbackReset:
      return fmt::format("descriptor {}: the call saw the SYN-ACK before netisr took the RST (the model answers ECONNRESET)",
                         race.detail);
    case model::TaskPoint::kLoopbackResetFirst:
      return fmt::format("descriptor {}: netisr had taken the handshake and its RST before the call returned", race.detail);
    case model::TaskPoint::kLoopbackConnect:
      break;
  }
  return fmt::format("descriptor {}: netisr had answered the SYN before the call returned (the model answers EINPROGRESS)",
                     race.detail);
}

void print_races(const TraceFindings& f) {
  for (const RacePoint& race : f.other_races) {
    const auto text = f.other_race_texts.find(race);
    const bool played = text != f.other_race_texts.end();
    fmt::print("  followed the host across the {} at step {}: {}\n", played ? text->second.first : std::string("race"),
               race.step, played ? text->second.second : std::string("(not played)"));
  }
}

void print_findings(const TraceReport& r, const TraceFindings& f) {
  std::size_t last_step = SIZE_MAX;
  for (const FoundDivergence& d : f.divergences) {
    if (d.step != last_step) fmt::print("  step {}: {}\n", d.step, d.call);
    last_step = d.step;
    fmt::print("    {}{}\n", divergence_text(d.divergence), d.known_reason.empty() ? "" : " [known: " + d.known_reason + "]");
  }
  for (const auto& [step, note] : f.notes) fmt::print("  trace note (step {}): {}\n", step, note);
  print_races(f);
  for (const SkippedStep& s : f.skipped) fmt::print("  skipped step {}: {}: {}\n", s.step, s.call, s.why);
  if (!f.first_state.empty()) {
    fmt::print("  the model's kqueues after step {} (the first divergence):\n{}", f.first_state_step, f.first_state);
  }
  (void)r;
}

void print_text(const TraceReport& r, const TraceFindings& f) {
  if (r.status == TraceStatus::kMatched) {
    std::string known = f.divergences.empty() ? "" : fmt::format(", {} known difference(s)", f.divergences.size());
    std::string skipped = f.skipped.empty() ? "" : fmt::format(", {} skipped", f.skipped.size());
    std::string races = f.other_races.empty() ? "" : fmt::format(", {} race(s) followed", f.other_races.size());
    fmt::print("ok        {} ({} steps{}{}{})\n", r.path, r.steps, known, skipped, races);
    print_races(f);
    for (const SkippedStep& s : f.skipped) fmt::print("  skipped step {}: {}: {}\n", s.step, s.call, s.why);
    return;
  }
  if (r.status != TraceStatus::kDivergent) {
    fmt::print("{:<9} {}\n", status_name(r.status), r.error);
    if (!f.divergences.empty() || !f.skipped.empty()) print_findings(r, f);
    return;
  }
  fmt::print("DIVERGES  {} ({} divergence(s){})\n", r.path, f.unexpected,
             f.skipped.empty() ? "" : fmt::format(", {} step(s) skipped", f.skipped.size()));
  print_findings(r, f);
}

nlohmann::json races_json(const TraceFindings& f) {
  nlohmann::json races = nlohmann::json::array();
  for (const RacePoint& race : f.other_races) {
    const auto text = f.other_race_texts.find(race);
    races.push_back({{"step", race.step}, {"point", race.point},
                     {"what", text == f.other_race_texts.end() ? std::string() : text->second.second}});
  }
  return races;
}

nlohmann::json report_json(const TraceReport& r, const TraceFindings& f) {
  nlohmann::json divergences = nlohmann::json::array();
  for (const FoundDivergence& d : f.divergences) divergences.push_back(d.json);
  nlohmann::json skipped = nlohmann::json::array();
  for (const SkippedStep& s : f.skipped) skipped.push_back({{"step", s.step}, {"call", s.call}, {"reason", s.why}});
  nlohmann::json j{{"path", r.path},
                   {"name", r.name},
                   {"dialect", r.dialect},
                   {"status", status_name(r.status)},
                   {"steps", r.steps},
                   {"compared_steps", r.compared_steps},
                   {"unexpected_divergences", f.unexpected},
                   {"divergences", divergences},
                   {"skipped_steps", skipped},
                   {"task_races_followed", races_json(f)}};
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

// Replays one trace, collecting every divergence and skipped step, and the
// model's state at the first unexpected divergence.
TraceReport replay_one(const std::string& path, const CommonOptions& opts, const Expectations* known,
                       DiffSummary& summary, TraceFindings& found, const std::vector<RacePoint>& other_races) {
  // Each step is run as it is read and dropped; should the file need
  // reading whole after all, what its streamed steps left is forgotten.
  const DiffSummary before = summary;
  ReplayOptions ro{opts.dialect, true, opts.raw_fds, opts.full_checks, true, [&] {
                     summary = before;
                     found = TraceFindings{};
                   }, other_races};
  return replay_trace(path, ro, [&](const sim::Interpreter& interp, const sim::ModelBackend& backend,
                                    const sim::StepOutcome& o) {
    for (const model::TaskRace& race : backend.kernel().task_races()) {
      const RacePoint point{o.step->index, race.point};
      if (std::binary_search(other_races.begin(), other_races.end(), point)) {
        found.other_race_texts[point] = {race_name(race), call_text(*o.step) + ": " + race_text(race)};
      }
    }
    if (o.skipped) {
      found.skipped.push_back({o.step->index, call_text(*o.step), *o.skipped});
      ++summary.skipped_steps;
      return;
    }
    bool noted = false;
    for (const traces::Divergence& d : o.divergences) {
      const std::string* reason = summary.count(interp.trace().name, *o.step, d, known);
      FoundDivergence found_d{o.step->index, call_text(*o.step), d, reason != nullptr ? *reason : "", {}};
      found_d.json = traces::divergence_json(*o.step, d, traces::trace_vs_model(d), found_d.call, reason);
      found.divergences.push_back(std::move(found_d));
      if (reason != nullptr) continue;
      ++found.unexpected;
      if (!found.first_unexpected) found.first_unexpected = o.step->index;
      if (!noted && !o.step->note.empty()) found.notes.emplace_back(o.step->index, o.step->note);
      noted = true;
      if (!found.first_state.empty()) continue;
      auto namer = [&](model::Pid pid, std::int64_t fd) { return interp.fd_name(pid, fd); };
      found.first_state = sim::describe_kqueues(backend.kernel(), namer, [&](model::Pid pid) { return interp.proc_name(pid); },
                                                [&](std::uint64_t addr) { return interp.aiocb_name(addr); });
      found.first_state_step = o.step->index;
    }
  });
}

// What a replay found, for following races: its unexpected divergences by step.
RaceRun race_run_of(const TraceFindings& f, const TraceReport& r) {
  std::vector<std::size_t> steps;
  for (const FoundDivergence& d : f.divergences) {
    if (d.known_reason.empty()) steps.push_back(d.step);
  }
  return race_run_from(r.task_races, steps);
}

// The trace replayed as the host went at the races with kernel threads: when
// the plain run diverges at or after a race step, the flips task_race_follow.hpp
// keeps, and the run with them (its findings and counts replace the plain
// run's).
TraceReport replay_following_races(const std::string& path, const CommonOptions& opts, const Expectations* known,
                                   DiffSummary& summary, TraceFindings& found) {
  const DiffSummary before = summary;
  const std::vector<std::size_t> matches_before = known != nullptr ? known->match_counts() : std::vector<std::size_t>{};
  TraceReport r = replay_one(path, opts, known, summary, found, {});
  const RaceRun plain = race_run_of(found, r);
  const std::size_t last_divergence = plain.later_divergences.empty() ? plain.first_divergence.value_or(0) : plain.later_divergences.back();
  if (!opts.follow_task_races || r.status != TraceStatus::kDivergent || !found.first_unexpected ||
      r.task_races.empty() || r.task_races.front().step > last_divergence) {
    return r;
  }
  struct Trial {
    DiffSummary summary;
    TraceFindings found;
    TraceReport report;
    std::vector<std::size_t> matches;  // the expectations' counts after it
  };
  const std::vector<std::size_t> matches_plain = known != nullptr ? known->match_counts() : std::vector<std::size_t>{};
  auto replay = [&](const std::vector<RacePoint>& other) {
    Trial t{before, {}, {}, {}};
    if (known != nullptr) known->restore_match_counts(matches_before);
    t.report = replay_one(path, opts, known, t.summary, t.found, other);
    if (known != nullptr) t.matches = known->match_counts();
    t.found.other_races = other;
    return t;
  };
  auto run_of = [](const Trial& t) { return race_run_of(t.found, t.report); };
  std::optional<Trial> best = run_with_followed_races<Trial>(plain,
                                                             race_replays_for(r.steps), replay, run_of);
  if (!best) {
    if (known != nullptr) known->restore_match_counts(matches_plain);
    return r;
  }
  if (known != nullptr) known->restore_match_counts(best->matches);
  summary = best->summary;
  found = std::move(best->found);
  ++summary.task_races_followed;
  return std::move(best->report);
}

}  // namespace

int cmd_diff(const std::vector<std::string>& args, const CommonOptions& opts) {
  std::optional<Expectations> known;
  if (opts.expectations) known = Expectations::load(*opts.expectations);
  const Expectations* k = known ? &*known : nullptr;
  std::vector<std::string> paths = expand_trace_paths(args);
  int code = kExitOk;
  DiffSummary summary;
  nlohmann::json traces_json = nlohmann::json::array();
  for (const std::string& path : paths) {
    TraceFindings found;
    TraceReport r = replay_following_races(path, opts, k, summary, found);
    if (r.status == TraceStatus::kDivergent && found.unexpected == 0) r.status = TraceStatus::kMatched;
    code = std::max(code, static_cast<int>(exit_code_for(r.status)));
    ++summary.traces;
    ++summary.by_status[status_name(r.status)];
    summary.steps += r.steps;
    summary.compared_steps += r.compared_steps;
    if (opts.json) traces_json.push_back(report_json(r, found));
    else print_text(r, found);
  }
  if (opts.json) {
    nlohmann::json doc{{"format", traces::kResultFormat}, {"command", "diff"}, {"traces", traces_json},
                       {"summary", summary.to_json(k)}};
    std::cout << traces::dump_result(doc) << "\n";
  } else {
    summary.print_text(k);
  }
  if (paths.empty()) {
    std::cerr << "kqreplay: no trace files found\n";
    return kExitBadInput;
  }
  return code;
}

}  // namespace kqsim::replay
