#include "tools/replay/trace_runner.hpp"

#include <algorithm>
#include <filesystem>

#include "model/mutations.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::replay {

TraceReport replay_trace(const std::string& path, const ReplayOptions& options, const StepHook& hook) {
  const std::optional<std::string>& dialect_override = options.dialect;
  TraceReport report;
  report.path = path;
  std::size_t next_step = 0;  // the step a call breaking an invariant belongs to
  // Counted as the steps are played, kept only when the run ends normally
  // (what a run that threw compared is not reported).
  std::size_t played = 0;
  std::size_t compared = 0;
  bool divergent = false;
  bool ran = false;
  try {
    report.trace = traces::load_trace_file(path);
    report.name = report.trace.name;
    report.dialect = dialect_override.value_or(report.trace.dialect);
    const model::DialectProfile* profile = model::find_profile(report.dialect);
    if (profile == nullptr) {
      std::string field = dialect_override ? "--dialect" : "dialect";
      throw traces::TraceError(path, std::nullopt, field, "unknown dialect '" + report.dialect + "'");
    }
    // A counterexample found on a deliberately broken model runs on it
    // (the parser has checked the name).
    model::KernelConfig config;
    config.mutations = *model::mutation_named(report.trace.mutation);
    sim::ModelBackend backend(*profile, config);
    // What each call touched is checked unless asked for everything; a
    // counterexample (a mutation or properties) is checked whole, as found.
    const bool counterexample = !report.trace.mutation.empty() || report.trace.properties;
    if (!options.full_checks && !counterexample) backend.set_invariant_checks(sim::InvariantChecks::kTouched);
    sim::Interpreter interp(report.trace, backend,
                            sim::InterpreterOptions{false, options.follow_observed, options.raw_fds});
    std::optional<check::PropertyChecker> checker;
    if (report.trace.properties) checker.emplace(*report.trace.properties);
    played = interp.run_each([&](const sim::StepOutcome& o) {
      next_step = o.step->index + 1;
      if (o.compared) ++compared;
      if (!o.divergences.empty()) divergent = true;
      if (checker && !report.violation) {
        if (auto bad = checker->after_step(interp, backend.kernel(), o)) report.violation = check::StepViolation{o.step->index, *bad};
      }
      if (hook) hook(interp, backend, o);
    });
    report.compared_steps = compared;
    ran = true;
    // A deadlock is in the state after the last step: reported at that step,
    // as kqcheck explore reports it.
    if (checker && !report.violation && played == report.trace.steps.size()) {
      if (auto bad = checker->at_end(interp, backend.kernel())) {
        report.violation = check::StepViolation{report.trace.steps.empty() ? 0 : report.trace.steps.size() - 1, *bad};
      }
    }
  } catch (const sim::InvariantViolation& e) {
    // On a mutated model, or in a counterexample, a broken invariant is the
    // failure the trace shows; on the faithful model it is a kqsim bug.
    if (!report.violation) report.violation = check::StepViolation{next_step, {"invariant", e.violation()}};
    if (report.trace.mutation.empty() && !report.trace.properties) {
      report.status = TraceStatus::kInternal;
      report.error = path + ": step " + std::to_string(next_step) + ": " + e.what();
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
  if (ran && divergent && report.status == TraceStatus::kMatched) report.status = TraceStatus::kDivergent;
  if (report.violation && (report.status == TraceStatus::kMatched || report.status == TraceStatus::kDivergent)) {
    report.status = TraceStatus::kPropertyViolated;
    report.error = path + ": " + violation_text(*report.violation);
  }
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
