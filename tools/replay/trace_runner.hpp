// One trace replayed on the model: load, pick the dialect, run, classify.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "check/trace_properties.hpp"
#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"
#include "traces/trace.hpp"
#include "tools/replay/exit_codes.hpp"
#include "tools/replay/task_race_follow.hpp"

namespace kqsim::replay {

// kPropertyViolated: a property the trace asks for (a kqcheck
// counterexample's "properties", on its "mutation") broke: the failure it shows.
enum class TraceStatus { kMatched, kDivergent, kPropertyViolated, kBadInput, kUnsupported, kInternal };

struct TraceReport {
  std::string path;
  std::string name;
  std::string dialect;
  TraceStatus status = TraceStatus::kMatched;
  std::string error;  // for bad input / unsupported / internal; "step N: property: message" for a violation
  // The first property broken (check/trace_properties.hpp), whatever the status.
  std::optional<check::StepViolation> violation;
  std::size_t steps = 0;
  std::size_t compared_steps = 0;  // of the steps played (each outcome is seen by the StepHook only)
  // The races with kernel threads the calls met (a task point with a task
  // pending, a non-blocking loopback connect: model/kqueue_task_timing.hpp),
  // in order: a host may have taken the other outcome at each.
  std::vector<RacePoint> task_races;
  traces::Trace trace;
};

using StepHook = std::function<void(const sim::Interpreter&, const sim::ModelBackend&, const sim::StepOutcome&)>;

struct ReplayOptions {
  std::optional<std::string> dialect;  // overrides the trace's own
  bool follow_observed = false;        // diff: follow the host (sim::InterpreterOptions)
  bool raw_fds = false;
  // Every invariant after every call (sim::InvariantChecks::kFull) instead
  // of only what the call touched.
  bool full_checks = false;
  // Run each step as it is read and keep none (kqreplay diff; memory O(1)
  // in the steps, issue 14): report.trace then holds no steps. A file the
  // stream cannot take (any error, a member after "steps", a step the run
  // throws at) is replayed whole, as without it, after `forget`: the hook
  // must then forget what it saw, as it sees every step again.
  bool stream_steps = false;
  std::function<void()> forget{};
  // Race points that take the other outcome of their race,
  // sorted; every other task point the usual one.
  std::vector<RacePoint> other_task_races{};
};

// Never throws for a bad trace: the problem is in the report.
TraceReport replay_trace(const std::string& path, const ReplayOptions& options, const StepHook& hook = {});
inline TraceReport replay_trace(const std::string& path, const std::optional<std::string>& dialect_override,
                                const StepHook& hook = {}) {
  return replay_trace(path, ReplayOptions{dialect_override, false, false, false}, hook);
}

ExitCode exit_code_for(TraceStatus status);
// "step 4: max-deliveries: EVFILT_USER ident 1 delivered 2 times, at most 1 allowed"
std::string violation_text(const check::StepViolation& v);
// "on a deliberately broken model: mutation NAME (what it breaks)", or ""
// for the faithful model.
std::string model_banner(const traces::Trace& t);
const char* status_name(TraceStatus status);
// Trace files named on the command line; directories are searched for *.json.
std::vector<std::string> expand_trace_paths(const std::vector<std::string>& args);

}  // namespace kqsim::replay
