// Runs a trace's steps against a Backend, binding names as it goes, and
// judges each step's result against the step's "observed" expectation.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/backend.hpp"
#include "sim/name_table.hpp"
#include "sim/port_names.hpp"
#include "traces/compare.hpp"
#include "traces/trace.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::sim {

// The trace asks for something the model does not implement yet.
class UnsupportedStep : public traces::TraceError {
 public:
  using traces::TraceError::TraceError;
};

struct StepOutcome {
  const traces::Step* step = nullptr;
  traces::ActualObservation actual;
  bool compared = false;  // the step carried an expectation
  std::vector<traces::Divergence> divergences;
  std::optional<std::int64_t> elapsed_ns;
  // Not played: it needs a name an earlier step left unbound (the host could
  // not run that step, or the backend could not follow the host there).
  std::optional<std::string> skipped;
  // Played on a scratch copy only: the host could not run it (observed.unsupported).
  bool host_unsupported = false;
  // The host's process crashed or hung here (observed.crash/hang): the run
  // stops after this step, as the recording did.
  bool host_stopped = false;
};

struct InterpreterOptions {
  // A call the backend cannot make is recorded as such (what a recorder
  // wants) instead of stopping the run.
  bool unsupported_is_observation = false;
  // Follow the trace's observations (docs/kqreplay.md#following-the-host):
  // names are bound as the host bound them, a step the host could not run is
  // not played, steps needing a name left unbound are skipped, raw
  // descriptor numbers the host returned are translated, and a step the
  // backend would block on forever where the host returned is a divergence.
  bool follow_observed = false;
  // Compare returned descriptors by number, not by the trace's names.
  bool raw_fds = false;
};

// A bind or connect step naming a port: the interpreter collects every
// such port of the trace before the first step, never to hand it out as
// an ephemeral one (a streamed trace, seen a step at a time, cannot).
bool names_explicit_port(const traces::Step& step);

class Interpreter {
 public:
  Interpreter(const traces::Trace& trace, Backend& backend, bool unsupported_is_observation = false);
  Interpreter(const traces::Trace& trace, Backend& backend, const InterpreterOptions& options);

  // Runs every step; `after_step` sees each outcome as it happens. Stops after
  // a step whose process crashed or hung (host backends only).
  std::vector<StepOutcome> run(const std::function<void(const StepOutcome&)>& after_step = {});
  // The same, keeping no outcome after `after_step` has seen it (kqreplay:
  // a million steps' outcomes would be more memory than the trace's steps);
  // the number of steps played.
  std::size_t run_each(const std::function<void(const StepOutcome&)>& after_step);
  // One step, which need not be in trace().steps: a trace streamed as it is
  // read (kqreplay diff keeps no step, issue 14). False when the run ends
  // there (a crash or a hang), as run_each stops.
  bool run_next(const traces::Step& step, const std::function<void(const StepOutcome&)>& after_step);

  // The observation in trace form, idents named where a name is bound.
  [[nodiscard]] traces::Observed to_observed(const StepOutcome& outcome) const;
  [[nodiscard]] const NameTable& names(const std::string& proc) const;
  [[nodiscard]] ProcId proc_id(const std::string& proc) const;
  // Whether the trace named this process and it has not exited.
  [[nodiscard]] bool proc_alive(const std::string& proc) const;
  [[nodiscard]] const traces::Trace& trace() const { return trace_; }
  // The trace's name for a descriptor number of a process, if any.
  [[nodiscard]] std::optional<std::string> fd_name(ProcId pid, std::int64_t fd) const;
  // The trace's name for a process, if it has one.
  [[nodiscard]] std::optional<std::string> proc_name(ProcId id) const;
  // The trace's name for an aiocb or lio list address, if it has one.
  [[nodiscard]] std::optional<std::string> aiocb_name(std::uint64_t addr) const;

  // The fake user address of the n-th aiocb or list name (from 0): fixed,
  // so a trace's idents are the same on every run.
  static constexpr std::uint64_t kAiocbBase = 0x10000000;
  static constexpr std::uint64_t kAiocbStride = 0x100;

