// SplitMix64: a tiny, fast, fully specified generator, so a seed means the
// same program on every machine and compiler (std:: distributions do not
// promise that).
#pragma once

#include <cstdint>

namespace kqsim::check {

class Prng {
 public:
  explicit Prng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0 (the tiny modulo bias is irrelevant here).
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  bool chance(std::uint32_t percent) { return below(100) < percent; }

 private:
  std::uint64_t state_;
};

// The seed of trace `index` in a campaign seeded with `campaign`.
inline std::uint64_t trace_seed(std::uint64_t campaign, std::uint64_t index) {
  Prng p(campaign ^ (index * 0xd1b54a32d192ed03ULL));
  return p.next();
}

}  // namespace kqsim::check
