#include "tools/replay/trace_runner.hpp"

#include <algorithm>
#include <filesystem>

#include "model/mutations.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::replay {

namespace {

// Counted as the steps are played, kept only when the run ends normally
// (what a run that threw compared is not reported).
struct RunCounts {
  std::size_t next_step = 0;  // the step a call breaking an invariant belongs to
  std::size_t played = 0;
  std::size_t compared = 0;
  bool divergent = false;
};

// Names the dialect in the report; throws TraceError for an unknown one.
const model::DialectProfile& pick_dialect(TraceReport& report, const std::optional<std::string>& dialect_override) {
  report.name = report.trace.name;
  report.dialect = dialect_override.value_or(report.trace.dialect);
  const model::DialectProfile* profile = model::find_profile(report.dialect);
  if (profile == nullptr) {
    std::string field = dialect_override ? "--dialect" : "dialect";
    throw traces::TraceError(report.path, std::nullopt, field, "unknown dialect '" + report.dialect + "'");
  }
  return *profile;
}

// A counterexample found on a deliberately broken model runs on it (the
// parser has checked the name).
model::KernelConfig kernel_config(const traces::Trace& t) {
  model::KernelConfig config;
  config.mutations = *model::mutation_named(t.mutation);
  return config;
}

// The model, the interpreter and the properties of one run of
// report.trace, whose steps are either all there or handed over one by one.
class ModelRun {
 public:
  ModelRun(TraceReport& report, const ReplayOptions& options, const model::DialectProfile& profile,
           const StepHook& hook, RunCounts& counts)
      : report_(report),
        hook_(hook),
        counts_(counts),
        backend_(profile, kernel_config(report.trace)),
        interp_(with_checks(backend_, options, report.trace), backend_,
                sim::InterpreterOptions{false, options.follow_observed, options.raw_fds}),
        after_step_([this](const sim::StepOutcome& o) { after_step(o); }),
        other_races_(options.other_task_races) {
    if (report.trace.properties) checker_.emplace(*report.trace.properties);
  }

  void run_all() {
    for (const traces::Step& step : report_.trace.steps) {
      if (!run_next(step)) break;
    }
  }
  // False once the run has ended (a crash or a hang).
  bool run_next(const traces::Step& step) {
    ++counts_.played;
    std::vector<std::uint32_t> other_points;
    auto it = std::lower_bound(other_races_.begin(), other_races_.end(), RacePoint{step.index, 0});
    for (; it != other_races_.end() && it->step == step.index; ++it) other_points.push_back(it->point);
    backend_.set_task_timing(std::move(other_points));
    return interp_.run_next(step, after_step_);
  }
  // A deadlock is in the state after the last step: reported at that step,
  // as kqcheck explore reports it.
  void at_end(std::size_t steps) {
    if (!checker_ || report_.violation || counts_.played != steps) return;
    if (auto bad = checker_->at_end(interp_, backend_.kernel())) {
      report_.violation = check::StepViolation{steps == 0 ? 0 : steps - 1, *bad};
    }
  }

 private:
  void after_step(const sim::StepOutcome& o) {
    counts_.next_step = o.step->index + 1;
    for (const model::TaskRace& race : backend_.kernel().task_races()) report_.task_races.push_back({o.step->index, race.point});
    if (o.compared) ++counts_.compared;
    if (!o.divergences.empty()) counts_.divergent = true;
    if (checker_ && !report_.violation) {
      if (auto bad = checker_->after_step(interp_, backend_.kernel(), o)) report_.violation = check::StepViolation{o.step->index, *bad};
    }
    if (hook_) hook_(interp_, backend_, o);
  }

  // What each call touched is checked unless asked for everything; a
  // counterexample (a mutation or properties) is checked whole, as found.
  // Set before the interpreter starts the first process.
  static const traces::Trace& with_checks(sim::ModelBackend& backend, const ReplayOptions& options, const traces::Trace& t) {
    const bool counterexample = !t.mutation.empty() || t.properties;
    if (!options.full_checks && !counterexample) backend.set_invariant_checks(sim::InvariantChecks::kTouched);
    return t;
  }

