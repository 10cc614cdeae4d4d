#include "tools/replay/perfetto_export.hpp"

#include <map>

#include "model/knote.hpp"

namespace kqsim::replay {
namespace {

using nlohmann::json;

constexpr std::int64_t kStepUs = 1000;
constexpr std::int64_t kCallUs = 800;
constexpr int kKernelPid = 0;  // the kqueue tracks live in a "kernel" process

struct Tracks {
  std::map<std::string, int> proc_pid;    // trace process name -> track pid
  std::map<std::string, int> kqueue_tid;  // kqueue label -> thread in kKernelPid
  json events = json::array();

  int proc(const std::string& name) {
    auto [it, added] = proc_pid.emplace(name, static_cast<int>(proc_pid.size()) + 1);
    if (added) {
      events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", it->second}, {"tid", it->second}, {"args", {{"name", "process " + name}}}});
      events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", it->second}, {"tid", it->second}, {"args", {{"name", name + ": system calls"}}}});
    }
    return it->second;
  }

  int kqueue(const std::string& label) {
    if (kqueue_tid.empty()) {
      events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", kKernelPid}, {"tid", 0}, {"args", {{"name", "kernel: kqueues"}}}});
    }
    auto [it, added] = kqueue_tid.emplace(label, static_cast<int>(kqueue_tid.size()) + 1);
    if (added) {
      events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", kKernelPid}, {"tid", it->second}, {"args", {{"name", "kqueue " + label}}}});
    }
    return it->second;
  }
};

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

}  // namespace

json perfetto_trace(const ExplainedRun& run) {
  Tracks tracks;
  std::map<std::string, bool> was_queued;
  struct Activation {
    int tid;
    std::int64_t ts;
  };
  std::map<std::string, Activation> last_activation;
  std::map<std::string, std::string> label_of;  // knote key -> its latest label
  int flow_id = 0;
  for (std::size_t i = 0; i < run.steps.size(); ++i) {
    const ExplainedStep& s = run.steps[i];
    const std::int64_t ts = static_cast<std::int64_t>(i) * kStepUs;
    const int pid = tracks.proc(s.proc);
    json args = {{"step", s.index}, {"result", s.result}, {"clock", s.world.at("clock")}};
    if (!s.note.empty()) args["note"] = s.note;
    if (!s.divergences.empty()) args["divergences"] = s.divergences;
    const std::string op = call_name(s.call);
    tracks.events.push_back({{"ph", "X"}, {"cat", "syscall"}, {"name", op}, {"pid", pid}, {"tid", pid}, {"ts", ts}, {"dur", kCallUs}, {"args", args}});
    if (!s.divergences.empty()) {
      tracks.events.push_back({{"ph", "i"}, {"s", "t"}, {"cat", "divergence"}, {"name", "DIVERGES"}, {"pid", pid}, {"tid", pid}, {"ts", ts + kCallUs / 2},
                               {"args", {{"divergences", s.divergences}}}});
    }
    for (const KnoteCell& k : s.knotes) label_of[k.key] = k.label;
    auto activate = [&](const std::string& key) {
      const auto [kq, knote] = split_label(label_of[key]);
      const int tid = tracks.kqueue(kq);
      const std::int64_t at = ts + kCallUs / 4;
      tracks.events.push_back({{"ph", "X"}, {"cat", "knote"}, {"name", "queued: " + knote}, {"pid", kKernelPid}, {"tid", tid}, {"ts", at},
                               {"dur", kCallUs / 2}, {"args", {{"step", s.index}, {"knote", key}}}});
      last_activation[key] = {tid, at};
    };
    // Activations: a knote that went onto its activation queue during this
    // step, or was queued and returned within this very kevent() call.
    std::map<std::string, bool> queued_now;
    for (const KnoteCell& k : s.knotes) {
      queued_now[k.key] = (k.status & model::kn::kQueued) != 0;
      if (queued_now[k.key] && !was_queued[k.key]) activate(k.key);
    }
    for (const std::string& key : s.delivered) {
      if (last_activation.count(key) == 0) activate(key);
    }
    // Deliveries: a flow from the knote's activation into this call.
    for (const std::string& key : s.delivered) {
      const Activation act = last_activation.at(key);
      ++flow_id;
      tracks.events.push_back({{"ph", "s"}, {"cat", "delivery"}, {"name", "delivered"}, {"id", flow_id}, {"pid", kKernelPid},
                               {"tid", act.tid}, {"ts", act.ts}});
      tracks.events.push_back({{"ph", "f"}, {"bp", "e"}, {"cat", "delivery"}, {"name", "delivered"}, {"id", flow_id}, {"pid", pid},
                               {"tid", pid}, {"ts", ts + kCallUs / 2}});
      last_activation.erase(key);
      // Still queued after delivery (level-triggered, re-queued by the scan): a new activation.
      if (queued_now[key]) activate(key);
    }
    was_queued = std::move(queued_now);
  }
  // A run that stopped (a step that can never complete on the model, as a
  // counterexample found on a mutated model may have) ends with the reason.
  if (run.report.status != TraceStatus::kMatched && run.report.status != TraceStatus::kDivergent) {
    const int pid = tracks.proc(run.steps.empty() ? std::string("main") : run.steps.back().proc);
    tracks.events.push_back({{"ph", "i"}, {"s", "p"}, {"cat", "stop"}, {"name", std::string("STOPPED: ") + status_name(run.report.status)},
                             {"pid", pid}, {"tid", pid}, {"ts", static_cast<std::int64_t>(run.steps.size()) * kStepUs},
                             {"args", {{"error", run.report.error}}}});
  }
  return {{"traceEvents", tracks.events},
          {"displayTimeUnit", "ms"},
          {"otherData", {{"trace", run.report.trace.name}, {"dialect", run.report.dialect}, {"status", status_name(run.report.status)},
                         {"time", "step i occupies [i*1000, i*1000+800) us; the model clock is in each slice's args"}}}};
}

}  // namespace kqsim::replay
