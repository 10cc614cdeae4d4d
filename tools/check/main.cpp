// kqcheck: search for programs that break an implementation.
//   kqcheck random --seed S --count N [--steps M] [--against model|host|native] [--host-os OS]
//                  [--mutate NAME] [--out DIR] [--shard I/N] [--json]
//   kqcheck shrink TRACE... [--against native|host] [--out DIR]
//   kqcheck explore SCENARIO [--threads N] [--swarm K [--shard I/N]] ...
//   kqcheck merge SHARD.json...   (the whole campaign's or swarm's result)
// Without --against every step of every program is checked against the
// model's invariants and semantic properties; with it each program runs on
// the reference (a faithful model; the model through the recorder's workers;
// or a native kqueue - libkqueue, a BSD kernel - through the same workers,
// played by a native kqrecord) and is replayed on the model under test.
// Every failure, a crash or a hang of the reference included, is shrunk and
// written as a replayable trace. Same seed, same programs, same results.
#include <malloc.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>
#include <cctype>
#include <chrono>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "check/campaign_shards.hpp"
#include "check/prng.hpp"
#include "check/program_generator.hpp"
#include "check/shrink.hpp"
#include "check/trace_runs.hpp"
#include "model/mutations.hpp"
#include "sim/host/host_backend.hpp"
#include "sim/host/worker_protocol.hpp"
#include "sim/model_backend.hpp"
#include "sim/posix/model_server.hpp"
#include "tools/common/cli_support.hpp"
#include "tools/common/progress.hpp"
#include "tools/check/command_output.hpp"
#include "tools/check/explore_command.hpp"
#include "tools/check/linearize_command.hpp"
#include "tools/check/merge_command.hpp"
#include "tools/check/shrink_command.hpp"
#include "tools/replay/exit_codes.hpp"
#include "traces/behaviour_notes.hpp"
#include "traces/compare_json.hpp"
#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

