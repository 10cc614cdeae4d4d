// The visited sets against a plain std::set of the same keys: they must
// agree on every insertion, or the explorer would skip states (or count
// some twice). Keys are drawn from few values per part, so most insertions
// repeat a state or share parts with earlier ones, as in a search.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "check/prng.hpp"
#include "check/state_hash.hpp"
#include "check/visited_set.hpp"

namespace kqsim::check {
namespace {

struct PartedKey {
  std::string bytes;
  std::vector<std::uint32_t> part_ends;
};

// A first part naming how many parts follow (as Kernel::encode's header
// holds the number of processes), 0 to 3 more parts of 0 to 5 bytes from a
// small alphabet, then a short tail.
PartedKey random_key(Prng& rng) {
  PartedKey k;
  const std::uint64_t parts = rng.below(4);
  k.bytes.push_back(static_cast<char>('0' + parts));
  k.part_ends.push_back(1);
  for (std::uint64_t p = 0; p < parts; ++p) {
    const std::uint64_t n = rng.below(6);
    for (std::uint64_t i = 0; i < n; ++i) k.bytes.push_back(static_cast<char>('a' + rng.below(2)));
    k.part_ends.push_back(static_cast<std::uint32_t>(k.bytes.size()));
  }
  k.bytes.push_back(static_cast<char>(rng.below(3)));
  return k;
}

TEST(VisitedSet, CollapsedAgreesWithAPlainSetOfTheKeys) {
  Prng rng(7);
  CollapsedStateSet collapsed;
  // What the collapsed set must treat as one state: the same parts, in the
  // same places, and the same tail.
  std::set<std::pair<std::vector<std::string>, std::string>> reference;
  for (int i = 0; i < 20000; ++i) {
    const PartedKey k = random_key(rng);
    std::vector<std::string> parts;
    std::uint32_t begin = 0;
    for (std::uint32_t end : k.part_ends) {
      parts.push_back(k.bytes.substr(begin, end - begin));
      begin = end;
    }
    const bool is_new = reference.insert({parts, k.bytes.substr(begin)}).second;
    ASSERT_EQ(collapsed.insert(k.bytes, k.part_ends), is_new) << "insertion " << i;
  }
  EXPECT_EQ(collapsed.size(), reference.size());
  EXPECT_GT(reference.size(), 1000U);  // the alphabet leaves room for many states
}

TEST(VisitedSet, ExactAndFingerprintAgreeWithAPlainSet) {
  Prng rng(11);
  ExactStateSet exact;
  FingerprintSet fingerprints;
  std::set<std::string> reference;
  for (int i = 0; i < 20000; ++i) {
    const std::string key = random_key(rng).bytes;
    const bool is_new = reference.insert(key).second;
    ASSERT_EQ(exact.insert(key, state_hash(key)), is_new) << "insertion " << i;
    ASSERT_EQ(fingerprints.insert(state_hash(key)), is_new) << "insertion " << i;
  }
  EXPECT_EQ(exact.size(), reference.size());
}

// Keys of 1 to 30 bytes: those up to 15 live in the slots, the others in
// the long-key set; both halves must agree with a plain set, across growth.
TEST(VisitedSet, ShortKeySetAgreesWithAPlainSet) {
  Prng rng(12);
  ShortKeyStateSet set;
  std::set<std::string> reference;
  for (int i = 0; i < 50000; ++i) {
    std::string key(1 + rng.below(30), '\0');
    for (char& c : key) c = static_cast<char>(rng.below(3));  // a small alphabet: many repeats
    const bool is_new = reference.insert(key).second;
    ASSERT_EQ(set.insert(key, state_hash(key)), is_new) << "insertion " << i;
  }
  EXPECT_EQ(set.size(), reference.size());
  EXPECT_GT(reference.size(), 1000U);
}

TEST(VisitedSet, InternTableNumbersInOrderOfFirstSight) {
  InternTable t;
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const std::string s = std::to_string(i);
    ASSERT_EQ(t.intern(s, state_hash(s)), i);
  }
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const std::string s = std::to_string(i);
    ASSERT_EQ(t.intern(s, state_hash(s)), i);
  }
  EXPECT_EQ(t.intern("", state_hash("")), 1000U);  // the empty part is a part like any other
}

}  // namespace
}  // namespace kqsim::check
