#include "tools/replay/divergence_report.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "model/kevent_names.hpp"
#include "traces/behaviour_key.hpp"
#include "tools/replay/step_text.hpp"
#include "tools/replay/task_race_follow.hpp"
#include "tools/replay/trace_runner.hpp"
#include "traces/compare_json.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::replay {
namespace {

using nlohmann::json;
using traces::DivergenceKind;

struct Found {
  std::size_t step;
  traces::Divergence divergence;
  traces::Observed model;
};

// A kqueue behaviour is one of kqueue()/kevent() or of a call on a kqueue
// descriptor (close, read, dup2 of one); the rest is the host OS's, except a
// crash or hang of the implementation, which is always a finding. A timer's
// event or count is timing: real time on the implementation, simulated time
// (sleeps and timeouts only, none within a call) in the model.
ReportSection section_of(const traces::Trace& t, const traces::Step& step, const traces::Divergence& d) {
  if (d.kind == DivergenceKind::kCrash || d.kind == DivergenceKind::kHang) return ReportSection::kKqueue;
  const bool timer_event = d.kind == DivergenceKind::kMissingEvent || d.kind == DivergenceKind::kExtraEvent ||
                           d.kind == DivergenceKind::kData;
  if (timer_event && d.filter == model::filt::kTimer) return ReportSection::kTiming;
  if (step.op == traces::Op::kKqueue || step.op == traces::Op::kKevent) return ReportSection::kKqueue;
  const bool on_kqueue = step.fd.is_name() && std::any_of(t.steps.begin(), t.steps.end(), [&](const traces::Step& s) {
    return s.op == traces::Op::kKqueue && !s.as.empty() && s.as[0] == step.fd.name();
  });
  return on_kqueue ? ReportSection::kKqueue : ReportSection::kHostOs;
}

// Conformance traces by name: their sources say where FreeBSD's behaviour comes from.
std::map<std::string, std::vector<traces::SourceRef>> corpus_sources(const std::optional<std::string>& corpus) {
  std::map<std::string, std::vector<traces::SourceRef>> out;
  if (!corpus) return out;
  for (const std::string& path : expand_trace_paths({*corpus})) {
    try {
      traces::Trace t = traces::load_trace_file(path);
      out[t.name] = t.sources;
    } catch (const std::exception&) {
      continue;  // not a trace (a schema, a scenario): it cites nothing
    }
  }
  return out;
}

traces::Trace cut_after(const traces::Trace& t, std::size_t step) {
  traces::Trace out = t;
  out.steps.resize(std::min(step + 1, out.steps.size()));
  return out;
}


}  // namespace

namespace {

struct Builder {
  const ReportInput& in;
  Report& report;
  std::map<std::string, std::vector<traces::SourceRef>> sources;
  std::map<std::string, std::size_t> index;  // signature -> behaviour

  // One trace's divergences. An example-only trace offers shorter examples
  // of behaviours already seen, nothing else.
  TraceReport replay(const std::string& path, const std::vector<RacePoint>& other_races, std::vector<Found>& found) {
    ReplayOptions options{in.dialect, true, in.raw_fds};
    options.other_task_races = other_races;
    return replay_trace(path, options, [&](const sim::Interpreter& interp, const sim::ModelBackend&, const sim::StepOutcome& o) {
      for (const traces::Divergence& d : o.divergences) found.push_back({o.step->index, d, interp.to_observed(o)});
    });
  }

  // The divergences of a replay by step, for following races.
  static RaceRun race_run_of(const TraceReport& r, const std::vector<Found>& found) {
    std::vector<std::size_t> steps;
    for (const Found& f : found) steps.push_back(f.step);
    return race_run_from(r.task_races, steps);
  }

  // As kqreplay diff: a divergence the other outcome of a race with a kernel
  // thread (kqueue_task, netisr) explains is not a behaviour of the implementation.
  TraceReport replay_following_races(const std::string& path, std::vector<Found>& found) {
    TraceReport r = replay(path, {}, found);
    if (found.empty() || r.task_races.empty() || r.task_races.front().step > found.back().step) return r;
    using Trial = std::pair<TraceReport, std::vector<Found>>;
    auto trial = [&](const std::vector<RacePoint>& other) {
      Trial t;
      t.first = replay(path, other, t.second);
      return t;
    };
    auto run_of = [](const Trial& t) { return race_run_of(t.first, t.second); };
    std::optional<Trial> last = run_with_followed_races<Trial>(race_run_of(r, found), race_replays_for(r.steps), trial, run_of);
    if (!last) return r;
    ++report.races_followed;
    found = std::move(last->second);
    return std::move(last->first);
  }

