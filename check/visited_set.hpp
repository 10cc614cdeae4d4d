// The explorer's visited set, in two forms. Both are open-addressing tables
// with linear probing that grow by half when three quarters full, so that
// their memory, slack included, is what they report.
//   ExactStateSet        the whole encoding of every state (the default:
//                        no two different states are ever confused);
//   FingerprintSet       64-bit hashes only, 8 bytes a slot: between 10.7
//                        and 16 bytes per stored state with the slack. A
//                        collision would hide a state (probability about
//                        n^2 / 2^65 for n states).
#pragma once

#include <cstdint>
#include <memory>
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

}  // namespace kqsim::check
