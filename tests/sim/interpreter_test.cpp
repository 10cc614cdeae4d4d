// The step interpreter: name binding, processes, comparisons, and the
// errors for steps that cannot run.
#include <gtest/gtest.h>

#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::sim {
namespace {

using nlohmann::json;

traces::Trace trace_of(const std::string& steps) {
  return traces::parse_trace(json::parse(R"({"format": "kqsim-trace/1", "name": "t", "steps": )" + steps + "}"), "t.json");
}

std::vector<StepOutcome> run(const traces::Trace& t) {
  ModelBackend backend(model::default_profile());
  Interpreter interp(t, backend);
  return interp.run();
}

TEST(Interpreter, BindsNamesAndCompares) {
  traces::Trace t = trace_of(R"([
    {"op": "kqueue", "as": "kq", "observed": {"ret": 3}},
    {"op": "pipe", "as": ["r", "w"], "nonblock": true},
    {"op": "write", "fd": "w", "bytes": 3, "observed": {"ret": 3}},
    {"op": "kevent", "kq": "kq", "changes": [{"ident": "r", "filter": "EVFILT_READ", "flags": ["EV_ADD"], "udata": 5}],
     "nevents": 4, "timeout": {"sec": 0, "nsec": 0},
     "observed": {"ret": 1, "events": [{"ident": "r", "filter": "EVFILT_READ", "data": 3, "udata": 5}]}}])");
  auto out = run(t);
  ASSERT_EQ(out.size(), 4U);
  for (const StepOutcome& o : out) EXPECT_TRUE(o.divergences.empty());
  EXPECT_FALSE(out[1].compared);
}

TEST(Interpreter, ReportsDivergence) {
  traces::Trace t = trace_of(R"([
    {"op": "kqueue", "as": "kq"},
    {"op": "kevent", "kq": "kq", "changes": [{"ident": 1, "filter": "EVFILT_USER", "flags": ["EV_DELETE"]}],
     "nevents": 0, "timeout": {"sec": 0, "nsec": 0}, "observed": {"ret": 0}}])");
  auto out = run(t);
  ASSERT_EQ(out[1].divergences.size(), 2U);
  EXPECT_EQ(out[1].divergences[0].kind, traces::DivergenceKind::kErrno);
}

TEST(Interpreter, ChildInheritsNames) {
  traces::Trace t = trace_of(R"([
    {"op": "kqueue", "as": "kq"},
    {"op": "fork", "as": "child"},
    {"op": "kevent", "proc": "child", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0},
     "observed": {"errno": "EBADF"}}])");
  auto out = run(t);
  EXPECT_TRUE(out[2].divergences.empty());
}

void expect_trace_error(const std::string& steps, std::size_t step, const std::string& field) {
  traces::Trace t = trace_of(steps);
  try {
    run(t);
    ADD_FAILURE() << "expected a TraceError";
  } catch (const traces::TraceError& e) {
    EXPECT_EQ(e.step(), step);
    EXPECT_EQ(e.field(), field) << e.what();
  }
}

TEST(Interpreter, StepErrors) {
  expect_trace_error(R"([{"op": "close", "fd": "nope"}])", 0, "fd");
  expect_trace_error(R"([{"op": "close", "proc": "ghost", "fd": 3}])", 0, "proc");
  expect_trace_error(R"([{"op": "kqueue", "as": "kq"},
                         {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": null}])", 1, "op");
  expect_trace_error(R"([{"op": "pipe", "as": ["r", "w"]}, {"op": "read", "fd": "r", "bytes": 1}])", 1, "op");
  expect_trace_error(R"([{"op": "fork", "as": "c"}, {"op": "exit", "proc": "c"}, {"op": "close", "proc": "c", "fd": 0}])",
                     2, "proc");
}

TEST(Interpreter, UnsupportedFilterIsNamed) {
  traces::Trace t = trace_of(R"([{"op": "kqueue", "as": "kq"},
    {"op": "kevent", "kq": "kq", "changes": [{"ident": 30, "filter": "EVFILT_FS", "flags": ["EV_ADD"]}],
     "nevents": 0, "timeout": {"sec": 0, "nsec": 0}}])");
  try {
    run(t);
    ADD_FAILURE() << "expected UnsupportedStep";
  } catch (const UnsupportedStep& e) {
    EXPECT_NE(std::string(e.what()).find("EVFILT_FS"), std::string::npos);
  }
}

}  // namespace
}  // namespace kqsim::sim
