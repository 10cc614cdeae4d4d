// kqcheck: search for programs that break an implementation.
//   kqcheck random --seed S --count N [--steps M] [--against model|host] [--mutate NAME] [--out DIR]
// Without --against every step of every program is checked against the
// model's invariants and semantic properties; with it each program runs on
// the reference (a faithful model, or this host's kqueue) and is replayed on
// the model under test. Every failure is shrunk and written as a replayable
// trace. Same seed, same programs, same results, byte for byte.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "check/explorer.hpp"
#include "check/linearizability.hpp"
#include "check/prng.hpp"
#include "check/program_generator.hpp"
#include "check/shrink.hpp"
#include "check/trace_runs.hpp"
#include "sim/host/host_backend.hpp"
#include "sim/host/worker_protocol.hpp"
#include "sim/model_backend.hpp"
#include "sim/posix/model_server.hpp"
#include "tools/replay/exit_codes.hpp"
#include "traces/compare_json.hpp"
#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

namespace {

using namespace kqsim;

struct Options {
  std::uint64_t seed = 1;
  std::uint64_t count = 1000;
  std::size_t steps = 50;
  std::string against;  // "", "model" or "host"
  std::string mutate;
  std::string dialect = "freebsd-main";
  std::string out = "kqcheck-failures";
  std::uint64_t max_failures = 1;
  bool progress = false;
  bool json = false;     // the result document (kqsim-result/1) on stdout, the text on stderr
  bool raw_fds = false;  // differential runs compare descriptor numbers
  std::string self;
};

// Where the human-readable lines go: stdout, or stderr when stdout carries JSON.
std::FILE* text_out(bool json) { return json ? stderr : stdout; }

std::optional<model::ModelMutations> mutations_named(const std::string& name) {
  model::ModelMutations m;
  if (name.empty()) return m;
  if (name == "dispatch-does-not-disable") m.dispatch_does_not_disable = true;
  else if (name == "oneshot-not-deleted") m.oneshot_not_deleted = true;
  else return std::nullopt;
  return m;
}

check::BackendFactory reference_for(const Options& o, const model::DialectProfile& profile) {
  if (o.against == "model") {
    return [&profile]() -> std::unique_ptr<sim::Backend> { return std::make_unique<sim::ModelBackend>(profile); };
  }
  return [o]() -> std::unique_ptr<sim::Backend> {
    host::HostBackendOptions h;
    h.self_path = o.self;
    setenv("KQSIM_DIALECT", o.dialect.c_str(), 1);
    setenv("KQSIM_MODEL_FD", std::to_string(host::kModelServerFd).c_str(), 1);
    posix::ModelServer server = posix::start_model_server(o.dialect);
    h.model_server_fd = server.fd;
    h.model_server_pid = server.pid;
    return std::make_unique<host::HostBackend>(h);
  };
}

std::optional<check::Failure> run_one(const traces::Trace& t, const Options& o, const check::ModelUnderTest& m,
                                      const check::BackendFactory& ref, std::vector<traces::Observed>* obs) {
  if (o.against.empty()) return check::run_with_properties(t, m, obs);
  return check::run_differential(t, m, ref, obs);
}

std::string write_failure(const Options& o, traces::Trace t, const check::Failure& f, const std::vector<traces::Observed>& obs) {
  for (std::size_t i = 0; i < t.steps.size() && i < obs.size(); ++i) t.steps[i].observed = obs[i];
  t.description = fmt::format("Shrunk by kqcheck (seed {}, {}): step {}: {}: {}", o.seed,
                              o.mutate.empty() ? "faithful model" : "mutation " + o.mutate, f.step, f.kind, f.message);
  t.steps[f.step].note = f.kind + ": " + f.message;
  std::filesystem::create_directories(o.out);
  std::string path = o.out + "/" + t.name + ".json";
  std::ofstream(path) << traces::trace_to_json(t).dump(2) << "\n";
  fmt::print(text_out(o.json), "  shrunk to {} steps: {}\n", t.steps.size(), path);
  return path;
}

// One failure as an entry of the result document.
nlohmann::json failure_json(const std::string& path, const traces::Trace& t, const check::Failure& f) {
  const bool property = f.kind == "property";
  return {{"path", path.empty() ? nlohmann::json(nullptr) : nlohmann::json(path)},
          {"name", t.name},
          {"dialect", t.dialect},
          {"status", property ? "property-violated" : "divergent"},
          {"steps", t.steps.size()},
          {"unexpected_divergences", f.divergences.size()},
          {"divergences", f.divergences},
          {"skipped_steps", nlohmann::json::array()},
          {"error", property ? nlohmann::json(fmt::format("step {}: {}", f.step, f.message)) : nlohmann::json(nullptr)}};
}

int campaign(const Options& o) {
  const model::DialectProfile* profile = model::find_profile(o.dialect);
  auto mutations = mutations_named(o.mutate);
  if (profile == nullptr || !mutations || (o.against != "" && o.against != "model" && o.against != "host")) {
    std::cerr << "kqcheck: unknown --dialect, --mutate or --against value\n";
    return replay::kExitBadInput;
  }
  check::ModelUnderTest m{profile, *mutations, o.raw_fds};
  nlohmann::json failures_json = nlohmann::json::array();
  check::BackendFactory ref = reference_for(o, *profile);
  std::uint64_t failures = 0, steps = 0, runs = 0;
  std::map<std::string, std::uint64_t> by_kind;
  for (std::uint64_t i = 0; i < o.count && failures < o.max_failures; ++i) {
    traces::Trace t = check::generate_program(check::trace_seed(o.seed, i), 
                                                   {.steps = o.steps,
                                                    .with_sockets = profile->models_unix_sockets,
                                                    .with_kqueuex = profile->has_kqueuex,
                                                    .with_aio = profile->has_aio_kevent});
    t.dialect = o.dialect;
    steps += t.steps.size();
    ++runs;
    auto failure = run_one(t, o, m, ref, nullptr);
    if (o.progress && (i + 1) % 1000 == 0) std::cerr << fmt::format("kqcheck: {} traces, {} failures\n", i + 1, failures);
    if (!failure) continue;
    ++failures;
    ++by_kind[failure->kind];
    fmt::print(text_out(o.json), "FAIL trace {} ({}): step {}: {}: {}\n", i, t.name, failure->step, failure->kind, failure->message);
    traces::Trace small = check::shrink_trace(t, [&](const traces::Trace& c) { return run_one(c, o, m, ref, nullptr).has_value(); });
    std::vector<traces::Observed> obs;
    auto again = run_one(small, o, m, ref, &obs);
    if (again) failures_json.push_back(failure_json(write_failure(o, small, *again, obs), small, *again));
  }
  fmt::print(text_out(o.json), "{} traces, {} steps, {} failure(s)", runs, steps, failures);
  for (const auto& [kind, n] : by_kind) fmt::print(text_out(o.json), ", {} {}", n, kind);
  fmt::print(text_out(o.json), "\n");
  if (o.json) {
    nlohmann::json doc{{"format", traces::kResultFormat}, {"command", "random"}, {"seed", o.seed},
                       {"against", o.against.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.against)},
                       {"traces", failures_json},
                       {"summary", {{"traces", runs}, {"steps", steps}, {"failures", failures}, {"by_category", by_kind}}}};
    std::cout << traces::dump_result(doc) << "\n";
  }
  return failures == 0 ? replay::kExitOk : replay::kExitDivergence;
}

