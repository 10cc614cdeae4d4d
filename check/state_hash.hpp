// A 64-bit hash of a state's byte encoding: the explorer's fingerprint and
// its hash-table index. Multiply-fold mixing in the style of wyhash
// (public domain): 16 bytes per 64x64->128-bit multiply, fast on encodings
// of a few hundred bytes, and well enough distributed that 64-bit
// fingerprints of millions of states collide with negligible probability
// (about n^2 / 2^65).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace kqsim::check {

namespace hash_detail {
__extension__ typedef unsigned __int128 u128;

inline std::uint64_t fold(std::uint64_t a, std::uint64_t b) {
  u128 r = static_cast<u128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

inline std::uint64_t load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline constexpr std::uint64_t kSecret0 = 0xa0761d6478bd642fULL;
inline constexpr std::uint64_t kSecret1 = 0xe7037ed1a0b428dbULL;
inline constexpr std::uint64_t kSecret2 = 0x8ebc6af09c88c6e3ULL;
}  // namespace hash_detail

// `salt` picks one of a family of hash functions (swarm members each use
// their own, so a collision that hides a state from one hides it from no
// other); 0 is the explorer's default.
inline std::uint64_t state_hash(std::string_view bytes, std::uint64_t salt = 0) {
  using namespace hash_detail;
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  std::uint64_t seed = kSecret0 ^ fold(n ^ kSecret1, kSecret2 ^ salt);
  for (; n > 16; n -= 16, p += 16) seed = fold(load8(p) ^ kSecret1, load8(p + 8) ^ seed);
  // The last 1..16 bytes, zero-padded (the length is in the seed).
  char tail[16] = {};
  std::memcpy(tail, p, n);
  std::uint64_t a = load8(tail) ^ kSecret1, b = load8(tail + 8) ^ seed;
  return fold(fold(a, b) ^ kSecret0, kSecret2 ^ bytes.size());
}

}  // namespace kqsim::check
