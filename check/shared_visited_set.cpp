#include "check/shared_visited_set.hpp"

#include "check/state_hash.hpp"

namespace kqsim::check {

std::uint64_t SharedStateSet::bytes() const {
  std::uint64_t total = 0;
  for (const KernelShard& k : kernels_) total += k.table.bytes();
  for (const StateShard& s : states_) total += fingerprint_ ? s.fingerprints.bytes() : s.exact.bytes();
  return total;
}

std::uint64_t SharedStateSet::size() const {
  std::uint64_t total = 0;
  for (const StateShard& s : states_) total += s.stored.load(std::memory_order_relaxed);
  return total;
}

std::uint64_t SharedStateSet::intern(std::string_view bytes) {
  const std::uint64_t hash = state_hash(bytes);
  KernelShard& shard = kernels_[shard_of(hash)];
  std::uint64_t local;
  {
    const std::lock_guard<SpinLock> hold(shard.lock);
    local = shard.table.intern(bytes, hash);
  }
  return local * kShards + shard_of(hash);
}

bool SharedStateSet::insert(std::string_view key, std::uint64_t hash, std::uint64_t salt) {
  if (fingerprint_) return insert_hash(state_hash(key, salt));
  StateShard& shard = states_[shard_of(hash)];
  bool added;
  {
    const std::lock_guard<SpinLock> hold(shard.lock);
    added = shard.exact.insert(key, hash);
    if (added) shard.stored.store(shard.stored.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  return added;
}

bool SharedStateSet::insert_hash(std::uint64_t fingerprint) {
  StateShard& shard = states_[shard_of(fingerprint)];
  bool added;
  {
    const std::lock_guard<SpinLock> hold(shard.lock);
    added = shard.fingerprints.insert(fingerprint);
    if (added) shard.stored.store(shard.stored.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  return added;
}

}  // namespace kqsim::check
