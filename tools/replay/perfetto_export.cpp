#include "tools/replay/perfetto_export.hpp"

#include <map>

#include "model/knote.hpp"

namespace kqsim::replay {
namespace {

using nlohmann::json;

constexpr std::int64_t kStepUs = 1000;
constexpr std::int64_t kCallUs = 800;
constexpr int kKernelPid = 0;  // the kqueue tracks live in a "kernel" process

json meta(const char* what, int pid, int tid, const std::string& name) {
  return {{"ph", "M"}, {"name", what}, {"pid", pid}, {"tid", tid}, {"args", {{"name", name}}}};
}

json slice(const char* cat, const std::string& name, int pid, int tid, std::int64_t ts, std::int64_t dur, json args) {
  return {{"ph", "X"}, {"cat", cat}, {"name", name}, {"pid", pid}, {"tid", tid}, {"ts", ts}, {"dur", dur}, {"args", std::move(args)}};
}

json instant(const char* cat, const std::string& name, int pid, std::int64_t ts, json args) {
  return {{"ph", "i"}, {"s", "t"}, {"cat", cat}, {"name", name}, {"pid", pid}, {"tid", pid}, {"ts", ts}, {"args", std::move(args)}};
}

// "kq (fd 3): r (fd 4) EVFILT_READ" -> the kqueue part and the knote part.
std::pair<std::string, std::string> split_label(const std::string& label) {
  const std::size_t colon = label.find("): ");
  if (colon == std::string::npos) return {label, label};
  return {label.substr(0, colon + 1), label.substr(colon + 3)};
}

// "[r, w] = pipe()" -> "pipe"; "child: kevent(kq, ...)" -> "kevent".
std::string call_name(const std::string& call) {
  std::string name = call.substr(0, call.find('('));
  for (const char* sep : {": ", " = "}) {
    const std::size_t at = name.rfind(sep);
    if (at != std::string::npos) name = name.substr(at + std::string(sep).size());
  }
  return name;
}

// Builds the event list step by step; tracks are named as they first appear.
class Writer {
 public:
  void step(std::size_t i, const ExplainedStep& s) {
    ts_ = static_cast<std::int64_t>(i) * kStepUs;
    const int pid = proc(s.proc);
    call(pid, s);
    for (const KnoteCell& k : s.knotes) label_of_[k.key] = k.label;
    // Activations: a knote that went onto its activation queue during this
    // step, or was queued and returned within this very kevent() call.
    std::map<std::string, bool> queued_now;
    for (const KnoteCell& k : s.knotes) {
      queued_now[k.key] = (k.status & model::kn::kQueued) != 0;
      if (queued_now[k.key] && !was_queued_[k.key]) activate(k.key, s.index);
    }
    for (const std::string& key : s.delivered) {
      if (last_activation_.count(key) == 0) activate(key, s.index);
    }
    for (const std::string& key : s.delivered) {
      deliver(key, pid);
      // Still queued after it was returned (level-triggered: kqueue_scan re-queues it).
      if (queued_now[key]) activate(key, s.index);
    }
    was_queued_ = std::move(queued_now);
  }

  // A property the trace asks for broke (a kqcheck counterexample): marked
  // on its step's process track, at the end of that step.
  void violation(const ExplainedRun& run) {
    const check::StepViolation& v = *run.report.violation;
    std::string where = "main";
    for (const ExplainedStep& s : run.steps) {
      if (s.index == v.step) where = s.proc;
    }
    json e = instant("violation", "PROPERTY VIOLATED: " + v.violation.property, proc(where),
                     static_cast<std::int64_t>(v.step) * kStepUs + kStepUs - 1, {{"step", v.step}, {"violation", v.violation.text()}});
    e["s"] = "p";
    events_.push_back(std::move(e));
  }

  // A run that stopped (a step that can never complete on the model, as a
  // counterexample found on a mutated model may have) ends with the reason.
  void stop(const ExplainedRun& run) {
    const int pid = proc(run.steps.empty() ? std::string("main") : run.steps.back().proc);
    json e = instant("stop", std::string("STOPPED: ") + status_name(run.report.status), pid,
                     static_cast<std::int64_t>(run.steps.size()) * kStepUs, {{"error", run.report.error}});
    e["s"] = "p";
    events_.push_back(std::move(e));
  }