  void add_trace(const std::string& path, bool example_only) {
    std::vector<Found> found;
    TraceReport r = replay_following_races(path, found);
    if (!example_only) count_trace(r, found.empty());
    bool first = true;
    for (const Found& f : found) {
      std::vector<const traces::Divergence*> same_step;
      for (const Found& g : found) {
        if (g.step == f.step) same_step.push_back(&g.divergence);
      }
      if (traces::restates_other_divergence(f.divergence, same_step)) continue;
      const std::vector<traces::BehaviourKey> keys = traces::behaviour_keys(r.trace.steps[f.step], f.divergence);
      // --past-notes: noted when every key is, as kqcheck's known_reason (none: not noted).
      bool noted = in.past_notes && in.notes != nullptr && !keys.empty();
      for (const traces::BehaviourKey& key : keys) {
        add_divergence(path, r, f, key, first, example_only);
        noted = noted && in.notes->has(key.signature);
      }
      first = first && noted;
    }
  }

  void count_trace(const TraceReport& r, bool matched) {
    ++report.traces;
    if (r.trace.host) {
      ++report.recordings;
      const traces::HostInfo& h = *r.trace.host;
      if (report.implementation.empty()) report.implementation = h.kqueue.empty() ? h.os + " " + h.release : h.kqueue + " on " + h.os;
    }
    if (report.dialect.empty()) report.dialect = r.dialect;
    report.dialects.insert(r.dialect);
    if (r.status != TraceStatus::kMatched && r.status != TraceStatus::kDivergent) {
      // A kqcheck counterexample replays as its failure: a broken property.
      report.problems.push_back(r.status == TraceStatus::kPropertyViolated ? "property violated: " + r.error : r.error);
      report.worst_exit = std::max(report.worst_exit, static_cast<int>(exit_code_for(r.status)));
    }
    if (!matched) ++report.divergent_traces;
  }

  void add_divergence(const std::string& path, const TraceReport& r, const Found& f, const traces::BehaviourKey& key, bool first,
                      bool example_only) {
    const traces::Step& step = r.trace.steps[f.step];
    std::string signature = key.signature;
    const std::string& title = key.title;
    const std::string* reason = in.known != nullptr ? in.known->reason_for(r.trace.name, step, f.divergence) : nullptr;
    if (reason != nullptr) signature = "known|" + signature;
    auto it = index.find(signature);
    if (it == index.end() && example_only) return;
    const bool added = it == index.end();
    if (added) {
      it = index.emplace(signature, report.behaviours.size()).first;
      Behaviour b;
      b.signature = signature;
      b.title = title;
      b.kind = f.divergence.kind;
      b.section = section_of(r.trace, step, f.divergence);
      b.known_reason = reason != nullptr ? *reason : "";
      const std::string* note = in.notes != nullptr ? in.notes->checked(signature) : nullptr;
      b.checked = note != nullptr ? *note : "";
      report.behaviours.push_back(std::move(b));
    }
    Behaviour& b = report.behaviours[it->second];
    if (!example_only) {
      ++b.occurrences;
      if (first) ++b.first_in_trace;
      if (std::find(b.traces.begin(), b.traces.end(), r.trace.name) == b.traces.end()) b.traces.push_back(r.trace.name);
      if (f.divergence.filter != 0) b.filters.insert(model::filter_name(f.divergence.filter));
    }
    // The shortest example wins: fewer steps up to the divergence.
    if (!added && b.example_step <= f.step) return;
    b.example = cut_after(r.trace, f.step);
    b.example_step = f.step;
    b.example_path = path;
    b.example_dialect = r.dialect;
    b.example_is_recording = r.trace.host.has_value();
    b.divergence = traces::divergence_json(step, f.divergence, traces::trace_vs_model(f.divergence), call_text(step), reason);
    b.model_observation = traces::observation_json(f.model);
    auto src = sources.find(r.trace.name);
    b.freebsd_sources = src != sources.end() ? src->second : std::vector<traces::SourceRef>{};
  }
};

}  // namespace

Report build_report(const ReportInput& in) {
  Report report;
  report.dialect = in.dialect.value_or("");
  report.past_notes = in.past_notes && in.notes != nullptr;
  Builder builder{in, report, corpus_sources(in.corpus), {}};
  for (const std::string& path : expand_trace_paths(in.paths)) builder.add_trace(path, false);
  for (const std::string& path : expand_trace_paths(in.examples)) builder.add_trace(path, true);
  return report;
}

