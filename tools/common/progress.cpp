#include "tools/common/progress.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

namespace kqsim::cli {

std::string duration_text(double seconds) {
  const auto s = static_cast<std::uint64_t>(seconds + 0.5);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
}

Progress::Progress(std::string tool, std::string unit, std::uint64_t total, bool forced)
    : tool_(std::move(tool)), unit_(std::move(unit)), total_(total), terminal_(isatty(STDERR_FILENO) == 1) {
  enabled_ = forced || terminal_;
  start_ = last_ = Clock::now();
}

Progress::~Progress() {
  if (drawn_ && terminal_) std::fputs("\r\033[K", stderr);  // results follow on a clean line
}

void Progress::finish(std::uint64_t done, const std::string& extra) {
  last_ = Clock::time_point{};
  update(done, extra);
}

void Progress::update(std::uint64_t done, const std::string& extra) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (now - last_ < std::chrono::seconds(1)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  std::string line = fmt::format("{}: {}/{} {} ({:.1f}%), {:.0f}/s", tool_, done, total_, unit_,
                                 total_ > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 0.0, rate);
  if (rate > 0 && total_ > done) line += ", ETA " + duration_text(static_cast<double>(total_ - done) / rate);
  if (!extra.empty()) line += ", " + extra;
  std::fputs(terminal_ ? ("\r\033[K" + line).c_str() : (line + "\n").c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace kqsim::cli
