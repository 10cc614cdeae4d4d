// load_trace_file converts each step as the parser reads it (issue 13/14:
// memory a small multiple of the file). It must read exactly what
// parse_trace reads from the whole document, and report the same error
// first when a trace is wrong in several places.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::traces {
namespace {

class TraceFile {
 public:
  explicit TraceFile(const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              ("kqsim-stream-test-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".json")) {
    std::ofstream(path_) << text;
  }
  ~TraceFile() { std::filesystem::remove(path_); }
  [[nodiscard]] std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

std::string load_error(const std::string& text) {
  TraceFile f(text);
  try {
    load_trace_file(f.path());
  } catch (const TraceError& e) {
    return std::string(e.field()) + ": " + e.message() + (e.step() ? " @" + std::to_string(*e.step()) : "");
  }
  return "no error";
}

constexpr const char* kSteps = R"([
  {"op": "kqueue", "as": "kq", "observed": {"ret": 3}},
  {"op": "kevent", "kq": "kq", "changes": [{"ident": 1, "filter": "EVFILT_USER", "flags": ["EV_ADD"]}],
   "nevents": 1, "timeout": {"sec": 0, "nsec": 0}, "observed": {"ret": 0}}])";

TEST(TraceStream, ReadsWhatTheDocumentParserReads) {
  const std::string text = std::string(R"({"steps": )") + kSteps + R"(, "format": "kqsim-trace/1", "name": "t"})";
  TraceFile f(text);
  const Trace streamed = load_trace_file(f.path());
  const Trace whole = parse_trace(nlohmann::json::parse(text), f.path());
  EXPECT_EQ(trace_to_json(streamed), trace_to_json(whole));
  ASSERT_EQ(streamed.steps.size(), 2U);
  EXPECT_EQ(streamed.steps[1].index, 1U);
}

TEST(TraceStream, HeaderErrorsComeBeforeStepErrors) {
  // The steps come first in the file, but the header is checked first, as
  // parse_trace does.
  const std::string text = R"({"steps": [{"op": "nosuchop"}], "format": "kqsim-trace/9", "name": "t"})";
  EXPECT_EQ(load_error(text), "format: unsupported format 'kqsim-trace/9', expected 'kqsim-trace/1'");
  EXPECT_EQ(load_error(R"({"format": "kqsim-trace/1", "name": "t", "steps": [{"op": "kqueue", "as": "kq"}, {"op": "nosuchop"}]})").substr(0, 20),
            "op: unknown op 'nosu");
}

TEST(TraceStream, StepsThatAreNotAnArray) {
  EXPECT_EQ(load_error(R"({"format": "kqsim-trace/1", "name": "t", "steps": {}})"), "steps: expected an array");
}

}  // namespace
}  // namespace kqsim::traces
