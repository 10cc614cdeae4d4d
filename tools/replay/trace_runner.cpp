#include "tools/replay/trace_runner.hpp"

#include <algorithm>
#include <filesystem>

#include "traces/trace_json.hpp"

namespace kqsim::replay {

TraceReport replay_trace(const std::string& path, const std::optional<std::string>& dialect_override,
                         const StepHook& hook) {
  TraceReport report;
  report.path = path;
  try {
    report.trace = traces::load_trace_file(path);
    report.name = report.trace.name;
    report.dialect = dialect_override.value_or(report.trace.dialect);
    const model::DialectProfile* profile = model::find_profile(report.dialect);
    if (profile == nullptr) {
      std::string field = dialect_override ? "--dialect" : "dialect";
      throw traces::TraceError(path, std::nullopt, field, "unknown dialect '" + report.dialect + "'");
    }
    sim::ModelBackend backend(*profile);
    sim::Interpreter interp(report.trace, backend);
    report.outcomes = interp.run([&](const sim::StepOutcome& o) {
      if (hook) hook(interp, backend, o);
    });
  } catch (const sim::UnsupportedStep& e) {
    report.status = TraceStatus::kUnsupported;
    report.error = e.what();
  } catch (const traces::TraceError& e) {
    report.status = TraceStatus::kBadInput;
    report.error = e.what();
  } catch (const sim::InvariantViolation& e) {
    report.status = TraceStatus::kInternal;
    report.error = path + ": " + e.what();
  }
  report.steps = report.trace.steps.size();
  for (const sim::StepOutcome& o : report.outcomes) {
    if (o.compared) ++report.compared_steps;
    if (!o.divergences.empty() && report.status == TraceStatus::kMatched) report.status = TraceStatus::kDivergent;
  }
  return report;
}

ExitCode exit_code_for(TraceStatus status) {
  switch (status) {
    case TraceStatus::kMatched: return kExitOk;
    case TraceStatus::kDivergent: return kExitDivergence;
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
    // Error codes everywhere: a symlink loop or an unreadable folder must not
    // end the walk with an exception. A .json entry that is not a folder is
    // kept even when its type cannot be read, so its loading names the error.
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code type_ec;
      if (it->path().extension() == ".json" && !it->is_directory(type_ec)) found.push_back(it->path().string());
    }
    if (ec) out.push_back(arg);  // loading the folder as a file names what went wrong
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace kqsim::replay