namespace {

using namespace kqsim;
using tools::OutputError;
using tools::output_folder_problem;
using tools::text_out;
using tools::write_text;

// Bounds on the count options: past them a run takes hours or gigabytes
// (a 10^6-step program alone took 3.2 GB), so they are refused up front.
constexpr std::uint64_t kMaxCount = 1'000'000'000;
constexpr std::uint64_t kMaxSteps = 10'000;
constexpr std::uint64_t kMaxStates = 1'000'000'000;
constexpr std::uint64_t kMaxDepth = 100'000;

const char* const kExitCodes =
    "Exit codes:\n"
    "  0  no failure, no violation (explore: the whole state space was searched)\n"
    "  1  a failure or a violation was found\n"
    "  2  bad input: malformed file, unknown name, bad command line, output not writable\n"
    "  3  the input needs something the model does not implement yet\n"
    "  4  internal error: a kqsim bug (please report it)\n"
    "  5  explore (and merge of a swarm): no violation found, but a bound (--max-states, --max-depth) cut the search short\n";

struct Options {
  std::uint64_t seed = 1;
  std::uint64_t count = 1000;
  std::size_t steps = 50;
  std::string against;  // "", "model", "host" or "native"
  std::string mutate;
  std::string dialect = "freebsd-main";
  std::string out = "kqcheck-failures";
  std::uint64_t max_failures = 1;
  bool progress = false;
  bool json = false;     // the result document (kqsim-result/1) on stdout, the text on stderr
  bool raw_fds = false;  // differential runs compare descriptor numbers
  bool full_checks = false;  // every invariant after every call, not only what it touched
  std::string self;
  std::string host_os;        // restrict programs to what a kqueue controls on this OS
  bool real_host = false;     // programs a real kernel can run: no aio_run, no unmount
  bool with_unmount = false;  // ... but unmount: the host mounts a file system for each program (kqvm.py)
  bool with_extra_calls = false;  // poll, select, fcntl, recv, send, utimes (GeneratorOptions)
  bool with_tcp = false;          // loopback TCP listeners and clients (GeneratorOptions)
  std::size_t tcp_clients = 1;    // clients per TCP listener (GeneratorOptions::tcp_clients_per_listener)
  bool tcp_teardown = false;      // I/O, shutdowns and closes aimed at TCP connections (GeneratorOptions)
  bool stable_timers = false;     // timers that never fire in a program (GeneratorOptions)
  bool with_cponfork = false;     // KQUEUE_CPONFORK kqueues copied at fork (GeneratorOptions)
  bool with_process_deaths = false;  // exit statuses, children killed, SIGCHLD watched (GeneratorOptions)
  bool with_pdfork_deaths = false;   // pdfork children killed (GeneratorOptions)
  bool with_kevent_corners = false;  // abstime timers, EV_KEEPUDATA, jail filters, bad timeouts (GeneratorOptions)
  bool with_existing_files = false;  // path calls on files the program created (GeneratorOptions)
  bool with_forced_unmounts = false;  // forced unmounts, more and without FIFOs (GeneratorOptions)
  bool with_reopens = false;  // files opened again, read and closed: NOTE_CLOSE reaches knotes (GeneratorOptions)
  bool with_aio_sigevent_fds = false;  // aio sigevents naming descriptors that are not kqueues (GeneratorOptions)
  bool with_poll_waits = false;        // polls and selects that wait, some woken by a kqueue's timer (GeneratorOptions)
  bool with_fixed_ports = false;       // TCP sockets bound to the program's fixed ports (GeneratorOptions)
  std::string native_worker;  // --against native: a kqrecord built on the native kqueue
  int step_timeout_ms = 2000;
  std::size_t shrink_attempts = 0;  // 0: 20000 on the model, 2000 through workers
  double shrink_seconds = 0;        // 0: no bound on the model, 10 s per failure through workers
  std::optional<check::ShardSpec> shard;  // run only this shard's programs (check/campaign_shards.hpp)
  std::vector<std::string> known_files;  // --known: report notes files (traces/behaviour_notes.hpp)
  check::KnownBehaviours known;     // its behaviours: differential runs look past them
  std::string campaign_options;     // campaign_options(): what a shard records of the other options
};

check::CampaignHeader campaign_header(const Options& o) {
  return {o.seed, o.against.empty() ? std::nullopt : std::optional(o.against), o.count, o.max_failures, o.shard,
          check::known_fingerprint(o.known), o.campaign_options};
}

// The random command's options that shape its programs or results, as
// "--name value" text in the order they are declared (an option left at its
// default reads as given so; a flag not given is left out): what a shard
// records so that `kqcheck merge` refuses shards of different campaigns.
// The seed, count, --against, --max-failures and --known are compared on
// their own; the worker's path, where results go and how they are shown
// change no result.
std::string campaign_options(const CLI::App& random) {
  static const std::set<std::string> kNotShaping{"--help",  "--seed",     "--count", "--against", "--max-failures",
                                                 "--known", "--native-worker", "--out", "--progress", "--json", "--shard"};
  std::string text;
  for (const CLI::Option* opt : random.get_options()) {
    const std::string name = opt->get_name();
    if (kNotShaping.count(name) != 0) continue;
    if (opt->get_expected_min() == 0) {  // a flag: on or off (--with-x=false is off)
      if (opt->count() > 0 && opt->as<bool>()) text += (text.empty() ? "" : " ") + name;
      continue;
    }
    std::string value;
    if (opt->count() > 0) {
      for (const std::string& r : opt->results()) value += (value.empty() ? "" : ",") + r;
    } else {
      value = opt->get_default_str();
    }
    if (value.empty()) continue;  // not given, no default
    text += (text.empty() ? "" : " ") + name + " " + value;
  }
  return text;
}

// The native worker: --native-worker, else a kqrecord beside this kqcheck
// (an install), else the one this build made.
std::optional<std::string> find_native_worker(const Options& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!o.native_worker.empty()) return fs::exists(o.native_worker, ec) ? std::optional(fs::absolute(o.native_worker).string()) : std::nullopt;
  fs::path beside = fs::path(o.self).parent_path() / "kqrecord";
  if (fs::exists(beside, ec)) return beside.string();
#ifdef KQSIM_NATIVE_WORKER
  if (fs::exists(KQSIM_NATIVE_WORKER, ec)) return std::string(KQSIM_NATIVE_WORKER);
#endif
  return std::nullopt;
}

// "--mutate" help: every name model/mutations.hpp offers.
std::string mutate_help(const std::string& what) {
  std::string names;
  for (const model::MutationName& m : model::mutation_names()) names += (names.empty() ? "" : ", ") + std::string(m.name);
  return what + " (" + names + "); its counterexamples name it, and kqreplay replays them on the same model";
}

