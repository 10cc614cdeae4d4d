// GeneratorOptions::with_kevent_corners and ::with_pdfork_deaths (kqcheck
// --with-kevent-corners, --with-pdfork-deaths). Off by default (each earlier
// seed keeps its programs); with them the programs run on the model to the
// end, every kevent that may arm an epoch NOTE_ABSTIME timer scans nothing
// and is followed by a sleep (a real kernel fires it at the next tick), and
// the corners reach the kqueue: fired absolute timers, EINVAL timeouts,
// SIGPIPE counted, EVFILT_PROCDESC NOTE_EXIT with a signal.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>

#include "check/prng.hpp"
#include "check/program_generator.hpp"
#include "model/dialect_profile.hpp"
#include "model/kevent_constants.hpp"
#include "sim/interpreter.hpp"
#include "tests/check/generated_programs.hpp"

namespace kqsim::check {
namespace {

using traces::Op;
namespace ev = model::ev;
namespace filt = model::filt;
namespace note = model::note;

GeneratorOptions real_host(bool corners) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_kevent_corners = corners;
  o.with_pdfork_deaths = corners;
  o.stable_timers = true;  // as the campaigns run them: only the epoch timers fire
  o.steps = 150;
  return o;
}

bool epoch_timer(const traces::Change& c) {
  return c.filter == filt::kTimer && (c.fflags & note::kAbstime) != 0 && c.data <= 25;
}
bool invalid_timeout(const traces::Step& s) {
  return s.timeout && (s.timeout->sec < 0 || s.timeout->nsec < 0 || s.timeout->nsec >= 1'000'000'000);
}

bool is_pdfork_child(const traces::Trace& t, const std::string& name) {
  return std::any_of(t.steps.begin(), t.steps.end(),
                     [&](const traces::Step& s) { return s.op == Op::kPdfork && s.as[0] == name; });
}

// Each a count of changes.
WrittenCounter written_changes(const char* name, std::function<bool(const traces::Change&)> pred) {
  return {name, [pred](const traces::Trace&, const traces::Step& s) { return changes_where(s, pred); }};
}

Counts count_corners(const GeneratorOptions& o) {
  return count_written(
      o, 49, 200,
      {written_changes("epoch timers", epoch_timer),
       written_changes("future NOTE_ABSTIME",
                       [](const traces::Change& c) {
                         return c.filter == filt::kTimer && (c.fflags & note::kAbstime) != 0 && c.data > 25;
                       }),
       // Not the 5 % random masks, which may hold the bit too: the chosen pairs.
       written_changes("EV_KEEPUDATA pairs",
                       [](const traces::Change& c) {
                         return c.flags == (ev::kAdd | ev::kKeepUdata) || c.flags == (ev::kEnable | ev::kKeepUdata);
                       }),
       written_changes("jail filters",
                       [](const traces::Change& c) { return c.filter == filt::kJail || c.filter == filt::kJaildesc; }),
       written_changes("SIGPIPE watches",
                       [](const traces::Change& c) {
                         return c.filter == filt::kSignal && !c.ident.is_name() && c.ident.number() == 13;
                       }),
       {"invalid timeouts",
        [](const traces::Trace&, const traces::Step& s) -> std::size_t {
          return s.op == Op::kKevent && invalid_timeout(s) ? 1 : 0;
        }},
       {"pdfork kills", [](const traces::Trace& t, const traces::Step& s) -> std::size_t {
          return s.op == Op::kKill && is_pdfork_child(t, s.target) ? 1 : 0;
        }}});
}

TEST(KeventCornersPrograms, OffByDefault) {
  for (const auto& [name, n] : count_corners(real_host(false))) EXPECT_EQ(n, 0U) << name;
}

TEST(KeventCornersPrograms, OnRequest) {
  const Counts n = count_corners(real_host(true));
  EXPECT_GT(n.at("epoch timers"), 50U);
  EXPECT_GT(n.at("future NOTE_ABSTIME"), 30U);
  EXPECT_GT(n.at("EV_KEEPUDATA pairs"), 50U);
  EXPECT_GT(n.at("jail filters"), 50U);
  EXPECT_GT(n.at("invalid timeouts"), 50U);
  EXPECT_GT(n.at("SIGPIPE watches"), 20U);
  EXPECT_GT(n.at("pdfork kills"), 20U);
}

// The rules that keep a real host's callout out of the comparison, with
// KQUEUE_CPONFORK too: children arm epoch timers on their copies
// (child_kevent), and a fork may copy a fired one, which filt_timercopy
// re-arms in the past.
TEST(KeventCornersPrograms, EpochTimersScanNothingAndAreFollowedByASleep) {
  std::size_t settled = 0, in_children = 0, forks_settled = 0;
  GeneratorOptions o = real_host(true);
  o.with_cponfork = true;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const traces::Trace t = generate_program(trace_seed(49, i), o);
    bool armed = false, cponfork = false;
    for (std::size_t k = 0; k < t.steps.size(); ++k) {
      const traces::Step& s = t.steps[k];
      cponfork |= s.op == Op::kKqueue && (s.kqueue_flags & model::kqflag::kCponfork) != 0;
      if (s.op == Op::kFork && s.proc == "main" && armed && cponfork && k + 1 < t.steps.size()) {
        EXPECT_EQ(t.steps[k + 1].op, Op::kSleep) << t.name << " step " << k;
        EXPECT_GE(t.steps[k + 1].sleep_ns, 20'000'000) << t.name << " step " << k;
        ++forks_settled;
      }
      if (s.op != Op::kKevent || std::none_of(s.changes.begin(), s.changes.end(), epoch_timer)) continue;
      armed = true;
      in_children += s.proc != "main" ? 1 : 0;
      EXPECT_EQ(s.nevents, 0) << t.name << " step " << k;
      // One a call, its last change: a kernel's callout may preempt the changes after it.
      EXPECT_EQ(std::count_if(s.changes.begin(), s.changes.end(), epoch_timer), 1) << t.name << " step " << k;
      EXPECT_TRUE(epoch_timer(s.changes.back())) << t.name << " step " << k;
      if (k + 1 == t.steps.size()) continue;  // cut at the program's length
      EXPECT_EQ(t.steps[k + 1].op, Op::kSleep) << t.name << " step " << k;
      EXPECT_GE(t.steps[k + 1].sleep_ns, 20'000'000) << t.name << " step " << k;
      ++settled;
    }
  }
  EXPECT_GT(settled, 50U);
  EXPECT_GT(in_children, 3U);
  EXPECT_GT(forks_settled, 10U);
}

// EV_ADD of EVFILT_JAIL on the caller's prison (jid 0) that took: no
// EV_ERROR event came back for it.
std::size_t jail_adds(const traces::Step& s, const sim::StepOutcome& out) {
  if (s.op != Op::kKevent || out.actual.err != model::Errno::kNone) return 0;
  const bool refused = std::any_of(out.actual.events.begin(), out.actual.events.end(), [](const model::KEvent& e) {
    return e.filter == filt::kJail && (e.flags & ev::kError) != 0 && e.data != 0;
  });
  if (refused) return 0;
  return changes_where(s, [](const traces::Change& c) {
    return c.filter == filt::kJail && !c.ident.is_name() && c.ident.number() == 0 && (c.flags & ev::kAdd) != 0;
  });
}

RunCounter returned(const char* name, std::function<bool(const model::KEvent&)> pred) {
  return {name, [pred](const traces::Step&, const sim::StepOutcome& out) { return events_where(out, pred); }};
}

TEST(KeventCornersPrograms, CornersReachTheKqueue) {
  const Counts n = count_on_model(
      real_host(true), 49, 200, "freebsd-15.1",
      {// An absolute timer has no EV_CLEAR forced, so a fired one stays true (data 1).
       returned("absolute timers fired",
                [](const model::KEvent& e) { return e.filter == filt::kTimer && (e.flags & ev::kClear) == 0 && e.data == 1; }),
       returned("SIGPIPE counted", [](const model::KEvent& e) { return e.filter == filt::kSignal && e.ident == 13; }),
       returned("PROCDESC NOTE_EXIT by a signal",
                [](const model::KEvent& e) {
                  return e.filter == filt::kProcdesc && (e.fflags & note::kExit) != 0 && (e.data == 9 || e.data == 15);
                }),
       {"EINVAL timeouts",
        [](const traces::Step& s, const sim::StepOutcome& out) -> std::size_t {
          return s.op == Op::kKevent && invalid_timeout(s) && out.actual.err == model::Errno::kEINVAL ? 1 : 0;
        }},
       {"jail knotes added", jail_adds}});
  // Lower bounds on what 200 programs exercise, not expected values.
  EXPECT_GE(n.at("absolute timers fired"), 10U);
  EXPECT_GE(n.at("EINVAL timeouts"), 10U);
  EXPECT_GE(n.at("SIGPIPE counted"), 3U);
  EXPECT_GE(n.at("PROCDESC NOTE_EXIT by a signal"), 3U);
  EXPECT_GE(n.at("jail knotes added"), 3U);
}

}  // namespace
}  // namespace kqsim::check
