// A parallel worker's memory of states it has already met in the shared
// visited set (`kqcheck explore --threads N`). Five transitions in six lead
// to a state stored before, and probing the shared table for one takes a
// shard's lock and reads slots the other workers write: a cache line
// moved between cores on nearly every probe (perf: two thirds of the
// shared insert, on the lock). A state found in the shared set once stays
// there, so meeting it again needs no shared probe at all.
//
// Direct-mapped and bounded (a later state overwrites a slot); a hit needs
// the whole key to match, so the cache never calls a new state seen and the
// search's counts are unchanged. Keys longer than a slot are not cached.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace kqsim::check {

class SeenStateCache {
 public:
  static constexpr std::size_t kMaxKeyBytes = 23;

  // 2^slots_log2 slots of 32 bytes; none until enabled (one-thread
  // searches have no shared set to spare).
  void enable(unsigned slots_log2) {
    slots_.assign(std::size_t{1} << slots_log2, Slot{});
    mask_ = slots_.size() - 1;
  }
  [[nodiscard]] bool enabled() const { return !slots_.empty(); }

  [[nodiscard]] bool contains(std::string_view key, std::uint64_t hash) const {
    const Slot& s = slots_[hash & mask_];
    return s.hash == hash && s.length == key.size() && std::memcmp(s.bytes, key.data(), key.size()) == 0;
  }
  void remember(std::string_view key, std::uint64_t hash) {
    if (key.size() > kMaxKeyBytes) return;
    Slot& s = slots_[hash & mask_];
    s.hash = hash;
    s.length = static_cast<std::uint8_t>(key.size());
    std::memcpy(s.bytes, key.data(), key.size());
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint8_t length = 0xff;  // no key is this long: an empty slot
    char bytes[kMaxKeyBytes] = {};
  };
  static_assert(sizeof(Slot) == 32);
  std::vector<Slot> slots_;
  std::uint64_t mask_ = 0;
};

}  // namespace kqsim::check
