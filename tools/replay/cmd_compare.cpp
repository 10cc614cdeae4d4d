// kqreplay diff A --against B: two recordings of one program (say FreeBSD
// and libkqueue) compared step by step; where they differ, the model's
// answer shows which side behaves like the reference kernel.
#include <filesystem>
#include <functional>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tools/replay/commands.hpp"
#include "tools/replay/diff_summary.hpp"
#include "tools/replay/step_text.hpp"
#include "tools/replay/trace_runner.hpp"
#include "traces/compare_json.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::replay {
namespace {

// The program alone: steps without what was observed or said about them.
nlohmann::json program_of(const traces::Trace& t) {
  nlohmann::json steps = traces::trace_to_json(t)["steps"];
  for (auto& step : steps) {
    step.erase("observed");
    step.erase("note");
  }
  return steps;
}

// Names compare as names, numbers as numbers: both recordings bound the
// same names, so a name stands for "the same descriptor" on either host.
class SymbolicIdents {
 public:
  std::uint64_t operator()(const traces::Ref& ref, model::FilterId = 0) {
    if (!ref.is_name()) return ref.number();
    auto [it, inserted] = ids_.emplace(ref.name(), kNameBase + ids_.size());
    return it->second;
  }

 private:
  static constexpr std::uint64_t kNameBase = 1ULL << 62;
  std::map<std::string, std::uint64_t> ids_;
};

traces::ActualObservation as_actual(const traces::Observed& o, SymbolicIdents& ids) {
  traces::ActualObservation a;
  a.unsupported = o.unsupported;
  auto value = [&](const traces::IntExpect& e) {
    return e.pid_of.empty() ? e.min : static_cast<std::int64_t>(ids(traces::Ref{e.pid_of}));
  };
  a.ret = value(o.ret);
  if (o.errno_name) a.err = model::errno_from_name(*o.errno_name).value_or(model::Errno::kEOPNOTSUPP);
  for (const traces::ExpectedEvent& e : o.events) {
    a.events.push_back({ids(e.ident), e.filter, e.flags, e.fflags, value(e.data), e.udata});
  }
  return a;
}

// A returned pid is shown as the process's name on both sides (the
// resolver's stand-in numbers mean nothing to a reader).
void name_returned_pids(traces::Divergence& d, const traces::Observed& a, const traces::Observed& b) {
  if (d.kind != traces::DivergenceKind::kRet) return;
  if (!a.ret.pid_of.empty()) d.expected = "pid of " + a.ret.pid_of;
  if (!b.ret.pid_of.empty()) {
    d.actual = "pid of " + b.ret.pid_of;
    d.actual_value = traces::int_expect_json(b.ret);
  }
}

std::string host_label(const traces::Trace& t, const char* fallback) {
  return t.host ? t.host->os + " " + t.host->release : std::string(fallback);
}

struct PairResult {
  int code = kExitOk;
  std::size_t unexpected = 0;
  nlohmann::json divergences = nlohmann::json::array();
};

void print_divergence(const PairResult& r, const traces::Trace& a, const traces::Trace& b, std::size_t i,
                      const traces::Divergence& d, const std::string* reason) {
  (void)r;
  fmt::print("  step {}: {}\n    {}: {} says {}, {} says {}{}{}\n", i, call_text(a.steps[i]), traces::divergence_kind_name(d.kind),
             host_label(a, "A"), d.expected, host_label(b, "B"), d.actual, d.detail.empty() ? "" : " (" + d.detail + ")",
             reason != nullptr ? " [known: " + *reason + "]" : "");
}

PairResult compare_pair(const std::string& a_path, const std::string& b_path, const CommonOptions& opts,
                        const Expectations* known, DiffSummary& summary) {
  traces::Trace a = traces::load_trace_file(a_path);
  traces::Trace b = traces::load_trace_file(b_path);
  if (program_of(a) != program_of(b)) {
    throw traces::TraceError(b_path, std::nullopt, "steps", "not the same program as " + a_path);
  }
  std::vector<traces::Observed> model_view;
  replay_trace(a_path, ReplayOptions{opts.dialect, true, opts.raw_fds},
               [&](const sim::Interpreter& interp, const sim::ModelBackend&, const sim::StepOutcome& o) {
                 model_view.push_back(interp.to_observed(o));
               });
  PairResult result;
  bool header = false;
  for (std::size_t i = 0; i < a.steps.size(); ++i) {
    if (!a.steps[i].observed || !b.steps[i].observed) continue;
    ++summary.compared_steps;
    // One name table for both sides, held by reference: a resolver holding a
    // copy would give A's first name and B's first name the same number.
    SymbolicIdents ids;
    const traces::ActualObservation b_seen = as_actual(*b.steps[i].observed, ids);
    auto divergences = traces::compare_observation(*a.steps[i].observed, b_seen, std::ref(ids),
                                                   {traces::returns_descriptor(a.steps[i].op), opts.raw_fds});
    const nlohmann::json model = i < model_view.size() ? traces::observation_json(model_view[i]) : nlohmann::json(nullptr);
    bool step_shown = false;
    for (traces::Divergence& d : divergences) {
      name_returned_pids(d, *a.steps[i].observed, *b.steps[i].observed);
      const std::string* reason = summary.count(a.name, a.steps[i], d, known);
      if (reason == nullptr) ++result.unexpected;
      result.divergences.push_back(traces::divergence_json(a.steps[i], d, {d.expected_value, d.actual_value, model},
                                                           call_text(a.steps[i]), reason));
      if (opts.json) continue;
      if (!header) fmt::print("DIFFERS   {}\n     vs   {}\n", a_path, b_path);
      header = true;
      print_divergence(result, a, b, i, d, reason);
      if (step_shown) continue;
      step_shown = true;
      fmt::print("      A: {}\n      B: {}\n", result_text(*a.steps[i].observed), result_text(*b.steps[i].observed));
      if (i < model_view.size()) fmt::print("      model ({}): {}\n", opts.dialect.value_or(a.dialect), result_text(model_view[i]));
    }
  }
  summary.steps += a.steps.size();
  ++summary.traces;
  ++summary.by_status[result.unexpected > 0 ? "divergent" : "matched"];
  if (result.unexpected == 0 && !opts.json) fmt::print("same      {} and {}\n", a_path, b_path);
  if (result.unexpected > 0) result.code = kExitDivergence;
  return result;
}

// Files pair up directly; folders pair by relative path, and a trace with no
// counterpart on either side is paired with "" (reported as bad input).
std::vector<std::pair<std::string, std::string>> pairs_of(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(a) || !fs::is_directory(b)) return {{a, b}};
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& path : expand_trace_paths({a})) {
    fs::path other = fs::path(b) / fs::relative(path, a);
    out.emplace_back(path, fs::exists(other) ? other.string() : "");
  }
  for (const std::string& path : expand_trace_paths({b})) {
    if (!fs::exists(fs::path(a) / fs::relative(path, b))) out.emplace_back("", path);
  }
  return out;
}

}  // namespace

