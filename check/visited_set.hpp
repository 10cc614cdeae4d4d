// The explorer's visited sets. All are open-addressing tables with linear
// probing that grow by half when three quarters full, so that their memory,
// slack included, is what they report.
//   ExactStateSet        any byte strings, exactly, stored in an arena;
//   ShortKeyStateSet     the same, keys of up to 15 bytes in their slots:
//                        the explorer's states (kernel number and counters,
//                        check/state_space.hpp), exact by default;
//   InternTable          numbers distinct byte strings: the explorer's kernels;
//   CollapsedStateSet    whole encodings stored as the numbers of their parts
//                        in per-part tables (SPIN's COLLAPSE compression) -
//                        the explorer's exact storage before kernels were
//                        numbered whole; no longer used by it;
//   FingerprintSet       64-bit hashes only, 8 bytes a slot: between 10.7
//                        and 16 bytes per stored state with the slack. A
//                        collision would hide a state (probability about
//                        n^2 / 2^65 for n states).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kqsim::check {

class FingerprintSet {
 public:
  FingerprintSet();
  // True when the fingerprint was not there yet.
  bool insert(std::uint64_t fingerprint);
  [[nodiscard]] std::uint64_t size() const { return used_; }
  [[nodiscard]] std::uint64_t bytes() const { return table_.size() * sizeof(std::uint64_t); }

 private:
  void grow();
  std::vector<std::uint64_t> table_;  // 0 = empty
  std::uint64_t used_ = 0;
};

class ExactStateSet {
 public:
  ExactStateSet();
  // True when the state was not there yet; `hash` is state_hash(key).
  bool insert(std::string_view key, std::uint64_t hash);
  [[nodiscard]] std::uint64_t size() const { return used_; }
  // Table slots plus every arena chunk, allocated or not yet filled.
  [[nodiscard]] std::uint64_t bytes() const;

 private:
  // A slot holds a pointer to a stored key (its 8-byte hash, for growing
  // without rehashing, a 4-byte length, then the bytes) in its low 48 bits and 16 bits of the key's hash above them, so
  // most mismatches are rejected without touching the key.
  static constexpr unsigned kTagShift = 48;
  static constexpr std::size_t kHeaderBytes = sizeof(std::uint64_t) + sizeof(std::uint32_t);
  [[nodiscard]] static std::string_view stored_key(std::uint64_t slot);
  [[nodiscard]] static std::uint64_t stored_hash(std::uint64_t slot);
  const char* store(std::string_view key, std::uint64_t hash);
  void grow();

  std::vector<std::uint64_t> table_;  // 0 = empty
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::uint64_t chunk_bytes_total_ = 0;
  std::size_t chunk_size_ = 0, chunk_used_ = 0;
  std::uint64_t used_ = 0;
};

// Exact, for keys that are mostly short - the explorer's (kernel number,
// program counters, deliveries), a dozen bytes: a key of up to 15 bytes is
// stored in its 16-byte slot with its length, so a probe compares the slot
// itself instead of following a pointer to a key elsewhere in memory (a
// cache miss each time a state is seen again, which is most of the time);
// longer keys go to an ExactStateSet. 21 to 32 bytes per short key.
class ShortKeyStateSet {
 public:
  ShortKeyStateSet();
  // True when the key was not there yet; `hash` is state_hash(key).
  bool insert(std::string_view key, std::uint64_t hash);
  [[nodiscard]] std::uint64_t size() const { return used_ + long_.size(); }
  [[nodiscard]] std::uint64_t bytes() const { return table_.size() * sizeof(Slot) + long_.bytes(); }

  static constexpr std::size_t kInline = 15;

 private:
  struct Slot {
    char bytes[kInline];
    std::uint8_t length;  // 0: empty (keys are never empty here)
  };
  void grow();
  std::vector<Slot> table_;
  std::uint64_t used_ = 0;
  ExactStateSet long_;
};

// Numbers distinct byte strings 0, 1, 2, ... in order of first sight.
class InternTable {
 public:
  InternTable();
  // The number of `bytes`; `hash` is state_hash(bytes).
  std::uint32_t intern(std::string_view bytes, std::uint64_t hash);
  [[nodiscard]] std::uint64_t bytes() const;

 private:
  struct Entry {
    std::uint64_t hash;
    std::uint32_t offset, length;  // in arena_
  };
  void grow();

  std::vector<std::uint32_t> slots_;  // entry number + 1; 0 = empty
  std::vector<Entry> entries_;
  std::string arena_;
};

// A state's encoding is a sequence of parts (model::Kernel::encode), then
// bytes of the explorer's own (program counters). Successive states share
// most parts - a step changes one kqueue and one pipe, say - so each part is
// stored once, in the table of its position, and a state is stored as its
// parts' numbers (varints) and the tail: about 15 bytes instead of 250. The
// part numbers are injective because each table is, and each part fixes how
// many follow.
class CollapsedStateSet {
 public:
  // True when the state was not there yet; `part_ends` are the end offsets
  // of the parts within `key`, the bytes after the last one its tail.
  bool insert(std::string_view key, std::span<const std::uint32_t> part_ends);
  [[nodiscard]] std::uint64_t size() const { return states_.size(); }
  [[nodiscard]] std::uint64_t bytes() const;

 private:
  // A part's table, and the last part seen at its position with its number:
  // a search's successive states mostly repeat their parts, so most parts
  // are found there without hashing.
  struct Position {
    InternTable table;
    std::string last;
    std::uint32_t last_id = 0;
    bool seen = false;
  };
  std::uint32_t number(Position& at, std::string_view part);

  std::vector<Position> parts_;  // by position
  std::string compact_;
  ExactStateSet states_;
};

}  // namespace kqsim::check
