// The tables shared by the workers of `kqcheck explore --threads N`: the
// distinct kernels (numbered) and the visited states. Each stored state is
// inserted by exactly one worker - the one that then expands it - so the
// search expands every distinct state once and takes every transition once,
// whichever worker does it: the counts are those of one thread.
//
// They are the single-thread tables (visited_set.hpp) cut into shards by
// hash bits, one lock each: two workers meet on a lock only when their
// states (or kernels) fall in the same one of 64 shards, rarely. A kernel's
// number is the shard's own number for it times the shard count plus the
// shard: unique, so it stands for the kernel's encoding exactly.
//
// Swarm members use one as their common coverage count (insert_hash).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <string_view>

#include "check/visited_set.hpp"

namespace kqsim::check {

class SharedStateSet {
 public:
  explicit SharedStateSet(bool fingerprint) : fingerprint_(fingerprint) {}

  // The number of a kernel's encoding.
  std::uint64_t intern(std::string_view bytes);
  // A state's key (kernel number and counters), given its state_hash
  // (unsalted): stored exactly, or as the 64-bit hash of the given salt
  // with fingerprints. True when new.
  bool insert(std::string_view key, std::uint64_t hash, std::uint64_t salt);
  // A 64-bit fingerprint computed by the caller. True when new.
  bool insert_hash(std::uint64_t fingerprint);

  // The states stored: exact once no worker is inserting.
  [[nodiscard]] std::uint64_t size() const;
  // A running count for bounds and progress, which workers add to in
  // batches (count_stored): a counter every worker wrote at each new state
  // and read at each bound check moved its cache line between cores
  // millions of times. Behind size() by at most a batch per worker.
  [[nodiscard]] std::uint64_t approximate_size() const { return approximate_size_.load(std::memory_order_relaxed); }
  void count_stored(std::uint64_t states) { approximate_size_.fetch_add(states, std::memory_order_relaxed); }
  // Only when no worker is inserting.
  [[nodiscard]] std::uint64_t bytes() const;

 private:
  static constexpr std::size_t kShards = 64;
  // The low bits: the tables place an entry by the high bits of its hash.
  static std::size_t shard_of(std::uint64_t hash) { return static_cast<std::size_t>(hash & (kShards - 1)); }

  // Held for a few dozen instructions: a test-and-test-and-set lock, which
  // yields to the scheduler rather than spin while the holder is preempted
  // (the machine may be shared).
  class SpinLock {
   public:
    void lock() {
      while (held_.exchange(true, std::memory_order_acquire)) {
        while (held_.load(std::memory_order_relaxed)) std::this_thread::yield();
      }
    }
    void unlock() { held_.store(false, std::memory_order_release); }

   private:
    std::atomic<bool> held_{false};
  };

  struct alignas(64) KernelShard {
    SpinLock lock;
    InternTable table;
  };
  struct alignas(64) StateShard {
    SpinLock lock;
    // Written under the lock, read by size() (relaxed: a count, no data).
    std::atomic<std::uint64_t> stored{0};
    ShortKeyStateSet exact;
    FingerprintSet fingerprints;
  };
  bool fingerprint_;
  std::array<KernelShard, kShards> kernels_;
  std::array<StateShard, kShards> states_;
  alignas(64) std::atomic<std::uint64_t> approximate_size_{0};
};

}  // namespace kqsim::check
