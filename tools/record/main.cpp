// kqrecord: run a trace's program on this host's kqueue and write the trace
// back with what the host observed. Built twice: `kqrecord` against the
// host's <sys/event.h> where one exists, and `kqrecord-model` against the
// kqsim model's kqueue C API (so the recorder runs, and is tested, anywhere).
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>

#include <CLI/CLI.hpp>
#include "model/dialect_profile.hpp"
#include <fmt/format.h>

#include "sim/host/host_backend.hpp"
#include "sim/host/worker_protocol.hpp"
#include "sim/interpreter.hpp"
#include "traces/trace_json.hpp"
#include "tools/common/cli_support.hpp"
#include "tools/replay/exit_codes.hpp"

#ifdef KQSIM_RECORD_ON_MODEL
#include "sim/posix/model_server.hpp"
#endif

namespace {

using namespace kqsim;
// The same version --version prints (tools/common), so a recording names the release that made it.
const std::string kRecorderVersion = cli::tool_version("kqrecord");

std::string self_path(const char* argv0) {
  std::error_code ec;
  auto p = std::filesystem::canonical("/proc/self/exe", ec);
  if (!ec) return p.string();
  p = std::filesystem::canonical(argv0, ec);
  return ec ? std::string(argv0) : p.string();
}

std::string today() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
  return buf;
}

// Each HostBackend gets a fresh host: on a model build, a fresh model
// server that its workers reach at kModelServerFd.
host::HostBackendOptions fresh_host(const std::string& self, const std::string& dialect, int timeout_ms) {
  host::HostBackendOptions o;
  o.self_path = self;
  o.step_timeout_ms = timeout_ms;
#ifdef KQSIM_RECORD_ON_MODEL
  setenv("KQSIM_DIALECT", dialect.c_str(), 1);
  setenv("KQSIM_MODEL_FD", std::to_string(host::kModelServerFd).c_str(), 1);
  posix::ModelServer server = posix::start_model_server(dialect);
  o.model_server_fd = server.fd;
  o.model_server_pid = server.pid;
  if (o.model_server_fd < 0) throw std::invalid_argument("unknown dialect '" + dialect + "'");
#else
  (void)dialect;
#endif
  return o;
}

// Platform constants, measured on a fresh throwaway process so the trace's
// own descriptor numbers are untouched: EVFILT_WRITE space on both pipe ends.
std::map<std::string, std::int64_t> measure_constants(const host::HostBackendOptions& o) {
  std::map<std::string, std::int64_t> out;
  host::HostBackend probe(o);
  auto kq = probe.kqueue(1, 0).sys.ret;
  sim::CallResult p = probe.pipe(1, true, false);
  if (kq < 0 || p.sys.ret != 0) return out;
  std::vector<model::KEvent> changes{{static_cast<std::uint64_t>(p.fds[1]), model::filt::kWrite, model::ev::kAdd, 0, 0, 1},
                                     {static_cast<std::uint64_t>(p.fds[0]), model::filt::kWrite, model::ev::kAdd, 0, 0, 0}};
  sim::CallResult r = probe.kevent(1, static_cast<std::int32_t>(kq), changes, 4, model::Timespec{0, 0});
  for (const model::KEvent& e : r.events) out[e.udata == 1 ? "pipe_write_space_fd1" : "pipe_write_space_fd0"] = e.data;
  return out;
}

// Written beside the target, then renamed over it: a reader never sees half a trace.
bool write_atomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp);
    out << text << "\n";
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
  return !ec;
}

// The output must be a file we can create: checked before anything runs.
std::optional<std::string> output_problem(const std::string& in, const std::string& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(out, ec)) return out + " is a directory";
  fs::path parent = fs::absolute(out, ec).parent_path();
  if (!fs::is_directory(parent, ec)) return "no folder " + parent.string() + " for the output";
  if (fs::exists(out, ec) && fs::equivalent(in, out, ec)) return "refusing to overwrite the input trace " + in;
  return std::nullopt;
}

// The recording keeps every step observed up to a crash, a hang, or a step
// the interpreter refused (e.g. a name an unsupported step left unbound);
// the steps after it were not run and are dropped, and the refusal is
// noted in the description.
struct RecordRun {
  std::vector<traces::Observed> observed;
  std::optional<std::string> stopped;  // why the run stopped early (for stderr)
  std::optional<std::string> stopped_note;  // the same without the file's path (for the recording)
  int exit_code = replay::kExitOk;
};

// A recording must not carry a machine's paths: step, field and message only.
std::string note_of(const traces::TraceError& e) {
  return fmt::format("step {}: field '{}': {}", e.step() ? std::to_string(*e.step()) : "-", e.field(), e.message());
}

