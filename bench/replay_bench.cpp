// The replay path (issue 14): reading a trace, running it on the model and
// comparing every step's observation, as `kqreplay diff` does, for traces of
// 1,000 to 1,000,000 steps generated here. Target: at most 2 us per step,
// linear in the trace's size, and the parse's memory a small multiple of the
// file. Figures: docs/performance.md. Targets live here, not in tests.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tools/replay/trace_runner.hpp"
#include "traces/trace_json.hpp"

namespace {

using namespace kqsim;

// A program of `steps` calls: a kqueue, one EVFILT_USER knote, then
// NOTE_TRIGGER and a scan returning the event, alternately, every step with
// the observation a FreeBSD kernel gives (the trace's expectations).
std::string make_trace(std::int64_t steps) {
  std::string text = R"({"format": "kqsim-trace/1", "name": "replay-bench", "dialect": "freebsd-main", "steps": [)"
                     "\n"
                     R"({"op": "kqueue", "as": "kq", "observed": {"ret": 3}},)"
                     "\n"
                     R"({"op": "kevent", "kq": "kq", "changes": [{"ident": 1, "filter": "EVFILT_USER", "flags": ["EV_ADD", "EV_CLEAR"]}], "nevents": 0, "timeout": {"sec": 0, "nsec": 0}, "observed": {"ret": 0}})";
  for (std::int64_t i = 2; i < steps; ++i) {
    text += i % 2 == 0
                ? ",\n" R"({"op": "kevent", "kq": "kq", "changes": [{"ident": 1, "filter": "EVFILT_USER", "fflags": ["NOTE_TRIGGER"]}], "nevents": 0, "timeout": {"sec": 0, "nsec": 0}, "observed": {"ret": 0}})"
                : ",\n" R"({"op": "kevent", "kq": "kq", "nevents": 4, "timeout": {"sec": 0, "nsec": 0}, "observed": {"ret": 1, "events": [{"ident": 1, "filter": "EVFILT_USER", "flags": ["EV_CLEAR"]}]}})";
  }
  text += "\n]}\n";
  return text;
}

// The generated trace as a file, removed when the benchmark ends.
class TraceFile {
 public:
  explicit TraceFile(std::int64_t steps)
      : path_(std::filesystem::temp_directory_path() / ("kqsim-replay-bench-" + std::to_string(steps) + ".json")) {
    std::ofstream(path_) << make_trace(steps);
    bytes_ = std::filesystem::file_size(path_);
  }
  ~TraceFile() { std::filesystem::remove(path_); }
  TraceFile(const TraceFile&) = delete;
  TraceFile& operator=(const TraceFile&) = delete;
  [[nodiscard]] std::string path() const { return path_.string(); }
  [[nodiscard]] std::uintmax_t bytes() const { return bytes_; }

 private:
  std::filesystem::path path_;
  std::uintmax_t bytes_ = 0;
};

// kqreplay diff's work for one trace, without the printing.
void BM_ReplayTrace(benchmark::State& state) {
  const TraceFile file(state.range(0));
  for (auto _ : state) {
    replay::TraceReport r = replay::replay_trace(file.path(), replay::ReplayOptions{std::nullopt, true, false, false, true, {}});
    if (r.status != replay::TraceStatus::kMatched || r.compared_steps != static_cast<std::size_t>(state.range(0))) {
      state.SkipWithError(("the generated trace did not match: " + r.error).c_str());
      break;
    }
  }
  state.SetComplexityN(state.range(0));
  state.counters["per_step"] = benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)),
                                                  benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(file.bytes()));
}
BENCHMARK(BM_ReplayTrace)->RangeMultiplier(10)->Range(1'000, 1'000'000)->Unit(benchmark::kMillisecond)->Complexity();

// Reading alone, with the heap the parsed trace holds over the file's size
// (`held_x`, from glibc's mallinfo2). The peak during the parse is measured
// from outside: /usr/bin/time -f %M kqreplay diff (docs/performance.md).
void BM_ParseTraceFile(benchmark::State& state) {
  const TraceFile file(state.range(0));
  double held = 0;
  for (auto _ : state) {
    auto in_use = [] {
      const struct mallinfo2 m = mallinfo2();
      return m.uordblks + m.hblkhd;  // small blocks + mmapped ones
    };
    const std::size_t before = in_use();
    traces::Trace t = traces::load_trace_file(file.path());
    held = static_cast<double>(in_use() - before);
    benchmark::DoNotOptimize(t.steps.data());
  }
  state.counters["held_x"] = held / static_cast<double>(file.bytes());
  state.counters["per_step"] = benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)),
                                                  benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ParseTraceFile)->RangeMultiplier(10)->Range(1'000, 1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