check::BackendFactory reference_for(const Options& o, const model::DialectProfile& profile) {
  if (o.against == "model") {
    return [&profile]() -> std::unique_ptr<sim::Backend> { return std::make_unique<sim::ModelBackend>(profile); };
  }
  if (o.against == "native") {
    return [o]() -> std::unique_ptr<sim::Backend> {
      host::HostBackendOptions h;
      h.self_path = o.native_worker;
      h.worker_path = o.native_worker;
      h.step_timeout_ms = o.step_timeout_ms;
      return std::make_unique<host::HostBackend>(h);
    };
  }
  return [o]() -> std::unique_ptr<sim::Backend> {
    host::HostBackendOptions h;
    h.self_path = o.self;
    h.step_timeout_ms = o.step_timeout_ms;
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
  return check::run_differential(t, m, ref, obs, o.known);
}

std::string write_failure(const Options& o, traces::Trace t, const check::Failure& f, const std::vector<traces::Observed>& obs) {
  for (std::size_t i = 0; i < t.steps.size() && i < obs.size(); ++i) t.steps[i].observed = obs[i];
  // Nothing after a crash or a hang ran: the failure trace ends there.
  if (!obs.empty() && (obs.back().crash || obs.back().hang)) t.steps.resize(std::min(t.steps.size(), obs.size()));
  std::string known;
  for (const std::string& file : o.known_files) known += (known.empty() ? "; past the known behaviours of " : ", ") + file;
  t.description = fmt::format("Shrunk by kqcheck (seed {}, {}{}): step {}: {}: {}", o.seed,
                              o.mutate.empty() ? "faithful model" : "mutation " + o.mutate, known, f.step, f.kind, f.message);
  t.steps[f.step].note = f.kind + ": " + f.message;
  // The model it failed on and, for a property run, what was checked: kqreplay
  // replays it on the same model with the same checks (same failure, same step).
  t.mutation = o.mutate;
  if (o.against.empty()) t.properties = check::random_run_properties();
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) throw OutputError("--out: cannot make the folder " + o.out + ": " + ec.message());
  std::string path = o.out + "/" + t.name + ".json";
  if (!write_text(path, traces::trace_to_json(t).dump(2) + "\n")) throw OutputError("cannot write " + path);
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
          {"unexpected_divergences", std::count_if(f.divergences.begin(), f.divergences.end(),
                                                   [](const nlohmann::json& d) { return !d.value("known", nlohmann::json()).is_string(); })},
          {"divergences", f.divergences},
          {"skipped_steps", nlohmann::json::array()},
          {"error", property ? nlohmann::json(fmt::format("step {}: {}", f.step, f.message)) : nlohmann::json(nullptr)}};
}

// What makes two failures the same behaviour: kind, the failing step's op
// and the message with its numbers left out (descriptors, counts, sizes).
std::string signature(const traces::Trace& t, const check::Failure& f) {
  std::string message;
  for (char c : f.message) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) message += c;
  }
  const char* op = f.step < t.steps.size() ? traces::op_name(t.steps[f.step].op) : "?";
  return f.kind + " " + op + " " + message;
}

constexpr const char* kExtraCallsHelp =
    "Programs also call poll and select (zero timeout; kqueues often), fcntl F_GETFD/F_SETFD, recv and send with "
    "flags, and utimes. Off by default so each seed keeps its programs; FreeBSD hosts only (not with --host-os)";
constexpr const char* kTcpHelp =
    "Half the listeners are loopback TCP ones, connected to by port; a step that sends a TCP segment is followed by "
    "a 50 ms sleep (lo0 on a real host), and a write to one is at most 20,000 bytes. Off by default so each seed keeps "
    "its programs; FreeBSD hosts only";
constexpr const char* kTcpClientsHelp =
    "With --with-tcp: how many clients may connect to one TCP listener in its life (1 to 4); a later one may find "
    "the listen queue full and be reset. The default 1 keeps each seed's programs";
constexpr const char* kTcpTeardownHelp =
    "With --with-tcp: shutdowns, closes, reads, recvs and writes aim at a TCP connection a good share of the time, "
    "half the socketpair steps become connects, and TCP listeners with room for a client are preferred, so that "
    "half-closes and teardown are reached. Off by default so each seed keeps its programs";
constexpr const char* kProcessDeathsHelp =
    "Processes die other ways than _exit(0): children exit with a status, main kills a child with SIGTERM or "
    "SIGKILL, and EVFILT_SIGNAL watches SIGCHLD too. Off by default so each seed keeps its programs; FreeBSD hosts "
    "only (not with --host-os)";
constexpr const char* kPdforkDeathsHelp =
    "Main kills pdfork children with SIGTERM or SIGKILL while their descriptors may be open, so EVFILT_PROCDESC "
    "reports NOTE_EXIT with the status. Off by default so each seed keeps its programs; FreeBSD hosts only (not "
    "with --host-os)";
constexpr const char* kKeventCornersHelp =
    "Corners of kevent itself: NOTE_ABSTIME timers at the epoch (they fire at once; the kevent that arms one scans "
    "nothing and a 20 ms sleep follows) and far in the future, EV_KEEPUDATA, filters -14 and -15 (EVFILT_JAIL, "
    "EVFILT_JAILDESC), invalid timeouts, EVFILT_SIGNAL on SIGPIPE. Off by default so each seed keeps its programs; "
    "FreeBSD hosts only (not with --host-os)";
