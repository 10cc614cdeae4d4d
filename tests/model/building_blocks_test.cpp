// The small parts: descriptor allocation, the activation queue, a datagram
// queue, knote lists, names, profiles.
#include <gtest/gtest.h>

#include <vector>

#include "model/activation_queue.hpp"
#include "model/datagram_queue.hpp"
#include "model/dialect_profile.hpp"
#include "model/errno_code.hpp"
#include "model/file_table.hpp"
#include "model/kevent_names.hpp"
#include "model/knote_list.hpp"

namespace kqsim::model {
namespace {

// fdalloc: lowest free slot at or above the hint; fdunused lowers the hint.
TEST(FileTable, LowestFreeAllocation) {
  FileTable t;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(t.allocate({static_cast<FileIndex>(i), false}, 0, 10), i);
  t.release(1);
  EXPECT_EQ(t.allocate({9, false}, 0, 10), 1);
  EXPECT_EQ(t.allocate({9, false}, 0, 10), 4);
  EXPECT_EQ(t.last_fd(), 4);
  EXPECT_EQ(t.allocate({9, false}, 0, 5), std::nullopt);  // EMFILE
}

TEST(FileTable, HintAheadOfAHoleHidesIt) {
  FileTable t;
  t.install(0, {0, false});
  t.install(2, {0, false});
  t.set_free_hint(3);  // what fdcopy leaves on 15.x
  EXPECT_EQ(t.allocate({1, false}, 0, 10), 3);
}

TEST(ActivationQueue, FifoWithRemoval) {
  ActivationQueue q;
  q.push_back(3);
  q.push_back(1);
  q.push_back(2);
  EXPECT_TRUE(q.remove(1));
  EXPECT_FALSE(q.remove(1));
  EXPECT_EQ(q.pop_front(), 3U);
  EXPECT_EQ(q.pop_front(), 2U);
  EXPECT_EQ(q.pop_front(), std::nullopt);
}

// A receive queue read from the front while datagrams still arrive keeps
// arrival order, including across the point where it reclaims the records
// already read.
TEST(DatagramQueue, ArrivalOrderAcrossReclaims) {
  DatagramQueue q;
  EXPECT_TRUE(q.empty());
  std::uint32_t next_sent = 1;
  std::uint32_t next_read = 1;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 3; ++i) q.push_back(Datagram{next_sent++, 16});
    for (int i = 0; i < 2; ++i) {
      ASSERT_FALSE(q.empty());
      EXPECT_EQ(q.front().data_bytes, next_read++);
      q.pop_front();
    }
    EXPECT_EQ(q.size(), static_cast<std::size_t>(next_sent - next_read));
  }
  std::vector<std::uint32_t> left;
  for (const Datagram& d : q) left.push_back(d.data_bytes);
  ASSERT_EQ(left.size(), q.size());
  for (std::size_t i = 0; i < left.size(); ++i) EXPECT_EQ(left[i], next_read + i);
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.begin(), q.end());
}

// TAILQ_REMOVE from the head, the middle and the tail, then re-appending:
// the order of what is left is the order of activation.
TEST(ActivationQueue, RemoveAnywhereKeepsOrder) {
  ActivationQueue q;
  for (std::uint32_t s : {5U, 0U, 7U, 2U, 9U}) q.push_back(s);
  EXPECT_TRUE(q.remove(5));  // head
  EXPECT_TRUE(q.remove(2));  // middle
  EXPECT_TRUE(q.remove(9));  // tail
  q.push_back(5);
  EXPECT_EQ(q.size(), 3U);
  EXPECT_TRUE(q.contains(7));
  EXPECT_FALSE(q.contains(2));
  EXPECT_TRUE(q.linked_consistently(0));
  EXPECT_TRUE(q.linked_consistently(5));
  std::vector<std::uint32_t> order(q.slots().begin(), q.slots().end());
  EXPECT_EQ(order, (std::vector<std::uint32_t>{0, 7, 5}));
  EXPECT_EQ(q.pop_front(), 0U);
  EXPECT_EQ(q.pop_front(), 7U);
  EXPECT_EQ(q.pop_front(), 5U);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.remove(5));
}

// knlist_add links at the head, so every walk of the list (knote(),
// knlist_clear, the state's encoding) meets the newest registration first;
// knlist_remove unlinks wherever the knote is.
std::vector<KnoteRef> walk(const KnoteList& l) {
  std::vector<KnoteRef> out;
  for (KnoteRef r : l.newest_first()) out.push_back(r);
  return out;
}

