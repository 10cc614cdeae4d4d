// Progress lines on stderr for long runs: done/total, rate and ETA. Shown
// when stderr is a terminal (rewriting one line) or when forced (--progress:
// one line per report, for logs); silent otherwise, so scripts and CI logs
// get only the results.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace kqsim::cli {

class Progress {
 public:
  // `unit` names what is counted ("programs"); `total` is the count that
  // ends the run (or a bound on it) and gives the ETA.
  Progress(std::string tool, std::string unit, std::uint64_t total, bool forced);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress();

  // At most one line a second; `extra` is appended ("3 failures").
  void update(std::uint64_t done, const std::string& extra = "");
  // The closing line, whatever the time: in a log, the overall rate.
  void finish(std::uint64_t done, const std::string& extra = "");

  [[nodiscard]] bool enabled() const { return enabled_; }

 private:
  using Clock = std::chrono::steady_clock;
  std::string tool_, unit_;
  std::uint64_t total_;
  bool enabled_, terminal_;
  bool drawn_ = false;
  Clock::time_point start_, last_;
};

// "12s", "4m05s", "2h10m".
std::string duration_text(double seconds);

}  // namespace kqsim::cli