constexpr const char* kExistingFilesHelp =
    "Path calls on regular files (rename, link, unlink, truncate, chmod, utimes) mostly name files the program "
    "created, and ftruncate and lseek mostly take opened files, so that they succeed and their vnode notes fire. "
    "Off by default so each seed keeps its programs";
constexpr const char* kForcedUnmountsHelp =
    "unmount(2) of the program's directory about three times as often, nearly always forced, and no FIFO opened, so "
    "that knotes and descriptors outlive their vnodes (NOTE_REVOKE, I/O on dead vnodes). Needs unmount steps (with "
    "--real-host, --with-unmount). Off by default so each seed keeps its programs";
constexpr const char* kReopensHelp =
    "Now and then a regular file a descriptor holds is opened again, sometimes read from, and mostly closed at "
    "once, and half the EVFILT_VNODE masks name NOTE_CLOSE or NOTE_CLOSE_WRITE, so that knotes hear another open "
    "file's NOTE_OPEN, NOTE_READ and close. Off by default so each seed keeps its programs";
constexpr const char* kPollWaitsHelp =
    "With --with-extra-calls: some polls and selects wait 1 to 20 ms, and some wait up to 200 ms on a kqueue on "
    "which a 5 ms one-shot timer was just armed, whose expiry wakes them (R47). Off by default so each seed keeps "
    "its programs";
constexpr const char* kFixedPortsHelp =
    "With --with-tcp: half the TCP listeners bind a fixed port (three per program, from 2000 + 3 x (index mod "
    "2600)), and half their clients bind another and connect to it by number, some after SO_REUSEADDR, so that "
    "binds meet ports held by sockets, connections and TIME_WAIT (R48) and connects taken four-tuples (R49). Off "
    "by default so each seed keeps its programs";
constexpr const char* kAioSigeventFdsHelp =
    "SIGEV_KEVENT sigevents of aio requests and lio_listio now and then name an open descriptor that is not a "
    "kqueue (the request's file or pipe end, or another file opened for aio), which kqfd_register refuses. Off by "
    "default so each seed keeps its programs";
constexpr const char* kCponforkHelp =
    "Half the kqueues are kqueuex(KQUEUE_CPONFORK) ones, which a fork copies into the child, and children call "
    "kevent on their copies (FreeBSD 15 and main; ignored for a dialect without it). Off by default so each seed "
    "keeps its programs";
constexpr const char* kStableTimersHelp =
    "EVFILT_TIMER periods of ten minutes and more, so that no timer fires while a program runs: on a real host no "
    "step races a timer. Off by default so each seed keeps its programs";

check::GeneratorOptions generator_options(const Options& o, const model::DialectProfile& profile) {
  check::GeneratorOptions g{.steps = o.steps,
                            .with_sockets = profile.models_unix_sockets,
                            .with_kqueuex = profile.has_kqueuex,
                            .with_aio = profile.has_aio_kevent};
  if (!o.host_os.empty()) g = *check::restrict_to_host_os(g, o.host_os);
  if (o.real_host) g = check::for_real_host(g);
  if (o.real_host && o.with_unmount) g.with_unmount = true;
  g.with_extra_calls = o.with_extra_calls;
  g.with_tcp = o.with_tcp;
  g.tcp_clients_per_listener = o.tcp_clients;
  g.tcp_teardown = o.tcp_teardown;
  g.stable_timers = o.stable_timers;
  g.with_cponfork = o.with_cponfork && profile.has_cponfork && profile.has_kqueuex;
  g.with_process_deaths = o.with_process_deaths;
  g.with_pdfork_deaths = o.with_pdfork_deaths;
  g.with_kevent_corners = o.with_kevent_corners;
  g.with_existing_files = o.with_existing_files;
  g.with_forced_unmounts = o.with_forced_unmounts;
  g.with_reopens = o.with_reopens;
  g.with_aio_sigevent_fds = o.with_aio_sigevent_fds;
  g.with_poll_waits = o.with_poll_waits;
  g.with_fixed_ports = o.with_fixed_ports;
  g.recv_waitall = !profile.unix_stream_receive_generic;
  // Descriptors are compared by name: a raw low number would meet a native
  // implementation's own descriptors.
  if (o.against == "native" && !o.raw_fds) g.low_descriptor_numbers = false;
  return g;
}

