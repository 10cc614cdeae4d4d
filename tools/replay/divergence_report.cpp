#include "tools/replay/divergence_report.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "model/kevent_names.hpp"
#include "tools/replay/step_text.hpp"
#include "tools/replay/trace_runner.hpp"
#include "traces/compare_json.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::replay {
namespace {

using nlohmann::json;
using traces::DivergenceKind;

// Flags one side has and the other lacks, as "+EV_ADD -EV_CLEAR" (the
// implementation's side first).
std::string flag_delta(const json& model, const json& trace) {
  std::string out;
  auto has = [](const json& a, const json& f) { return a.is_array() && std::find(a.begin(), a.end(), f) != a.end(); };
  if (trace.is_array()) {
    for (const json& f : trace) {
      if (!has(model, f)) out += (out.empty() ? "+" : " +") + f.get<std::string>();
    }
  }
  if (model.is_array()) {
    for (const json& f : model) {
      if (!has(trace, f)) out += (out.empty() ? "-" : " -") + f.get<std::string>();
    }
  }
  return out;
}

std::string value_text(const json& v) {
  if (v.is_null()) return "nothing";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array() && v.empty()) return "none";
  if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); })) {
    std::string out;
    for (const json& e : v) out += (out.empty() ? "" : "|") + e.get<std::string>();
    return out;
  }
  return v.dump();
}

// A kqueue behaviour is one of kqueue()/kevent(); the rest is the host OS's,
// except a crash or hang of the implementation, which is always a finding.
ReportSection section_of(traces::Op op, DivergenceKind kind) {
  if (kind == DivergenceKind::kCrash || kind == DivergenceKind::kHang) return ReportSection::kKqueue;
  return op == traces::Op::kKqueue || op == traces::Op::kKevent ? ReportSection::kKqueue : ReportSection::kHostOs;
}

// What makes two divergences one behaviour: the category, the call, the
// filter, and the values that tell the behaviour (never descriptor numbers
// or counts that vary from program to program).
std::pair<std::string, std::string> signature_of(const traces::Step& step, const traces::Divergence& d) {
  const std::string op = traces::op_name(step.op);
  const std::string filter = d.filter != 0 ? model::filter_name(d.filter) : "";
  const std::string cat = traces::divergence_kind_name(d.kind);
  const json& model = d.actual_value;
  const json& trace = d.expected_value;
  switch (d.kind) {
    case DivergenceKind::kFlags: {
      std::string delta = flag_delta(model, trace);
      return {cat + "|" + filter + "|" + delta, fmt::format("{} returned flags {} (FreeBSD's flags {})", filter, delta, value_text(model))};
    }
    case DivergenceKind::kErrno:
      return {cat + "|" + op + "|" + value_text(model) + "|" + value_text(trace),
              fmt::format("{}() {} where FreeBSD's {}", op, trace.is_null() ? "succeeds" : "fails with " + value_text(trace),
                          model.is_null() ? "succeeds" : "fails with " + value_text(model))};
    case DivergenceKind::kRet:
      if (step.op == traces::Op::kKevent) {
        return {cat + "|kevent", "kevent() returns another number of events than FreeBSD"};
      }
      return {cat + "|" + op + "|" + value_text(model) + "|" + value_text(trace),
              fmt::format("{}() returns {} where FreeBSD's returns {}", op, value_text(trace), value_text(model))};
    case DivergenceKind::kMissingEvent:
    case DivergenceKind::kExtraEvent: {
      const std::string flags = d.event.is_object() ? flag_delta(json::array(), d.event["flags"]) : "";
      return {cat + "|" + filter + "|" + flags,
              fmt::format("{} event {} by the implementation{}", filter,
                          d.kind == DivergenceKind::kMissingEvent ? "not returned" : "returned only",
                          flags.empty() ? "" : " (flags " + flags + ")")};
    }
    case DivergenceKind::kErrorRecord: {
      // Which part of the receipt differs, and the errnos it carries; never the ident.
      const std::string part = d.detail.find(", ") != std::string::npos ? d.detail.substr(d.detail.rfind(", ") + 2) : d.detail;
      auto errno_of = [](const json& v) { return v.is_object() && v.contains("data") ? value_text(v["data"]) : value_text(v); };
      return {cat + "|" + filter + "|" + part + "|" + errno_of(model) + "|" + errno_of(trace),
              fmt::format("{} EV_ERROR receipt {}: implementation {}, FreeBSD {}", filter,
                          part == "missing" ? "missing" : part == "extra" ? "extra" : "differs in " + part,
                          errno_of(trace), errno_of(model))};
    }
    case DivergenceKind::kUnsupported:
      return {cat + "|" + op + "|" + value_text(trace), fmt::format("{}() cannot be made: {}", op, value_text(trace))};
    case DivergenceKind::kCrash:
    case DivergenceKind::kHang:
      return {cat + "|" + op, fmt::format("the implementation {} in {}()", d.kind == DivergenceKind::kCrash ? "crashes" : "hangs", op)};
    default:
      return {cat + "|" + op + "|" + filter, fmt::format("{} of {}{} differs", cat, op, filter.empty() ? "" : " " + filter)};
  }
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

struct Found {
  std::size_t step;
  traces::Divergence divergence;
  traces::Observed model;
};

}  // namespace

