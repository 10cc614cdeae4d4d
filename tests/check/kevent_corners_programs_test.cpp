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
#include <set>
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

struct CornerCounts {
  std::size_t epoch_timers = 0, future_abstime = 0, keepudata = 0, jail_filters = 0;
  std::size_t invalid_timeouts = 0, sigpipe_watches = 0, pdfork_kills = 0;
};

CornerCounts count_corners(const GeneratorOptions& o) {
  CornerCounts n;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const traces::Trace t = generate_program(trace_seed(49, i), o);
    std::set<std::string> pdfork_children;
    for (const traces::Step& s : t.steps) {
      if (s.op == Op::kPdfork) pdfork_children.insert(s.as[0]);
      n.pdfork_kills += s.op == Op::kKill && pdfork_children.count(s.target) != 0 ? 1 : 0;
      n.invalid_timeouts += s.op == Op::kKevent && invalid_timeout(s) ? 1 : 0;
      for (const traces::Change& c : s.changes) {
        n.epoch_timers += epoch_timer(c) ? 1 : 0;
        n.future_abstime += c.filter == filt::kTimer && (c.fflags & note::kAbstime) != 0 && c.data > 25 ? 1 : 0;
        // Not the 5 % random masks, which may hold the bit too: the chosen pairs.
        n.keepudata += c.flags == (ev::kAdd | ev::kKeepUdata) || c.flags == (ev::kEnable | ev::kKeepUdata) ? 1 : 0;
        n.jail_filters += c.filter == filt::kJail || c.filter == filt::kJaildesc ? 1 : 0;
        n.sigpipe_watches += c.filter == filt::kSignal && !c.ident.is_name() && c.ident.number() == 13 ? 1 : 0;
      }
    }
  }
  return n;
}

TEST(KeventCornersPrograms, OffByDefault) {
  const CornerCounts n = count_corners(real_host(false));
  EXPECT_EQ(n.epoch_timers + n.future_abstime, 0U);
  EXPECT_EQ(n.keepudata, 0U);
  EXPECT_EQ(n.jail_filters, 0U);
  EXPECT_EQ(n.invalid_timeouts, 0U);
  EXPECT_EQ(n.sigpipe_watches, 0U);
  EXPECT_EQ(n.pdfork_kills, 0U);
}

TEST(KeventCornersPrograms, OnRequest) {
  const CornerCounts n = count_corners(real_host(true));
  EXPECT_GT(n.epoch_timers, 50U);
  EXPECT_GT(n.future_abstime, 30U);
  EXPECT_GT(n.keepudata, 50U);
  EXPECT_GT(n.jail_filters, 50U);
  EXPECT_GT(n.invalid_timeouts, 50U);
  EXPECT_GT(n.sigpipe_watches, 20U);
  EXPECT_GT(n.pdfork_kills, 20U);
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

struct CornerEvents {
  std::size_t abstime_fired = 0, timeout_einval = 0, sigpipe = 0, procdesc_killed = 0, jail_added = 0;
};

// EV_ADD of EVFILT_JAIL on the caller's prison (jid 0) that took: no
// EV_ERROR event came back for it.
std::size_t jail_adds(const traces::Step& s, const sim::StepOutcome& out) {
  std::size_t n = 0;
  for (const traces::Change& c : s.changes) {
    if (c.filter != filt::kJail || c.ident.is_name() || c.ident.number() != 0 || (c.flags & ev::kAdd) == 0) continue;
    const bool refused = std::any_of(out.actual.events.begin(), out.actual.events.end(), [](const model::KEvent& e) {
      return e.filter == filt::kJail && (e.flags & ev::kError) != 0 && e.data != 0;
    });
    n += refused ? 0 : 1;
  }
  return n;
}

void count_events(const traces::Step& s, const sim::StepOutcome& out, CornerEvents& n) {
  if (s.op == Op::kKevent && invalid_timeout(s) && out.actual.err == model::Errno::kEINVAL) ++n.timeout_einval;
  if (s.op == Op::kKevent && out.actual.err == model::Errno::kNone) n.jail_added += jail_adds(s, out);
  for (const model::KEvent& e : out.actual.events) {
    // An absolute timer has no EV_CLEAR forced, so a fired one stays true (data 1).
    if (e.filter == filt::kTimer && (e.flags & (ev::kClear | ev::kError)) == 0 && e.data == 1) ++n.abstime_fired;
    if (e.filter == filt::kSignal && e.ident == 13) ++n.sigpipe;
    const bool exit_note = e.filter == filt::kProcdesc && (e.fflags & note::kExit) != 0;
    if (exit_note && (e.data == 9 || e.data == 15)) ++n.procdesc_killed;
  }
}

TEST(KeventCornersPrograms, CornersReachTheKqueue) {
  CornerEvents n;
  run_generated_on_model(real_host(true), 49, 200, "freebsd-15.1",
                         [&](const traces::Trace&, const traces::Step& s, const sim::StepOutcome& out) { count_events(s, out, n); });
  // Lower bounds on what 200 programs exercise, not expected values.
  EXPECT_GE(n.abstime_fired, 10U);
  EXPECT_GE(n.timeout_einval, 10U);
  EXPECT_GE(n.sigpipe, 3U);
  EXPECT_GE(n.procdesc_killed, 3U);
  EXPECT_GE(n.jail_added, 3U);
}

}  // namespace
}  // namespace kqsim::check
