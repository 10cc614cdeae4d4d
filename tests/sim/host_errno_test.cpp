// The one errno table between the model (FreeBSD's numbers) and the host.
#include <gtest/gtest.h>

#include <cerrno>

#include "sim/host_errno.hpp"

namespace kqsim::sim {
namespace {

// sys/sys/errno.h: ELAST is 97; every errno from 1 to 97 crosses to the host
// and back to itself.
TEST(HostErrno, EveryFreeBsdErrnoRoundTrips) {
  for (int n = 1; n <= 97; ++n) {
    auto e = model::errno_from_number(n);
    ASSERT_TRUE(e.has_value()) << n;
    const int host = host_errno_of(*e);
    EXPECT_EQ(model_errno_of_host(host), e) << model::errno_name(*e) << " -> " << host;
  }
}

TEST(HostErrno, SameNameSameValue) {
  EXPECT_EQ(host_errno_of(model::Errno::kENOENT), ENOENT);
  EXPECT_EQ(host_errno_of(model::Errno::kEAGAIN), EAGAIN);
  EXPECT_EQ(host_errno_of(model::Errno::kECANCELED), ECANCELED);
  EXPECT_EQ(host_errno_of(model::Errno::kNone), 0);
}

#ifndef EDOOFUS
// FreeBSD's EDOOFUS is 88; a host without the name gets the base plus it.
TEST(HostErrno, NameTheHostLacksGetsTheBase) { EXPECT_EQ(host_errno_of(model::Errno::kEDOOFUS), kHostErrnoBase + 88); }
#endif

}  // namespace
}  // namespace kqsim::sim