  json events() && { return std::move(events_); }

 private:
  struct Activation {
    int tid;
    std::int64_t ts;
  };

  int proc(const std::string& name) {
    auto [it, added] = proc_pid_.emplace(name, static_cast<int>(proc_pid_.size()) + 1);
    if (added) {
      events_.push_back(meta("process_name", it->second, it->second, "process " + name));
      events_.push_back(meta("thread_name", it->second, it->second, name + ": system calls"));
    }
    return it->second;
  }

  int kqueue(const std::string& label) {
    if (kqueue_tid_.empty()) events_.push_back(meta("process_name", kKernelPid, 0, "kernel: kqueues"));
    auto [it, added] = kqueue_tid_.emplace(label, static_cast<int>(kqueue_tid_.size()) + 1);
    if (added) events_.push_back(meta("thread_name", kKernelPid, it->second, "kqueue " + label));
    return it->second;
  }

  void call(int pid, const ExplainedStep& s) {
    json args = {{"step", s.index}, {"result", s.result}, {"clock", s.world.at("clock")}};
    if (!s.note.empty()) args["note"] = s.note;
    if (!s.divergences.empty()) args["divergences"] = s.divergences;
    events_.push_back(slice("syscall", call_name(s.call), pid, pid, ts_, kCallUs, std::move(args)));
    if (!s.divergences.empty()) {
      events_.push_back(instant("divergence", "DIVERGES", pid, ts_ + kCallUs / 2, {{"divergences", s.divergences}}));
    }
  }

  void activate(const std::string& key, std::size_t step) {
    const auto [kq, knote] = split_label(label_of_[key]);
    const int tid = kqueue(kq);
    const std::int64_t at = ts_ + kCallUs / 4;
    events_.push_back(slice("knote", "queued: " + knote, kKernelPid, tid, at, kCallUs / 2, {{"step", step}, {"knote", key}}));
    last_activation_[key] = {tid, at};
  }

  // A flow from the knote's activation into the kevent() call that returned it.
  void deliver(const std::string& key, int pid) {
    const Activation from = last_activation_.at(key);
    ++flow_id_;
    events_.push_back({{"ph", "s"}, {"cat", "delivery"}, {"name", "delivered"}, {"id", flow_id_}, {"pid", kKernelPid},
                       {"tid", from.tid}, {"ts", from.ts}});
    events_.push_back({{"ph", "f"}, {"bp", "e"}, {"cat", "delivery"}, {"name", "delivered"}, {"id", flow_id_}, {"pid", pid},
                       {"tid", pid}, {"ts", ts_ + kCallUs / 2}});
    last_activation_.erase(key);
  }

  json events_ = json::array();
  std::int64_t ts_ = 0;
  std::map<std::string, int> proc_pid_;    // trace process name -> track pid
  std::map<std::string, int> kqueue_tid_;  // kqueue label -> thread of kKernelPid
  std::map<std::string, std::string> label_of_;  // knote key -> its latest label
  std::map<std::string, bool> was_queued_;
  std::map<std::string, Activation> last_activation_;
  int flow_id_ = 0;
};

}  // namespace

json perfetto_trace(const ExplainedRun& run) {
  Writer writer;
  for (std::size_t i = 0; i < run.steps.size(); ++i) writer.step(i, run.steps[i]);
  if (run.report.violation) writer.violation(run);
  if (run.report.status != TraceStatus::kMatched && run.report.status != TraceStatus::kDivergent &&
      run.report.status != TraceStatus::kPropertyViolated) {
    writer.stop(run);
  }
  return {{"traceEvents", std::move(writer).events()},
          {"displayTimeUnit", "ms"},
          {"otherData", {{"trace", run.report.trace.name},
                         {"dialect", run.report.dialect},
                         {"status", status_name(run.report.status)},
                         {"time", "step i occupies [i*1000, i*1000+800) us; the model clock is in each slice's args"}}}};
}

}  // namespace kqsim::replay
