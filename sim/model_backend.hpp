// The Backend on the reference model, with the model's invariants checked
// after every call.
#pragma once

#include <stdexcept>

#include "model/invariants.hpp"
#include "model/kernel.hpp"
#include "sim/backend.hpp"

namespace kqsim::sim {

// The model broke one of its own invariants: a bug in kqsim, never in a trace.
class InvariantViolation : public std::runtime_error {
 public:
  explicit InvariantViolation(const std::string& violation)
      : std::runtime_error("model invariant violated: " + violation), violation_(violation) {}
  // The invariant's own words, without the prefix.
  [[nodiscard]] const std::string& violation() const { return violation_; }

 private:
  std::string violation_;
};

// Which invariants are checked after every call: all of them (the default:
// tests, kqcheck), or only what the call touched (kqreplay, so that a call
// costs the same with 10 or 100,000 registered knotes; --full-checks there).
enum class InvariantChecks { kFull, kTouched };

class ModelBackend final : public Backend {
 public:
  explicit ModelBackend(const model::DialectProfile& profile, model::KernelConfig config = {});

  [[nodiscard]] std::string_view name() const override { return "model"; }
  ProcId initial_process() override { return model::Kernel::kInitPid; }
  CallResult kqueue(ProcId p, std::uint32_t kqueuex_flags) override;
  CallResult pipe(ProcId p, bool nonblock, bool cloexec) override;
  CallResult read(ProcId p, std::int32_t fd, std::int64_t nbytes) override;
  CallResult write(ProcId p, std::int32_t fd, std::int64_t nbytes) override;
  CallResult close(ProcId p, std::int32_t fd) override;
  CallResult dup(ProcId p, std::int32_t fd) override;
  CallResult dup2(ProcId p, std::int32_t from, std::int32_t to) override;
  CallResult fcntl_getfd(ProcId p, std::int32_t fd) override;
  CallResult fcntl_setfd(ProcId p, std::int32_t fd, std::int32_t flags) override;
  CallResult fork(ProcId p) override;
  CallResult pdfork(ProcId p, std::uint32_t pd_flags) override;
  CallResult wait(ProcId p, ProcId target, bool nohang) override;
  CallResult exec(ProcId p) override;
  CallResult exit(ProcId p) override;
  // _exit(code) (the C API's exit; traces' exit is _exit(0)).
  CallResult exit_with_code(ProcId p, std::int32_t code) override;
  CallResult sleep(ProcId p, std::int64_t duration_ns) override;
  CallResult kevent(ProcId p, std::int32_t kqfd, std::span<const model::KEvent> changes, std::int32_t nevents,
                    const std::optional<model::Timespec>& timeout) override;

  CallResult kill(ProcId p, ProcId target, std::int32_t signo) override;
  CallResult sigaction(ProcId p, std::int32_t signo, std::int32_t action) override;
  CallResult sigprocmask(ProcId p, bool block, std::int32_t signo) override;
  CallResult socket_call(ProcId p, const SocketCall& call) override;
  // poll(2)/select(2) over many descriptors, revents written back; select's
  // timeval carries tv_usec in nsec (nullopt: no timeout).
  CallResult poll(ProcId p, std::span<model::PollFd> fds, std::int64_t timeout_ms);
  CallResult select(ProcId p, std::span<model::SelectFd> fds, const std::optional<model::Timespec>& tv);
  CallResult vfs(ProcId p, const model::VfsCall& call) override;
  CallResult aio(ProcId p, const model::AioCall& call) override;
  [[nodiscard]] bool alive(ProcId p) const override;
  [[nodiscard]] std::optional<std::uint64_t> exits() const override { return kernel_.exits(); }
  [[nodiscard]] std::unique_ptr<Backend> scratch_copy() const override { return std::make_unique<ModelBackend>(*this); }

  [[nodiscard]] const model::Kernel& kernel() const { return kernel_; }
  std::bitset<model::sig::kMax + 1> take_handlers_due(ProcId p) { return kernel_.take_handlers_due(p); }
  void set_invariant_checks(InvariantChecks checks);
  // The kqueue_task race (model/kqueue_task_timing.hpp): which task points
  // of the next call take the other outcome, and the races it met.
  void set_task_timing(std::vector<std::uint32_t> other_points) { kernel_.set_task_timing(std::move(other_points)); }

 private:
  // The invariants after a call (throws InvariantViolation); the call's
  // result passes through.
  void check_after_call();
  CallResult checked(CallResult r);
  CallResult checked(model::SysResult sys);

  model::Kernel kernel_;
  InvariantChecks checks_ = InvariantChecks::kFull;
  model::InvariantScratch scratch_;
  // kevent's eventlist, for nevents up to kEventBufferMax (larger ones take
  // Kernel::kevent's growing vector).
  static constexpr std::int32_t kEventBufferMax = 4096;
  std::vector<model::KEvent> event_buffer_;
};

}  // namespace kqsim::sim