struct ExploreCli {
  std::string scenario;
  bool fingerprint = false;
  bool por = false;
  std::uint64_t max_states = 2'000'000;
  std::uint32_t max_depth = 64;
  std::string mutate;
  std::string out;
  bool json = false;
};

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

int explore_command(const ExploreCli& c) {
  auto mutations = mutations_named(c.mutate);
  if (!mutations) {
    std::cerr << "kqcheck: unknown --mutate value\n";
    return replay::kExitBadInput;
  }
  check::Scenario s = check::load_scenario_file(c.scenario);
  check::ExploreOptions o{c.fingerprint, c.max_states, c.max_depth, *mutations, c.por};
  check::ExploreResult r = check::explore(s, o);
  std::FILE* out = text_out(c.json);
  auto per_second = [](std::uint64_t n, double seconds) { return seconds > 0 ? static_cast<double>(n) / seconds : 0.0; };
  fmt::print(out, "{}: {} states generated (transitions), {} distinct states, depth {}, {} deadlocked state(s){}\n", s.name,
             r.generated, r.distinct, r.max_depth, r.deadlocks, c.por ? ", partial-order reduction" : "");
  fmt::print(out, "  {:.0f} states generated/s of CPU time ({:.0f}/s wall clock), {:.0f} distinct states/s; "
             "{:.1f} bytes per stored state ({}){}\n",
             per_second(r.generated, r.cpu_seconds), per_second(r.generated, r.seconds), per_second(r.distinct, r.cpu_seconds),
             r.distinct > 0 ? static_cast<double>(r.stored_bytes) / static_cast<double>(r.distinct) : 0.0,
             c.fingerprint ? "fingerprints" : "exact", r.complete ? "" : " [bound reached: incomplete]");
  if (!r.violation) {
    if (c.json) std::cout << traces::dump_result(explore_json(s, c, r)) << "\n";
    return replay::kExitOk;
  }
  fmt::print(out, "VIOLATION after {} steps: {}{}\n", r.counterexample.size(), *r.violation,
             r.counterexample_shortest ? "" : " (a bound stopped the search for a shorter schedule)");
  for (const check::ScheduledStep& st : r.counterexample) {
    fmt::print(out, "  {} step {}\n", s.threads[st.thread].name, st.step);
  }
  if (!c.out.empty()) {
    std::ofstream(c.out) << traces::trace_to_json(check::counterexample_trace(s, r, o)).dump(2) << "\n";
    fmt::print(out, "  counterexample trace: {} (kqreplay explain it)\n", c.out);
  }
  if (c.json) std::cout << traces::dump_result(explore_json(s, c, r)) << "\n";
  return replay::kExitDivergence;
}

