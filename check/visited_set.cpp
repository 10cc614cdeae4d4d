#include "check/visited_set.hpp"

#include <algorithm>
#include <cstring>

#include "check/state_hash.hpp"  // hash_detail::u128

namespace kqsim::check {
namespace {

// Small beginnings, so that small searches report honest per-state figures.
constexpr std::size_t kInitialSlots = 8;
constexpr std::size_t kFirstChunkBytes = std::size_t{1} << 12;
constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 20;

// Maps a 64-bit hash onto [0, slots) without a power-of-two table
// (Lemire's multiply-shift), so the table can grow by half.
std::size_t home_slot(std::uint64_t hash, std::size_t slots) {
  return static_cast<std::size_t>((static_cast<hash_detail::u128>(hash) * slots) >> 64);
}

bool too_full(std::uint64_t used, std::size_t slots) { return (used + 1) * 4 > slots * 3; }

// Linear probing from the hash's home slot: the slot holding an entry that
// `same` accepts, or the first empty one.
template <typename Same>
std::size_t probe(const std::vector<std::uint64_t>& table, std::uint64_t hash, Same&& same) {
  std::size_t i = home_slot(hash, table.size());
  while (table[i] != 0 && !same(table[i])) i = i + 1 == table.size() ? 0 : i + 1;
  return i;
}

}  // namespace

FingerprintSet::FingerprintSet() : table_(kInitialSlots, 0) {}

bool FingerprintSet::insert(std::uint64_t fingerprint) {
  if (fingerprint == 0) fingerprint = 1;  // 0 marks an empty slot
  if (too_full(used_, table_.size())) grow();
  std::size_t i = probe(table_, fingerprint, [&](std::uint64_t e) { return e == fingerprint; });
  if (table_[i] != 0) return false;
  table_[i] = fingerprint;
  ++used_;
  return true;
}

void FingerprintSet::grow() {
  std::vector<std::uint64_t> old = std::move(table_);
  table_.assign(old.size() + old.size() / 2, 0);
  for (std::uint64_t e : old) {
    if (e != 0) table_[probe(table_, e, [](std::uint64_t) { return false; })] = e;
  }
}

ExactStateSet::ExactStateSet() : table_(kInitialSlots, 0) {}

std::string_view ExactStateSet::stored_key(std::uint64_t slot) {
  const auto* p = reinterpret_cast<const char*>(static_cast<std::uintptr_t>(slot & ((std::uint64_t{1} << kTagShift) - 1)));
  std::uint32_t n;
  std::memcpy(&n, p + sizeof(std::uint64_t), sizeof n);
  return {p + kHeaderBytes, n};
}

std::uint64_t ExactStateSet::stored_hash(std::uint64_t slot) {
  std::uint64_t h;
  std::memcpy(&h, reinterpret_cast<const char*>(static_cast<std::uintptr_t>(slot & ((std::uint64_t{1} << kTagShift) - 1))), sizeof h);
  return h;
}

bool ExactStateSet::insert(std::string_view key, std::uint64_t hash) {
  if (too_full(used_, table_.size())) grow();
  const std::uint64_t tag = hash >> kTagShift;
  std::size_t i = probe(table_, hash, [&](std::uint64_t e) { return (e >> kTagShift) == tag && stored_key(e) == key; });
  if (table_[i] != 0) return false;
  table_[i] = (tag << kTagShift) | reinterpret_cast<std::uintptr_t>(store(key, hash));
  ++used_;
  return true;
}

const char* ExactStateSet::store(std::string_view key, std::uint64_t hash) {
  const std::size_t need = kHeaderBytes + key.size();
  if (chunk_used_ + need > chunk_size_) {
    // Each chunk as large as all before it, up to 1 MiB: the unfilled tail
    // stays below half the arena or 1 MiB.
    const std::size_t grown = std::clamp<std::size_t>(chunk_bytes_total_, kFirstChunkBytes, kMaxChunkBytes);
    chunk_size_ = std::max(grown, need);
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(chunk_size_));
    chunk_bytes_total_ += chunk_size_;
    chunk_used_ = 0;
  }
  char* p = chunks_.back().get() + chunk_used_;
  const auto n = static_cast<std::uint32_t>(key.size());
  std::memcpy(p, &hash, sizeof hash);
  std::memcpy(p + sizeof hash, &n, sizeof n);
  std::memcpy(p + kHeaderBytes, key.data(), key.size());
  chunk_used_ += need;
  return p;
}

std::uint64_t ExactStateSet::bytes() const { return table_.size() * sizeof(std::uint64_t) + chunk_bytes_total_; }

void ExactStateSet::grow() {
  std::vector<std::uint64_t> old = std::move(table_);
  table_.assign(old.size() + old.size() / 2, 0);
  for (std::uint64_t e : old) {
    if (e != 0) table_[probe(table_, stored_hash(e), [](std::uint64_t) { return false; })] = e;
  }
}

}  // namespace kqsim::check
