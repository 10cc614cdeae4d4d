// The recorder's aiocb names (sim/host/aio_memory.hpp): a KQUEUE_CPONFORK
// copy's AIO knote outlives the child's exec and still reports the aiocb's
// old address (15.1 campaign seed 46, programs 365, 430, 528, 617 and 642:
// raw addresses in the recording), so names cross exec as text.
#include <gtest/gtest.h>

#include "sim/host/aio_memory.hpp"

namespace kqsim::host {
namespace {

struct FakeAiocb {
  long pad[4];
};

TEST(AioMemory, TranslatesItsOwnBlocksBothWays) {
  AioMemory<FakeAiocb> memory;
  const std::uint64_t real = memory.to_real(model::filt::kAio, 0);  // nothing allocated: as it is
  EXPECT_EQ(real, 0u);
  FakeAiocb* cb = memory.aiocb(0x1000);
  const auto address = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(cb));
  EXPECT_EQ(memory.to_real(model::filt::kAio, 0x1000), address);
  EXPECT_EQ(memory.to_fake(model::filt::kAio, address), 0x1000u);
  EXPECT_EQ(memory.to_fake(model::filt::kRead, address), address);  // only AIO idents are names
}

TEST(AioMemory, NamesCrossExecWithoutTheirMemory) {
  AioMemory<FakeAiocb> before;
  FakeAiocb* cb = before.aiocb(0x1000);
  FakeAiocb** list = before.list(0x2000);
  const auto cb_address = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(cb));
  const auto list_address = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(list));

  AioMemory<FakeAiocb> after;
  ASSERT_TRUE(after.adopt_names(before.names_text()));
  EXPECT_EQ(after.to_fake(model::filt::kAio, cb_address), 0x1000u);
  EXPECT_EQ(after.to_fake(model::filt::kLio, list_address), 0x2000u);
  EXPECT_EQ(after.to_real(model::filt::kAio, 0x1000), cb_address);
  EXPECT_EQ(after.to_fake(model::filt::kLio, cb_address), cb_address);  // an aiocb is no lio list
}

TEST(AioMemory, ABlockAllocatedAfterExecWinsOverTheOldName) {
  AioMemory<FakeAiocb> before;
  const auto old_address = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(before.aiocb(0x1000)));
  AioMemory<FakeAiocb> after;
  ASSERT_TRUE(after.adopt_names(before.names_text()));
  const auto new_address = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(after.aiocb(0x1000)));
  EXPECT_EQ(after.to_real(model::filt::kAio, 0x1000), new_address);
  EXPECT_EQ(after.to_fake(model::filt::kAio, new_address), 0x1000u);
  // A second exec carries the live block's address, not the first image's.
  AioMemory<FakeAiocb> third;
  ASSERT_TRUE(third.adopt_names(after.names_text()));
  EXPECT_EQ(third.to_real(model::filt::kAio, 0x1000), new_address);
  if (old_address != new_address) {
    EXPECT_EQ(third.to_fake(model::filt::kAio, old_address), 0x1000u);
  }
}

TEST(AioMemory, RefusesTextThatIsNotNames) {
  AioMemory<FakeAiocb> memory;
  EXPECT_TRUE(memory.adopt_names(""));
  EXPECT_TRUE(memory.adopt_names("a 1 2 l 3 4 "));
  EXPECT_EQ(memory.to_real(model::filt::kLio, 3), 4u);
  EXPECT_FALSE(memory.adopt_names("x 1 2"));
  EXPECT_FALSE(memory.adopt_names("a 1"));
  EXPECT_FALSE(memory.adopt_names("a one 2"));
}

}  // namespace
}  // namespace kqsim::host