  TraceReport& report_;
  const StepHook& hook_;
  RunCounts& counts_;
  sim::ModelBackend backend_;
  sim::Interpreter interp_;
  std::optional<check::PropertyChecker> checker_;
  std::function<void(const sim::StepOutcome&)> after_step_;
  const std::vector<RacePoint>& other_races_;
};

// The status a run that ended normally (`ran`) or threw leaves.
void settle_status(TraceReport& report, bool ran, bool divergent) {
  if (ran && divergent && report.status == TraceStatus::kMatched) report.status = TraceStatus::kDivergent;
  if (report.violation && (report.status == TraceStatus::kMatched || report.status == TraceStatus::kDivergent)) {
    report.status = TraceStatus::kPropertyViolated;
    report.error = report.path + ": " + violation_text(*report.violation);
  }
}

// Each step run as it is read and dropped (memory O(1) in the steps, no
// Step held or destroyed in bulk: issue 14). Anything but a clean file
// and a run that throws nothing gives up (nullopt): the caller then
// replays the file whole, so every error, and its order, is as before.
std::optional<TraceReport> replay_streamed(const std::string& path, const ReplayOptions& options, const StepHook& hook) {
  TraceReport report;
  report.path = path;
  RunCounts counts;
  std::optional<ModelRun> run;
  bool ended = false;
  traces::TraceStreamSink sink{
      [&](const traces::Trace& header) {
        report.trace = header;
        try {
          run.emplace(report, options, pick_dialect(report, options.dialect), hook, counts);
        } catch (...) {  // replayed whole, it fails there as it always did
          throw traces::StopStream{};
        }
      },
      [&](const traces::Step& step) {
        if (ended) return;  // read, and checked, but not run: as run_each stops
        // The interpreter keeps the ports every bind step names from the
        // start (never ephemeral): such a trace is run whole, read first.
        if (sim::names_explicit_port(step)) throw traces::StopStream{};
        try {
          ended = !run->run_next(step);
        } catch (...) {  // replayed whole, it fails there as it always did
          throw traces::StopStream{};
        }
      }};
  const std::optional<traces::StreamedTrace> streamed = traces::stream_trace_file(path, sink);
  if (!streamed) return std::nullopt;
  report.compared_steps = counts.compared;
  try {
    run->at_end(streamed->steps);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  report.steps = streamed->steps;
  settle_status(report, true, counts.divergent);
  return report;
}

}  // namespace

TraceReport replay_trace(const std::string& path, const ReplayOptions& options, const StepHook& hook) {
  if (options.stream_steps) {
    if (std::optional<TraceReport> streamed = replay_streamed(path, options, hook)) return std::move(*streamed);
    if (options.forget) options.forget();
  }
  TraceReport report;
  report.path = path;
  RunCounts counts;
  bool ran = false;
  try {
    report.trace = traces::load_trace_file(path);
    ModelRun run(report, options, pick_dialect(report, options.dialect), hook, counts);
    run.run_all();
    report.compared_steps = counts.compared;
    ran = true;
    run.at_end(report.trace.steps.size());
  } catch (const sim::InvariantViolation& e) {
    // On a mutated model, or in a counterexample, a broken invariant is the
    // failure the trace shows; on the faithful model it is a kqsim bug.
    if (!report.violation) report.violation = check::StepViolation{counts.next_step, {"invariant", e.violation()}};
    if (report.trace.mutation.empty() && !report.trace.properties) {
      report.status = TraceStatus::kInternal;
      report.error = path + ": step " + std::to_string(counts.next_step) + ": " + e.what();
    }
  } catch (const sim::UnsupportedStep& e) {
    report.status = TraceStatus::kUnsupported;
    report.error = e.what();
  } catch (const traces::TraceError& e) {
    report.status = TraceStatus::kBadInput;
    report.error = e.what();
  } catch (const std::exception& e) {
    // One file's trouble (an unreadable file, a file-system error) is that
    // file's entry; the other traces still run.
    report.status = TraceStatus::kBadInput;
    report.error = path + ": cannot replay: " + e.what();
  }
  report.steps = report.trace.steps.size();
  settle_status(report, ran, counts.divergent);
  return report;
}

std::string violation_text(const check::StepViolation& v) {
  return "step " + std::to_string(v.step) + ": " + v.violation.text();
}

std::string model_banner(const traces::Trace& t) {
  if (t.mutation.empty()) return "";
  for (const model::MutationName& m : model::mutation_names()) {
    if (t.mutation == m.name) return "on a deliberately broken model: mutation " + t.mutation + " (" + m.what + ")";
  }
  return "";
}

ExitCode exit_code_for(TraceStatus status) {
  switch (status) {
    case TraceStatus::kMatched: return kExitOk;
    case TraceStatus::kDivergent: return kExitDivergence;
    case TraceStatus::kPropertyViolated: return kExitDivergence;
    case TraceStatus::kBadInput: return kExitBadInput;
    case TraceStatus::kUnsupported: return kExitUnsupported;
    case TraceStatus::kInternal: return kExitInternal;
  }
  return kExitInternal;
}

const char* status_name(TraceStatus status) {
  switch (status) {
    case TraceStatus::kMatched: return "matched";
    case TraceStatus::kDivergent: return "divergent";
    case TraceStatus::kPropertyViolated: return "property-violated";
    case TraceStatus::kBadInput: return "bad-input";
    case TraceStatus::kUnsupported: return "unsupported";
    case TraceStatus::kInternal: return "internal-error";
  }
  return "?";
}

std::vector<std::string> expand_trace_paths(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (!fs::is_directory(arg, ec)) {
      out.push_back(arg);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      // A broken link or unreadable file is kept, to be reported as that
      // file's entry; a directory or a FIFO named *.json is no trace file.
      std::error_code entry_ec;
      const fs::file_status st = it->status(entry_ec);
      if (it->path().extension() == ".json" && !fs::is_directory(st) && !fs::is_fifo(st)) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace kqsim::replay
