// GeneratorOptions::with_existing_files (kqcheck --with-existing-files):
// path calls on regular files name files the program created, so on the
// model far more of them succeed than without, and the vnode notes they post
// (NOTE_RENAME, NOTE_LINK, NOTE_DELETE) reach the open files' knotes. Off by
// default: each earlier seed keeps its programs (checked by hash when the
// option came; the counts below only show the option does something).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>

#include "check/program_generator.hpp"
#include "model/kevent_constants.hpp"
#include "tests/check/generated_programs.hpp"

namespace kqsim::check {
namespace {

using traces::Op;
namespace filt = model::filt;
namespace note = model::note;

bool path_call(Op op) {
  return op == Op::kRename || op == Op::kLink || op == Op::kUnlink || op == Op::kTruncate || op == Op::kChmod ||
         op == Op::kUtimes;
}

RunCounter vnode_note(const char* name, std::uint32_t note) {
  return {name, [note](const traces::Step&, const sim::StepOutcome& out) {
            return events_where(out, [&](const model::KEvent& e) { return e.filter == filt::kVnode && (e.fflags & note) != 0; });
          }};
}

Counts run_programs(bool existing_files) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_existing_files = existing_files;
  o.with_extra_calls = true;  // utimes among the path calls
  o.steps = 150;
  return count_on_model(o, 50, 300, "freebsd-15.1",
                        {{"path calls done",  // rename, link, unlink, truncate, chmod, utimes that succeeded
                          [](const traces::Step& s, const sim::StepOutcome& out) -> std::size_t {
                            return path_call(s.op) && out.actual.err == model::Errno::kNone ? 1 : 0;
                          }},
                         vnode_note("NOTE_RENAME", note::kRename), vnode_note("NOTE_LINK", note::kLink),
                         vnode_note("NOTE_DELETE", note::kDelete)});
}

TEST(ExistingFilesPrograms, PathCallsSucceedAndTheirNotesFire) {
  const Counts off = run_programs(false);
  const Counts on = run_programs(true);
  std::fprintf(stderr, "%s\n", counts_text(off, on).c_str());
  // Ratios and floors, not expected values: what the option is for.
  EXPECT_GT(2 * on.at("path calls done"), 3 * off.at("path calls done"));
  EXPECT_GE(on.at("NOTE_RENAME"), 5U);
  EXPECT_GT(on.at("NOTE_RENAME"), 2 * off.at("NOTE_RENAME"));
  EXPECT_GE(on.at("NOTE_LINK"), 5U);
  EXPECT_GT(on.at("NOTE_DELETE"), 3 * off.at("NOTE_DELETE"));
}

}  // namespace
}  // namespace kqsim::check
