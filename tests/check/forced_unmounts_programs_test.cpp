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

struct UnmountCounts {
  std::size_t forced_unmounts_done = 0, revoke_notes = 0, fifo_opens = 0;
};

UnmountCounts run_programs(bool forced_unmounts) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_unmount = true;  // as kqvm.py's campaigns: a file system of the program's own
  o.with_forced_unmounts = forced_unmounts;
  o.steps = 150;
  UnmountCounts n;
  run_generated_on_model(o, 51, 300, "freebsd-13.2", [&](const traces::Trace&, const traces::Step& s, const sim::StepOutcome& out) {
    n.fifo_opens += s.op == Op::kOpen && (s.vfs->path == "p1" || s.vfs->path == "d/p1") ? 1 : 0;  // fs_steps.cpp kFifos
    const bool forced = s.op == Op::kUnmount && (s.vfs->flags & model::mntflag::kForce) != 0;
    n.forced_unmounts_done += forced && out.actual.err == model::Errno::kNone ? 1 : 0;
    for (const model::KEvent& e : out.actual.events) {
      const bool vnode = e.filter == model::filt::kVnode && (e.flags & model::ev::kError) == 0;
      n.revoke_notes += vnode && (e.fflags & model::note::kRevoke) != 0 ? 1 : 0;
    }
  });
  return n;
}

TEST(ForcedUnmountsPrograms, MoreForcedUnmountsReachKnotes) {
  const UnmountCounts off = run_programs(false);
  const UnmountCounts on = run_programs(true);
  std::fprintf(stderr, "forced unmounts %zu -> %zu; NOTE_REVOKE %zu -> %zu; FIFO opens %zu -> %zu\n",
               off.forced_unmounts_done, on.forced_unmounts_done, off.revoke_notes, on.revoke_notes, off.fifo_opens,
               on.fifo_opens);
  // Ratios and floors, not expected values: what the option is for.
  EXPECT_GT(on.forced_unmounts_done, 3 * off.forced_unmounts_done);
  EXPECT_GE(on.revoke_notes, 5U);
  EXPECT_EQ(on.fifo_opens, 0U);
}

}  // namespace
}  // namespace kqsim::check
