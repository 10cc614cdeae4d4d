// Runs a trace's steps against a Backend, binding names as it goes, and
// judges each step's result against the step's "observed" expectation.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/backend.hpp"
#include "sim/name_table.hpp"
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
};

class Interpreter {
 public:
  // With unsupported_is_observation, a call the backend cannot make is
  // recorded as such (what a recorder wants) instead of stopping the run.
  Interpreter(const traces::Trace& trace, Backend& backend, bool unsupported_is_observation = false);

  // Runs every step; `after_step` sees each outcome as it happens. Stops after
  // a step whose process crashed or hung (host backends only).
  std::vector<StepOutcome> run(const std::function<void(const StepOutcome&)>& after_step = {});

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
  StepOutcome run_step(const traces::Step& step);
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
  [[nodiscard]] traces::IntExpect pid_or_value(std::int64_t value, bool is_pid) const;
  void bind_child(const traces::Step& step, ProcId child, const NameTable& names);
  [[noreturn]] void fail(const traces::Step& step, const std::string& field, const std::string& message) const;

  struct ProcState {
    ProcId id = 0;
    bool alive = true;
    NameTable names;
  };

  const traces::Trace& trace_;
  Backend& backend_;
  bool unsupported_is_observation_;
  std::map<std::string, ProcState> procs_;
  // aiocb and list names and their addresses, in order of first mention
  // (a name means the same user memory in every process: fork copies it).
  mutable std::map<std::string, std::uint64_t> aiocbs_;
};

}  // namespace kqsim::sim
