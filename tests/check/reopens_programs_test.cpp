// GeneratorOptions::with_reopens (kqcheck --with-reopens): files a
// descriptor holds are opened again, read from and closed, so on the model
// knotes registered through the first descriptor hear NOTE_CLOSE and
// NOTE_CLOSE_WRITE (vn_close of another open file of their vnode) far more
// often than without, where a close of the knote's own descriptor removes the
// knote before the vnode hears it (knote_fdclose). Off by default: each
// earlier seed keeps its programs (checked by comparing the generated
// programs of three seeds with the generator before the option).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>

#include "check/program_generator.hpp"
#include "model/kevent_constants.hpp"
#include "tests/check/generated_programs.hpp"

namespace kqsim::check {
namespace {

namespace filt = model::filt;
namespace note = model::note;

RunCounter vnode_note(const char* name, std::uint32_t note) {
  return {name, [note](const traces::Step&, const sim::StepOutcome& out) {
            return events_where(out, [&](const model::KEvent& e) {
              return e.filter == filt::kVnode && (e.fflags & note) != 0;
            });
          }};
}

Counts run_programs(bool reopens) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_reopens = reopens;
  o.steps = 150;
  return count_on_model(o, 52, 300, "freebsd-15.1",
                        {vnode_note("NOTE_CLOSE", note::kClose), vnode_note("NOTE_CLOSE_WRITE", note::kCloseWrite),
                         vnode_note("NOTE_OPEN", note::kOpen), vnode_note("NOTE_READ", note::kRead)});
}

TEST(ReopensPrograms, KnotesHearAnotherOpenFilesClose) {
  const Counts off = run_programs(false);
  const Counts on = run_programs(true);
  std::fprintf(stderr, "%s\n", counts_text(off, on).c_str());
  // Ratios and floors, not expected values: what the option is for.
  EXPECT_GE(on.at("NOTE_CLOSE"), 10U);
  EXPECT_GT(on.at("NOTE_CLOSE"), 3 * off.at("NOTE_CLOSE"));
  EXPECT_GE(on.at("NOTE_CLOSE_WRITE"), 10U);
  EXPECT_GT(on.at("NOTE_CLOSE_WRITE"), 3 * off.at("NOTE_CLOSE_WRITE"));
  EXPECT_GT(on.at("NOTE_OPEN"), off.at("NOTE_OPEN"));
}

}  // namespace
}  // namespace kqsim::check
