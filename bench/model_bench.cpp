// Speed of the model, of random testing and of the explorer, on one core. Figures and how to
// reproduce them: docs/performance.md. Targets live here, not in tests.
#include <benchmark/benchmark.h>

#include "check/explorer.hpp"
#include "check/prng.hpp"
#include "check/program_generator.hpp"
#include "check/trace_runs.hpp"
#include "model/kernel.hpp"
#include "traces/json_file.hpp"
#include "traces/trace_json.hpp"

namespace {

using namespace kqsim;
using model::KEvent;

constexpr model::Timespec kPoll{0, 0};

// One single-step operation = one system call on the model: here a pair of
// calls per iteration, a trigger and a scan that returns it.
void BM_ModelTriggerAndScan(benchmark::State& state) {
  model::Kernel k;
  auto kq = static_cast<std::int32_t>(k.kqueue(model::Kernel::kInitPid).ret);
  std::vector<KEvent> add{{1, model::filt::kUser, model::ev::kAdd | model::ev::kClear, 0, 0, 0}};
  k.kevent(model::Kernel::kInitPid, kq, add, 0, kPoll);
  std::vector<KEvent> trigger{{1, model::filt::kUser, 0, model::note::kTrigger, 0, 0}};
  for (auto _ : state) {
    k.kevent(model::Kernel::kInitPid, kq, trigger, 0, kPoll);
    benchmark::DoNotOptimize(k.kevent(model::Kernel::kInitPid, kq, {}, 4, kPoll));
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_ModelTriggerAndScan);

// A pipe write and a level-triggered scan with 8 registered knotes.
void BM_ModelPipeWriteScan(benchmark::State& state) {
  model::Kernel k;
  const model::Pid pid = model::Kernel::kInitPid;
  auto kq = static_cast<std::int32_t>(k.kqueue(pid).ret);
  std::vector<std::array<std::int32_t, 2>> pipes;
  for (int i = 0; i < 8; ++i) {
    pipes.push_back(k.pipe(pid, true).fds);
    std::vector<KEvent> add{{static_cast<std::uint64_t>(pipes.back()[0]), model::filt::kRead, model::ev::kAdd, 0, 0, 0}};
    k.kevent(pid, kq, add, 0, kPoll);
  }
  for (auto _ : state) {
    k.write(pid, pipes[0][1], 1);
    benchmark::DoNotOptimize(k.kevent(pid, kq, {}, 8, kPoll));
    k.read(pid, pipes[0][0], 1);
  }
  state.SetItemsProcessed(state.iterations() * 3);
}
BENCHMARK(BM_ModelPipeWriteScan);

// Generating a fifty-step random program and running it with every
// invariant and property checked after each step.
void BM_RandomTraceChecked(benchmark::State& state) {
  std::uint64_t i = 0;
  check::ModelUnderTest m;
  for (auto _ : state) {
    traces::Trace t = check::generate_program(check::trace_seed(1, i++), {50, true});
    benchmark::DoNotOptimize(check::run_with_properties(t, m));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RandomTraceChecked);

// Copying the whole kernel state: what an explorer pays per stored state.
void BM_KernelCopy(benchmark::State& state) {
  model::Kernel k;
  const model::Pid pid = model::Kernel::kInitPid;
  auto kq = static_cast<std::int32_t>(k.kqueue(pid).ret);
  for (std::uint64_t id = 1; id <= 4; ++id) {
    std::vector<KEvent> add{{id, model::filt::kUser, model::ev::kAdd, 0, 0, 0}};
    k.kevent(pid, kq, add, 0, kPoll);
  }
  for (auto _ : state) {
    model::Kernel copy = k;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_KernelCopy);

// The explorer on a measuring scenario: states generated (transitions) per
// second, and the visited set's bytes per stored state. Arg 0: exact
// storage; 1: fingerprints; 2: fingerprints with partial-order reduction.
void BM_ExplorerStates(benchmark::State& state) {
  const check::Scenario s =
      check::load_scenario_file(std::string(KQSIM_SOURCE_DIR) + "/traces/scenarios/six-threads-pipe-and-user.json");
  check::ExploreOptions o;
  o.fingerprint = state.range(0) >= 1;
  o.partial_order_reduction = state.range(0) == 2;
  std::uint64_t generated = 0;
  check::ExploreResult r;
  for (auto _ : state) {
    r = check::explore(s, o);
    generated += r.generated;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(generated));
  state.counters["distinct"] = static_cast<double>(r.distinct);
  state.counters["bytes_per_state"] = static_cast<double>(r.stored_bytes) / static_cast<double>(r.distinct);
}
BENCHMARK(BM_ExplorerStates)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// The same search on 1 and 2 workers sharing the visited set (exact): the
// wall-clock rate is what --threads buys; the counts are the same.
void BM_ExplorerThreads(benchmark::State& state) {
  const check::Scenario s =
      check::load_scenario_file(std::string(KQSIM_SOURCE_DIR) + "/traces/scenarios/six-threads-pipe-and-user.json");
  check::ExploreOptions o;
  o.threads = static_cast<unsigned>(state.range(0));
  std::uint64_t distinct = 0;
  for (auto _ : state) distinct += check::explore(s, o).distinct;
  state.SetItemsProcessed(static_cast<std::int64_t>(distinct));  // distinct states per second
}
BENCHMARK(BM_ExplorerThreads)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same on a search long enough (two million distinct states, about 2 s
// on one core) for two workers to show their speed-up: issue 14 asks 1.8x.
void BM_ExplorerThreadsLongSearch(benchmark::State& state) {
  const check::Scenario s =
      check::load_scenario_file(std::string(KQSIM_SOURCE_DIR) + "/bench/scenarios/eight-threads-pipe-and-user.json");
  check::ExploreOptions o;
  o.threads = static_cast<unsigned>(state.range(0));
  o.max_states = 3'000'000;
  std::uint64_t distinct = 0;
  for (auto _ : state) distinct += check::explore(s, o).distinct;
  state.SetItemsProcessed(static_cast<std::int64_t>(distinct));  // distinct states per second
}
BENCHMARK(BM_ExplorerThreadsLongSearch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// Random testing as `kqcheck random` does it: generate a fifty-step program
// and run it on the model with invariants and properties checked per step.
// Arg 0: every invariant of the whole state (--full-checks); 1: those of
// what each call touched (the default). Target (issue 14): 50,000/s a core.
void BM_RandomProgramsCampaign(benchmark::State& state) {
  const check::GeneratorOptions g{.steps = 50, .with_sockets = true, .with_kqueuex = true, .with_aio = true};
  check::ModelUnderTest m;
  m.touched_checks = state.range(0) == 1;
  std::uint64_t i = 0;
  for (auto _ : state) {
    const traces::Trace t = check::generate_program(check::trace_seed(20261123, i++), g);
    benchmark::DoNotOptimize(check::run_with_properties(t, m));
  }
  state.SetItemsProcessed(state.iterations());  // programs per second
}
BENCHMARK(BM_RandomProgramsCampaign)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The same programs run as kqcheck random runs them: while they are
// generated, none held whole (check::passes_with_properties).
void BM_RandomProgramsStreamed(benchmark::State& state) {
  const check::GeneratorOptions g{.steps = 50, .with_sockets = true, .with_kqueuex = true, .with_aio = true};
  check::ModelUnderTest m;
  m.touched_checks = state.range(0) == 1;
  std::uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(check::passes_with_properties(check::trace_seed(20261123, i++), g, m));
  state.SetItemsProcessed(state.iterations());  // programs per second
}
BENCHMARK(BM_RandomProgramsStreamed)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Generating the programs alone (the campaign's other half).
void BM_RandomProgramGeneration(benchmark::State& state) {
  const check::GeneratorOptions g{.steps = 50, .with_sockets = true, .with_kqueuex = true, .with_aio = true};
  std::uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(check::generate_program(check::trace_seed(20261123, i++), g));
  state.SetItemsProcessed(state.iterations());  // programs per second
}
BENCHMARK(BM_RandomProgramGeneration)->Unit(benchmark::kMicrosecond);

}  // namespace

// Parsing a trace of N steps (text to JSON to Trace) must stay linear in N:
// the duplicate-key check once made it quadratic (30,000 steps: 2.9 s).
// The fitted complexity is printed as BM_ParseTrace_BigO.
void BM_ParseTrace(benchmark::State& state) {
  std::string text = R"({"format": "kqsim-trace/1", "name": "many", "steps": [{"op": "kqueue", "as": "kq"})";
  for (std::int64_t i = 0; i < state.range(0); ++i) {
    text += R"(, {"op": "kevent", "kq": "kq", "changes": [{"ident": 1, "filter": "EVFILT_USER", "flags": ["EV_ADD"]}], "nevents": 0, "timeout": {"sec": 0, "nsec": 0}})";
  }
  text += "]}";
  for (auto _ : state) {
    benchmark::DoNotOptimize(traces::parse_trace(traces::parse_json_object(text, "bench", "a trace"), "bench"));
  }
  state.SetComplexityN(state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseTrace)->RangeMultiplier(4)->Range(1 << 10, 1 << 18)->Unit(benchmark::kMillisecond)->Complexity();

BENCHMARK_MAIN();
