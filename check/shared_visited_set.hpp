// The visited set shared by the workers of `kqcheck explore --threads N`.
// Each stored state is inserted by exactly one worker - the one that then
// expands it - so the search expands every distinct state once and takes
// every transition once, whichever worker does it: the counts are those of
// one thread.
//
// It is the single-thread sets (visited_set.hpp) cut into shards by hash
// bits, one lock each: two workers meet on a lock only when their states
// (or parts) fall in the same one of 64 shards, rarely. Exact storage keeps
// the collapsed form, with ONE table of parts for every position (a part's
// number is then a number among all parts; the compact key still names the
// whole encoding exactly, since each number stands for one byte string and
// each part fixes its own length): a part is interned once per distinct
// byte string, and a number is the shard's own number times the shard count
// plus the shard.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "check/visited_set.hpp"

namespace kqsim::check {

class SharedStateSet {
 public:
  explicit SharedStateSet(bool fingerprint) : fingerprint_(fingerprint) {}

  [[nodiscard]] bool fingerprint() const { return fingerprint_; }
  [[nodiscard]] std::uint64_t size() const { return size_.load(std::memory_order_relaxed); }
  // Only when no worker is inserting.
  [[nodiscard]] std::uint64_t bytes() const;

  // A worker's handle: its one-entry caches of the last part per position.
  class View {
   public:
    explicit View(SharedStateSet& set) : set_(set) {}
    // As CollapsedStateSet::insert (exact) or FingerprintSet::insert of the
    // key's hash (fingerprints: part_ends unused). True when new.
    bool insert(std::string_view key, std::span<const std::uint32_t> part_ends);

   private:
    struct Last {
      std::string bytes;
      std::uint64_t id = 0;
      bool seen = false;
    };
    SharedStateSet& set_;
    std::vector<Last> last_;
    std::string compact_;
  };

 private:
  static constexpr unsigned kShardBits = 6;
  static constexpr std::size_t kShards = std::size_t{1} << kShardBits;
  // The low bits: the tables place an entry by the high bits of its hash.
  static std::size_t shard_of(std::uint64_t hash) { return static_cast<std::size_t>(hash & (kShards - 1)); }

  std::uint64_t intern(std::string_view part);
  bool insert_state(std::string_view compact);
  bool insert_fingerprint(std::uint64_t fingerprint);

  struct alignas(64) PartShard {
    std::mutex lock;
    InternTable table;
  };
  struct alignas(64) StateShard {
    std::mutex lock;
    ExactStateSet exact;
    FingerprintSet fingerprints;
  };
  bool fingerprint_;
  std::array<PartShard, kShards> parts_;
  std::array<StateShard, kShards> states_;
  std::atomic<std::uint64_t> size_{0};
};

}  // namespace kqsim::check
