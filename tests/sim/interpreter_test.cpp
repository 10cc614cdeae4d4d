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

// open binds its name like any descriptor-creating call; ftruncate and
// lseek resolve theirs; a failed open binds -1 (EBADF afterwards).
TEST(Interpreter, FileSystemStepsBindAndResolveNames) {
  traces::Trace t = trace_of(R"([
    {"op": "open", "path": "f", "flags": ["O_RDWR", "O_CREAT"], "as": "f", "observed": {"ret": 3}},
    {"op": "write", "fd": "f", "bytes": 8, "observed": {"ret": 8}},
    {"op": "ftruncate", "fd": "f", "length": 5, "observed": {"ret": 0}},
    {"op": "lseek", "fd": "f", "offset": 0, "whence": "SEEK_END", "observed": {"ret": 5}},
    {"op": "open", "path": "missing", "flags": ["O_RDONLY"], "as": "m", "observed": {"errno": "ENOENT"}},
    {"op": "lseek", "fd": "m", "offset": 0, "whence": "SEEK_SET", "observed": {"errno": "EBADF"}}])");
  auto out = run(t);
  ASSERT_EQ(out.size(), 6U);
  for (const StepOutcome& o : out) EXPECT_TRUE(o.divergences.empty()) << o.step->index;
}

// A blocking FIFO open with no peer is a step the model cannot make.
TEST(Interpreter, BlockingFifoOpenIsUnsupported) {
  traces::Trace t = trace_of(R"([
    {"op": "mkfifo", "path": "p"},
    {"op": "open", "path": "p", "flags": ["O_RDONLY"], "as": "r"}])");
  EXPECT_THROW(run(t), UnsupportedStep);
}

// aiocb names get fixed fake addresses in order of first mention, the same
// in every process; expected EVFILT_AIO/LIO idents are written by name and
// observations name them back.
TEST(Interpreter, AiocbNamesAreStableAddresses) {
  traces::Trace t = trace_of(R"([
    {"op": "kqueue", "as": "kq"},
    {"op": "open", "path": "f", "flags": ["O_RDWR", "O_CREAT"], "as": "f"},
    {"op": "aio_write", "aiocb": "first", "fd": "f", "bytes": 1},
    {"op": "aio_write", "aiocb": "second", "fd": "f", "bytes": 2,
     "sigevent": {"notify": "SIGEV_KEVENT", "kq": "kq", "udata": 4}},
    {"op": "kevent", "kq": "kq", "nevents": 4, "timeout": {"sec": 0, "nsec": 0},
     "observed": {"ret": 1, "events": [{"ident": "second", "filter": "EVFILT_AIO", "flags": ["EV_EOF"], "udata": 4}]}}])");
  ModelBackend backend(model::default_profile());
  Interpreter interp(t, backend);
  auto out = interp.run();
  for (const StepOutcome& o : out) EXPECT_TRUE(o.divergences.empty());
  ASSERT_EQ(out[4].actual.events.size(), 1U);
  EXPECT_EQ(out[4].actual.events[0].ident, Interpreter::kAiocbBase + Interpreter::kAiocbStride);
  EXPECT_EQ(interp.aiocb_name(Interpreter::kAiocbBase), "first");
  EXPECT_EQ(interp.to_observed(out[4]).events[0].ident.name(), "second");
}

// An expected aio ident must name an aiocb the trace submitted.
TEST(Interpreter, UnknownAiocbInExpectationIsATraceError) {
  traces::Trace t = trace_of(R"([
    {"op": "kqueue", "as": "kq"},
    {"op": "kevent", "kq": "kq", "nevents": 4, "timeout": {"sec": 0, "nsec": 0},
     "observed": {"ret": 1, "events": [{"ident": "nobody", "filter": "EVFILT_AIO"}]}}])");
  EXPECT_THROW(run(t), traces::TraceError);
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

// A process a signal ended is seen as ended at its next step: the
// interpreter asks the backend about every process after a call that
// ended one (ModelBackend::exits), and after no other.
TEST(Interpreter, AProcessASignalEndedCannotMakeAStep) {
  expect_trace_error(R"([{"op": "fork", "as": "c1"}, {"op": "fork", "as": "c2"},
                         {"op": "kqueue", "proc": "c1", "as": "kq1"},
                         {"op": "kill", "target": "c2", "signal": "SIGTERM"},
                         {"op": "kqueue", "proc": "c1", "as": "kq2"},
                         {"op": "kqueue", "proc": "c2", "as": "kq3"}])",
                     5, "proc");
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
