// kqreplay diff runs each step as it is read (ReplayOptions::stream_steps).
// Where the whole file decides otherwise - a bad last step, a member after
// the steps, a port bound later - the hook is told to forget and the file is
// replayed whole: the report, and what the hook keeps, are the whole file's.
#include <gtest/gtest.h>

#include <string>

#include "tests/temp_trace_file.hpp"
#include "tools/replay/trace_runner.hpp"

namespace kqsim::replay {
namespace {

using TraceFile = kqsim::testing::TempTraceFile;

constexpr const char* kKqueue = R"({"op": "kqueue", "as": "kq", "observed": {"ret": 3}})";
// The model returns 0: a divergence.
constexpr const char* kWrongScan = R"({"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0}, "observed": {"ret": 1}})";

struct Seen {
  std::size_t steps = 0;  // the hook's calls, less what it was told to forget
  TraceReport report;
};

Seen replay(const std::string& text, bool stream) {
  TraceFile f(text);
  Seen seen;
  ReplayOptions options{std::nullopt, true, false, false, stream, [&] { seen.steps = 0; }};
  seen.report = replay_trace(f.path(), options, [&](const sim::Interpreter&, const sim::ModelBackend&,
                                                      const sim::StepOutcome&) { ++seen.steps; });
  return seen;
}

void expect_same_both_ways(const std::string& text) {
  const Seen whole = replay(text, false);
  const Seen streamed = replay(text, true);
  EXPECT_EQ(streamed.steps, whole.steps) << text;
  EXPECT_EQ(streamed.report.status, whole.report.status) << text;
  EXPECT_EQ(streamed.report.error, whole.report.error) << text;
  EXPECT_EQ(streamed.report.steps, whole.report.steps) << text;
  EXPECT_EQ(streamed.report.compared_steps, whole.report.compared_steps) << text;
  EXPECT_EQ(streamed.report.dialect, whole.report.dialect) << text;
}

const std::string kHead = R"({"format": "kqsim-trace/1", "name": "t", "steps": [)";

TEST(StreamedReplay, AGoodTraceStreams) {
  const Seen s = replay(kHead + kKqueue + ", " + kWrongScan + "]}", true);
  EXPECT_EQ(s.report.status, TraceStatus::kDivergent);
  EXPECT_EQ(s.steps, 2U);
  EXPECT_EQ(s.report.steps, 2U);
  EXPECT_TRUE(s.report.trace.steps.empty());  // none held
  expect_same_both_ways(kHead + kKqueue + ", " + kWrongScan + "]}");
}

TEST(StreamedReplay, ABadLastStepRunsNothing) {
  const std::string text = kHead + kKqueue + ", " + kWrongScan + R"(, {"op": "nosuchop"}]})";
  EXPECT_EQ(replay(text, true).steps, 0U);
  expect_same_both_ways(text);
  expect_same_both_ways(kHead + kKqueue + ", " + kWrongScan);  // malformed JSON
}

TEST(StreamedReplay, WhatTheWholeFileDecides) {
  // A dialect after the steps.
  expect_same_both_ways(std::string(R"({"format": "kqsim-trace/1", "name": "t", "steps": [)") + kKqueue + ", " +
                        kWrongScan + R"(], "dialect": "freebsd-13.2"})");
  // A name unbound at run time, then more steps.
  expect_same_both_ways(kHead + kKqueue + ", " + kWrongScan + R"(, {"op": "close", "fd": "nope"}, )" + kWrongScan + "]}");
  // An unknown dialect.
  expect_same_both_ways(std::string(R"({"format": "kqsim-trace/1", "name": "t", "dialect": "nope", "steps": [)") + kKqueue + "]}");
}

}  // namespace
}  // namespace kqsim::replay
