#include "sim/model_backend.hpp"

#include "model/invariants.hpp"

namespace kqsim::sim {

ModelBackend::ModelBackend(const model::DialectProfile& profile, model::KernelConfig config)
    : kernel_(profile, config) {}

void ModelBackend::set_invariant_checks(InvariantChecks checks) {
  checks_ = checks;
  kernel_.set_touch_tracking(checks == InvariantChecks::kTouched);
}

void ModelBackend::check_after_call() {
  std::vector<std::string> violations;
  if (checks_ == InvariantChecks::kTouched) violations = model::check_touched_invariants(kernel_, scratch_);
  else if (!model::invariants_hold(kernel_, scratch_)) violations = model::check_invariants(kernel_);
  kernel_.clear_touched();
  if (!violations.empty()) throw InvariantViolation(violations.front());
}

CallResult ModelBackend::checked(CallResult r) {
  check_after_call();
  return r;
}

CallResult ModelBackend::checked(model::SysResult sys) {
  CallResult r;  // built in the caller's place (NRVO), not moved there (issue 14)
  r.sys = sys;
  check_after_call();
  return r;
}

CallResult ModelBackend::kqueue(ProcId p, std::uint32_t flags) { return checked(kernel_.kqueue(p, flags)); }

CallResult ModelBackend::pipe(ProcId p, bool nonblock, bool cloexec) {
  model::PipeResult r = kernel_.pipe(p, nonblock, cloexec);
  CallResult out = CallResult::of(r.sys);
  out.fds = r.fds;
  return checked(std::move(out));
}

CallResult ModelBackend::read(ProcId p, std::int32_t fd, std::int64_t n) { return checked(kernel_.read(p, fd, n)); }
CallResult ModelBackend::write(ProcId p, std::int32_t fd, std::int64_t n) { return checked(kernel_.write(p, fd, n)); }
CallResult ModelBackend::close(ProcId p, std::int32_t fd) { return checked(kernel_.close(p, fd)); }
CallResult ModelBackend::dup(ProcId p, std::int32_t fd) { return checked(kernel_.dup(p, fd)); }
CallResult ModelBackend::dup2(ProcId p, std::int32_t from, std::int32_t to) { return checked(kernel_.dup2(p, from, to)); }
CallResult ModelBackend::fcntl_getfd(ProcId p, std::int32_t fd) { return checked(kernel_.fcntl_getfd(p, fd)); }
CallResult ModelBackend::fcntl_setfd(ProcId p, std::int32_t fd, std::int32_t flags) {
  return checked(kernel_.fcntl_setfd(p, fd, flags));
}
CallResult ModelBackend::fork(ProcId p) { return checked(kernel_.fork(p)); }
CallResult ModelBackend::pdfork(ProcId p, std::uint32_t pd_flags) {
  model::PdforkResult r = kernel_.pdfork(p, pd_flags);
  CallResult out = CallResult::of(r.sys);
  out.fds[0] = r.fd;
  return checked(std::move(out));
}
CallResult ModelBackend::wait(ProcId p, ProcId target, bool nohang) {
  return checked(kernel_.wait(p, target, nohang));
}
CallResult ModelBackend::exec(ProcId p) { return checked(kernel_.exec(p)); }
CallResult ModelBackend::exit(ProcId p) { return checked(kernel_.exit(p)); }
CallResult ModelBackend::exit_with_code(ProcId p, std::int32_t code) { return checked(kernel_.exit(p, code)); }
CallResult ModelBackend::sleep(ProcId, std::int64_t ns) {
  const std::int64_t start_ns = kernel_.now_ns();
  CallResult r = CallResult::of(kernel_.sleep(ns));
  r.elapsed_ns = kernel_.now_ns() - start_ns;
  return checked(std::move(r));
}

CallResult ModelBackend::kevent(ProcId p, std::int32_t kqfd, std::span<const model::KEvent> changes,
                                std::int32_t nevents, const std::optional<model::Timespec>& timeout) {
  const std::int64_t start_ns = kernel_.now_ns();
  CallResult out;
  if (nevents >= 0 && nevents <= kEventBufferMax) {
    // Through an eventlist kept between calls, so that the result's vector is
    // allocated once, at its size, and only when records come back (issue 14).
    if (event_buffer_.size() < static_cast<std::size_t>(nevents)) event_buffer_.resize(static_cast<std::size_t>(nevents));
    const std::span<model::KEvent> eventlist(event_buffer_.data(), static_cast<std::size_t>(nevents));
    out = CallResult::of(kernel_.kevent_into(p, kqfd, changes, eventlist, timeout));
    if (out.sys.done() && out.sys.err == model::Errno::kNone && out.sys.ret > 0) {
      out.events.assign(event_buffer_.begin(), event_buffer_.begin() + out.sys.ret);
    }
  } else {
    model::KeventResult r = kernel_.kevent(p, kqfd, changes, nevents, timeout);
    out = CallResult::of(r.sys);
    out.events = std::move(r.events);
  }
  out.elapsed_ns = kernel_.now_ns() - start_ns;
  return checked(std::move(out));
}

CallResult ModelBackend::kill(ProcId p, ProcId target, std::int32_t signo) {
  return checked(kernel_.kill(p, target, signo));
}

CallResult ModelBackend::sigaction(ProcId p, std::int32_t signo, std::int32_t action) {
  return checked(kernel_.sigaction(p, signo, static_cast<model::SignalAction>(action)));
}

CallResult ModelBackend::sigprocmask(ProcId p, bool block, std::int32_t signo) {
  return checked(kernel_.sigprocmask(p, block, signo));
}

CallResult ModelBackend::vfs(ProcId p, const model::VfsCall& call) { return checked(kernel_.vfs(p, call)); }
CallResult ModelBackend::aio(ProcId p, const model::AioCall& call) { return checked(kernel_.aio(p, call)); }

bool ModelBackend::alive(ProcId p) const {
  const model::Process* proc = kernel_.process(p);
  return proc != nullptr && proc->alive;
}

}  // namespace kqsim::sim
