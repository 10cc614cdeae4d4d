// --host-os linux keeps generated programs to what a kqueue implementation
// controls on Linux (docs/emulators.md): nothing FreeBSD-only, no aio or
// kqueuex, pipe reads and writes on the right end, no low raw descriptors.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "check/prng.hpp"
#include "check/program_generator.hpp"
#include "model/kevent_constants.hpp"

namespace kqsim::check {
namespace {

using traces::Op;

TEST(HostOs, LinuxProgramsStayPortable) {
  auto options = restrict_to_host_os(GeneratorOptions{}, "linux");
  ASSERT_TRUE(options.has_value());
  std::size_t writes = 0;
  for (std::uint64_t i = 0; i < 300; ++i) {
    traces::Trace t = generate_program(trace_seed(7, i), *options);
    std::set<std::string> read_ends, write_ends;
    for (const traces::Step& s : t.steps) {
      EXPECT_NE(s.op, Op::kPdfork) << t.name;
      EXPECT_NE(s.op, Op::kRevoke) << t.name;
      EXPECT_NE(s.op, Op::kUnmount) << t.name;
      EXPECT_NE(s.op, Op::kAioRead) << t.name;
      EXPECT_NE(s.op, Op::kLioListio) << t.name;
      EXPECT_EQ(s.kqueue_flags, 0U) << t.name;
      if (s.op == Op::kPipe) {
        read_ends.insert(s.as[0]);
        write_ends.insert(s.as[1]);
      }
      if (s.op == Op::kWrite && s.fd.is_name()) {
        ++writes;
        EXPECT_EQ(read_ends.count(s.fd.name()), 0U) << t.name << " step " << s.index << " writes a pipe's read end";
      }
      if (s.op == Op::kRead && s.fd.is_name()) {
        EXPECT_EQ(write_ends.count(s.fd.name()), 0U) << t.name << " step " << s.index;
      }
      if ((s.op == Op::kRead || s.op == Op::kWrite || s.op == Op::kClose) && !s.fd.is_name()) {
        EXPECT_GE(s.fd.number(), 100U) << t.name << " step " << s.index;
      }
      for (const traces::Change& c : s.changes) {
        EXPECT_NE(c.filter, model::filt::kProcdesc) << t.name;
        EXPECT_NE(c.filter, model::filt::kEmpty) << t.name;
        EXPECT_EQ(c.flags & (model::ev::kForceOneshot | model::ev::kKeepUdata), 0) << t.name;
      }
    }
  }
  EXPECT_GT(writes, 100U);  // the restriction left pipes in use
  EXPECT_FALSE(restrict_to_host_os(GeneratorOptions{}, "plan9").has_value());
}

}  // namespace
}  // namespace kqsim::check
