// The model against the real thing (issue 14): each operation on the model
// and on libkqueue, in one binary and one run, so the ratio holds on
// whatever machine runs it. Target: the model at least 100x faster for
// every operation. Figures: docs/performance.md.
//
// Each operation runs on the model at two check levels, named in the
// benchmark: `_Model` makes the calls alone (no invariant checks), as
// libkqueue does; `_ModelTouched` also runs check_touched_invariants after
// every call, kqreplay's default. The model's calls write into a caller's
// array (Kernel::kevent_into), as kevent(2) does; `_ModelVector` is the
// vector-returning Kernel::kevent the interpreter uses.
//
// Built only where libkqueue was found or built from ../shared/emulators/.
// With -DKQSIM_BENCH_BASELINE it builds against a model from before
// kevent_into (every model row then uses Kernel::kevent), for a
// before/after comparison in one run.
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "bench/libkqueue_ops.h"
#include "model/invariants.hpp"
#include "model/kernel.hpp"

namespace {

using namespace kqsim;
using model::KEvent;

constexpr model::Pid kPid = model::Kernel::kInitPid;
constexpr model::Timespec kPoll{0, 0};

enum class Api { kInto, kVector };
enum class Checks { kNone, kTouched };

// The same state as lkq_open: a kqueue with EVFILT_USER ident 1 (EV_CLEAR) and a pipe.
struct ModelSetup {
  model::Kernel k;
  std::int32_t kq = static_cast<std::int32_t>(k.kqueue(kPid).ret);
  std::array<std::int32_t, 2> pipe = k.pipe(kPid).fds;
  std::array<KEvent, 4> eventlist{};
  Api api;
  Checks checks;
  model::InvariantScratch scratch;
  bool violated = false;

  ModelSetup(Api a, Checks c) : api(a), checks(c) {
    k.kevent(kPid, kq, std::vector<KEvent>{{1, model::filt::kUser, model::ev::kAdd | model::ev::kClear, 0, 0, 0}}, 0, kPoll);
    k.set_touch_tracking(checks == Checks::kTouched);
  }
  // One kevent call with room for `nevents` records: its return value.
  std::int64_t call(std::span<const KEvent> changes, std::int32_t nevents) {
    std::int64_t ret;
#ifndef KQSIM_BENCH_BASELINE
    if (api == Api::kInto) {
      ret = k.kevent_into(kPid, kq, changes, std::span<KEvent>(eventlist.data(), static_cast<std::size_t>(nevents)), kPoll).ret;
    } else
#endif
    {
      ret = k.kevent(kPid, kq, changes, nevents, kPoll).sys.ret;
    }
    if (checks == Checks::kTouched) {
      violated |= !model::check_touched_invariants(k, scratch).empty();
      k.clear_touched();
    }
    return ret;
  }
  std::int64_t change(std::uint64_t ident, model::FilterId filter, std::uint16_t flags, std::uint32_t fflags = 0) {
    const KEvent kev{ident, filter, flags, fflags, 0, 0};
    return call(std::span<const KEvent>(&kev, 1), 0);
  }
};

template <Api A, Checks C>
void BM_EmptyPoll(benchmark::State& state) {
  ModelSetup m(A, C);
  for (auto _ : state) benchmark::DoNotOptimize(m.call({}, 4));
  if (m.violated) state.SkipWithError("invariant violated");
}
void BM_EmptyPoll_Libkqueue(benchmark::State& state) {
  if (lkq_open() != 0) return state.SkipWithError("libkqueue setup failed");
  for (auto _ : state) benchmark::DoNotOptimize(lkq_empty_poll());
  lkq_close();
}

template <Api A, Checks C>
void BM_UserTriggerRetrieve(benchmark::State& state) {
  ModelSetup m(A, C);
  for (auto _ : state) {
    m.change(1, model::filt::kUser, 0, model::note::kTrigger);
    if (m.call({}, 4) != 1) return state.SkipWithError("no event");
  }
  if (m.violated) state.SkipWithError("invariant violated");
}
void BM_UserTriggerRetrieve_Libkqueue(benchmark::State& state) {
  if (lkq_open() != 0) return state.SkipWithError("libkqueue setup failed");
  for (auto _ : state) {
    if (lkq_user_trigger_retrieve() != 1) return state.SkipWithError("no event");
  }
  lkq_close();
}

template <Api A, Checks C>
void BM_PipeReadAddDelete(benchmark::State& state) {
  ModelSetup m(A, C);
  const auto fd = static_cast<std::uint64_t>(m.pipe[0]);
  for (auto _ : state) {
    m.change(fd, model::filt::kRead, model::ev::kAdd);
    if (m.change(fd, model::filt::kRead, model::ev::kDelete) != 0) return state.SkipWithError("EV_DELETE failed");
  }
  if (m.violated) state.SkipWithError("invariant violated");
}
void BM_PipeReadAddDelete_Libkqueue(benchmark::State& state) {
  if (lkq_open() != 0) return state.SkipWithError("libkqueue setup failed");
  for (auto _ : state) {
    if (lkq_pipe_read_add_delete() != 0) return state.SkipWithError("EV_ADD/EV_DELETE failed");
  }
  lkq_close();
}

template <Api A, Checks C>
void BM_UserAddDelete(benchmark::State& state) {
  ModelSetup m(A, C);
  for (auto _ : state) {
    m.change(2, model::filt::kUser, model::ev::kAdd);
    if (m.change(2, model::filt::kUser, model::ev::kDelete) != 0) return state.SkipWithError("EV_DELETE failed");
  }
  if (m.violated) state.SkipWithError("invariant violated");
}
void BM_UserAddDelete_Libkqueue(benchmark::State& state) {
  if (lkq_open() != 0) return state.SkipWithError("libkqueue setup failed");
  for (auto _ : state) {
    if (lkq_user_add_delete() != 0) return state.SkipWithError("EV_ADD/EV_DELETE failed");
  }
  lkq_close();
}

// Side by side: the model's rows, then libkqueue's, for each operation.
#define KQSIM_MODEL_ROWS(op)                                                                  \
  BENCHMARK_TEMPLATE(BM_##op, Api::kInto, Checks::kNone)->Name("BM_" #op "_Model");          \
  BENCHMARK_TEMPLATE(BM_##op, Api::kVector, Checks::kNone)->Name("BM_" #op "_ModelVector");  \
  BENCHMARK_TEMPLATE(BM_##op, Api::kInto, Checks::kTouched)->Name("BM_" #op "_ModelTouched"); \
  BENCHMARK(BM_##op##_Libkqueue)

KQSIM_MODEL_ROWS(EmptyPoll);
KQSIM_MODEL_ROWS(UserTriggerRetrieve);
KQSIM_MODEL_ROWS(PipeReadAddDelete);
KQSIM_MODEL_ROWS(UserAddDelete);

}  // namespace

BENCHMARK_MAIN();
