// One clear complaint about a trace: which file, which step, which field.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace kqsim::traces {

class TraceError : public std::runtime_error {
 public:
  TraceError(std::string file, std::optional<std::size_t> step, std::string field, std::string message);

  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] std::optional<std::size_t> step() const { return step_; }
  [[nodiscard]] const std::string& field() const { return field_; }
  [[nodiscard]] const std::string& message() const { return message_; }

 private:
  std::string file_;
  std::optional<std::size_t> step_;
  std::string field_;
  std::string message_;
};

}  // namespace kqsim::traces
