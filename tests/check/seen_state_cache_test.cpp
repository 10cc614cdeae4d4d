// SeenStateCache: a hit only for the exact key remembered in that slot, so
// a parallel worker never takes a new state for a seen one.
#include <gtest/gtest.h>

#include <string>

#include "check/seen_state_cache.hpp"

namespace kqsim::check {
namespace {

TEST(SeenStateCache, RemembersAKeyUnderItsHash) {
  SeenStateCache c;
  c.enable(4);
  EXPECT_FALSE(c.contains("abc", 7));
  c.remember("abc", 7);
  EXPECT_TRUE(c.contains("abc", 7));
}

TEST(SeenStateCache, SameHashOtherKeyIsNoHit) {
  SeenStateCache c;
  c.enable(4);
  c.remember("abc", 7);
  EXPECT_FALSE(c.contains("abd", 7));
  EXPECT_FALSE(c.contains("ab", 7));
  EXPECT_FALSE(c.contains("abc", 7 + 16)) << "same slot, other hash";
}

TEST(SeenStateCache, ALaterKeyInTheSlotEvictsTheEarlier) {
  SeenStateCache c;
  c.enable(4);
  c.remember("first", 3);
  c.remember("second", 3 + 16);
  EXPECT_FALSE(c.contains("first", 3));
  EXPECT_TRUE(c.contains("second", 3 + 16));
}

TEST(SeenStateCache, KeysLongerThanASlotAreNotCached) {
  SeenStateCache c;
  c.enable(4);
  const std::string fits(SeenStateCache::kMaxKeyBytes, 'x');
  const std::string too_long(SeenStateCache::kMaxKeyBytes + 1, 'x');
  c.remember(fits, 1);
  c.remember(too_long, 2);
  EXPECT_TRUE(c.contains(fits, 1));
  EXPECT_FALSE(c.contains(too_long, 2));
}

TEST(SeenStateCache, AnEmptySlotMatchesNoKey) {
  SeenStateCache c;
  c.enable(2);
  for (std::uint64_t h = 0; h < 4; ++h) {
    EXPECT_FALSE(c.contains("", h));
    EXPECT_FALSE(c.contains("k", h));
  }
}

}  // namespace
}  // namespace kqsim::check