Report build_report(const ReportInput& in) {
  Report report;
  report.dialect = in.dialect.value_or("");
  const auto sources = corpus_sources(in.corpus);
  std::map<std::string, std::size_t> index;  // signature -> behaviour
  for (const std::string& path : expand_trace_paths(in.paths)) {
    std::vector<Found> found;
    TraceReport r = replay_trace(path, ReplayOptions{in.dialect, true, in.raw_fds},
                                 [&](const sim::Interpreter& interp, const sim::ModelBackend&, const sim::StepOutcome& o) {
                                   for (const traces::Divergence& d : o.divergences) found.push_back({o.step->index, d, interp.to_observed(o)});
                                 });
    ++report.traces;
    if (r.trace.host) {
      ++report.recordings;
      if (report.implementation.empty()) report.implementation = r.trace.host->os + " " + r.trace.host->release;
    }
    if (report.dialect.empty()) report.dialect = r.dialect;
    if (r.status != TraceStatus::kMatched && r.status != TraceStatus::kDivergent) {
      // A kqcheck counterexample replays as its failure: a broken property.
      report.problems.push_back(r.status == TraceStatus::kPropertyViolated ? "property violated: " + r.error : r.error);
      report.worst_exit = std::max(report.worst_exit, static_cast<int>(exit_code_for(r.status)));
    }
    if (!found.empty()) ++report.divergent_traces;
    bool first = true;
    for (const Found& f : found) {
      const traces::Step& step = r.trace.steps[f.step];
      // A return value of -1 against one of 0 says nothing the errno does not.
      const bool errno_too = std::any_of(found.begin(), found.end(), [&](const Found& g) {
        return g.step == f.step && g.divergence.kind == DivergenceKind::kErrno;
      });
      if (f.divergence.kind == DivergenceKind::kRet && errno_too) continue;
      auto [signature, title] = signature_of(step, f.divergence);
      const std::string* reason = in.known != nullptr ? in.known->reason_for(r.trace.name, step, f.divergence) : nullptr;
      if (reason != nullptr) signature = "known|" + signature;
      auto [it, added] = index.emplace(signature, report.behaviours.size());
      if (added) {
        Behaviour b;
        b.signature = signature;
        b.title = title;
        b.kind = f.divergence.kind;
        b.section = section_of(step.op, f.divergence.kind);
        b.known_reason = reason != nullptr ? *reason : "";
        report.behaviours.push_back(std::move(b));
      }
      Behaviour& b = report.behaviours[it->second];
      ++b.occurrences;
      if (first) ++b.first_in_trace;
      first = false;
      if (std::find(b.traces.begin(), b.traces.end(), r.trace.name) == b.traces.end()) b.traces.push_back(r.trace.name);
      // The shortest example wins: fewer steps up to the divergence.
      if (!added && b.example_step <= f.step) continue;
      b.example = cut_after(r.trace, f.step);
      b.example_step = f.step;
      b.example_path = path;
      b.divergence = traces::divergence_json(step, f.divergence, traces::trace_vs_model(f.divergence), call_text(step), reason);
      b.model_observation = traces::observation_json(f.model);
      auto src = sources.find(r.trace.name);
      b.freebsd_sources = src != sources.end() ? src->second : std::vector<traces::SourceRef>{};
    }
  }
  return report;
}

