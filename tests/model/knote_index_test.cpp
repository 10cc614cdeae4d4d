// The knote table of a kqueue (kq_knhash / kq_knlist as one hash table) and
// the invariant checks that cost what a call touched (issue 14). The
// expected orders are the ones the model used before the table was hashed:
// (ident, filter) ascending, equal identities oldest first (knote_attach
// links the newest at the head, so kqueue_register's lookup finds it).
#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <tuple>

#include "model/invariants.hpp"
#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

Knote knote_with(std::uint64_t ident, FilterId filter) {
  Knote kn;
  kn.kev.ident = ident;
  kn.kev.filter = filter;
  return kn;
}

TEST(KnoteIndex, DuplicateIdentitiesChainNewestFirst) {
  Kqueue q(1, 0, false);
  const std::uint32_t a = q.insert(knote_with(7, filt::kProc));
  const std::uint32_t b = q.insert(knote_with(7, filt::kProc));
  const std::uint32_t c = q.insert(knote_with(7, filt::kProc));
  EXPECT_EQ(q.lookup(7, filt::kProc), c);
  EXPECT_EQ(q.live_slots(), (std::vector<std::uint32_t>{a, b, c}));
  q.erase(b);  // from the middle of the chain
  EXPECT_EQ(q.lookup(7, filt::kProc), c);
  EXPECT_TRUE(q.indexed(a));
  q.erase(c);
  EXPECT_EQ(q.lookup(7, filt::kProc), a);
  q.erase(a);
  EXPECT_FALSE(q.lookup(7, filt::kProc).has_value());
  EXPECT_EQ(q.knote_count(), 0U);
}

TEST(KnoteIndex, SlotsOnFdInFilterOrder) {
  Kqueue q(1, 0, false);
  const std::uint32_t r = q.insert(knote_with(5, filt::kRead));
  const std::uint32_t w = q.insert(knote_with(5, filt::kWrite));
  q.insert(knote_with(5, filt::kUser));  // not fd-based: not on kq_knlist
  q.insert(knote_with(6, filt::kRead));
  const std::uint32_t v = q.insert(knote_with(5, filt::kVnode));
  // EVFILT_VNODE (-4) < EVFILT_WRITE (-2) < EVFILT_READ (-1).
  EXPECT_EQ(q.slots_on_fd(5), (std::vector<std::uint32_t>{v, w, r}));
}

// Random inserts and erases against a reference kept the old way (a sorted
// list, equal keys in insertion order): lookups, counts and the iteration
// order agree throughout, across table growth and backward-shift deletion.
TEST(KnoteIndex, AgreesWithASortedReference) {
  std::mt19937 rng(20261203);
  Kqueue q(1, 0, false);
  using Key = std::pair<std::uint64_t, FilterId>;
  std::vector<std::tuple<Key, std::uint64_t, std::uint32_t>> ref;  // key, insertion number, slot
  std::uint64_t inserted = 0;
  const FilterId filters[] = {filt::kRead, filt::kWrite, filt::kUser, filt::kProc, filt::kTimer};
  for (int round = 0; round < 20000; ++round) {
    const bool add = ref.empty() || rng() % 3 != 0;
    if (add) {
      const Key key{rng() % 300, filters[rng() % 5]};
      ref.emplace_back(key, inserted++, q.insert(knote_with(key.first, key.second)));
    } else {
      const std::size_t i = rng() % ref.size();
      q.erase(std::get<2>(ref[i]));
      ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(i));
    }
    if (round % 997 != 0) continue;
    auto sorted = ref;
    std::sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) {
      return std::tie(std::get<0>(x), std::get<1>(x)) < std::tie(std::get<0>(y), std::get<1>(y));
    });
    std::vector<std::uint32_t> want;
    for (const auto& e : sorted) want.push_back(std::get<2>(e));
    ASSERT_EQ(q.live_slots(), want) << "round " << round;
    ASSERT_EQ(q.knote_count(), ref.size());
    for (const auto& e : sorted) {
      // The newest of each identity: the last of its run in the sorted list.
      auto last = std::find_if(sorted.rbegin(), sorted.rend(), [&](const auto& x) { return std::get<0>(x) == std::get<0>(e); });
      ASSERT_EQ(q.lookup(std::get<0>(e).first, std::get<0>(e).second), std::get<2>(*last));
      ASSERT_TRUE(q.indexed(std::get<2>(e)));
    }
  }
}

class TouchedChecks : public KernelTest {};

// Structural, not timed: with 1,000 knotes registered, a trigger and a scan
// touch one knote, so the after-call check looks at one knote, not 1,000.
TEST_F(TouchedChecks, ATriggerAndScanTouchOneKnote) {
  k.set_touch_tracking(true);
  const int kq = new_kq();
  std::vector<KEvent> adds;
  for (std::uint64_t i = 1; i <= 1000; ++i) adds.push_back(kev(i, filt::kUser, ev::kAdd | ev::kClear));
  ASSERT_EQ(k.kevent(pid, kq, adds, 0, kPoll).sys.ret, 0);
  EXPECT_EQ(k.touched().size(), 1000U);
  InvariantScratch scratch;
  EXPECT_TRUE(check_touched_invariants(k, scratch).empty());
  k.clear_touched();

  const KEvent trigger = kev(500, filt::kUser, 0, note::kTrigger);
  ASSERT_EQ(k.kevent(pid, kq, std::span<const KEvent>(&trigger, 1), 0, kPoll).sys.ret, 0);
  ASSERT_EQ(k.kevent(pid, kq, {}, 4, kPoll).sys.ret, 1);
  std::vector<KnoteRef> distinct(k.touched().begin(), k.touched().end());
  std::sort(distinct.begin(), distinct.end(), [](KnoteRef x, KnoteRef y) { return x.slot < y.slot; });
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  EXPECT_EQ(distinct.size(), 1U);
  EXPECT_TRUE(check_touched_invariants(k, scratch).empty());
}

