// PipeMap against vm_map's rules for pipe_map (model/pipe_map.hpp;
// docs/observed-real-kernels.md R12, R16). Sizes in pages.
#include "model/pipe_map.hpp"

#include <gtest/gtest.h>

namespace kqsim::model {
namespace {

// vm_map_entry_clone backs an entry before clipping it: both pieces share
// the new object at their own offsets.
TEST(PipeMapTest, ClippingBacksTheEntryForBothPieces) {
  PipeMap map;
  ASSERT_EQ(map.insert(4), 0U);
  ASSERT_EQ(map.insert(1), 4U);
  ASSERT_EQ(map.insert(8), 5U);
  ASSERT_EQ(map.entries().size(), 1U);  // vm_map_insert extends the entry below
  map.remove(4, 1);
  ASSERT_EQ(map.entries().size(), 2U);
  const PipeMapEntry& low = map.entries()[0];
  const PipeMapEntry& high = map.entries()[1];
  EXPECT_NE(low.object, 0U);
  EXPECT_EQ(low.object, high.object);
  EXPECT_EQ(low.offset, 0U);
  EXPECT_EQ(high.offset, 5U);
}

// Refilling the hole extends the piece below (vm_object_coalesce), and
// vm_map_try_merge_entries joins it with the piece above: one entry again.
TEST(PipeMapTest, RefilledHoleMergesThePieces) {
  PipeMap map;
  map.insert(4);
  map.insert(1);
  map.insert(8);
  map.remove(4, 1);
  ASSERT_EQ(map.insert(1), 4U);
  ASSERT_EQ(map.entries().size(), 1U);
  EXPECT_EQ(map.entries()[0].first, 0U);
  EXPECT_EQ(map.entries()[0].end, 13U);
}

// A single entry above a gap at vm_map_min too small for the request:
// vm_map_findspace gives up (R12); a request the gap fits goes there, and
// a new entry without an object stays apart from its backed neighbour.
TEST(PipeMapTest, LowGapBelowOneEntry) {
  PipeMap map;
  map.insert(4);     // [0,4)
  map.insert(1);     // [0,5)
  map.touch(0);      // backed as a whole
  map.remove(0, 4);  // [4,5) alone
  EXPECT_FALSE(map.insert(8).has_value());
  ASSERT_EQ(map.insert(4), 0U);
  ASSERT_EQ(map.entries().size(), 2U);  // no object vs an object: not mergeable
  EXPECT_EQ(map.insert(8), 5U);         // two entries: the search looks above both
}

}  // namespace
}  // namespace kqsim::model
