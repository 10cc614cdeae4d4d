// The model against the real thing (issue 14): each operation on the model
// (model::Kernel, no invariant checks) and on libkqueue, in one binary and
// one run, so the ratio holds on whatever machine runs it. Target: the model
// at least 100x faster for every operation. Figures: docs/performance.md.
// Built only where libkqueue was found or built from ../shared/emulators/.
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "bench/libkqueue_ops.h"
#include "model/kernel.hpp"

namespace {

using namespace kqsim;
using model::KEvent;

constexpr model::Pid kPid = model::Kernel::kInitPid;
constexpr model::Timespec kPoll{0, 0};

// The same state as lkq_open: a kqueue with EVFILT_USER ident 1 (EV_CLEAR) and a pipe.
struct ModelSetup {
  model::Kernel k;
  std::int32_t kq = static_cast<std::int32_t>(k.kqueue(kPid).ret);
  std::array<std::int32_t, 2> pipe = k.pipe(kPid).fds;
  ModelSetup() { k.kevent(kPid, kq, std::vector<KEvent>{{1, model::filt::kUser, model::ev::kAdd | model::ev::kClear, 0, 0, 0}}, 0, kPoll); }
  std::int64_t change(std::uint64_t ident, model::FilterId filter, std::uint16_t flags, std::uint32_t fflags = 0) {
    const KEvent kev{ident, filter, flags, fflags, 0, 0};
    return k.kevent(kPid, kq, std::span<const KEvent>(&kev, 1), 0, kPoll).sys.ret;
  }
};

void BM_EmptyPoll_Model(benchmark::State& state) {
  ModelSetup m;
  for (auto _ : state) benchmark::DoNotOptimize(m.k.kevent(kPid, m.kq, {}, 4, kPoll));
}
void BM_EmptyPoll_Libkqueue(benchmark::State& state) {
  if (lkq_open() != 0) return state.SkipWithError("libkqueue setup failed");
  for (auto _ : state) benchmark::DoNotOptimize(lkq_empty_poll());
  lkq_close();
}

void BM_UserTriggerRetrieve_Model(benchmark::State& state) {
  ModelSetup m;
  for (auto _ : state) {
    m.change(1, model::filt::kUser, 0, model::note::kTrigger);
    if (m.k.kevent(kPid, m.kq, {}, 4, kPoll).sys.ret != 1) return state.SkipWithError("no event");
  }
}
void BM_UserTriggerRetrieve_Libkqueue(benchmark::State& state) {
  if (lkq_open() != 0) return state.SkipWithError("libkqueue setup failed");
  for (auto _ : state) {
    if (lkq_user_trigger_retrieve() != 1) return state.SkipWithError("no event");
  }
  lkq_close();
}

void BM_PipeReadAddDelete_Model(benchmark::State& state) {
  ModelSetup m;
  const auto fd = static_cast<std::uint64_t>(m.pipe[0]);
  for (auto _ : state) {
    m.change(fd, model::filt::kRead, model::ev::kAdd);
    if (m.change(fd, model::filt::kRead, model::ev::kDelete) != 0) return state.SkipWithError("EV_DELETE failed");
  }
}
void BM_PipeReadAddDelete_Libkqueue(benchmark::State& state) {
  if (lkq_open() != 0) return state.SkipWithError("libkqueue setup failed");
  for (auto _ : state) {
    if (lkq_pipe_read_add_delete() != 0) return state.SkipWithError("EV_ADD/EV_DELETE failed");
  }
  lkq_close();
}

void BM_UserAddDelete_Model(benchmark::State& state) {
  ModelSetup m;
  for (auto _ : state) {
    m.change(2, model::filt::kUser, model::ev::kAdd);
    if (m.change(2, model::filt::kUser, model::ev::kDelete) != 0) return state.SkipWithError("EV_DELETE failed");
  }
}
void BM_UserAddDelete_Libkqueue(benchmark::State& state) {
  if (lkq_open() != 0) return state.SkipWithError("libkqueue setup failed");
  for (auto _ : state) {
    if (lkq_user_add_delete() != 0) return state.SkipWithError("EV_ADD/EV_DELETE failed");
  }
  lkq_close();
}

// Side by side: each model figure followed by libkqueue's.
BENCHMARK(BM_EmptyPoll_Model);
BENCHMARK(BM_EmptyPoll_Libkqueue);
BENCHMARK(BM_UserTriggerRetrieve_Model);
BENCHMARK(BM_UserTriggerRetrieve_Libkqueue);
BENCHMARK(BM_PipeReadAddDelete_Model);
BENCHMARK(BM_PipeReadAddDelete_Libkqueue);
BENCHMARK(BM_UserAddDelete_Model);
BENCHMARK(BM_UserAddDelete_Libkqueue);

}  // namespace

BENCHMARK_MAIN();