namespace {

// A corpus may mix dialects (a trace recorded on 13.2 names freebsd-13.2):
// each trace is replayed as its own unless --dialect says otherwise.
std::string dialects_text(const Report& r) {
  if (r.dialects.size() <= 1) return fmt::format("as `{}`", r.dialect);
  std::string out;
  for (const std::string& d : r.dialects) out += (out.empty() ? "`" : ", `") + d + "`";
  return "as each trace's own dialect (" + out + ")";
}

std::string source_text(const Behaviour& b) {
  std::string out = fmt::format("the kqsim model ({})", b.example_dialect);
  if (b.freebsd_sources.empty()) return out + "; no conformance trace of this program names a source";
  out += ", whose conformance trace `" + b.example.name + "` cites";
  for (const traces::SourceRef& s : b.freebsd_sources) out += fmt::format(" {}: {};", s.kind, s.ref);
  out.pop_back();
  return out;
}

bool shrunk_by_kqcheck(const traces::Trace& t) { return t.description.rfind("Shrunk by kqcheck", 0) == 0; }

std::string example_kind(const Behaviour& b) {
  if (shrunk_by_kqcheck(b.example)) return "shrunk by kqcheck";
  if (b.example_is_recording) return "a recording cut after the divergent step, not shrunk";
  return "as given, cut after the divergent step";
}

std::string joined(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

void markdown_behaviour(std::string& md, std::size_t n, const Behaviour& b, bool with_notes, bool past_notes) {
  md += fmt::format("### {}. {}\n\n", n, b.title);
  md += fmt::format("- **Category:** `{}`{}; seen {} time(s) in {} trace(s); the first divergence of a trace{} {} time(s){}\n",
                    traces::divergence_kind_name(b.kind), b.filters.empty() ? "" : " (" + joined(b.filters) + ")", b.occurrences,
                    b.traces.size(), past_notes ? " (or after noted ones only)" : "", b.first_in_trace,
                    b.first_in_trace == 0 ? " (only after another divergence: may be a consequence of it)" : "");
  md += fmt::format("- **The implementation:** `{}`\n", b.divergence["observed"].dump());
  md += fmt::format("- **FreeBSD:** `{}`, from {}\n", b.divergence["expected"].dump(), source_text(b));
  if (!b.known_reason.empty()) md += fmt::format("- **Known difference:** {}\n", b.known_reason);
  if (with_notes) md += fmt::format("- **Checked by hand:** {}\n", b.checked.empty() ? "not yet" : b.checked);
  md += fmt::format("- **Behaviour key** (for notes): `{}`\n", b.signature);
  md += fmt::format("- **Minimal trace** (`{}`, {}; steps 0-{}, the divergence is at step {}):\n\n```\n", b.example_path,
                    example_kind(b), b.example_step, b.example_step);
  for (const traces::Step& s : b.example.steps) md += fmt::format("{:>3} {}\n", s.index, call_text(s));
  md += "```\n\n";
}

// Behaviours never a trace's first divergence: after the first one the
// model follows the host's descriptor numbers only, so a later difference may
// come from state the two no longer share. Listed, not claimed.
std::string follow_on_markdown(const Report& r) {
  std::string md;
  for (const Behaviour& b : r.behaviours) {
    if (b.first_in_trace != 0 || !b.known_reason.empty()) continue;
    md += fmt::format("- {} (`{}`): {} time(s) in {} trace(s); e.g. `{}` step {}\n", b.title, b.signature, b.occurrences,
                      b.traces.size(), b.example_path, b.example_step);
  }
  if (md.empty()) return md;
  const std::string never = r.past_notes ? "Never the first divergence of a trace, nor after noted ones only. "
                                         : "Never the first divergence of a trace. ";
  return "## Seen only after another divergence\n\n" + never + "After the first one the model "
         "follows the implementation's descriptor numbers but not its knotes, so these may be consequences of an earlier "
         "divergence rather than behaviours of their own; they are listed, not claimed, and not checked by hand.\n\n" +
         md + "\n";
}

json behaviour_json(const Behaviour& b) {
  json sources = json::array();
  for (const traces::SourceRef& s : b.freebsd_sources) sources.push_back({{"kind", s.kind}, {"ref", s.ref}});
  return {{"title", b.title},
          {"signature", b.signature},
          {"checked", b.checked.empty() ? json(nullptr) : json(b.checked)},
          {"filters", b.filters},
          {"section", b.section == ReportSection::kKqueue ? "kqueue" : b.section == ReportSection::kHostOs ? "host-os" : "timing"},
          {"category", traces::divergence_kind_name(b.kind)},
          {"occurrences", b.occurrences},
          {"first_in_trace", b.first_in_trace},
          {"traces", b.traces},
          {"known", b.known_reason.empty() ? json(nullptr) : json(b.known_reason)},
          {"divergence", b.divergence},
          {"model_observation", b.model_observation},
          {"freebsd", {{"dialect", b.example_dialect}, {"sources", sources}}},
          {"example", {{"path", b.example_path}, {"step", b.example_step}, {"kind", example_kind(b)}, {"trace", traces::trace_to_json(b.example)}}}};
}

}  // namespace

std::string report_markdown(const Report& r, const Expectations* known, const traces::BehaviourNotes* notes) {
  const std::string who = r.implementation.empty() ? "the implementation" : r.implementation;
  std::string md = fmt::format("# Where {} diverges from FreeBSD\n\n", who);
  md += fmt::format("Generated by `kqreplay report` from {} trace(s) ({} recording(s), {} other: campaign failures or "
                    "hand-written), {} with a divergence, compared with the kqsim model {}. Each behaviour is listed "
                    "once with the shortest trace showing it, cut after the divergent step; `kqreplay diff` replays it. "
                    "A campaign failure and a `kqcheck shrink` output are shrunk: no step, change or number of them "
                    "can go with the behaviour kept (within kqcheck's shrinking budget); a recording is only cut.\n\n",
                    r.traces, r.recordings, r.traces - r.recordings, r.divergent_traces, dialects_text(r));
  if (r.races_followed > 0) {
    md += fmt::format("{} trace(s) were replayed on the other outcome of a race with a kernel thread (the kqueue_task "
                      "and netisr races) where their host took it (a FreeBSD kernel takes either: "
                      "docs/kqreplay.md#the-kqueue_task-race), as `kqreplay diff` does.\n\n",
                      r.races_followed);
  }
  const std::pair<ReportSection, const char*> sections[] = {
      {ReportSection::kKqueue, "## kqueue divergences\n\n"},
      {ReportSection::kHostOs, "## Host OS differences (not kqueue's: pipes, sockets, files, processes)\n\n"},
      {ReportSection::kTiming,
       "## Timing-dependent differences (not claimed)\n\nA timer's expirations follow real time on the implementation "
       "and simulated time in the model (sleeps and kevent timeouts, nothing within a call): a timer event one side "
       "returns a moment earlier, or a count a tick apart, is listed here and not claimed as a divergence.\n\n"}};
  std::size_t n = 0;
  for (const auto& [section, heading] : sections) {
    md += heading;
    std::size_t shown = 0;
    for (const Behaviour& b : r.behaviours) {
      if (b.section != section || !b.known_reason.empty() || b.first_in_trace == 0) continue;
      markdown_behaviour(md, ++n, b, notes != nullptr, r.past_notes);
      ++shown;
    }
    if (shown == 0) md += "None.\n\n";
  }
  md += follow_on_markdown(r);
  std::size_t known_count = 0;
  for (const Behaviour& b : r.behaviours) known_count += b.known_reason.empty() ? 0 : 1;
  if (known_count > 0) {
    md += "## Known differences (listed in the expectations file)\n\n";
    for (const Behaviour& b : r.behaviours) {
      if (!b.known_reason.empty()) markdown_behaviour(md, ++n, b, notes != nullptr, r.past_notes);
    }
  }
  if (known != nullptr && !known->unmatched().empty()) {
    md += "## Expectations that matched nothing\n\n";
    for (const Expectation* e : known->unmatched()) md += fmt::format("- entry {}: {}\n", e->index, e->reason);
    md += "\n";
  }
  if (notes != nullptr && !notes->unmatched().empty()) {
    md += "## Notes that matched no behaviour\n\n";
    for (const std::string& sig : notes->unmatched()) md += fmt::format("- `{}`\n", sig);
    md += "\n";
  }
  if (!r.problems.empty()) {
    md += "## Traces that could not be replayed (or broke a property they ask for)\n\n";
    for (const std::string& p : r.problems) md += "- " + p + "\n";
    md += "\n";
  }
  return md;
}

json report_json(const Report& r, const Expectations* known, const traces::BehaviourNotes* notes) {
  json behaviours = json::array();
  for (const Behaviour& b : r.behaviours) behaviours.push_back(behaviour_json(b));
  json unmatched = json::array();
  if (known != nullptr) {
    for (const Expectation* e : known->unmatched()) unmatched.push_back({{"index", e->index}, {"reason", e->reason}});
  }
  json doc{{"format", "kqsim-report/1"},
           {"implementation", r.implementation},
           {"dialect", r.dialect},
           {"traces", r.traces},
           {"recordings", r.recordings},
           {"divergent_traces", r.divergent_traces},
           {"task_races_followed", r.races_followed},
           {"behaviours", behaviours},
           {"unmatched_expectations", unmatched},
           {"unmatched_notes", notes != nullptr ? json(notes->unmatched()) : json::array()},
           {"problems", r.problems}};
  if (r.past_notes) doc["past_notes"] = true;  // first_in_trace counts divergences after noted ones only too
  return doc;
}

}  // namespace kqsim::replay