 private:
  static bool ends_run(const StepOutcome& o);
  StepOutcome run_step(const traces::Step& step);
  StepOutcome play_step(const traces::Step& step);
  StepOutcome run_not_on_host(const traces::Step& step, ProcId p);
  void follow_bindings(const traces::Step& step, const CallResult& r);
  std::optional<traces::Observed> ports_as_names(const traces::Observed& host, const model::SysResult& model);
  void name_returned_pid(const traces::Step& step, std::int64_t ret, traces::Divergence& d) const;
  void unbind_results(const traces::Step& step, const std::string& why);
  void check_bound(const traces::Step& step, const std::string& name) const;
  StepOutcome failed_step(const traces::Step& step, const CallResult& r);
  CallResult call(const traces::Step& step, ProcId p);
  CallResult call_kevent(const traces::Step& step, ProcId p);
  CallResult call_socket(const traces::Step& step, ProcId p);
  CallResult call_aio(const traces::Step& step, ProcId p);
  model::AioCb aio_request(const traces::Step& step, const traces::AioRequest& q, const std::string& field) const;
  model::SigEvent aio_sigevent(const traces::Step& step, const traces::AioSigevent& e, const std::string& field) const;
  std::uint64_t aiocb_addr(const traces::Ref& ref) const;
  void bind_results(const traces::Step& step, const CallResult& r);
  std::int32_t fd_of(const traces::Step& step, const traces::Ref& ref, const char* field) const;
  std::uint64_t ident_of(const traces::Step& step, const traces::Ref& ref, model::FilterId filter, const char* field) const;
  std::uint64_t resolve_observed(const traces::Step& step, const traces::Ref& ref, model::FilterId filter) const;
  ProcId target_of(const traces::Step& step) const;
  ProcId wait_target(const traces::Step& step) const;  // a process, or any child
  [[nodiscard]] traces::IntExpect pid_or_value(std::int64_t value, bool is_pid) const;
  void bind_child(const traces::Step& step, ProcId child, const NameTable& names);
  [[noreturn]] void fail(const traces::Step& step, const std::string& field, const std::string& message) const;

  struct ProcState {
    ProcId id = 0;
    bool alive = true;
    NameTable names;
    // Names a step left unbound, with why (follow mode).
    std::map<std::string, std::string> unbound;
    // Descriptor numbers the host returned -> the backend's (follow mode).
    std::map<std::int64_t, std::int64_t> host_fds;
  };

  // procs_.at(name) (std::out_of_range when absent), remembering the last
  // process found: a step asks for its own process several times.
  [[nodiscard]] const ProcState& proc_state(const std::string& name) const;
  ProcState& proc_state(const std::string& name);
  [[nodiscard]] const ProcState* find_proc(const std::string& name) const;  // nullptr when absent
  void refresh_alive();

  const traces::Trace& trace_;
  Backend* backend_;
  InterpreterOptions options_;
  std::map<std::string, ProcState> procs_;  // never erased from: pointers to its nodes stay valid
  mutable const std::pair<const std::string, ProcState>* last_proc_ = nullptr;
  std::optional<std::uint64_t> exits_seen_;  // Backend::exits() at the last refresh_alive
  // The step play_step is making and its process, for fd_of: a call names
  // its descriptors in its own process (issue 14: one lookup, not one per
  // descriptor). Set by PlayingStep for the call's duration.
  const traces::Step* playing_step_ = nullptr;
  const ProcState* playing_proc_ = nullptr;
  class PlayingStep;
  // Processes a step left unbound (a fork the host could not make), with why.
  std::map<std::string, std::string> unbound_procs_;
  // aiocb and list names and their addresses, in order of first mention
  // (a name means the same user memory in every process: fork copies it).
  mutable std::map<std::string, std::uint64_t> aiocbs_;
  // Ephemeral ports the host returned, paired with the model's (follow mode).
  PortNames ports_;
  // call_kevent's changelist, kept between calls so that a kevent step
  // allocates nothing once it has grown (issue 14: random testing).
  std::vector<model::KEvent> kevent_changes_;
};

}  // namespace kqsim::sim