std::optional<std::string> bad_options(Options& o) {
  if (o.against != "" && o.against != "model" && o.against != "host" && o.against != "native") return "unknown --against value";
  if (!o.host_os.empty() && !check::restrict_to_host_os({}, o.host_os)) return "unknown --host-os value (freebsd or linux)";
  if (o.against == "native") {
    auto worker = find_native_worker(o);
    if (!worker) {
      return "--against native needs kqrecord built on a native kqueue (this build has none: see docs/emulators.md), "
             "or --native-worker PATH";
    }
    o.native_worker = *worker;
  }
  if (!o.known_files.empty()) {
    if (o.against.empty()) return "--known needs --against (it names behaviours of the implementation compared)";
    o.known = traces::BehaviourNotes::load(o.known_files).behaviours();  // a bad file: TraceError, exit 2
  }
  return std::nullopt;
}

int campaign(Options o) {
  const model::DialectProfile* profile = model::find_profile(o.dialect);
  auto mutations = model::mutation_named(o.mutate);
  if (profile == nullptr || !mutations) {
    std::cerr << "kqcheck: unknown --dialect or --mutate value\n";
    return replay::kExitBadInput;
  }
  if (auto problem = bad_options(o)) {
    std::cerr << "kqcheck: " << *problem << "\n";
    return replay::kExitBadInput;
  }
  if (auto problem = output_folder_problem(o.out)) {
    std::cerr << "kqcheck: --out: " << *problem << "\n";
    return replay::kExitBadInput;
  }
  check::ModelUnderTest m{profile, *mutations, o.raw_fds, !o.full_checks};
  check::BackendFactory ref = reference_for(o, *profile);
  const check::ProgramRange range = check::shard_range(o.count, o.shard.value_or(check::ShardSpec{}));
  cli::Progress progress("kqcheck", "programs", range.end - range.first, o.progress);
  const check::GeneratorOptions gen = generator_options(o, *profile);
  const bool through_workers = o.against == "native" || o.against == "host";
  const std::size_t shrink_attempts = o.shrink_attempts != 0 ? o.shrink_attempts : through_workers ? 2000 : 20000;
  const double shrink_seconds = o.shrink_seconds != 0 ? o.shrink_seconds : through_workers ? 2 : 0;
  check::CampaignTally tally;
  for (std::uint64_t i = range.first; i < range.end && (o.max_failures == 0 || tally.failures < o.max_failures); ++i) {
    // On the model alone a program runs as it is generated; only one that
    // fails is made whole, for its failure and for shrinking (issue 14).
    const check::GeneratorOptions gen_i = check::for_program_index(gen, i);  // the program's own fixed ports
    if (o.against.empty() && check::passes_with_properties(check::trace_seed(o.seed, i), gen_i, m)) {
      tally.steps += gen.steps;
      ++tally.runs;
      progress.update(i + 1 - range.first, fmt::format("{} failure(s)", tally.failures));
      continue;
    }
    traces::Trace t = check::generate_program(check::trace_seed(o.seed, i), gen_i);
    t.dialect = o.dialect;
    tally.steps += t.steps.size();
    ++tally.runs;
    auto failure = run_one(t, o, m, ref, nullptr);
    progress.update(i + 1 - range.first, fmt::format("{} failure(s)", tally.failures));
    if (!failure) continue;
    if (failure->known_only) {
      tally.known_only.push_back(i);
      continue;
    }
    fmt::print(text_out(o.json), "FAIL trace {} ({}): step {}: {}: {}\n", i, t.name, failure->step, failure->kind, failure->message);
    if (!tally.add_failure(i, failure->kind, signature(t, *failure))) {
      fmt::print(text_out(o.json), "  seen before (same kind, op and message): not shrunk again\n");
      continue;
    }
    // Shrink toward the same kind of failure: a crash stays a crash.
    // Through workers every candidate takes real time (a hang: the step
    // timeout): past the budget, candidates count as passing and shrinking ends.
    const std::string kind = failure->kind;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(shrink_seconds);
    traces::Trace small = check::shrink_trace(
        t,
        [&](const traces::Trace& c) {
          if (shrink_seconds > 0 && std::chrono::steady_clock::now() > deadline) return false;
          auto f = run_one(c, o, m, ref, nullptr);
          return f && !f->known_only && f->kind == kind;
        },
        shrink_attempts);
    std::vector<traces::Observed> obs;
    auto again = run_one(small, o, m, ref, &obs);
    if (again && !again->known_only) tally.add_entry(failure_json(write_failure(o, small, *again, obs), small, *again));
    else fmt::print(text_out(o.json), "  (the shrunk program no longer fails: a flaky reference; not written)\n");
    std::fflush(stdout);
  }
  progress.finish(tally.runs, fmt::format("{} failure(s)", tally.failures));
  fmt::print(text_out(o.json), "{}\n", check::campaign_summary_line(tally));
  if (o.json) std::cout << traces::dump_result(check::campaign_document(campaign_header(o), tally)) << "\n";
  return tally.failures == 0 ? replay::kExitOk : replay::kExitDivergence;
}

}  // namespace

