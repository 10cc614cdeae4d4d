// --host-os linux keeps generated programs to what a kqueue implementation
// controls on Linux (docs/emulators.md): nothing FreeBSD-only, no aio or
// kqueuex, pipe reads and writes on the right end (dup2 followed), no low raw
// descriptors, no name used after its close, no low-water marks nor
// NOTE_REVOKE, none of the host OS's corners (FIFO truncate, I/O on
// listeners, datagram pairs, writes that fill a buffer).
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
    std::set<std::string> read_ends, write_ends, closed, listeners;
    for (const traces::Step& s : t.steps) {
      // A child's steps act on its own copies: only main's closes end a name.
      const bool main = s.proc.empty() || s.proc == "main";
      if (main && s.fd.is_name() && s.op != Op::kClose) {
        EXPECT_EQ(closed.count(s.fd.name()), 0U) << t.name << " step " << s.index << " uses a closed name";
      }
      for (const traces::Change& c : s.changes) {
        if (c.ident.is_name()) {
          EXPECT_EQ(closed.count(c.ident.name()), 0U) << t.name << " step " << s.index;
        }
      }
      if (main && s.op == Op::kClose && s.fd.is_name()) closed.insert(s.fd.name());
      if (s.op == Op::kDup2 && s.fd.is_name() && s.to.is_name() && s.fd.name() != s.to.name()) {
        read_ends.erase(s.to.name());
        write_ends.erase(s.to.name());
        if (read_ends.count(s.fd.name()) != 0) read_ends.insert(s.to.name());
        if (write_ends.count(s.fd.name()) != 0) write_ends.insert(s.to.name());
      }
      EXPECT_NE(s.op, Op::kSetsockopt) << t.name;
      if (s.op == Op::kSocketpair) {
        EXPECT_EQ(s.sock->type, model::SocketType::kStream) << t.name;
      }
      if (s.op == Op::kWrite) {
        EXPECT_LE(s.bytes, 512) << t.name << " step " << s.index;
      }
      if (s.op == Op::kTruncate) {
        EXPECT_EQ(s.vfs->path.find('p'), std::string::npos) << t.name << " truncates a FIFO";
      }
      if (s.op == Op::kListen) listeners.insert(s.fd.name());
      if ((s.op == Op::kRead || s.op == Op::kWrite) && s.fd.is_name()) {
        EXPECT_EQ(listeners.count(s.fd.name()), 0U) << t.name << " step " << s.index << " does I/O on a listener";
      }
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
        if (c.filter == model::filt::kRead || c.filter == model::filt::kWrite) {
          EXPECT_EQ(c.fflags & model::note::kLowat, 0U) << t.name;
        }
        if (c.filter == model::filt::kVnode) {
          EXPECT_EQ(c.fflags & model::note::kRevoke, 0U) << t.name;
        }
      }
    }
  }
  EXPECT_GT(writes, 100U);  // the restriction left pipes in use
  EXPECT_FALSE(restrict_to_host_os(GeneratorOptions{}, "plan9").has_value());
}

}  // namespace
}  // namespace kqsim::check
