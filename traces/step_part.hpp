// A part of a trace step that only some ops use (a socket call's, a
// file-system call's, an aio call's arguments), held on the heap only once
// written: a kevent step carries none of them, so a Step stays small to
// build, move and destroy (issue 14: it was 1,128 bytes, most of it these).
// Reading a part never written gives the default value, as a plain member
// would.
#pragma once

#include <memory>

namespace kqsim::traces {

template <typename T>
class StepPart {
 public:
  StepPart() = default;
  StepPart(const StepPart& other) : part_(other.part_ ? std::make_unique<T>(*other.part_) : nullptr) {}
  StepPart(StepPart&&) noexcept = default;
  StepPart& operator=(const StepPart& other) {
    if (this != &other) part_ = other.part_ ? std::make_unique<T>(*other.part_) : nullptr;
    return *this;
  }
  StepPart& operator=(StepPart&&) noexcept = default;
  ~StepPart() = default;
  StepPart& operator=(T value) {
    part_ = std::make_unique<T>(std::move(value));
    return *this;
  }

  const T& operator*() const { return part_ ? *part_ : default_value(); }
  const T* operator->() const { return &**this; }
  T& operator*() {
    if (!part_) part_ = std::make_unique<T>();
    return *part_;
  }
  T* operator->() { return &**this; }
  [[nodiscard]] bool written() const { return part_ != nullptr; }

 private:
  static const T& default_value() {
    static const T value{};
    return value;
  }
  std::unique_ptr<T> part_;
};

}  // namespace kqsim::traces
