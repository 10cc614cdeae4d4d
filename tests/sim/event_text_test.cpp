// Words for kevent numbers (sim/event_text): expected names are those of
// FreeBSD's sys/sys/event.h and sys/sys/errno.h for the values given.
#include "sim/event_text.hpp"

#include <gtest/gtest.h>

namespace kqsim::sim {
namespace {

TEST(FflagsText, NamesDependOnTheFilter) {
  // 0x1 is NOTE_LOWAT for READ, NOTE_SECONDS for TIMER, NOTE_DELETE for VNODE, NOTE_TRACK for PROC.
  EXPECT_EQ(fflags_text(model::filt::kRead, 0x1), "NOTE_LOWAT");
  EXPECT_EQ(fflags_text(model::filt::kTimer, 0x1), "NOTE_SECONDS");
  EXPECT_EQ(fflags_text(model::filt::kVnode, 0x1), "NOTE_DELETE");
  EXPECT_EQ(fflags_text(model::filt::kProc, 0x1), "NOTE_TRACK");
  EXPECT_EQ(fflags_text(model::filt::kVnode, 0x2 | 0x4), "NOTE_WRITE|NOTE_EXTEND");
  EXPECT_EQ(fflags_text(model::filt::kProc, 0x80000000U), "NOTE_EXIT");
  EXPECT_EQ(fflags_text(model::filt::kRead, 0), "0");
}

TEST(FflagsText, UserSplitsControlTriggerAndUserBits) {
  EXPECT_EQ(fflags_text(model::filt::kUser, 0x01000000), "NOTE_TRIGGER");
  EXPECT_EQ(fflags_text(model::filt::kUser, 0x80000000U | 0x1), "NOTE_FFOR|0x1");
  EXPECT_EQ(fflags_text(model::filt::kUser, 0xc0000000U | 0x01000000 | 0x5), "NOTE_TRIGGER|NOTE_FFCOPY|0x5");
  EXPECT_EQ(fflags_text(model::filt::kUser, 0x40000000), "NOTE_FFAND");
}

TEST(FflagsText, UnknownBitsStayVisible) {
  EXPECT_EQ(fflags_text(model::filt::kVnode, 0x1 | 0x10000), "NOTE_DELETE|0x10000");
}

TEST(FflagsText, SocketEofCarriesAnErrno) {
  // filt_soread: with EV_EOF, fflags = so_error; EPIPE is 32.
  EXPECT_EQ(fflags_text(model::filt::kRead, 32, model::ev::kEof), "EPIPE");
  EXPECT_EQ(fflags_text(model::filt::kRead, 32), "0x20");
}

TEST(DataText, ErrorRecordsAndAioEventsCarryErrnos) {
  EXPECT_EQ(data_text(model::ev::kError, 9), "EBADF");
  EXPECT_EQ(data_text(model::ev::kError, 2), "ENOENT");
  EXPECT_EQ(data_text(model::ev::kError, 0), "0");  // a receipt for a change that succeeded
  EXPECT_EQ(data_text(model::ev::kEof, 85, model::filt::kAio), "ECANCELED");
  EXPECT_EQ(data_text(0, 9), "9");  // bytes, counts: numbers
  EXPECT_EQ(data_text(model::ev::kError, 99999), "99999");
}

TEST(KqueueFlagsText, NamesKqueuexFlags) {
  EXPECT_EQ(kqueue_flags_text(0), "0");
  EXPECT_EQ(kqueue_flags_text(0x1), "KQUEUE_CLOEXEC");
  EXPECT_EQ(kqueue_flags_text(0x3), "KQUEUE_CLOEXEC|KQUEUE_CPONFORK");
}

TEST(DurationText, LargestWholeUnitBeside) {
  EXPECT_EQ(duration_text(0), "0 ns");
  EXPECT_EQ(duration_text(500), "500 ns");
  EXPECT_EQ(duration_text(3'000'000'000), "3000000000 ns (3 s)");
  EXPECT_EQ(duration_text(250'000'000), "250000000 ns (250 ms)");
  EXPECT_EQ(duration_text(1'500), "1500 ns (1.5 us)");
  EXPECT_EQ(duration_text(3'500'000'000), "3500000000 ns (3500 ms)");
}

}  // namespace
}  // namespace kqsim::sim
