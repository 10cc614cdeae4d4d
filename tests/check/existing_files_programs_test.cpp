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

struct FileCounts {
  std::size_t path_calls_done = 0;  // rename, link, unlink, truncate, chmod, utimes that succeeded
  std::size_t rename_notes = 0, link_notes = 0, delete_notes = 0;
};

bool path_call(Op op) {
  return op == Op::kRename || op == Op::kLink || op == Op::kUnlink || op == Op::kTruncate || op == Op::kChmod ||
         op == Op::kUtimes;
}

FileCounts run_programs(bool existing_files) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_existing_files = existing_files;
  o.with_extra_calls = true;  // utimes among the path calls
  o.steps = 150;
  FileCounts n;
  run_generated_on_model(o, 50, 300, "freebsd-15.1", [&](const traces::Trace&, const traces::Step& s, const sim::StepOutcome& out) {
    n.path_calls_done += path_call(s.op) && out.actual.err == model::Errno::kNone ? 1 : 0;
    for (const model::KEvent& e : out.actual.events) {
      // Not an EV_ERROR (or EV_RECEIPT) event: it echoes the change's fflags.
      if (e.filter != filt::kVnode || (e.flags & model::ev::kError) != 0) continue;
      n.rename_notes += (e.fflags & note::kRename) != 0 ? 1 : 0;
      n.link_notes += (e.fflags & note::kLink) != 0 ? 1 : 0;
      n.delete_notes += (e.fflags & note::kDelete) != 0 ? 1 : 0;
    }
  });
  return n;
}

TEST(ExistingFilesPrograms, PathCallsSucceedAndTheirNotesFire) {
  const FileCounts off = run_programs(false);
  const FileCounts on = run_programs(true);
  std::fprintf(stderr, "path calls done %zu -> %zu; NOTE_RENAME %zu -> %zu, NOTE_LINK %zu -> %zu, NOTE_DELETE %zu -> %zu\n",
               off.path_calls_done, on.path_calls_done, off.rename_notes, on.rename_notes, off.link_notes,
               on.link_notes, off.delete_notes, on.delete_notes);
  // Ratios and floors, not expected values: what the option is for.
  EXPECT_GT(2 * on.path_calls_done, 3 * off.path_calls_done);
  EXPECT_GE(on.rename_notes, 5U);
  EXPECT_GT(on.rename_notes, 2 * off.rename_notes);
  EXPECT_GE(on.link_notes, 5U);
  EXPECT_GT(on.delete_notes, 3 * off.delete_notes);
}

}  // namespace
}  // namespace kqsim::check
