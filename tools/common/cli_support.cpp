#include "tools/common/cli_support.hpp"

#include <charconv>
#include <iostream>

#include <fmt/format.h>

#include "tools/common/version.hpp"

namespace kqsim::cli {

const char* const kCommonExitCodes =
    "Exit codes:\n"
    "  0  success: everything compared matched, nothing failed\n"
    "  1  a divergence or a failure was found\n"
    "  2  bad input: malformed file, unknown name, impossible step, bad command line\n"
    "  3  the input needs something the model does not implement yet\n"
    "  4  internal error: a kqsim bug (please report it)\n";

std::string tool_version(const std::string& tool) { return fmt::format("{} {}", tool, kVersion); }

std::string version_line(const std::string& tool) { return fmt::format("{} (git {})", tool_version(tool), kGitCommit); }

void add_standard_options(CLI::App& app, const std::string& tool, const std::string& exit_codes) {
  app.set_version_flag("--version", version_line(tool));
  // Subcommands copy these defaults when created, so this comes first.
  app.option_defaults()->always_capture_default();
  app.footer(exit_codes);
}

CLI::Validator decimal_in(std::uint64_t min, std::uint64_t max) {
  auto check = [min, max](std::string& text) -> std::string {
    std::uint64_t v = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    // from_chars takes no sign; "-1" stops at once, 2^64 reports out of range.
    if (text.empty() || ptr != end || ec == std::errc::invalid_argument) return "'" + text + "' is not a decimal number";
    if (ec == std::errc::result_out_of_range || v < min || v > max) {
      return fmt::format("{} is out of range [{}, {}]", text, min, max);
    }
    return "";
  };
  return CLI::Validator(check, fmt::format("in [{}, {}]", min, max));
}

}  // namespace kqsim::cli