TEST(KnoteList, NewestRegistrationFirst) {
  KnoteList l;
  const KnoteRef a{0, 1}, b{0, 2}, c{1, 1};
  for (KnoteRef r : {a, b, c}) l.add(r);
  EXPECT_EQ(walk(l), (std::vector<KnoteRef>{c, b, a}));
  EXPECT_EQ(l.snapshot(), walk(l));
  EXPECT_EQ(l.size(), 3U);
  EXPECT_TRUE(l.remove(b));
  EXPECT_FALSE(l.remove(b));
  EXPECT_EQ(walk(l), (std::vector<KnoteRef>{c, a}));
  l.add(b);
  EXPECT_EQ(walk(l), (std::vector<KnoteRef>{b, c, a}));
  EXPECT_EQ(l.take_all(), (std::vector<KnoteRef>{b, c, a}));
  EXPECT_TRUE(l.empty());
}

TEST(Names, RoundTrip) {
  EXPECT_EQ(filter_from_name("EVFILT_USER"), filt::kUser);
  EXPECT_EQ(filter_name(filt::kTimer), "EVFILT_TIMER");
  EXPECT_EQ(filter_name(-100), "-100");
  EXPECT_EQ(flags_to_string(ev::kEof | ev::kOneshot), "EV_ONESHOT|EV_EOF");
  EXPECT_EQ(flags_to_string(0), "0");
  EXPECT_EQ(flag_from_name("EV_DISPATCH"), ev::kDispatch);
  EXPECT_EQ(flag_from_name("EV_NOPE"), std::nullopt);
  EXPECT_EQ(note_from_name("NOTE_TRIGGER"), note::kTrigger);
  EXPECT_EQ(errno_from_name("EWOULDBLOCK"), Errno::kEAGAIN);
  EXPECT_EQ(errno_name(Errno::kEPIPE), "EPIPE");
}

// docs/observed-real-kernels.md D1-D4, R4-R8: what differs between the profiles.
TEST(Profiles, DifferencesAreData) {
  const DialectProfile* main = find_profile("freebsd-main");
  const DialectProfile* old = find_profile("freebsd-13.2");
  ASSERT_NE(main, nullptr);
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(&default_profile(), main);
  EXPECT_EQ(main->non_kqueue_errno, Errno::kEINVAL);
  EXPECT_EQ(old->non_kqueue_errno, Errno::kEBADF);
  EXPECT_EQ(main->filter_syscount, 15);
  EXPECT_EQ(old->filter_syscount, 13);
  EXPECT_TRUE(main->has_cponfork);
  EXPECT_FALSE(old->has_cponfork);
  EXPECT_EQ(find_profile("netbsd-10"), nullptr);
}

// R4-R8: 15.1 has main's unix sockets, 13.2 the older implementation with
// its smaller buffers (R5: 8192 stream, 2048 datagram); FIFOs pass
// EVFILT_VNODE on only from 15.1 (R8); neither release posts procdesc
// NOTE_FORK.
TEST(Profiles, RecordedReleaseDifferences) {
  const DialectProfile* r15 = find_profile("freebsd-15.1");
  const DialectProfile* r13 = find_profile("freebsd-13.2");
  ASSERT_NE(r15, nullptr);
  ASSERT_NE(r13, nullptr);
  EXPECT_TRUE(r15->models_unix_sockets);
  EXPECT_FALSE(r15->unix_stream_own_send_buffer);
  EXPECT_TRUE(r13->models_unix_sockets);
  EXPECT_TRUE(r13->unix_stream_own_send_buffer);
  EXPECT_TRUE(r13->unix_dgram_receiver_space);
  EXPECT_EQ(r13->unix_stream_sendspace, 8192U);
  EXPECT_EQ(r15->unix_stream_recvspace, 65536U);
  EXPECT_EQ(r13->unix_dgram_maxdgram, 2048U);
  EXPECT_EQ(r13->unix_dgram_sendspace, 2048U);
  EXPECT_EQ(r13->unix_abort_errno, Errno::kECONNRESET);
  EXPECT_EQ(r15->unix_abort_errno, Errno::kEPIPE);
  EXPECT_TRUE(r15->fifo_other_filters_to_vnode);
  EXPECT_FALSE(r13->fifo_other_filters_to_vnode);
  EXPECT_FALSE(r15->procdesc_fork_notes);
  EXPECT_FALSE(r13->procdesc_fork_notes);
}

}  // namespace
}  // namespace kqsim::model
