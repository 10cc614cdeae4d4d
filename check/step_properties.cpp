#include "check/step_properties.hpp"

#include "model/invariants.hpp"
#include "model/kevent_names.hpp"

namespace kqsim::check {
namespace {

using model::KEvent;

std::string what(const KEvent& e) { return model::filter_name(e.filter) + " ident " + std::to_string(e.ident); }

std::optional<PropertyViolation> check_delivered(const model::Kqueue& q, const KEvent& e) {
  auto slot = q.lookup(e.ident, e.filter);
  const bool oneshot = model::has(e.flags, model::ev::kOneshot);
  // NOTE_TRACK gives a tracked child two EVFILT_PROC knotes in one kqueue
  // (knote_fork): the lookup may find the other one.
  if (oneshot && e.filter == model::filt::kProc) return std::nullopt;
  if (oneshot) {
    if (slot) return PropertyViolation{"oneshot-deleted", "EV_ONESHOT event " + what(e) + " delivered but its knote still exists"};
    return std::nullopt;
  }
  if (!slot) return std::nullopt;  // nothing left to check the rules below against
  const model::Knote& kn = q.knote(*slot);
  if (model::has(e.flags, model::ev::kDispatch) && !kn.has_status(model::kn::kDisabled)) {
    return PropertyViolation{"dispatch-disabled", "EV_DISPATCH event " + what(e) + " delivered but its knote is not disabled"};
  }
  const bool edge = model::has(e.flags, model::ev::kClear) || model::has(e.flags, model::ev::kDispatch);
  if (model::has(e.flags, model::ev::kClear) && kn.has_status(model::kn::kQueued) && !kn.has_status(model::kn::kActive)) {
    return PropertyViolation{"clear-not-requeued", "EV_CLEAR event " + what(e) + " delivered but its knote is still queued"};
  }
  if (!edge && !kn.has_status(model::kn::kQueued)) {
    return PropertyViolation{"level-requeued", "level-triggered event " + what(e) + " delivered but its knote was not queued again"};
  }
  return std::nullopt;
}

// filt_aio: an EVFILT_AIO event is only ever delivered for a finished
// request, with EV_EOF and the request's error as data (checked while its
// knote still exists, so against the request it names).
std::optional<PropertyViolation> check_aio_event(const model::Kernel& k, const model::Kqueue& q, const KEvent& e) {
  if (e.filter != model::filt::kAio) return std::nullopt;
  auto slot = q.lookup(e.ident, e.filter);
  if (!slot) return std::nullopt;
  const model::AioJob& job = k.aio_jobs()[q.knote(*slot).object];
  if (!job.live || !job.finished) {
    return PropertyViolation{"aio-finished", "EVFILT_AIO event " + what(e) + " delivered for an unfinished or freed request"};
  }
  if (!model::has(e.flags, model::ev::kEof) || e.data != static_cast<std::int64_t>(job.error)) {
    return PropertyViolation{"aio-finished", "EVFILT_AIO event " + what(e) + " lacks EV_EOF or the request's error as data"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<PropertyViolation> check_step_properties(const model::Kernel& k, model::Pid pid, const traces::Step& step,
                                                 std::int32_t kqfd, const traces::ActualObservation& r) {
  auto violations = model::check_invariants(k);
  if (!violations.empty()) return PropertyViolation{"invariant", violations.front()};
  if (step.op != traces::Op::kKevent || r.err != model::Errno::kNone || r.unsupported) return std::nullopt;
  if (step.nevents >= 0 && r.ret > step.nevents) {
    return PropertyViolation{"at-most-nevents", "kevent returned " + std::to_string(r.ret) + " records for nevents " + std::to_string(step.nevents)};
  }
  auto kq = k.kqueue_at(pid, kqfd);
  if (!kq) return std::nullopt;
  const model::Process* p = k.process(pid);
  // Change records (flags exactly EV_ERROR) mean the call did not scan (C1).
  if (!r.events.empty() && r.events.front().flags == model::ev::kError) return std::nullopt;
  for (const KEvent& e : r.events) {
    if (model::filter_is_fd_based(e.filter) && p->fds.find(static_cast<std::int32_t>(e.ident)) == nullptr) {
      return PropertyViolation{"no-event-for-closed-fd", "event " + what(e) + " returned for a closed descriptor"};
    }
    if (auto bad = check_delivered(k.kqueues()[*kq], e)) return bad;
    if (auto bad = check_aio_event(k, k.kqueues()[*kq], e)) return bad;
  }
  return std::nullopt;
}

}  // namespace kqsim::check
