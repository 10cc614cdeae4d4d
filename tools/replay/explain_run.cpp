#include "tools/replay/explain_run.hpp"

#include "model/kevent_names.hpp"
#include "sim/kernel_json.hpp"
#include "sim/kernel_view.hpp"
#include "sim/knote_states.hpp"
#include "tools/replay/step_text.hpp"

namespace kqsim::replay {
namespace {

// The knotes a kevent call returned: its events, matched to the knotes of
// the kqueue it was called on by (filter, ident). EV_ERROR records are
// replies to changes, not deliveries.
std::set<std::string> delivered_keys(const sim::Interpreter& interp, const model::Kernel& k, const sim::StepOutcome& o) {
  std::set<std::string> out;
  const traces::Step& step = *o.step;
  if (step.op != traces::Op::kKevent || o.actual.events.empty()) return out;
  std::optional<std::int64_t> fd = step.fd.is_name() ? interp.names(step.proc).lookup(step.fd.name())
                                                     : std::optional<std::int64_t>(static_cast<std::int64_t>(step.fd.number()));
  if (!fd) return out;
  auto kq = sim::kqueue_of_fd(k, interp.proc_id(step.proc), *fd);
  if (!kq) return out;
  for (const model::KEvent& ev : o.actual.events) {
    if ((ev.flags & model::ev::kError) != 0) continue;
    out.insert(sim::knote_key(*kq, ev.filter, ev.ident));
  }
  return out;
}

}  // namespace

ExplainedRun explain_run(const std::string& path, const std::optional<std::string>& dialect) {
  ExplainedRun run;
  run.report = replay_trace(path, dialect, [&](const sim::Interpreter& interp, const sim::ModelBackend& backend,
                                                const sim::StepOutcome& o) {
    const model::Kernel& k = backend.kernel();
    sim::ViewNames names{[&](model::Pid pid, std::int64_t fd) { return interp.fd_name(pid, fd); },
                         [&](model::Pid pid) { return interp.proc_name(pid); },
                         [&](std::uint64_t addr) { return interp.aiocb_name(addr); }};
    ExplainedStep s;
    s.index = o.step->index;
    s.proc = o.step->proc;
    s.call = call_text(*o.step);
    s.note = o.step->note;
    s.result = result_text(interp.to_observed(o));
    for (const traces::Divergence& d : o.divergences) s.divergences.push_back(divergence_text(d));
    s.state_text = sim::describe_kqueues(k, names.fd, names.proc, names.addr);
    s.world = sim::world_json(k, names);
    for (const sim::KnoteState& ks : sim::knote_states(k, names)) {
      s.knotes.push_back({ks.key, ks.kqueue + ": " + ks.ident + " " + model::filter_name(ks.filter), ks.status});
    }
    s.delivered = delivered_keys(interp, k, o);
    s.clock_ns = k.now_ns();
    run.steps.push_back(std::move(s));
  });
  if (const auto& v = run.report.violation) {
    for (ExplainedStep& s : run.steps) {
      if (s.index == v->step) s.violation = v->violation.text();
    }
  }
  return run;
}

}  // namespace kqsim::replay
