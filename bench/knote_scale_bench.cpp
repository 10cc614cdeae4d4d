// Per-call cost of kevent with 1, 1,000 and 100,000 registered knotes
// (issue 14): flat within 2x when lookup, registration, activation, scan and
// the after-call invariant checks cost what the call touched. Figures and
// how to reproduce them: docs/performance.md. Targets live here, not in tests.
//
// Each benchmark's first argument is the number of registered EVFILT_USER
// knotes; the second is where the call goes: 0 = the model alone
// (model::Kernel), 1 = sim::ModelBackend with the checks kqreplay makes by
// default (what the call touched), 2 = ModelBackend with every invariant
// (kqreplay --full-checks, the tests), which walks the whole state and so
// grows with it by design.
#include <benchmark/benchmark.h>

#include <vector>

#include "model/kernel.hpp"
#include "sim/model_backend.hpp"

namespace {

using namespace kqsim;
using model::KEvent;

constexpr model::Pid kPid = model::Kernel::kInitPid;
constexpr model::Timespec kPoll{0, 0};

std::vector<KEvent> user_changes(std::uint64_t first, std::int64_t n, std::uint16_t flags, std::uint32_t fflags = 0) {
  std::vector<KEvent> out;
  out.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) out.push_back(KEvent{first + static_cast<std::uint64_t>(i), model::filt::kUser, flags, fflags, 0, 0});
  return out;
}

// One kqueue, reached directly or through the backend.
class Target {
 public:
  explicit Target(std::int64_t mode) : direct_(mode == 0), backend_(model::default_profile()) {
    if (mode == 1) backend_.set_invariant_checks(sim::InvariantChecks::kTouched);
    kq_ = static_cast<std::int32_t>(direct_ ? kernel_.kqueue(kPid).ret : backend_.kqueue(kPid, 0).sys.ret);
  }
  std::int64_t kevent(const std::vector<KEvent>& changes, std::int32_t nevents) {
    if (direct_) return kernel_.kevent(kPid, kq_, changes, nevents, kPoll).sys.ret;
    return backend_.kevent(kPid, kq_, changes, nevents, kPoll).sys.ret;
  }
  // `n` EVFILT_USER knotes, idents 1..n, EV_CLEAR, none triggered.
  void fill(std::int64_t n) { kevent(user_changes(1, n, model::ev::kAdd | model::ev::kClear), 0); }

 private:
  bool direct_;
  model::Kernel kernel_;
  sim::ModelBackend backend_;
  std::int32_t kq_ = -1;
};

void scale_args(benchmark::internal::Benchmark* b) {
  for (std::int64_t mode : {0, 1, 2}) {
    for (std::int64_t n : {1, 1'000, 100'000}) b->Args({n, mode});
  }
  b->ArgNames({"knotes", "path"});
}

// NOTE_TRIGGER on the middle knote, then a scan that returns it: two calls.
void BM_TriggerAndScan(benchmark::State& state) {
  Target t(state.range(1));
  t.fill(state.range(0));
  const std::vector<KEvent> trigger = user_changes(static_cast<std::uint64_t>(state.range(0) / 2 + 1), 1, 0, model::note::kTrigger);
  for (auto _ : state) {
    t.kevent(trigger, 0);
    if (t.kevent({}, 4) != 1) state.SkipWithError("the scan did not return the triggered knote");
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_TriggerAndScan)->Apply(scale_args);

// EV_ADD of one more knote, then EV_DELETE of it: two calls.
void BM_AddDelete(benchmark::State& state) {
  Target t(state.range(1));
  t.fill(state.range(0));
  const auto ident = static_cast<std::uint64_t>(state.range(0) + 1);
  const std::vector<KEvent> add = user_changes(ident, 1, model::ev::kAdd);
  const std::vector<KEvent> del = user_changes(ident, 1, model::ev::kDelete);
  for (auto _ : state) {
    t.kevent(add, 0);
    if (t.kevent(del, 0) != 0) state.SkipWithError("EV_DELETE failed");
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_AddDelete)->Apply(scale_args);

// A scan that finds nothing, with a zero timeout: one call.
void BM_EmptyPoll(benchmark::State& state) {
  Target t(state.range(1));
  t.fill(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(t.kevent({}, 4));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EmptyPoll)->Apply(scale_args);

// One kevent call registering N knotes into an empty kqueue (kqueue_register
// N times, with kqueue_expand's growth): linear in N, so the time per knote
// (items/s) stays flat.
void BM_RegisterInOneCall(benchmark::State& state) {
  const std::vector<KEvent> adds = user_changes(1, state.range(0), model::ev::kAdd | model::ev::kClear);
  for (auto _ : state) {
    state.PauseTiming();
    {
      Target t(state.range(1));
      state.ResumeTiming();
      t.kevent(adds, 0);
      state.PauseTiming();
    }  // destroying the kernel is not part of the call
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RegisterInOneCall)
    ->ArgsProduct({{1'000, 100'000}, {0, 1}})
    ->ArgNames({"knotes", "path"})
    ->Unit(benchmark::kMillisecond);

// N knotes on one object: EVFILT_READ on N dups of a pipe's read end, so the
// pipe's knote list (struct knlist) holds N. EV_ADD of one more on a further
// dup, then its EV_DELETE: knlist_add links at the list's head and
// knlist_remove finds the newest there, so both stay constant in N. (A write
// that activates all N is linear in N in the kernel too: not measured.)
void BM_AddDeleteOnSharedObject(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  model::DialectProfile profile = model::default_profile();
  profile.max_files = static_cast<std::int32_t>(n + 16);
  model::Kernel k(profile);
  const auto kq = static_cast<std::int32_t>(k.kqueue(kPid).ret);
  const model::PipeResult p = k.pipe(kPid, true);
  std::vector<KEvent> adds;
  for (std::int64_t i = 0; i < n; ++i) {
    const auto fd = static_cast<std::uint64_t>(k.dup(kPid, p.fds[0]).ret);
    adds.push_back(KEvent{fd, model::filt::kRead, model::ev::kAdd, 0, 0, 0});
  }
  k.kevent(kPid, kq, adds, 0, kPoll);
  const auto extra = static_cast<std::uint64_t>(k.dup(kPid, p.fds[0]).ret);
  const std::vector<KEvent> add{KEvent{extra, model::filt::kRead, model::ev::kAdd, 0, 0, 0}};
  const std::vector<KEvent> del{KEvent{extra, model::filt::kRead, model::ev::kDelete, 0, 0, 0}};
  for (auto _ : state) {
    k.kevent(kPid, kq, add, 0, kPoll);
    if (k.kevent(kPid, kq, del, 0, kPoll).sys.ret != 0) state.SkipWithError("EV_DELETE failed");
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_AddDeleteOnSharedObject)->Arg(1)->Arg(1'000)->Arg(100'000)->ArgNames({"knotes"});

}  // namespace

BENCHMARK_MAIN();
