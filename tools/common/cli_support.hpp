// Command-line conventions every kqsim tool follows: --version, numeric
// options refused out of range (never wrapped or clamped), the exit codes
// shown in --help.
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace kqsim::cli {

// "kqcheck 0.1.0 (git 1234abcd)".
std::string version_line(const std::string& tool);
// "kqrecord 0.1.0": what a recording names as its recorder.
std::string tool_version(const std::string& tool);

// Adds --version (prints version_line and exits 0) and the exit codes to
// the footer of --help.
void add_standard_options(CLI::App& app, const std::string& tool, const std::string& exit_codes);

// A check for a decimal number in [min, max]: no sign, no exponent, no
// wrap-around (so "-1" and 2^64 are refused, not read as 2^64-1 or 0).
// Its description shows the range in --help.
CLI::Validator decimal_in(std::uint64_t min, std::uint64_t max);

// The exit codes kqreplay and kqcheck share (tools/replay/exit_codes.hpp).
extern const char* const kCommonExitCodes;

}  // namespace kqsim::cli
