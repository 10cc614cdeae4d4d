// A trace's text in a temporary file for as long as the object lives.
// Named by the process and the text: tests run as separate processes at
// once, and the same text written twice (a file replayed two ways) gets the
// same path, so errors naming the file compare equal.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace kqsim::testing {

class TempTraceFile {
 public:
  explicit TempTraceFile(const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              ("kqsim-test-trace-" + std::to_string(::getpid()) + "-" +
               std::to_string(std::hash<std::string>{}(text)) + ".json")) {
    std::ofstream(path_) << text;
  }
  ~TempTraceFile() { std::filesystem::remove(path_); }
  TempTraceFile(const TempTraceFile&) = delete;
  TempTraceFile& operator=(const TempTraceFile&) = delete;
  [[nodiscard]] std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace kqsim::testing