namespace {

std::string source_text(const Behaviour& b, const std::string& dialect) {
  std::string out = fmt::format("the kqsim model ({})", dialect);
  if (b.freebsd_sources.empty()) return out + "; no conformance trace of this program names a source";
  out += ", whose conformance trace `" + b.example.name + "` cites";
  for (const traces::SourceRef& s : b.freebsd_sources) out += fmt::format(" {}: {};", s.kind, s.ref);
  out.pop_back();
  return out;
}

void markdown_behaviour(std::string& md, std::size_t n, const Behaviour& b, const std::string& dialect) {
  md += fmt::format("### {}. {}\n\n", n, b.title);
  md += fmt::format("- **Category:** `{}`; seen {} time(s) in {} trace(s); the first divergence of a trace {} time(s){}\n",
                    traces::divergence_kind_name(b.kind), b.occurrences, b.traces.size(), b.first_in_trace,
                    b.first_in_trace == 0 ? " (only after another divergence: may be a consequence of it)" : "");
  md += fmt::format("- **The implementation:** `{}`\n", b.divergence["observed"].dump());
  md += fmt::format("- **FreeBSD:** `{}`, from {}\n", b.divergence["expected"].dump(), source_text(b, dialect));
  if (!b.known_reason.empty()) md += fmt::format("- **Known difference:** {}\n", b.known_reason);
  md += fmt::format("- **Minimal trace** (`{}`, steps 0-{}; the divergence is at step {}):\n\n```\n", b.example_path,
                    b.example_step, b.example_step);
  for (const traces::Step& s : b.example.steps) md += fmt::format("{:>3} {}\n", s.index, call_text(s));
  md += "```\n\n";
}

json behaviour_json(const Behaviour& b, const std::string& dialect) {
  json sources = json::array();
  for (const traces::SourceRef& s : b.freebsd_sources) sources.push_back({{"kind", s.kind}, {"ref", s.ref}});
  return {{"title", b.title},
          {"section", b.section == ReportSection::kKqueue ? "kqueue" : "host-os"},
          {"category", traces::divergence_kind_name(b.kind)},
          {"occurrences", b.occurrences},
          {"first_in_trace", b.first_in_trace},
          {"traces", b.traces},
          {"known", b.known_reason.empty() ? json(nullptr) : json(b.known_reason)},
          {"divergence", b.divergence},
          {"model_observation", b.model_observation},
          {"freebsd", {{"dialect", dialect}, {"sources", sources}}},
          {"example", {{"path", b.example_path}, {"step", b.example_step}, {"trace", traces::trace_to_json(b.example)}}}};
}

}  // namespace

std::string report_markdown(const Report& r, const Expectations* known) {
  const std::string who = r.implementation.empty() ? "the implementation" : r.implementation;
  std::string md = fmt::format("# Where {} diverges from FreeBSD\n\n", who);
  md += fmt::format("Generated by `kqreplay report` from {} trace(s) ({} recording(s), {} other: campaign failures or "
                    "hand-written), {} with a divergence, compared with the kqsim model as `{}`. Each behaviour is listed "
                    "once with the shortest trace showing it, cut after the divergent step; `kqreplay diff` replays it.\n\n",
                    r.traces, r.recordings, r.traces - r.recordings, r.divergent_traces, r.dialect);
  const std::pair<ReportSection, const char*> sections[] = {
      {ReportSection::kKqueue, "## kqueue divergences\n\n"},
      {ReportSection::kHostOs, "## Host OS differences (not kqueue's: pipes, sockets, files, processes)\n\n"}};
  std::size_t n = 0;
  for (const auto& [section, heading] : sections) {
    md += heading;
    std::size_t shown = 0;
    for (const Behaviour& b : r.behaviours) {
      if (b.section != section || !b.known_reason.empty()) continue;
      markdown_behaviour(md, ++n, b, r.dialect);
      ++shown;
    }
    if (shown == 0) md += "None.\n\n";
  }
  std::size_t known_count = 0;
  for (const Behaviour& b : r.behaviours) known_count += b.known_reason.empty() ? 0 : 1;
  if (known_count > 0) {
    md += "## Known differences (listed in the expectations file)\n\n";
    for (const Behaviour& b : r.behaviours) {
      if (!b.known_reason.empty()) markdown_behaviour(md, ++n, b, r.dialect);
    }
  }
  if (known != nullptr && !known->unmatched().empty()) {
    md += "## Expectations that matched nothing\n\n";
    for (const Expectation* e : known->unmatched()) md += fmt::format("- entry {}: {}\n", e->index, e->reason);
    md += "\n";
  }
  if (!r.problems.empty()) {
    md += "## Traces that could not be replayed (or broke a property they ask for)\n\n";
    for (const std::string& p : r.problems) md += "- " + p + "\n";
    md += "\n";
  }
  return md;
}

json report_json(const Report& r, const Expectations* known) {
  json behaviours = json::array();
  for (const Behaviour& b : r.behaviours) behaviours.push_back(behaviour_json(b, r.dialect));
  json unmatched = json::array();
  if (known != nullptr) {
    for (const Expectation* e : known->unmatched()) unmatched.push_back({{"index", e->index}, {"reason", e->reason}});
  }
  return {{"format", "kqsim-report/1"},
          {"implementation", r.implementation},
          {"dialect", r.dialect},
          {"traces", r.traces},
          {"recordings", r.recordings},
          {"divergent_traces", r.divergent_traces},
          {"behaviours", behaviours},
          {"unmatched_expectations", unmatched},
          {"problems", r.problems}};
}

}  // namespace kqsim::replay