int cmd_compare(const std::string& a, const std::string& b, const CommonOptions& opts) {
  for (const std::string& side : {a, b}) {
    std::error_code ec;
    if (!std::filesystem::exists(side, ec)) {
      std::cerr << "kqreplay: " << side << ": not found\n";
      return kExitBadInput;
    }
  }
  std::optional<Expectations> known;
  if (opts.expectations) known = Expectations::load(*opts.expectations);
  const Expectations* k = known ? &*known : nullptr;
  DiffSummary summary;
  int code = kExitOk;
  nlohmann::json results = nlohmann::json::array();
  for (const auto& [pa, pb] : pairs_of(a, b)) {
    try {
      if (pa.empty() || pb.empty()) {
        throw traces::TraceError(pa.empty() ? pb : pa, std::nullopt, "", "has no counterpart on the other side");
      }
      PairResult r = compare_pair(pa, pb, opts, k, summary);
      code = std::max(code, r.code);
      results.push_back({{"path", pa}, {"against", pb}, {"status", r.unexpected > 0 ? "divergent" : "matched"},
                         {"unexpected_divergences", r.unexpected}, {"divergences", r.divergences}});
    } catch (const std::exception& e) {
      // TraceError, or a file that cannot be read: that pair's entry.
      std::cerr << "kqreplay: " << e.what() << "\n";
      code = std::max(code, static_cast<int>(kExitBadInput));
      results.push_back({{"path", pa}, {"against", pb}, {"status", "bad-input"}, {"error", e.what()},
                         {"unexpected_divergences", 0}, {"divergences", nlohmann::json::array()}});
    }
  }
  if (opts.json) {
    nlohmann::json doc{{"format", traces::kResultFormat}, {"command", "diff-against"}, {"traces", results},
                       {"summary", summary.to_json(k)}};
    std::cout << traces::dump_result(doc) << "\n";
  } else {
    summary.print_text(k);
  }
  if (summary.traces == 0 && code == kExitOk) {
    std::cerr << "kqreplay: no pair of traces to compare\n";
    return kExitBadInput;
  }
  return code;
}

}  // namespace kqsim::replay
