// What a modelled system call returns: the value and errno a real call would
// give, or why the model could not produce one.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/errno_code.hpp"

namespace kqsim::model {

enum class Completion : std::uint8_t {
  kDone,            // returned, with ret/err as a real kernel would
  kBlockedForever,  // no other actor could ever wake this call: a trace bug
  kUnsupported,     // the model does not implement what this call needs
};

struct SysResult {
  std::int64_t ret = 0;  // -1 when err is set
  Errno err = Errno::kNone;
  Completion completion = Completion::kDone;
  std::string_view detail;  // static text for kBlockedForever / kUnsupported

  static SysResult ok(std::int64_t value) { return {value, Errno::kNone, Completion::kDone, {}}; }
  static SysResult fail(Errno e) { return {-1, e, Completion::kDone, {}}; }
  static SysResult blocked(std::string_view why) { return {0, Errno::kNone, Completion::kBlockedForever, why}; }
  static SysResult unsupported(std::string_view why) { return {0, Errno::kNone, Completion::kUnsupported, why}; }
  [[nodiscard]] bool done() const { return completion == Completion::kDone; }
};

struct Timespec {
  std::int64_t sec = 0;
  std::int64_t nsec = 0;
};

// The virtual clock's units (Kernel::now_ns), for the calls that convert
// a timespec, timeval or millisecond timeout to it.
inline constexpr std::int64_t kNsPerUs = 1'000;
inline constexpr std::int64_t kNsPerMs = 1'000'000;
inline constexpr std::int64_t kNsPerSec = 1'000'000'000;

}  // namespace kqsim::model
