// An optional text that is almost always absent (an observation's
// "unsupported", "crash" and "hang"), held on the heap only when present: 8
// bytes in every Step instead of a std::optional<std::string>'s 40 (issue 14:
// a million steps are built, kept and destroyed by the replay path). Reads
// and writes like the std::optional<std::string> it replaces.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace kqsim::traces {

class RareText {
 public:
  RareText() = default;
  RareText(std::nullopt_t) {}  // NOLINT(google-explicit-constructor): as std::optional
  RareText(std::string text) : text_(std::make_unique<std::string>(std::move(text))) {}  // NOLINT
  RareText(const char* text) : RareText(std::string(text)) {}                            // NOLINT
  RareText(const std::optional<std::string>& text) {                                     // NOLINT
    if (text) text_ = std::make_unique<std::string>(*text);
  }
  RareText(const RareText& other) : text_(other.text_ ? std::make_unique<std::string>(*other.text_) : nullptr) {}
  RareText(RareText&&) noexcept = default;
  RareText& operator=(const RareText& other) {
    if (this != &other) text_ = other.text_ ? std::make_unique<std::string>(*other.text_) : nullptr;
    return *this;
  }
  RareText& operator=(RareText&&) noexcept = default;
  ~RareText() = default;

  [[nodiscard]] bool has_value() const { return text_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  const std::string& operator*() const { return *text_; }
  const std::string* operator->() const { return text_.get(); }
  [[nodiscard]] std::string value_or(std::string fallback) const { return text_ ? *text_ : fallback; }
  operator std::optional<std::string>() const {  // NOLINT(google-explicit-constructor)
    if (!text_) return std::nullopt;
    return *text_;
  }

  friend bool operator==(const RareText& a, const RareText& b) {
    return a.has_value() == b.has_value() && (!a.has_value() || *a == *b);
  }
  friend bool operator!=(const RareText& a, const RareText& b) { return !(a == b); }
  // As two std::optional<std::string> compare: both absent, or both the same text.
  friend bool operator==(const RareText& a, const std::optional<std::string>& b) {
    return a.has_value() == b.has_value() && (!a.has_value() || *a == *b);
  }
  friend bool operator!=(const RareText& a, const std::optional<std::string>& b) { return !(a == b); }
  friend bool operator==(const std::optional<std::string>& a, const RareText& b) { return b == a; }
  friend bool operator!=(const std::optional<std::string>& a, const RareText& b) { return !(b == a); }
  friend bool operator==(const RareText& a, const std::string& b) { return a.has_value() && *a == b; }
  friend bool operator==(const RareText& a, const char* b) { return a.has_value() && *a == b; }

 private:
  std::unique_ptr<std::string> text_;
};

}  // namespace kqsim::traces
