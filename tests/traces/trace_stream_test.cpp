// load_trace_file converts each step as the parser reads it (issue 13/14:
// memory a small multiple of the file). It must read exactly what
// parse_trace reads from the whole document, and report the same error
// first when a trace is wrong in several places.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "tests/temp_trace_file.hpp"
#include "traces/json_file.hpp"
#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::traces {
namespace {

using TraceFile = kqsim::testing::TempTraceFile;

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

namespace kqsim::traces {
namespace {

// What a reader makes of a file: the trace as JSON, or its error in full.
std::string outcome_text(const std::function<Trace()>& read) {
  try {
    return trace_to_json(read()).dump();
  } catch (const TraceError& e) {
    return std::string("error: ") + e.what();
  }
}

// load_trace_file reads a file's steps straight from the parser's events
// into reused nodes (traces/trace_file_reader.hpp); parse_trace reads
// nlohmann's document. Every trace kqsim has, good or bad, must read the
// same both ways: the same steps or the same error, word for word.
TEST(TraceStream, EveryTraceFileReadsAsTheDocumentParserReadsIt) {
  namespace fs = std::filesystem;
  const fs::path root = KQSIM_SOURCE_DIR;
  std::size_t files = 0;
  for (const char* dir : {"traces", "tests/cli/cases", "fuzz/regressions/trace"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      if (entry.path().extension() != ".json" || !entry.is_regular_file()) continue;
      const std::string path = entry.path().string();
      const std::string streamed = outcome_text([&] { return load_trace_file(path); });
      const std::string whole = outcome_text([&] { return parse_trace(load_json_object(path, "a trace"), path); });
      EXPECT_EQ(streamed, whole) << path;
      ++files;
    }
  }
  EXPECT_GT(files, 1000U);
}

// The first unknown field named is the first in key order, whatever the
// document's order (nlohmann's objects are sorted maps).
TEST(TraceStream, UnknownFieldsAreNamedInKeyOrder) {
  EXPECT_EQ(load_error(R"({"format": "kqsim-trace/1", "name": "t", "steps": [{"op": "kqueue", "as": "kq", "zz": 1, "ab": 2}]})"),
            "ab: unknown field @0");
  EXPECT_EQ(load_error(R"({"format": "kqsim-trace/1", "name": "t", "steps": [{"op": "kevent", "kq": "kq", "timeout": null,
      "changes": [{"ident": 1, "filter": "EVFILT_USER"}, {"ident": 1, "filter": "EVFILT_USER", "y": 1, "x": 2}]}]})"),
            "changes[1].x: unknown field @0");
}

// An object of many keys is looked up through a sorted index.
TEST(TraceStream, ManyKeysInOneObject) {
  std::string constants;
  for (int i = 0; i < 100; ++i) constants += (i == 0 ? "" : ", ") + ("\"k" + std::to_string(99 - i) + "\": " + std::to_string(i));
  const std::string text = R"({"format": "kqsim-trace/1", "name": "t", "constants": {)" + constants + R"(}, "steps": []})";
  TraceFile f(text);
  const Trace t = load_trace_file(f.path());
  ASSERT_EQ(t.constants.size(), 100U);
  EXPECT_EQ(t.constants.at("k0"), 99);
  EXPECT_EQ(t.constants.at("k99"), 0);
  EXPECT_EQ(load_error(R"({"format": "kqsim-trace/1", "name": "t", "constants": {)" + constants + R"(, "k5x": "no"}, "steps": []})"),
            "constants.k5x: expected an integer");
}

}  // namespace
}  // namespace kqsim::traces

namespace kqsim::traces {
namespace {

// What stream_trace_file hands over, as one trace (nullopt: it gave up).
std::optional<Trace> streamed_whole(const std::string& path) {
  Trace t;
  std::optional<StreamedTrace> out = stream_trace_file(path, {[&](const Trace& header) { t = header; },
                                                              [&](const Step& step) { t.steps.push_back(step); }});
  if (!out) return std::nullopt;
  EXPECT_EQ(out->steps, t.steps.size()) << path;
  Trace header = t;
  header.steps.clear();
  EXPECT_EQ(trace_to_json(out->header), trace_to_json(header)) << path;
  return t;
}

// A trace streamed step by step (kqreplay diff) reads what load_trace_file
// reads, or the stream gives up and the caller reads the file whole: it
// never hands over a trace load_trace_file would read otherwise, or refuse.
TEST(TraceStream, StreamedStepsAreTheLoadedSteps) {
  namespace fs = std::filesystem;
  const fs::path root = KQSIM_SOURCE_DIR;
  std::size_t files = 0;
  std::size_t streamed = 0;
  for (const char* dir : {"traces", "tests/cli/cases", "fuzz/regressions/trace"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      if (entry.path().extension() != ".json" || !entry.is_regular_file()) continue;
      const std::string path = entry.path().string();
      ++files;
      const std::optional<Trace> t = streamed_whole(path);
      if (!t) continue;
      ++streamed;
      EXPECT_EQ(trace_to_json(*t).dump(), outcome_text([&] { return load_trace_file(path); })) << path;
    }
  }
  EXPECT_GT(streamed, files / 2);
}

TEST(TraceStream, StreamGivesUpWhereTheWholeFileDecides) {
  const std::string head = R"({"format": "kqsim-trace/1", "name": "t", "steps": )";
  std::size_t seen = 0;
  auto stream = [&](const std::string& text) {
    TraceFile f(text);
    seen = 0;
    return stream_trace_file(f.path(), {[](const Trace&) {}, [&](const Step&) { ++seen; }}).has_value();
  };
  EXPECT_TRUE(stream(head + kSteps + "}"));
  EXPECT_EQ(seen, 2U);
  // A member after the steps: the header handed over may lack it.
  EXPECT_FALSE(stream(std::string(R"({"format": "kqsim-trace/1", "steps": )") + kSteps + R"(, "name": "t"})"));
  // An error in the last step, after the others were handed over.
  EXPECT_FALSE(stream(head + R"([{"op": "kqueue", "as": "kq"}, {"op": "nosuchop"}]})"));
  EXPECT_EQ(seen, 1U);
  EXPECT_FALSE(stream(head + R"([{"op": "kqueue", "as": "kq"}])"));  // malformed JSON
  EXPECT_FALSE(stream(head + R"([{"op": "kqueue", "as": "kq"}], "zz": 1})"));  // unknown field
  // The sink gives up.
  TraceFile f(head + kSteps + "}");
  EXPECT_FALSE(stream_trace_file(f.path(), {[](const Trace&) {}, [](const Step&) { throw StopStream{}; }}).has_value());
}

}  // namespace
}  // namespace kqsim::traces
