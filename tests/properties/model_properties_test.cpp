// Properties of the model over random programs. Each is a kernel rule
// (core.md), checked after every step together with the KASSERT-style
// invariants of model/invariants.cpp.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/invariants.hpp"
#include "model/kernel.hpp"
#include "check/step_properties.hpp"
#include "tests/properties/random_program.hpp"

namespace kqsim::proptest {
namespace {

using model::Kernel;
using model::KEvent;

struct Runner {
  Kernel k;
  std::vector<model::Pid> children;
  model::Pid pid = Kernel::kInitPid;

  model::KeventResult kevent(const OpSpec& op) {
    std::vector<KEvent> changes;
    for (const ChangeSpec& c : op.changes) changes.push_back(to_kevent(c));
    return k.kevent(pid, fd_of(op.a), changes, op.nevents, timeout_of(op.timeout));
  }

  // Returns the kevent result when the op was a kevent call.
  std::optional<model::KeventResult> step(const OpSpec& op) {
    switch (op.kind) {
      case OpKind::kKqueue: k.kqueue(pid); break;
      case OpKind::kPipe: k.pipe(pid, true); break;
      case OpKind::kWrite: k.write(pid, fd_of(op.a), op.n); break;
      case OpKind::kRead: k.read(pid, fd_of(op.a), op.n); break;
      case OpKind::kClose: k.close(pid, fd_of(op.a)); break;
      case OpKind::kDup: k.dup(pid, fd_of(op.a)); break;
      case OpKind::kDup2: k.dup2(pid, fd_of(op.a), fd_of(op.b)); break;
      case OpKind::kSleep: k.sleep(op.n * 100'000LL); break;
      case OpKind::kFork: {
        model::SysResult r = k.fork(pid);
        if (r.ret > 0) children.push_back(static_cast<model::Pid>(r.ret));
        break;
      }
      case OpKind::kChildExit:
        if (!children.empty()) {
          k.exit(children.back());
          children.pop_back();
        }
        break;
      case OpKind::kKevent: return kevent(op);
    }
    return std::nullopt;
  }
};

RC_GTEST_PROP(ModelProperties, InvariantsHoldAfterEveryStep, (const std::vector<OpSpec>& program)) {
  Runner run;
  for (const OpSpec& op : program) {
    auto r = run.step(op);
    RC_ASSERT(model::check_invariants(run.k).empty());
    if (!r) continue;
    RC_ASSERT(r->sys.completion == model::Completion::kDone);
    if (r->sys.ret > 0) RC_ASSERT(static_cast<std::int64_t>(r->events.size()) == r->sys.ret);
    // The semantic properties kqcheck checks (check/step_properties.hpp).
    traces::Step step;
    step.op = traces::Op::kKevent;
    step.nevents = op.nevents;
    traces::ActualObservation actual;
    actual.ret = r->sys.ret;
    actual.err = r->sys.err;
    actual.events = r->events;
    auto broken = check::check_step_properties(run.k, run.pid, step, fd_of(op.a), actual);
    RC_ASSERT(!broken.has_value());
  }
}

// Same program, same result, bit for bit.
RC_GTEST_PROP(ModelProperties, Deterministic, (const std::vector<OpSpec>& program)) {
  Runner a, b;
  for (const OpSpec& op : program) {
    auto ra = a.step(op);
    auto rb = b.step(op);
    RC_ASSERT(ra.has_value() == rb.has_value());
    if (ra) {
      RC_ASSERT(ra->sys.ret == rb->sys.ret);
      RC_ASSERT(ra->events == rb->events);
    }
  }
  RC_ASSERT(a.k.now_ns() == b.k.now_ns());
}

// A level-triggered EVFILT_USER knote keeps firing while triggered.
RC_GTEST_PROP(ModelProperties, LevelTriggeredKeepsFiring, (std::uint8_t polls)) {
  Kernel k;
  auto kq = static_cast<std::int32_t>(k.kqueue(Kernel::kInitPid).ret);
  std::vector<KEvent> add{{1, model::filt::kUser, model::ev::kAdd, 0, 0, 0}};
  std::vector<KEvent> trigger{{1, model::filt::kUser, 0, model::note::kTrigger, 0, 0}};
  k.kevent(Kernel::kInitPid, kq, add, 0, model::Timespec{});
  k.kevent(Kernel::kInitPid, kq, trigger, 0, model::Timespec{});
  for (int i = 0; i < polls % 20; ++i) {
    RC_ASSERT(k.kevent(Kernel::kInitPid, kq, {}, 4, model::Timespec{}).sys.ret == 1);
  }
}

}  // namespace
}  // namespace kqsim::proptest
