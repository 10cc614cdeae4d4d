#include "check/shared_visited_set.hpp"

#include "check/state_hash.hpp"

namespace kqsim::check {

std::uint64_t SharedStateSet::bytes() const {
  std::uint64_t total = 0;
  for (const PartShard& p : parts_) total += p.table.bytes();
  for (const StateShard& s : states_) total += fingerprint_ ? s.fingerprints.bytes() : s.exact.bytes();
  return total;
}

std::uint64_t SharedStateSet::intern(std::string_view part) {
  const std::uint64_t hash = state_hash(part);
  PartShard& shard = parts_[shard_of(hash)];
  std::uint64_t local;
  {
    const std::lock_guard<std::mutex> hold(shard.lock);
    local = shard.table.intern(part, hash);
  }
  return local * kShards + shard_of(hash);
}

bool SharedStateSet::insert_state(std::string_view compact) {
  const std::uint64_t hash = state_hash(compact);
  StateShard& shard = states_[shard_of(hash)];
  bool added;
  {
    const std::lock_guard<std::mutex> hold(shard.lock);
    added = shard.exact.insert(compact, hash);
  }
  if (added) size_.fetch_add(1, std::memory_order_relaxed);
  return added;
}

bool SharedStateSet::insert_fingerprint(std::uint64_t fingerprint) {
  StateShard& shard = states_[shard_of(fingerprint)];
  bool added;
  {
    const std::lock_guard<std::mutex> hold(shard.lock);
    added = shard.fingerprints.insert(fingerprint);
  }
  if (added) size_.fetch_add(1, std::memory_order_relaxed);
  return added;
}

bool SharedStateSet::View::insert(std::string_view key, std::span<const std::uint32_t> part_ends) {
  if (set_.fingerprint_) return set_.insert_fingerprint(state_hash(key));
  if (last_.size() < part_ends.size()) last_.resize(part_ends.size());
  compact_.clear();
  std::uint32_t begin = 0;
  for (std::size_t i = 0; i < part_ends.size(); ++i) {
    const std::string_view part = key.substr(begin, part_ends[i] - begin);
    Last& at = last_[i];
    if (!at.seen || at.bytes != part) {
      at.id = set_.intern(part);
      at.bytes.assign(part);
      at.seen = true;
    }
    for (std::uint64_t id = at.id; ; id >>= 7) {
      if (id < 0x80) {
        compact_.push_back(static_cast<char>(id));
        break;
      }
      compact_.push_back(static_cast<char>(id | 0x80));
    }
    begin = part_ends[i];
  }
  compact_.append(key.substr(begin));
  return set_.insert_state(compact_);
}

}  // namespace kqsim::check
