// The trace format's parser: every bad input is one TraceError naming file,
// step and field.
#include <gtest/gtest.h>

#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

json minimal() {
  return json::parse(R"({
    "format": "kqsim-trace/1", "name": "t",
    "steps": [
      {"op": "kqueue", "as": "kq"},
      {"op": "kevent", "kq": "kq", "changes": [{"ident": 1, "filter": "EVFILT_USER", "flags": ["EV_ADD"]}],
       "nevents": 1, "timeout": {"sec": 0, "nsec": 0},
       "observed": {"ret": 0}}
    ]})");
}

TraceError error_for(const json& doc) {
  try {
    parse_trace(doc, "x.json");
  } catch (const TraceError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a TraceError";
  return TraceError("", std::nullopt, "", "");
}

TEST(TraceParse, MinimalTraceParses) {
  Trace t = parse_trace(minimal(), "x.json");
  ASSERT_EQ(t.steps.size(), 2U);
  EXPECT_EQ(t.dialect, "freebsd-main");
  EXPECT_EQ(t.steps[1].changes[0].filter, -11);
  EXPECT_EQ(t.steps[1].changes[0].flags, 0x1);
  EXPECT_TRUE(t.steps[1].observed.has_value());
}

TEST(TraceParse, UnknownFlagNamesStepAndField) {
  json doc = minimal();
  doc["steps"][1]["changes"][0]["flags"] = {"EV_ADD", "EV_ADDD"};
  TraceError e = error_for(doc);
  EXPECT_EQ(e.file(), "x.json");
  EXPECT_EQ(e.step(), 1U);
  EXPECT_EQ(e.field(), "changes[0].flags[1]");
  EXPECT_NE(std::string(e.what()).find("EV_ADDD"), std::string::npos);
}

TEST(TraceParse, CrashAndHangObservationsRoundTrip) {
  json doc = minimal();
  doc["steps"][1]["observed"] = {{"crash", "SIGSEGV"}};
  doc["host"] = {{"os", "Linux"}, {"release", "6.1"}, {"kqueue", "libkqueue 2.7.0"}};
  Trace t = parse_trace(doc, "x.json");
  EXPECT_EQ(t.steps[1].observed->crash, "SIGSEGV");
  EXPECT_EQ(t.host->kqueue, "libkqueue 2.7.0");
  json back = trace_to_json(t);
  EXPECT_EQ(back["steps"][1]["observed"], json({{"crash", "SIGSEGV"}}));
  EXPECT_EQ(back["host"]["kqueue"], "libkqueue 2.7.0");
  doc["steps"][1]["observed"] = {{"hang", "no reply within 5000 ms"}};
  EXPECT_EQ(*parse_trace(doc, "x.json").steps[1].observed->hang, "no reply within 5000 ms");
  doc["steps"][1]["observed"] = {{"crash", "segfault"}};
  EXPECT_EQ(error_for(doc).field(), "observed.crash");
}

TEST(TraceParse, UnknownOp) {
  json doc = minimal();
  doc["steps"][0]["op"] = "kqueu";
  TraceError e = error_for(doc);
  EXPECT_EQ(e.step(), 0U);
  EXPECT_EQ(e.field(), "op");
}

TEST(TraceParse, UnknownFieldIsRejected) {
  json doc = minimal();
  doc["steps"][1]["obsreved"] = json::object();
  EXPECT_EQ(error_for(doc).field(), "obsreved");
}

TEST(TraceParse, TimeoutIsRequiredForKevent) {
  json doc = minimal();
  doc["steps"][1].erase("timeout");
  EXPECT_EQ(error_for(doc).field(), "timeout");
}

TEST(TraceParse, WrongTypes) {
  json doc = minimal();
  doc["steps"][1]["nevents"] = "8";
  EXPECT_EQ(error_for(doc).field(), "nevents");
  doc = minimal();
  doc["steps"][1]["observed"]["errno"] = "ENOSUCH";
  EXPECT_EQ(error_for(doc).field(), "observed.errno");
  doc = minimal();
  doc["format"] = "kqsim-trace/9";
  EXPECT_EQ(error_for(doc).field(), "format");
  EXPECT_FALSE(error_for(doc).step().has_value());
}

TEST(TraceParse, RangesAndOrder) {
  json doc = minimal();
  doc["steps"][1]["observed"] = json::parse(R"({"ret": {"min": 1, "max": 2}, "order": "any",
      "events": [{"ident": 1, "filter": "EVFILT_USER", "data": {"min": 5, "max": 6}}]})");
  Trace t = parse_trace(doc, "x.json");
  const Observed& o = *t.steps[1].observed;
  EXPECT_EQ(o.order, EventOrder::kAny);
  EXPECT_TRUE(o.events[0].data.in_range(6));
  EXPECT_FALSE(o.events[0].data.in_range(7));
  doc["steps"][1]["observed"]["ret"] = json::parse(R"({"min": 3, "max": 2})");
  EXPECT_EQ(error_for(doc).field(), "observed.ret");
}

TEST(TraceParse, MalformedJsonFile) {
  EXPECT_THROW(load_trace_file("/nonexistent/trace.json"), TraceError);
}

TEST(TraceParse, RoundTripThroughJson) {
  Trace t = parse_trace(minimal(), "x.json");
  Trace again = parse_trace(trace_to_json(t), "y.json");
  ASSERT_EQ(again.steps.size(), t.steps.size());
  EXPECT_EQ(again.steps[1].changes[0].flags, t.steps[1].changes[0].flags);
  EXPECT_EQ(again.steps[1].timeout->sec, 0);
}

}  // namespace
}  // namespace kqsim::traces
