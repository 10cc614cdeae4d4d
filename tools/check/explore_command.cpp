#include "tools/check/explore_command.hpp"

#include <iostream>

#include <fmt/format.h>

#include "check/explorer.hpp"
#include "check/campaign_shards.hpp"
#include "check/swarm_report.hpp"
#include "model/mutations.hpp"
#include "tools/check/command_output.hpp"
#include "tools/common/progress.hpp"
#include "tools/replay/exit_codes.hpp"
#include "traces/compare_json.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::tools {
namespace {

// kqcheck explore --swarm (check/swarm_report.hpp): exit 1 on a violation,
// 0 when some member searched the whole space, else 5 (a bound cut every one).
int swarm_command(const ExploreCli& c, const check::Scenario& s, const check::ExploreOptions& o) {
  check::SwarmOptions w{c.swarm, c.swarm_seed, 0, c.swarm};
  if (!c.shard.empty()) {
    const check::ProgramRange range = check::shard_range(c.swarm, *check::parse_shard(c.shard));
    w.first = range.first;
    w.end = range.end;
  }
  const check::SwarmResult r = check::explore_swarm(s, o, w);
  std::fputs(check::swarm_text(s, w, r).c_str(), text_out(c.json));
  if (r.violating && !c.out.empty()) {
    check::ExploreResult found = r.members[*r.violating].result;
    if (!write_text(c.out, traces::trace_to_json(check::counterexample_trace(s, found, o)).dump(2) + "\n")) {
      std::cerr << "kqcheck: cannot write " << c.out << "\n";
      return replay::kExitBadInput;
    }
  }
  if (c.json) std::cout << traces::dump_result(check::swarm_document(s, w, r, c.out)) << "\n";
  if (r.violating) return replay::kExitDivergence;
  for (const check::SwarmMember& m : r.members) {
    if (m.result.complete) return replay::kExitOk;
  }
  return kExitIncomplete;
}


// The search's outcome as a result document (kqsim-result/1): one entry
// for a violation, with its schedule; none for a clean search.
nlohmann::json explore_json(const check::Scenario& s, const ExploreCli& c, const check::ExploreResult& r) {
  nlohmann::json entries = nlohmann::json::array();
  if (r.violation) {
    nlohmann::json schedule = nlohmann::json::array();
    for (const check::ScheduledStep& st : r.counterexample) schedule.push_back({{"thread", s.threads[st.thread].name}, {"step", st.step}});
    entries.push_back({{"path", c.out.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.out)},
                       {"name", s.name},
                       {"status", "violation"},
                       {"error", *r.violation},
                       {"steps", r.counterexample.size()},
                       {"unexpected_divergences", 0},
                       {"divergences", nlohmann::json::array()},
                       {"skipped_steps", nlohmann::json::array()},
                       {"schedule", schedule}});
  }
  return {{"format", traces::kResultFormat},
          {"command", "explore"},
          {"traces", entries},
          {"summary", {{"generated", r.generated}, {"distinct", r.distinct}, {"max_depth", r.max_depth},
                       {"deadlocks", r.deadlocks}, {"complete", r.complete}}}};
}

}  // namespace

int explore_command(const ExploreCli& c) {
  auto mutations = model::mutation_named(c.mutate);
  if (!mutations) {
    std::cerr << "kqcheck: unknown --mutate value\n";
    return replay::kExitBadInput;
  }
  if (!c.out.empty()) {
    if (auto problem = output_file_problem(c.out)) {
      std::cerr << "kqcheck: --out: " << *problem << "\n";
      return replay::kExitBadInput;
    }
  }
  check::Scenario s = check::load_scenario_file(c.scenario);
  check::ExploreOptions o;
  o.fingerprint = c.fingerprint;
  o.max_states = c.max_states;
  o.max_depth = c.max_depth;
  o.mutations = *mutations;
  o.partial_order_reduction = c.por;
  o.threads = c.threads;
  if (c.swarm > 0) return swarm_command(c, s, o);
  cli::Progress progress("kqcheck explore", "states (of the --max-states bound)", c.max_states, c.progress);
  if (progress.enabled()) {
    o.on_progress = [&progress](std::uint64_t generated, std::uint64_t distinct) {
      progress.update(distinct, fmt::format("{} transitions", generated));
    };
  }
  check::ExploreResult r = check::explore(s, o);
  std::FILE* out = text_out(c.json);
  auto per_second = [](std::uint64_t n, double seconds) { return seconds > 0 ? static_cast<double>(n) / seconds : 0.0; };
  fmt::print(out, "{}: {} states generated (transitions), {} distinct states, depth {}, {} deadlocked state(s){}\n", s.name,
             r.generated, r.distinct, r.max_depth, r.deadlocks, c.por ? ", partial-order reduction" : "");
  fmt::print(out, "  {:.0f} states generated/s of CPU time ({:.0f}/s wall clock), {:.0f} distinct states/s; "
             "{:.1f} bytes per stored state ({}), {:.1f} MB of cached step effects{}\n",
             per_second(r.generated, r.cpu_seconds), per_second(r.generated, r.seconds), per_second(r.distinct, r.cpu_seconds),
             r.distinct > 0 ? static_cast<double>(r.stored_bytes) / static_cast<double>(r.distinct) : 0.0,
             c.fingerprint ? "fingerprints" : "exact", static_cast<double>(r.cache_bytes) / 1e6,
             r.complete ? "" : " [bound reached: incomplete]");
  if (!r.violation) {
    if (c.json) std::cout << traces::dump_result(explore_json(s, c, r)) << "\n";
    return r.complete ? replay::kExitOk : kExitIncomplete;
  }
  fmt::print(out, "VIOLATION after {} steps: {}{}\n", r.counterexample.size(), *r.violation,
             r.counterexample_shortest ? "" : " (a bound stopped the search for a shorter schedule)");
  for (const check::ScheduledStep& st : r.counterexample) {
    fmt::print(out, "  {} step {}\n", s.threads[st.thread].name, st.step);
  }
  if (!c.out.empty()) {
    const traces::Trace cex = check::counterexample_trace(s, r, o);
    if (!write_text(c.out, traces::trace_to_json(cex).dump(2) + "\n")) {
      std::cerr << "kqcheck: cannot write " << c.out << "\n";
      return replay::kExitBadInput;
    }
    // The violation is in the state after the schedule's last step.
    fmt::print(out, "  counterexample trace: {} (kqreplay explain it){}\n", c.out,
               cex.steps.empty() ? "" : fmt::format(": violated at its step {}", cex.steps.size() - 1));
  }
  if (c.json) std::cout << traces::dump_result(explore_json(s, c, r)) << "\n";
  return replay::kExitDivergence;
}

}  // namespace kqsim::tools
