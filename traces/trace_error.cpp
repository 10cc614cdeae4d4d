#include "traces/trace_error.hpp"

namespace kqsim::traces {
namespace {

std::string render(const std::string& file, std::optional<std::size_t> step, const std::string& field,
                   const std::string& message) {
  std::string out = file;
  if (step) out += ": step " + std::to_string(*step);
  if (!field.empty()) out += ": field '" + field + "'";
  return out + ": " + message;
}

}  // namespace

TraceError::TraceError(std::string file, std::optional<std::size_t> step, std::string field, std::string message)
    : std::runtime_error(render(file, step, field, message)),
      file_(std::move(file)),
      step_(step),
      field_(std::move(field)),
      message_(std::move(message)) {}

}  // namespace kqsim::traces