TEST_F(TouchedChecks, OffByDefault) {
  const int kq = new_kq();
  const KEvent add = kev(1, filt::kUser, ev::kAdd);
  k.kevent(pid, kq, std::span<const KEvent>(&add, 1), 0, kPoll);
  EXPECT_TRUE(k.touched().empty());
}

}  // namespace
}  // namespace kqsim::model::testing

namespace kqsim::model::testing {
namespace {

// kevent_into is kevent with the eventlist as kevent(2) takes it: over a
// sequence that writes error and receipt records, runs out of room for
// them (C2), scans fewer slots than are queued and re-queues level-
// triggered knotes, both calls return the same results and leave equal
// states.
TEST(KeventInto, SameResultsAsKevent) {
  Kernel a, b;
  const Pid pid = Kernel::kInitPid;
  const auto kq = static_cast<std::int32_t>(a.kqueue(pid).ret);
  ASSERT_EQ(b.kqueue(pid).ret, kq);
  const auto fds = a.pipe(pid).fds;
  ASSERT_EQ(b.pipe(pid).fds, fds);
  const auto rfd = static_cast<std::uint64_t>(fds[0]);
  const std::vector<std::pair<std::vector<KEvent>, std::int32_t>> calls = {
      {{kev(1, filt::kUser, ev::kAdd | ev::kClear), kev(2, filt::kUser, ev::kAdd | ev::kReceipt)}, 4},
      {{kev(99, filt::kRead, ev::kAdd), kev(98, filt::kRead, ev::kAdd)}, 1},  // two EBADF, room for one
      {{kev(3, filt::kUser, ev::kAdd | ev::kReceipt), kev(4, filt::kUser, ev::kAdd | ev::kReceipt)}, 1},
      {{kev(rfd, filt::kRead, ev::kAdd)}, 0},
      {{kev(1, filt::kUser, 0, note::kTrigger), kev(2, filt::kUser, 0, note::kTrigger)}, 0},
      {{}, 2},
      {{}, 4},
      {{kev(7, filt::kUser, ev::kDelete)}, 2},  // ENOENT
      {{}, 0},
      {{}, 4},
  };
  for (const auto& [changes, nevents] : calls) {
    a.write(pid, fds[1], 10);
    b.write(pid, fds[1], 10);
    const KeventResult want = a.kevent(pid, kq, changes, nevents, kPoll);
    std::vector<KEvent> list(static_cast<std::size_t>(nevents));
    const SysResult got = b.kevent_into(pid, kq, changes, list, kPoll);
    ASSERT_EQ(got.ret, want.sys.ret);
    ASSERT_EQ(got.err, want.sys.err);
    ASSERT_EQ(got.completion, want.sys.completion);
    const std::size_t n = want.sys.ret > 0 ? static_cast<std::size_t>(want.sys.ret) : 0;
    ASSERT_EQ(want.events.size(), n);
    EXPECT_EQ(std::vector<KEvent>(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(n)), want.events);
    std::string ea, eb;
    a.encode(ea);
    b.encode(eb);
    EXPECT_EQ(ea, eb);
  }
}

// The object checks (pipes, sockets, processes, vnodes, aio) run after a
// call only when it may have changed an object: not after a kevent that
// only registers, triggers and scans.
TEST(TouchedObjectChecks, OnlyAfterCallsThatMayChangeObjects) {
  Kernel k;
  const Pid pid = Kernel::kInitPid;
  k.set_touch_tracking(true);
  const auto kq = static_cast<std::int32_t>(k.kqueue(pid).ret);
  const auto fds = k.pipe(pid).fds;
  EXPECT_TRUE(k.objects_touched());
  k.clear_touched();
  const std::vector<KEvent> adds{kev(1, filt::kUser, ev::kAdd), kev(static_cast<std::uint64_t>(fds[0]), filt::kRead, ev::kAdd)};
  ASSERT_EQ(k.kevent(pid, kq, adds, 0, kPoll).sys.ret, 0);
  ASSERT_EQ(k.kevent(pid, kq, {}, 4, kPoll).sys.ret, 0);
  EXPECT_FALSE(k.objects_touched());
  ASSERT_EQ(k.write(pid, fds[1], 5).ret, 5);
  EXPECT_TRUE(k.objects_touched());
  InvariantScratch scratch;
  EXPECT_TRUE(check_touched_invariants(k, scratch).empty());
  k.clear_touched();
  EXPECT_FALSE(k.objects_touched());
  EXPECT_TRUE(k.touched().empty());
}

}  // namespace
}  // namespace kqsim::model::testing
