// What every fuzz target does first: the bytes as a JSON document, refused
// the way a file would be (a TraceError is the expected end of bad input;
// any other exception, crash or sanitizer report is a finding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "traces/json_file.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::fuzz {

inline std::optional<nlohmann::json> document(const std::uint8_t* data, std::size_t size, const char* what) {
  try {
    return traces::parse_json_object(std::string(reinterpret_cast<const char*>(data), size), "fuzz-input", what);
  } catch (const traces::TraceError&) {
    return std::nullopt;
  }
}

}  // namespace kqsim::fuzz
