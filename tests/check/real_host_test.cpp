// --real-host keeps generated programs to what a real kernel can run too
// (docs/vm.md): no aio_run (the model's hand on the aio daemons) and no
// unmount (a real recording directory is no mount point), while aio requests,
// revoke and the rest of the file steps stay in.
#include <gtest/gtest.h>

#include <map>

#include "check/prng.hpp"
#include "check/program_generator.hpp"

namespace kqsim::check {
namespace {

using traces::Op;

std::map<Op, std::size_t> count_ops(const GeneratorOptions& options) {
  std::map<Op, std::size_t> n;
  for (std::uint64_t i = 0; i < 400; ++i) {
    for (const traces::Step& s : generate_program(trace_seed(11, i), options).steps) ++n[s.op];
  }
  return n;
}

TEST(RealHost, NoAioRunNorUnmount) {
  const auto all = count_ops(GeneratorOptions{});
  ASSERT_GT(all.count(Op::kAioRun), 0U);  // the default generator does emit both
  ASSERT_GT(all.count(Op::kUnmount), 0U);
  auto real = count_ops(for_real_host(GeneratorOptions{}));
  EXPECT_EQ(real[Op::kAioRun], 0U);
  EXPECT_EQ(real[Op::kUnmount], 0U);
  EXPECT_GT(real[Op::kAioRead] + real[Op::kAioWrite], 50U);
  EXPECT_GT(real[Op::kAioError] + real[Op::kAioReturn], 20U);
  EXPECT_GT(real[Op::kRevoke], 0U);
}

// kqcheck generate --real-host --with-unmount (VM campaigns, where each
// program that unmounts gets a file system of its own): unmount comes back,
// aio_run stays out.
TEST(RealHost, WithUnmountOnRequest) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_unmount = true;
  auto n = count_ops(o);
  EXPECT_GT(n[Op::kUnmount], 0U);
  EXPECT_EQ(n[Op::kAioRun], 0U);
}

TEST(RealHost, NoDeferredRequests) {
  std::size_t requests = 0;
  for (std::uint64_t i = 0; i < 400; ++i) {
    for (const traces::Step& s : generate_program(trace_seed(11, i), for_real_host(GeneratorOptions{})).steps) {
      if (s.op == Op::kAioRead || s.op == Op::kAioWrite) {
        ++requests;
        EXPECT_FALSE(s.aio->cb.defer) << "program " << i;
      }
      for (const auto& q : s.aio->entries) EXPECT_FALSE(q.defer) << "program " << i;
    }
  }
  EXPECT_GT(requests, 50U);
}

}  // namespace
}  // namespace kqsim::check