RecordRun run_on_host(const traces::Trace& trace, host::HostBackend& backend) {
  RecordRun run;
  sim::Interpreter interp(trace, backend, /*unsupported_is_observation=*/true);
  try {
    interp.run([&](const sim::StepOutcome& o) { run.observed.push_back(interp.to_observed(o)); });
  } catch (const sim::UnsupportedStep& e) {
    run.stopped = e.what();
    run.stopped_note = note_of(e);
    run.exit_code = replay::kExitUnsupported;
  } catch (const traces::TraceError& e) {
    run.stopped = e.what();
    run.stopped_note = note_of(e);
    run.exit_code = replay::kExitBadInput;
  }
  return run;
}

int record(const std::string& in, const std::string& out_path, const std::string& dialect_opt, int timeout_ms,
           const std::string& self, const std::string& kqueue_label) {
  if (auto problem = output_problem(in, out_path)) {
    std::cerr << "kqrecord: " << *problem << "\n";
    return replay::kExitBadInput;
  }
  traces::Trace trace = traces::load_trace_file(in);
  const host::HostIdentity id = host::host_identity();
  // A recording made on a kernel the model has a profile for is in that
  // kernel's dialect; elsewhere (libkqueue, model builds) the trace's own.
  std::string dialect = dialect_opt.empty() ? trace.dialect : dialect_opt;
  if (dialect_opt.empty() && !id.dialect.empty() && model::find_profile(id.dialect) != nullptr) dialect = id.dialect;
  if (model::find_profile(dialect) == nullptr) {
    throw traces::TraceError(in, std::nullopt, dialect_opt.empty() ? "dialect" : "--dialect", "unknown dialect '" + dialect + "'");
  }
  std::map<std::string, std::int64_t> constants = measure_constants(fresh_host(self, dialect, timeout_ms));
  host::HostBackend backend(fresh_host(self, dialect, timeout_ms));
  RecordRun run = run_on_host(trace, backend);

  traces::Trace recorded = trace;
  recorded.steps.resize(run.observed.size());
  for (std::size_t i = 0; i < run.observed.size(); ++i) recorded.steps[i].observed = run.observed[i];
  const std::string kqueue = kqueue_label.empty() ? id.kqueue : kqueue_label;
  recorded.host = traces::HostInfo{id.os, id.release, id.machine, today(), kRecorderVersion, kqueue};
  recorded.dialect = dialect;
  recorded.constants = constants;
  recorded.sources = {{"recording", fmt::format("{} on {} {} {}, {}", kqueue, id.os, id.release, id.machine, kRecorderVersion)}};
  if (run.stopped) {
    recorded.description += (recorded.description.empty() ? "" : " ") +
                            fmt::format("[Recording stopped after {} of {} steps: {}]", run.observed.size(), trace.steps.size(), *run.stopped_note);
    std::cerr << "kqrecord: " << *run.stopped << " (the steps before it are recorded)\n";
  } else if (run.observed.size() < trace.steps.size()) {
    const traces::Observed& last = run.observed.back();
    recorded.description += (recorded.description.empty() ? "" : " ") +
                            fmt::format("[Recording stopped at step {} of {}: the host {}]", run.observed.size() - 1, trace.steps.size(),
                                        last.crash ? "crashed with " + *last.crash : "hung");
  }
  if (!write_atomically(out_path, traces::trace_to_json(recorded).dump(2))) {
    std::cerr << "kqrecord: cannot write " << out_path << "\n";
    return replay::kExitBadInput;
  }
  return run.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "--kqsim-worker") {
    bool after_exec = argc >= 3 && std::string(argv[2]) == "--after-exec";
    host::run_worker(host::kChannelFd, argv[0], after_exec);
  }
  CLI::App app{"kqrecord - record a kqsim trace's program on this host's kqueue"};
  cli::add_standard_options(app, "kqrecord", cli::kCommonExitCodes);
  std::string in, out, dialect, kqueue_label;
  int timeout_ms = 5000;
  app.add_option("TRACE", in, "Trace whose program to run")->required();
  app.add_option("-o,--output", out, "Where to write the recorded trace")->required();
  app.add_option("--dialect", dialect, "Model builds: the model profile that plays the host");
  app.add_option("--step-timeout-ms", timeout_ms, "A call still blocked after this long counts as blocked forever")
      ->check(CLI::Range(1, 3'600'000));
  app.add_option("--kqueue-label", kqueue_label,
                 "The implementation and version written as host.kqueue (default: what the host says, e.g. libkqueue's NOTE_VERSION)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? replay::kExitOk : replay::kExitBadInput;
  }
  try {
    return record(in, out, dialect, timeout_ms, self_path(argv[0]), kqueue_label);
  } catch (const sim::UnsupportedStep& e) {
    std::cerr << "kqrecord: " << e.what() << "\n";
    return replay::kExitUnsupported;
  } catch (const traces::TraceError& e) {
    std::cerr << "kqrecord: " << e.what() << "\n";
    return replay::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "kqrecord: " << e.what() << "\n";
    return replay::kExitInternal;
  }
}
