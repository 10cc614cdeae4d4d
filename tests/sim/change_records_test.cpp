// Which kevent records are change records (receipts) and which are events
// (sim/host/change_records.hpp): the native recorder translates a receipt's
// data from the host's errno numbers and leaves an event's count alone, even
// when the event carries an EV_ERROR the program passed and libkqueue kept.
#include <gtest/gtest.h>

#include <vector>

#include "sim/host/change_records.hpp"

namespace kqsim::host {
namespace {

constexpr std::int32_t kRead = -1;
constexpr std::int32_t kWrite = -2;

TEST(ChangeRecords, ReceiptsInChangeOrderThenEvents) {
  const std::vector<RecordKey> changes{{5, kRead, 0, false}, {6, kRead, 0, false}, {5, kWrite, 0, false}};
  // Receipts for the first and third change, then an event of fd 5 that
  // carries EV_ERROR (libkqueue kept the program's flag).
  const std::vector<RecordKey> records{{5, kRead, 0, true}, {5, kWrite, 0, true}, {5, kRead, 0, true}};
  EXPECT_EQ(leading_change_records(records, changes), 2U);
}

TEST(ChangeRecords, AnEventWithoutEvErrorEndsTheReceipts) {
  const std::vector<RecordKey> changes{{5, kRead, 0, false}, {6, kRead, 0, false}};
  const std::vector<RecordKey> records{{7, kRead, 0, false}, {6, kRead, 0, true}};
  EXPECT_EQ(leading_change_records(records, changes), 0U);
}

TEST(ChangeRecords, EveryRecordAReceipt) {
  const std::vector<RecordKey> changes{{1, kRead, 0, false}, {1, kRead, 0, false}, {2, kWrite, 0, false}};
  const std::vector<RecordKey> records{{1, kRead, 0, true}, {1, kRead, 0, true}, {2, kWrite, 0, true}};
  EXPECT_EQ(leading_change_records(records, changes), 3U);
}

TEST(ChangeRecords, NoChangesNoReceipts) {
  const std::vector<RecordKey> records{{5, kRead, 0, true}};
  EXPECT_EQ(leading_change_records(records, {}), 0U);
  EXPECT_EQ(leading_change_records({}, records), 0U);
}

TEST(ChangeRecords, ARecordOutOfChangeOrderIsAnEvent) {
  // Receipts come in change order: a record pairing only with an earlier
  // change than the last receipt's is an event.
  const std::vector<RecordKey> changes{{5, kRead, 0, false}, {6, kRead, 0, false}};
  const std::vector<RecordKey> records{{6, kRead, 0, true}, {5, kRead, 0, true}};
  EXPECT_EQ(leading_change_records(records, changes), 1U);
}

TEST(ChangeRecords, AnEventOfAKnoteTheCallChangesKeepsItsOwnUdata) {
  // The call enables fd 5's knote with udata 9; the knote's event, carrying
  // a kept EV_ERROR, has the udata of the change that made it (3): an event.
  const std::vector<RecordKey> changes{{5, kRead, 9, false}};
  const std::vector<RecordKey> records{{5, kRead, 3, true}};
  EXPECT_EQ(leading_change_records(records, changes), 0U);
  const std::vector<RecordKey> receipt{{5, kRead, 9, true}};
  EXPECT_EQ(leading_change_records(receipt, changes), 1U);
}

}  // namespace
}  // namespace kqsim::host