int linearize_command(const std::string& path) {
  check::History h = check::load_history_file(path);
  check::Linearization l = check::check_linearizable(h);
  auto describe = [&](std::size_t i) {
    const check::HistoryOperation& op = h.operations[i];
    return fmt::format("#{} {} [{}, {}] {}", i, op.thread, op.invoke, op.ret, traces::op_name(op.step.op));
  };
  if (l.linearizable) {
    fmt::print("{}: linearizable ({} states explored); order:\n", h.name, l.states_explored);
    for (std::size_t i : l.order) fmt::print("  {}\n", describe(i));
    return replay::kExitOk;
  }
  fmt::print("{}: NOT linearizable ({} states explored)\n", h.name, l.states_explored);
  fmt::print("  longest order the model can explain ({} of {} operations):\n", l.longest_prefix.size(), h.operations.size());
  for (std::size_t i : l.longest_prefix) fmt::print("    {}\n", describe(i));
  fmt::print("  after it, no operation that may come next matches the model:\n");
  for (const auto& [i, why] : l.blocked) fmt::print("    {}: {}\n", describe(i), why);
  return replay::kExitDivergence;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "--kqsim-worker") {
    host::run_worker(host::kChannelFd, argv[0], argc >= 3 && std::string(argv[2]) == "--after-exec");
  }
  CLI::App app{"kqcheck - find kqueue programs that break an implementation"};
  app.require_subcommand(1);
  Options o;
  CLI::App* random = app.add_subcommand("random", "Generate random programs and check or compare them");
  random->add_option("--seed", o.seed, "Campaign seed");
  random->add_option("--count", o.count, "Number of programs");
  random->add_option("--steps", o.steps, "Steps per program");
  random->add_option("--against", o.against, "Compare with a reference: model or host");
  random->add_option("--mutate", o.mutate, "Test the tooling: run a deliberately broken model (dispatch-does-not-disable, oneshot-not-deleted)");
  random->add_option("--dialect", o.dialect, "Dialect profile");
  random->add_option("--out", o.out, "Where to write shrunk failing traces");
  random->add_option("--max-failures", o.max_failures, "Stop after this many failures");
  random->add_flag("--progress", o.progress, "Report progress every 1000 programs");
  random->add_flag("--json", o.json, "Print the results as JSON (kqsim-result/1) on stdout, the text on stderr");
  random->add_flag("--raw-fds", o.raw_fds, "Differential runs: compare returned descriptor numbers too");
  std::uint64_t index = 0;
  CLI::App* generate = app.add_subcommand("generate", "Print one generated program as a trace");
  generate->add_option("--seed", o.seed, "Campaign seed");
  generate->add_option("--index", index, "Which program of the campaign");
  generate->add_option("--steps", o.steps, "Steps per program");
  ExploreCli ex;
  CLI::App* explore_cmd = app.add_subcommand("explore", "Explore every interleaving of a concurrency scenario");
  explore_cmd->add_option("SCENARIO", ex.scenario, "Scenario file (kqsim-scenario/1)")->required();
  explore_cmd->add_flag("--fingerprint", ex.fingerprint, "Store 64-bit state hashes instead of whole states");
  explore_cmd->add_flag("--por", ex.por, "Partial-order reduction: run a step alone when it commutes with all other threads' steps");
  explore_cmd->add_option("--max-states", ex.max_states, "Bound on distinct states");
  explore_cmd->add_option("--max-depth", ex.max_depth, "Bound on schedule length");
  explore_cmd->add_option("--mutate", ex.mutate, "Test the tooling: explore a deliberately broken model");
  explore_cmd->add_option("--out", ex.out, "Write the counterexample as a trace here");
  explore_cmd->add_flag("--json", ex.json, "Print the result as JSON (kqsim-result/1) on stdout, the text on stderr");
  std::string history;
  CLI::App* linearize_cmd = app.add_subcommand("linearize", "Decide whether a concurrent history is linearizable on the model");
  linearize_cmd->add_option("HISTORY", history, "History file (kqsim-history/1)")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? replay::kExitOk : replay::kExitBadInput;
  }
  std::error_code ec;
  auto self = std::filesystem::canonical("/proc/self/exe", ec);
  o.self = ec ? std::string(argv[0]) : self.string();
  if (generate->parsed()) {
    traces::Trace t = check::generate_program(check::trace_seed(o.seed, index), {o.steps, true});
    std::cout << traces::trace_to_json(t).dump(2) << "\n";
    return replay::kExitOk;
  }
  try {
    if (explore_cmd->parsed()) return explore_command(ex);
    if (linearize_cmd->parsed()) return linearize_command(history);
    return campaign(o);
  } catch (const traces::TraceError& e) {
    std::cerr << "kqcheck: " << e.what() << "\n";
    return replay::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "kqcheck: internal error: " << e.what() << "\n";
    return replay::kExitInternal;
  }
}
