// GeneratorOptions::with_process_deaths (kqcheck --with-process-deaths):
// children exit with a status, main kills fork children with SIGTERM or
// SIGKILL, and EVFILT_SIGNAL watches SIGCHLD. Off by default (each earlier
// seed keeps its programs); with it the programs run on the model to the
// end, no step runs in a process after its death, and the deaths reach
// knotes: NOTE_EXIT events carry nonzero statuses.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

#include "check/prng.hpp"
#include "check/program_generator.hpp"
#include "model/dialect_profile.hpp"
#include "model/kevent_constants.hpp"
#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"
#include "tests/check/generated_programs.hpp"

namespace kqsim::check {
namespace {

using traces::Op;

GeneratorOptions real_host(bool deaths) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_process_deaths = deaths;
  o.steps = 150;
  return o;
}

Counts count_deaths(const GeneratorOptions& o) {
  return count_written(o, 47, 200,
                       {{"exit statuses",  // exit steps with a nonzero status
                         [](const traces::Trace&, const traces::Step& s) -> std::size_t {
                           return s.op == Op::kExit && s.exit_status != 0 ? 1 : 0;
                         }},
                        {"child kills",  // kill steps aimed at another process than main
                         [](const traces::Trace&, const traces::Step& s) -> std::size_t {
                           return s.op == Op::kKill && s.target != "main" ? 1 : 0;
                         }},
                        {"SIGCHLD watches", [](const traces::Trace&, const traces::Step& s) {
                           return changes_where(s, [](const traces::Change& c) {
                             return c.filter == model::filt::kSignal && !c.ident.is_name() && c.ident.number() == 20;
                           });
                         }}});
}

TEST(ProcessDeathsPrograms, OffByDefault) {
  for (const auto& [name, n] : count_deaths(real_host(false))) EXPECT_EQ(n, 0U) << name;
}

TEST(ProcessDeathsPrograms, OnRequest) {
  const Counts n = count_deaths(real_host(true));
  EXPECT_GT(n.at("exit statuses"), 50U);
  EXPECT_GT(n.at("child kills"), 20U);
  EXPECT_GT(n.at("SIGCHLD watches"), 50U);
}

TEST(ProcessDeathsPrograms, DeathsReachKnotesAndNoDeadProcessActs) {
  std::size_t exit_status_events = 0, killed_events = 0, sigchld_events = 0, kills_done = 0;
  for (std::uint64_t i = 0; i < 200; ++i) {
    traces::Trace t = generate_program(trace_seed(47, i), real_host(true));
    t.dialect = "freebsd-15.1";
    sim::ModelBackend backend(*model::find_profile(t.dialect));
    sim::Interpreter interp(t, backend);
    std::set<std::string> killed;
    for (const traces::Step& s : t.steps) {
      EXPECT_EQ(killed.count(s.proc), 0U) << t.name << " step " << s.index << " runs in killed " << s.proc;
      if (s.op == Op::kKill && s.target != "main") killed.insert(s.target);
      ASSERT_TRUE(interp.run_next(s, [&](const sim::StepOutcome& out) {
        EXPECT_FALSE(out.actual.unsupported) << t.name << " step " << s.index << ": " << *out.actual.unsupported;
        if (out.skipped) return;
        if (s.op == Op::kKill && s.target != "main" && out.actual.err == model::Errno::kNone) ++kills_done;
        for (const model::KEvent& e : out.actual.events) {
          const bool exit_note = e.filter == model::filt::kProc && (e.fflags & model::note::kExit) != 0;
          if (exit_note && e.data >= 256) ++exit_status_events;           // _exit(s): s << 8
          if (exit_note && (e.data == 9 || e.data == 15)) ++killed_events;  // SIGKILL, SIGTERM
          if (e.filter == model::filt::kSignal && e.ident == 20) ++sigchld_events;
        }
      })) << t.name << " step " << s.index;
    }
  }
  // Lower bounds on what 200 programs exercise, not expected values (when
  // written: 8 status events, 8 killed, 53 kills).
  EXPECT_GT(kills_done, 20U);
  EXPECT_GE(exit_status_events, 3U);
  EXPECT_GE(killed_events, 3U);
  EXPECT_GE(sigchld_events, 3U);
}

}  // namespace
}  // namespace kqsim::check
