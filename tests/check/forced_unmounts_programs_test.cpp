// GeneratorOptions::with_forced_unmounts (kqcheck --with-forced-unmounts):
// forced unmounts of the program's directory far more often than without,
// and on the model they reach knotes (NOTE_REVOKE) and leave descriptors on
// dead vnodes that later steps use; nothing is unsupported on the way (no
// FIFO is opened: an open FIFO under vgonel is not modelled).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>

#include "check/program_generator.hpp"
#include "model/kevent_constants.hpp"
#include "model/vfs.hpp"
#include "tests/check/generated_programs.hpp"

namespace kqsim::check {
namespace {

using traces::Op;

Counts run_programs(bool forced_unmounts) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_unmount = true;  // as kqvm.py's campaigns: a file system of the program's own
  o.with_forced_unmounts = forced_unmounts;
  o.steps = 150;
  return count_on_model(
      o, 51, 300, "freebsd-13.2",
      {{"forced unmounts done",
        [](const traces::Step& s, const sim::StepOutcome& out) -> std::size_t {
          const bool forced = s.op == Op::kUnmount && (s.vfs->flags & model::mntflag::kForce) != 0;
          return forced && out.actual.err == model::Errno::kNone ? 1 : 0;
        }},
       {"NOTE_REVOKE",
        [](const traces::Step&, const sim::StepOutcome& out) {
          return events_where(out, [](const model::KEvent& e) {
            return e.filter == model::filt::kVnode && (e.fflags & model::note::kRevoke) != 0;
          });
        }},
       {"FIFO opens", [](const traces::Step& s, const sim::StepOutcome&) -> std::size_t {
          return s.op == Op::kOpen && (s.vfs->path == "p1" || s.vfs->path == "d/p1") ? 1 : 0;  // fs_steps.cpp kFifos
        }}});
}

TEST(ForcedUnmountsPrograms, MoreForcedUnmountsReachKnotes) {
  const Counts off = run_programs(false);
  const Counts on = run_programs(true);
  std::fprintf(stderr, "%s\n", counts_text(off, on).c_str());
  // Ratios and floors, not expected values: what the option is for.
  EXPECT_GT(on.at("forced unmounts done"), 3 * off.at("forced unmounts done"));
  EXPECT_GE(on.at("NOTE_REVOKE"), 5U);
  EXPECT_EQ(on.at("FIFO opens"), 0U);
}

}  // namespace
}  // namespace kqsim::check
