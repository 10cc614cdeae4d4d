// GeneratorOptions::with_cponfork (kqcheck --with-cponfork): half the
// kqueues are kqueuex(KQUEUE_CPONFORK) ones, copied into each fork child
// (model/kqueue_fork.cpp, R42), and children call kevent on their copies.
// Off by default; with it the programs run on the model to the end, and the
// children's calls reach real copies: they succeed and some return events.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "check/prng.hpp"
#include "check/program_generator.hpp"
#include "model/dialect_profile.hpp"
#include "model/kevent_constants.hpp"
#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"

namespace kqsim::check {
namespace {

using traces::Op;

GeneratorOptions real_host(bool cponfork) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_cponfork = cponfork;
  o.steps = 150;
  return o;
}

std::size_t cponfork_kqueues(const GeneratorOptions& o) {
  std::size_t n = 0;
  for (std::uint64_t i = 0; i < 200; ++i) {
    for (const traces::Step& s : generate_program(trace_seed(46, i), o).steps) {
      n += s.op == Op::kKqueue && (s.kqueue_flags & model::kqflag::kCponfork) != 0 ? 1 : 0;
    }
  }
  return n;
}

TEST(CponforkPrograms, OffByDefault) { EXPECT_EQ(cponfork_kqueues(real_host(false)), 0U); }

TEST(CponforkPrograms, OnRequest) { EXPECT_GT(cponfork_kqueues(real_host(true)), 100U); }

TEST(CponforkPrograms, ChildrenCallKeventOnTheirCopies) {
  std::size_t child_kevents = 0, succeeded = 0, with_events = 0;
  for (std::uint64_t i = 0; i < 200; ++i) {
    traces::Trace t = generate_program(trace_seed(46, i), real_host(true));
    t.dialect = "freebsd-15.1";
    sim::ModelBackend backend(*model::find_profile(t.dialect));
    sim::Interpreter interp(t, backend);
    for (const traces::Step& s : t.steps) {
      const bool child_kevent = s.op == Op::kKevent && !s.proc.empty() && s.proc != "main";
      ASSERT_TRUE(interp.run_next(s, [&](const sim::StepOutcome& out) {
        EXPECT_FALSE(out.actual.unsupported) << t.name << " step " << s.index << ": " << *out.actual.unsupported;
        if (!child_kevent || out.skipped) return;
        ++child_kevents;
        if (out.actual.err == model::Errno::kNone) ++succeeded;
        if (!out.actual.events.empty()) ++with_events;
      })) << t.name << " step " << s.index;
    }
  }
  // 200 programs made 396 such calls when written: 278 succeeded, 207 with events.
  EXPECT_GT(child_kevents, 200U);
  EXPECT_GT(succeeded, child_kevents / 2);
  EXPECT_GT(with_events, 100U);
}

}  // namespace
}  // namespace kqsim::check
