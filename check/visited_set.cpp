#include "check/visited_set.hpp"

#include <algorithm>
#include <cstring>

#include "check/state_hash.hpp"

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

ShortKeyStateSet::ShortKeyStateSet() : table_(kInitialSlots, Slot{}) {}

bool ShortKeyStateSet::insert(std::string_view key, std::uint64_t hash) {
  if (key.empty() || key.size() > kInline) return long_.insert(key, hash);
  if (too_full(used_, table_.size())) grow();
  Slot want{};
  std::memcpy(want.bytes, key.data(), key.size());
  want.length = static_cast<std::uint8_t>(key.size());
  std::size_t i = home_slot(hash, table_.size());
  while (table_[i].length != 0) {
    if (std::memcmp(&table_[i], &want, sizeof want) == 0) return false;
    i = i + 1 == table_.size() ? 0 : i + 1;
  }
  table_[i] = want;
  ++used_;
  return true;
}

void ShortKeyStateSet::grow() {
  std::vector<Slot> old = std::move(table_);
  table_.assign(old.size() + old.size() / 2, Slot{});
  for (const Slot& e : old) {
    if (e.length == 0) continue;
    std::size_t i = home_slot(state_hash(std::string_view(e.bytes, e.length)), table_.size());
    while (table_[i].length != 0) i = i + 1 == table_.size() ? 0 : i + 1;
    table_[i] = e;
  }
}

InternTable::InternTable() : slots_(kInitialSlots, 0) {}

std::uint32_t InternTable::intern(std::string_view bytes, std::uint64_t hash) {
  if (too_full(entries_.size(), slots_.size())) grow();
  auto same = [&](std::uint32_t s) {
    const Entry& e = entries_[s - 1];
    return e.hash == hash && std::string_view(arena_).substr(e.offset, e.length) == bytes;
  };
  std::size_t i = home_slot(hash, slots_.size());
  while (slots_[i] != 0 && !same(slots_[i])) i = i + 1 == slots_.size() ? 0 : i + 1;
  if (slots_[i] != 0) return slots_[i] - 1;
  entries_.push_back({hash, static_cast<std::uint32_t>(arena_.size()), static_cast<std::uint32_t>(bytes.size())});
  arena_.append(bytes);
  slots_[i] = static_cast<std::uint32_t>(entries_.size());
  return slots_[i] - 1;
}

void InternTable::grow() {
  slots_.assign(slots_.size() + slots_.size() / 2, 0);
  for (std::uint32_t n = 1; n <= entries_.size(); ++n) {
    std::size_t i = home_slot(entries_[n - 1].hash, slots_.size());
    while (slots_[i] != 0) i = i + 1 == slots_.size() ? 0 : i + 1;
    slots_[i] = n;
  }
}

std::uint64_t InternTable::bytes() const {
  return slots_.capacity() * sizeof(std::uint32_t) + entries_.capacity() * sizeof(Entry) + arena_.capacity();
}

bool CollapsedStateSet::insert(std::string_view key, std::span<const std::uint32_t> part_ends) {
  if (parts_.size() < part_ends.size()) parts_.resize(part_ends.size());
  compact_.clear();
  std::uint32_t begin = 0;
  for (std::size_t i = 0; i < part_ends.size(); ++i) {
    const std::string_view part = key.substr(begin, part_ends[i] - begin);
    std::uint32_t id = number(parts_[i], part);
    for (; id >= 0x80; id >>= 7) compact_.push_back(static_cast<char>(id | 0x80));
    compact_.push_back(static_cast<char>(id));
    begin = part_ends[i];
  }
  compact_.append(key.substr(begin));
  return states_.insert(compact_, state_hash(compact_));
}

std::uint32_t CollapsedStateSet::number(Position& at, std::string_view part) {
  if (at.seen && at.last == part) return at.last_id;
  at.last_id = at.table.intern(part, state_hash(part));
  at.last.assign(part);
  at.seen = true;
  return at.last_id;
}

std::uint64_t CollapsedStateSet::bytes() const {
  std::uint64_t total = states_.bytes();
  for (const Position& p : parts_) total += p.table.bytes() + p.last.capacity();
  return total;
}

}  // namespace kqsim::check
