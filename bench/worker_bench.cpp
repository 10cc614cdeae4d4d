// The recorder's workers: what one step costs when a program runs on a host
// (kqrecord, kqcheck --against host|native) - a command to the worker
// process, the call, the reply. Figures: docs/performance.md.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "sim/host/host_backend.hpp"
#include "sim/host/worker_protocol.hpp"
#include "sim/posix/model_server.hpp"

namespace {

using namespace kqsim;

std::unique_ptr<host::HostBackend> model_host() {
  host::HostBackendOptions o;
  o.self_path = std::filesystem::canonical("/proc/self/exe").string();
  setenv("KQSIM_DIALECT", "freebsd-main", 1);
  setenv("KQSIM_MODEL_FD", std::to_string(host::kModelServerFd).c_str(), 1);
  posix::ModelServer server = posix::start_model_server("freebsd-main");
  o.model_server_fd = server.fd;
  o.model_server_pid = server.pid;
  return std::make_unique<host::HostBackend>(o);
}

std::unique_ptr<host::HostBackend> native_host() {
#ifdef KQSIM_NATIVE_WORKER
  host::HostBackendOptions o;
  o.self_path = KQSIM_NATIVE_WORKER;
  o.worker_path = KQSIM_NATIVE_WORKER;
  return std::make_unique<host::HostBackend>(o);
#else
  return nullptr;
#endif
}

// One step: a zero-timeout kevent on an empty kqueue, through the worker.
void BM_WorkerStep(benchmark::State& state) {
  std::unique_ptr<host::HostBackend> h = state.range(0) == 0 ? model_host() : native_host();
  if (!h) {
    state.SkipWithError("no native kqueue in this build");
    return;
  }
  auto kq = static_cast<std::int32_t>(h->kqueue(1, 0).sys.ret);
  for (auto _ : state) benchmark::DoNotOptimize(h->kevent(1, kq, {}, 4, model::Timespec{0, 0}));
  state.SetLabel(state.range(0) == 0 ? "model through the kqueue C API" : "native kqueue");
}
BENCHMARK(BM_WorkerStep)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

// Starting a program: the first worker (fork, and exec of kqrecord when native) and its teardown.
void BM_WorkerStart(benchmark::State& state) {
  for (auto _ : state) {
    std::unique_ptr<host::HostBackend> h = state.range(0) == 0 ? model_host() : native_host();
    if (!h) {
      state.SkipWithError("no native kqueue in this build");
      return;
    }
    benchmark::DoNotOptimize(h->kqueue(1, 0));
  }
}
BENCHMARK(BM_WorkerStart)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "--kqsim-worker") {
    host::run_worker(host::kChannelFd, argv[0], argc >= 3 && std::string(argv[2]) == "--after-exec");
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