int main(int argc, char** argv) {
  // A campaign frees each program's memory as the next one takes it: without
  // this glibc hands the top of the heap back to the system and asks for it
  // again every program (brk calls were 6 % of a campaign's time).
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
  if (argc >= 2 && std::string(argv[1]) == "--kqsim-worker") {
    host::run_worker(host::kChannelFd, argv[0], argc >= 3 && std::string(argv[2]) == "--after-exec");
  }
  CLI::App app{"kqcheck - find kqueue programs that break an implementation"};
  cli::add_standard_options(app, "kqcheck", kExitCodes);
  app.require_subcommand(1);
  Options o;
  CLI::App* random = app.add_subcommand("random", "Generate random programs and check or compare them");
  const CLI::Validator any_u64 = cli::decimal_in(0, UINT64_MAX);
  random->add_option("--seed", o.seed, "Campaign seed")->check(any_u64);
  random->add_option("--count", o.count, "Number of programs")->check(cli::decimal_in(1, kMaxCount));
  random->add_option("--steps", o.steps, "Steps per program")->check(cli::decimal_in(1, kMaxSteps));
  random->add_option("--against", o.against,
                     "Compare with a reference: model, host (the model through the recorder's workers) or native "
                     "(the native kqueue, e.g. libkqueue, through the same workers)");
  random->add_option("--host-os", o.host_os,
                     "Generate only what a kqueue implementation controls on this OS: freebsd (everything) or linux "
                     "(no FreeBSD-only names or calls, no aio/kqueuex, pipe I/O on the right end only)");
  random->add_flag("--real-host", o.real_host,
                   "Only programs a real kernel can run too: no aio_run nor deferred aio requests (driving the aio daemons), no unmount");
  random->add_flag("--with-unmount", o.with_unmount,
                   "With --real-host: unmount steps too, for a host that mounts a file system of its own where each "
                   "program runs (the VM runner, docs/vm.md)")
      ->needs("--real-host");
  random->add_flag("--with-extra-calls", o.with_extra_calls, kExtraCallsHelp)->excludes("--host-os");
  random->add_flag("--with-tcp", o.with_tcp, kTcpHelp)->excludes("--host-os");
  random->add_option("--tcp-clients", o.tcp_clients, kTcpClientsHelp)->check(cli::decimal_in(1, 4))->needs("--with-tcp");
  random->add_flag("--tcp-teardown", o.tcp_teardown, kTcpTeardownHelp)->needs("--with-tcp");
  random->add_flag("--stable-timers", o.stable_timers, kStableTimersHelp);
  random->add_flag("--with-cponfork", o.with_cponfork, kCponforkHelp)->excludes("--host-os");
  random->add_flag("--with-process-deaths", o.with_process_deaths, kProcessDeathsHelp)->excludes("--host-os");
  random->add_flag("--with-pdfork-deaths", o.with_pdfork_deaths, kPdforkDeathsHelp)->excludes("--host-os");
  random->add_flag("--with-kevent-corners", o.with_kevent_corners, kKeventCornersHelp)->excludes("--host-os");
  random->add_flag("--with-existing-files", o.with_existing_files, kExistingFilesHelp);
  random->add_flag("--with-forced-unmounts", o.with_forced_unmounts, kForcedUnmountsHelp)->excludes("--host-os");
  random->add_flag("--with-reopens", o.with_reopens, kReopensHelp);
  random->add_flag("--with-aio-sigevent-fds", o.with_aio_sigevent_fds, kAioSigeventFdsHelp);
  random->add_flag("--with-poll-waits", o.with_poll_waits, kPollWaitsHelp)->needs("--with-extra-calls");
  random->add_flag("--with-fixed-ports", o.with_fixed_ports, kFixedPortsHelp)->needs("--with-tcp");
  random->add_option("--native-worker", o.native_worker, "--against native: the kqrecord built on the native kqueue");
  random->add_option("--step-timeout-ms", o.step_timeout_ms, "Through workers: a call that takes longer is a hang")
      ->check(CLI::Range(1, 3'600'000));
  random->add_option("--shrink-seconds", o.shrink_seconds, "Bound on shrinking time per failure (default: none on the model, 2 through workers)");
  random->add_option("--shrink-attempts", o.shrink_attempts, "Bound on shrinking runs per failure (default 20000, 2000 through workers)");
  random->add_option("--mutate", o.mutate, mutate_help("Test the tooling: run a deliberately broken model"));
  random->add_option("--dialect", o.dialect, "Dialect profile");
  random->add_option("--out", o.out, "Where to write shrunk failing traces");
  random->add_option("--max-failures", o.max_failures, "Stop after this many failures (0: never stop)")->check(cli::decimal_in(0, kMaxCount));
  random->add_flag("--progress", o.progress, "Progress on stderr (rate, ETA) even when stderr is not a terminal");
  random->add_flag("--json", o.json, "Print the results as JSON (kqsim-result/1) on stdout, the text on stderr");
  random->add_flag("--raw-fds", o.raw_fds, "Differential runs: compare returned descriptor numbers too");
  random->add_option("--known", o.known_files,
                     "Differential runs: a report notes file (as kqreplay report --notes takes; repeat to join several); "
                     "divergences whose behaviours it names do not fail a program, which is compared on to its first other "
                     "divergence")
      ->check(CLI::ExistingFile);
  random->add_flag("--full-checks", o.full_checks,
                   "Check every invariant of the whole state after every call (slower), not only those of what the call touched");
  std::string shard;
  random->add_option("--shard", shard,
                     "Run only shard I of N (I/N, 0 <= I < N): programs count*I/N to count*(I+1)/N; "
                     "`kqcheck merge` combines the N --json results into the whole campaign's")
      ->check([](const std::string& v) { return check::parse_shard(v) ? std::string() : "--shard: want I/N with 0 <= I < N <= 10^9"; });
  tools::MergeCli merge;
  CLI::App* merge_cmd = app.add_subcommand("merge", "Combine the --json results of `kqcheck random --shard I/N` (every I of one N) into the whole campaign's");
  merge_cmd->add_option("RESULTS", merge.files, "The shards' result documents, in any order")->required();
  merge_cmd->add_flag("--json", merge.json, "Print the merged result as JSON (kqsim-result/1) on stdout, the text on stderr");
  std::uint64_t index = 0;
  CLI::App* generate = app.add_subcommand("generate", "Print one generated program as a trace");
  generate->add_option("--seed", o.seed, "Campaign seed")->check(any_u64);
  generate->add_option("--index", index, "Which program of the campaign")->check(any_u64);
  generate->add_option("--steps", o.steps, "Steps per program")->check(cli::decimal_in(1, kMaxSteps));
  generate->add_option("--host-os", o.host_os, "As for random: freebsd or linux");
  generate->add_flag("--real-host", o.real_host, "As for random: no aio_run nor deferred aio requests, no unmount");
  generate->add_flag("--with-unmount", o.with_unmount,
                     "With --real-host: unmount steps too, for a host that mounts a file system of its own where each "
                     "program runs (the VM runner, docs/vm.md)")
      ->needs("--real-host");
  generate->add_flag("--with-extra-calls", o.with_extra_calls, kExtraCallsHelp)->excludes("--host-os");
  generate->add_flag("--with-tcp", o.with_tcp, kTcpHelp)->excludes("--host-os");
  generate->add_option("--tcp-clients", o.tcp_clients, kTcpClientsHelp)->check(cli::decimal_in(1, 4))->needs("--with-tcp");
  generate->add_flag("--tcp-teardown", o.tcp_teardown, kTcpTeardownHelp)->needs("--with-tcp");
  generate->add_flag("--stable-timers", o.stable_timers, kStableTimersHelp);
  generate->add_flag("--with-cponfork", o.with_cponfork, kCponforkHelp)->excludes("--host-os");
  generate->add_flag("--with-process-deaths", o.with_process_deaths, kProcessDeathsHelp)->excludes("--host-os");
  generate->add_flag("--with-pdfork-deaths", o.with_pdfork_deaths, kPdforkDeathsHelp)->excludes("--host-os");
  generate->add_flag("--with-kevent-corners", o.with_kevent_corners, kKeventCornersHelp)->excludes("--host-os");
  generate->add_flag("--with-existing-files", o.with_existing_files, kExistingFilesHelp);
  generate->add_flag("--with-forced-unmounts", o.with_forced_unmounts, kForcedUnmountsHelp)->excludes("--host-os");
  generate->add_flag("--with-reopens", o.with_reopens, kReopensHelp);
  generate->add_flag("--with-aio-sigevent-fds", o.with_aio_sigevent_fds, kAioSigeventFdsHelp);
  generate->add_flag("--with-poll-waits", o.with_poll_waits, kPollWaitsHelp)->needs("--with-extra-calls");
  generate->add_flag("--with-fixed-ports", o.with_fixed_ports, kFixedPortsHelp)->needs("--with-tcp");
  generate->add_option("--dialect", o.dialect, "As for random: the profile decides sockets, kqueuex and aio");
  tools::ExploreCli ex;
  CLI::App* explore_cmd = app.add_subcommand("explore", "Explore every interleaving of a concurrency scenario");
  explore_cmd->add_option("SCENARIO", ex.scenario, "Scenario file (kqsim-scenario/1)")->required();
  explore_cmd->add_flag("--fingerprint", ex.fingerprint, "Store 64-bit state hashes instead of whole states");
  explore_cmd->add_flag("--por", ex.por, "Partial-order reduction: run a step alone when it commutes with all other threads' steps");
  explore_cmd->add_option("--max-states", ex.max_states, "Bound on distinct states")->check(cli::decimal_in(1, kMaxStates));
  explore_cmd->add_option("--max-depth", ex.max_depth, "Bound on schedule length")->check(cli::decimal_in(1, kMaxDepth));
  explore_cmd->add_option("--threads", ex.threads,
                          "Workers sharing one visited set (same states and transitions as one; 1 to 256)")
      ->check(cli::decimal_in(1, 256));
  explore_cmd->add_option("--swarm", ex.swarm,
                          "Swarm: this many bounded depth-first searches, each with its own random thread order and hash "
                          "(--max-states and --max-depth bound each); for state spaces too large to search whole")
      ->check(cli::decimal_in(1, kMaxCount));
  explore_cmd->add_option("--swarm-seed", ex.swarm_seed, "Seed of the swarm's members' orders and hashes")->check(any_u64);
  explore_cmd->add_option("--shard", ex.shard, "With --swarm: run only shard I of N of the members (`kqcheck merge` combines them)")
      ->check([](const std::string& v) { return check::parse_shard(v) ? std::string() : "--shard: want I/N with 0 <= I < N <= 10^9"; });
  explore_cmd->add_flag("--progress", ex.progress, "Progress on stderr (rate, ETA) even when stderr is not a terminal");
  explore_cmd->add_option("--mutate", ex.mutate, mutate_help("Test the tooling: explore a deliberately broken model"));
  explore_cmd->add_option("--out", ex.out, "Write the counterexample as a trace here");
  explore_cmd->add_flag("--json", ex.json, "Print the result as JSON (kqsim-result/1) on stdout, the text on stderr");
  tools::ShrinkCli sh;
  CLI::App* shrink_cmd = app.add_subcommand("shrink", "Shrink traces (a report's examples cut from recordings) on a reference, "
                                                       "keeping the divergences of their last step");
  shrink_cmd->add_option("TRACES", sh.traces, "Trace files")->required();
  shrink_cmd->add_option("--against", o.against, "The reference: native (default) or host");
  shrink_cmd->add_option("--native-worker", o.native_worker, "As for random");
  shrink_cmd->add_option("--step-timeout-ms", o.step_timeout_ms, "As for random")->check(CLI::Range(1, 3'600'000));
  shrink_cmd->add_option("--shrink-seconds", sh.seconds, "Bound on shrinking time per trace (default 30)");
  shrink_cmd->add_option("--shrink-attempts", sh.attempts, "Bound on shrinking runs per trace (default 2000)");
  shrink_cmd->add_option("--out", sh.out, "Where to write the shrunk traces (default kqcheck-shrunk)");
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
  if (!shard.empty()) o.shard = check::parse_shard(shard);
  if (random->parsed()) o.campaign_options = campaign_options(*random);
  if (generate->parsed()) {
    const model::DialectProfile* profile = model::find_profile(o.dialect);
    if (profile == nullptr || (!o.host_os.empty() && !check::restrict_to_host_os({}, o.host_os))) {
      std::cerr << "kqcheck: unknown --dialect or --host-os value (--host-os: freebsd or linux)\n";
      return replay::kExitBadInput;
    }
    // The program `random` with the same options runs as number `index`.
    const check::GeneratorOptions g = generator_options(o, *profile);
    traces::Trace t = check::generate_program(check::trace_seed(o.seed, index), check::for_program_index(g, index));
    t.dialect = o.dialect;
    std::cout << traces::trace_to_json(t).dump(2) << "\n";
    return replay::kExitOk;
  }
  try {
    if (explore_cmd->parsed()) return tools::explore_command(ex);
    if (linearize_cmd->parsed()) return tools::linearize_command(history);
    if (shrink_cmd->parsed()) {
      if (o.against.empty()) o.against = "native";
      if (auto problem = bad_options(o)) {
        std::cerr << "kqcheck: " << *problem << "\n";
        return replay::kExitBadInput;
      }
      return tools::shrink_command(sh, reference_for(o, model::default_profile()));
    }
    if (merge_cmd->parsed()) return tools::merge_command(merge);
    return campaign(o);
  } catch (const traces::TraceError& e) {
    std::cerr << "kqcheck: " << e.what() << "\n";
    return replay::kExitBadInput;
  } catch (const OutputError& e) {
    std::cerr << "kqcheck: " << e.what() << "\n";
    return replay::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "kqcheck: internal error: " << e.what() << "\n";
    return replay::kExitInternal;
  }
}
