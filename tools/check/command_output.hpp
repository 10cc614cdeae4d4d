// What kqcheck's commands share about their output: where the text goes,
// and outputs refused before any work (bad input, exit 2).
#pragma once

#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

namespace kqsim::tools {

// kqcheck explore and merge only (tools/replay/exit_codes.hpp has the
// others): no violation found, but a bound cut the search short.
constexpr int kExitIncomplete = 5;

// An output that cannot be written: bad input (exit 2), named.
struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A folder where failures will be written (made when the first one is):
// refused before any work when it is something else.
std::optional<std::string> output_folder_problem(const std::string& dir);
// An output file: its folder must exist, and it must not be a folder.
std::optional<std::string> output_file_problem(const std::string& path);
bool write_text(const std::string& path, const std::string& text);
// Where the human-readable lines go: stdout, or stderr when stdout carries JSON.
inline std::FILE* text_out(bool json) { return json ? stderr : stdout; }

}  // namespace kqsim::tools
