// GeneratorOptions::with_poll_waits (kqcheck --with-poll-waits): with the
// extra calls, some polls and selects wait 1 to 20 ms, and some wait up to
// 200 ms on a kqueue on which the step before armed a 5 ms one-shot timer:
// its expiry wakes them (R47: kqueue_poll selrecords, the timer's activation
// selwakeups). Without the option every poll and select has a zero timeout.
// Off by default: each earlier seed keeps its programs (generator_stability_test).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>

#include "check/program_generator.hpp"
#include "model/kevent_constants.hpp"
#include "tests/check/generated_programs.hpp"

namespace kqsim::check {
namespace {

using traces::Op;

constexpr std::int64_t kWakeTimeoutMs = 200;  // wake_poll_by_timer's
constexpr std::int64_t kTimerNs = 5'000'000;  // its one-shot timer's period

bool is_poll(const traces::Step& s) { return s.op == Op::kPoll || s.op == Op::kSelect; }
std::int64_t timeout_ms(const traces::Step& s) {
  if (!is_poll(s) || s.sock->timeout <= 0) return 0;
  return s.op == Op::kPoll ? s.sock->timeout : s.sock->timeout / 1000;
}
bool waits_for_timer(const traces::Step& s) { return timeout_ms(s) == kWakeTimeoutMs; }

Counts run_programs(bool poll_waits) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_extra_calls = true;
  o.with_poll_waits = poll_waits;
  o.steps = 150;
  return count_on_model(o, 61, 200, "freebsd-15.1",
                        {{"polls and selects that may wait",
                          [](const traces::Step& s, const sim::StepOutcome&) -> std::size_t { return timeout_ms(s) > 0 ? 1 : 0; }},
                         {"of which wait on a kqueue's timer",
                          [](const traces::Step& s, const sim::StepOutcome&) -> std::size_t { return waits_for_timer(s) ? 1 : 0; }},
                         {"of which woken at the timer's expiry",
                          [](const traces::Step& s, const sim::StepOutcome& out) -> std::size_t {
                            return waits_for_timer(s) && out.actual.ret > 0 && out.elapsed_ns == kTimerNs ? 1 : 0;
                          }},
                         {"of which ready at once",
                          [](const traces::Step& s, const sim::StepOutcome& out) -> std::size_t {
                            return waits_for_timer(s) && out.actual.ret > 0 && out.elapsed_ns == 0 ? 1 : 0;
                          }},
                         {"short waits that timed out",
                          [](const traces::Step& s, const sim::StepOutcome& out) -> std::size_t {
                            const std::int64_t ms = timeout_ms(s);
                            return ms > 0 && ms != kWakeTimeoutMs && out.actual.ret == 0 && out.elapsed_ns == ms * 1'000'000 ? 1 : 0;
                          }}});
}

TEST(PollWaitsPrograms, PollsWaitAndKqueueTimersWakeThem) {
  const Counts off = run_programs(false);
  const Counts on = run_programs(true);
  std::fprintf(stderr, "%s\n", counts_text(off, on).c_str());
  EXPECT_EQ(off.at("polls and selects that may wait"), 0U);
  EXPECT_GE(on.at("polls and selects that may wait"), 100U);
  EXPECT_GE(on.at("of which wait on a kqueue's timer"), 20U);
  // A third and more are woken by the timer; most others find the kqueue
  // ready at once; a few name a kqueue closed by then (its number reused or free).
  const std::size_t woken = on.at("of which woken at the timer's expiry");
  const std::size_t at_once = on.at("of which ready at once");
  EXPECT_GT(3 * woken, on.at("of which wait on a kqueue's timer"));
  EXPECT_GT(5 * (woken + at_once), 4 * on.at("of which wait on a kqueue's timer"));
  EXPECT_GE(at_once, 1U);
  EXPECT_GE(on.at("short waits that timed out"), 20U);
}

// The timer a wake arms is one no other change of the program names, so no
// random kevent moves or deletes it between the arming and the poll.
TEST(PollWaitsPrograms, TheWakeTimerIsThePollsOwn) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_extra_calls = true;
  o.with_poll_waits = true;
  o.steps = 150;
  const Counts n = count_written(
      o, 62, 200,
      {{"wake timers armed",
        [](const traces::Trace& t, const traces::Step& s) -> std::size_t {
          const bool arms = s.op == Op::kKevent && s.changes.size() == 1 && s.changes[0].filter == model::filt::kTimer &&
                            !s.changes[0].ident.is_name() && s.changes[0].ident.number() == kPollWakeTimerIdent;
          if (!arms) return 0;
          EXPECT_EQ(s.changes[0].flags, model::ev::kAdd | model::ev::kOneshot);
          EXPECT_EQ(s.changes[0].data, kTimerNs / 1'000'000);
          EXPECT_EQ(s.nevents, 0);
          // Then the poll on that kqueue, then a sleep past the expiry.
          if (s.index + 2 >= t.steps.size()) return 1;  // cut at the program's length
          EXPECT_TRUE(waits_for_timer(t.steps[s.index + 1])) << t.name << " step " << s.index + 1;
          EXPECT_EQ(t.steps[s.index + 1].fd.name(), s.fd.name());
          EXPECT_EQ(t.steps[s.index + 2].op, Op::kSleep);
          return 1;
        }},
       {"other changes naming the wake timer's ident",
        [](const traces::Trace&, const traces::Step& s) -> std::size_t {
          std::size_t others = 0;
          for (const traces::Change& c : s.changes) {
            const bool names = c.filter == model::filt::kTimer && !c.ident.is_name() && c.ident.number() == kPollWakeTimerIdent;
            others += names && !(s.changes.size() == 1 && c.flags == (model::ev::kAdd | model::ev::kOneshot) && c.data == 5) ? 1 : 0;
          }
          return others;
        }}});
  EXPECT_GE(n.at("wake timers armed"), 20U);
  EXPECT_EQ(n.at("other changes naming the wake timer's ident"), 0U);
}

}  // namespace
}  // namespace kqsim::check
