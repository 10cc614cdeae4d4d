// The interpreter following a host's recording (diff, campaigns): names
// bound as the host bound them, descriptors compared by name, raw numbers
// translated, host-unsupported steps not played and what needs them skipped.
// Expected values below are what a host recorded (libkqueue's kqueue() is 5,
// issue 10), not the model's output.
#include <gtest/gtest.h>

#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::sim {
namespace {

using nlohmann::json;
using traces::DivergenceKind;

traces::Trace trace_of(const std::string& steps) {
  return traces::parse_trace(json::parse(R"({"format": "kqsim-trace/1", "name": "t", "steps": )" + steps + "}"), "t.json");
}

std::vector<StepOutcome> follow(const traces::Trace& t, bool raw_fds = false) {
  ModelBackend backend(model::default_profile());
  Interpreter interp(t, backend, InterpreterOptions{false, true, raw_fds});
  return interp.run();
}

std::vector<DivergenceKind> kinds(const StepOutcome& o) {
  std::vector<DivergenceKind> out;
  for (const traces::Divergence& d : o.divergences) out.push_back(d.kind);
  return out;
}

// A host whose kqueue() holds two internal descriptors first.
const char* kInternalFds = R"([
  {"op": "kqueue", "as": "kq", "observed": {"ret": 5}},
  {"op": "pipe", "as": ["r", "w"], "observed": {"ret": 0}},
  {"op": "close", "fd": 5, "observed": {"ret": 0}},
  {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0}, "observed": {"errno": "EBADF"}}])";

TEST(FollowHost, DescriptorsCompareByNameAndRawNumbersAreTranslated) {
  auto out = follow(trace_of(kInternalFds));
  for (const StepOutcome& o : out) EXPECT_TRUE(o.divergences.empty()) << o.step->index;
}

TEST(FollowHost, RawFdsComparesNumbers) {
  auto out = follow(trace_of(kInternalFds), /*raw_fds=*/true);
  EXPECT_EQ(kinds(out[0]), std::vector<DivergenceKind>{DivergenceKind::kRet});
}

// Every divergence is reported, not only the first: the run goes on.
TEST(FollowHost, EveryDivergenceIsReported) {
  auto out = follow(trace_of(R"([
    {"op": "pipe", "as": ["r", "w"], "observed": {"ret": 0}},
    {"op": "write", "fd": "w", "bytes": 3, "observed": {"ret": 2}},
    {"op": "read", "fd": "r", "bytes": 8, "observed": {"ret": 2}}])"));
  EXPECT_EQ(kinds(out[1]), std::vector<DivergenceKind>{DivergenceKind::kRet});
  EXPECT_EQ(kinds(out[2]), std::vector<DivergenceKind>{DivergenceKind::kRet});
}

// pdfork exists on FreeBSD only: the host recorded it as unsupported. It is
// not played on the model, and what needs its names is skipped, not an error.
TEST(FollowHost, HostUnsupportedStepIsNotPlayedAndDependentsAreSkipped) {
  auto out = follow(trace_of(R"([
    {"op": "kqueue", "as": "kq", "observed": {"ret": 3}},
    {"op": "pdfork", "as": ["child", "pd"], "observed": {"unsupported": "pdfork is not defined on this host"}},
    {"op": "kevent", "kq": "kq", "changes": [{"ident": "pd", "filter": "EVFILT_PROCDESC", "flags": ["EV_ADD"], "fflags": ["NOTE_EXIT"]}],
     "nevents": 0, "timeout": {"sec": 0, "nsec": 0}, "observed": {"ret": 0}},
    {"op": "exit", "proc": "child"},
    {"op": "pipe", "as": ["r", "w"], "observed": {"ret": 0}},
    {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0}, "observed": {"ret": 0}}])"));
  ASSERT_EQ(out.size(), 6U);
  EXPECT_TRUE(out[1].host_unsupported);
  EXPECT_EQ(kinds(out[1]), std::vector<DivergenceKind>{DivergenceKind::kUnsupported});
  ASSERT_TRUE(out[2].skipped.has_value());
  EXPECT_NE(out[2].skipped->find("'pd'"), std::string::npos);
  ASSERT_TRUE(out[3].skipped.has_value());
  EXPECT_FALSE(out[4].skipped.has_value());
  // The model never forked: no process, no descriptor at 4 taken by pd.
  EXPECT_TRUE(out[5].divergences.empty());
}

// A call that failed on the host leaves -1 in the name, as a C variable
// would, so later uses fail with EBADF on both sides.
TEST(FollowHost, HostFailureBindsMinusOne) {
  auto out = follow(trace_of(R"([
    {"op": "kqueue", "as": "kq", "observed": {"errno": "EMFILE"}},
    {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0}, "observed": {"errno": "EBADF"}}])"));
  EXPECT_EQ(kinds(out[0]), (std::vector<DivergenceKind>{DivergenceKind::kErrno, DivergenceKind::kRet}));
  EXPECT_TRUE(out[1].divergences.empty());
}

// The host returned where the model would wait forever: a divergence, not bad input.
TEST(FollowHost, ModelBlockingWhereHostReturnedIsAHang) {
  auto out = follow(trace_of(R"([
    {"op": "kqueue", "as": "kq", "observed": {"ret": 3}},
    {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": null, "observed": {"ret": 0}}])"));
  EXPECT_EQ(kinds(out[1]), std::vector<DivergenceKind>{DivergenceKind::kHang});
}

// The event the model returns and the recording lacks is the recording's
// (the implementation's) missing event.
TEST(FollowHost, CategoriesNameWhatTheImplementationDid) {
  auto out = follow(trace_of(R"([
    {"op": "kqueue", "as": "kq", "observed": {"ret": 3}},
    {"op": "pipe", "as": ["r", "w"], "observed": {"ret": 0}},
    {"op": "write", "fd": "w", "bytes": 1, "observed": {"ret": 1}},
    {"op": "kevent", "kq": "kq", "changes": [{"ident": "r", "filter": "EVFILT_READ", "flags": ["EV_ADD"]}],
     "nevents": 1, "timeout": {"sec": 0, "nsec": 0}, "observed": {"ret": 0}}])"));
  EXPECT_EQ(kinds(out[3]), (std::vector<DivergenceKind>{DivergenceKind::kRet, DivergenceKind::kMissingEvent}));
}

// A crash recorded by the host ends the run there.
TEST(FollowHost, HostCrashIsADivergenceAndEndsTheRun) {
  auto out = follow(trace_of(R"([
    {"op": "kqueue", "as": "kq", "observed": {"ret": 3}},
    {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0}, "observed": {"crash": "SIGSEGV"}},
    {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0}}])"));
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(kinds(out[1]), std::vector<DivergenceKind>{DivergenceKind::kCrash});
}

// Ephemeral ports compared as names (sim/port_names.hpp): a FreeBSD host
// picks them at random (ports as a 15.1 guest returned them), the model
// counts from 10000. Two listeners: each host port stands for one model port.
const char* kTwoListeners = R"([
  {"op": "socket", "domain": "inet", "type": "stream", "as": "a", "observed": {"ret": 3}},
  {"op": "listen", "fd": "a", "backlog": 1, "observed": {"ret": 0}},
  {"op": "socket", "domain": "inet", "type": "stream", "as": "b", "observed": {"ret": 4}},
  {"op": "listen", "fd": "b", "backlog": 1, "observed": {"ret": 0}},
  {"op": "getsockname", "fd": "a", "observed": {"ret": %A%}},
  {"op": "getsockname", "fd": "b", "observed": {"ret": %B%}},
  {"op": "getsockname", "fd": "a", "observed": {"ret": %A2%}}])";

std::string two_listeners(const std::string& a, const std::string& b, const std::string& a2) {
  std::string s = kTwoListeners;
  auto put = [&](const std::string& key, const std::string& v) { s.replace(s.find(key), key.size(), v); };
  put("%A2%", a2);
  put("%A%", a);
  put("%B%", b);
  return s;
}

TEST(FollowHost, EphemeralPortsCompareAsNames) {
  auto out = follow(trace_of(two_listeners("52113", "40001", "52113")));
  for (const StepOutcome& o : out) EXPECT_TRUE(o.divergences.empty()) << o.step->index;
}

TEST(FollowHost, PortNamesMustStayConsistent) {
  // a's port changed between two calls: the second is compared as a number.
  auto out = follow(trace_of(two_listeners("52113", "40001", "40001")));
  EXPECT_TRUE(out[4].divergences.empty());
  EXPECT_TRUE(out[5].divergences.empty());
  EXPECT_EQ(kinds(out[6]), std::vector<DivergenceKind>{DivergenceKind::kRet});
  // Two sockets on one port where the model has two ports.
  out = follow(trace_of(two_listeners("52113", "52113", "52113")));
  EXPECT_EQ(kinds(out[5]), std::vector<DivergenceKind>{DivergenceKind::kRet});
}

TEST(FollowHost, PortOutsideTheEphemeralRangeIsANumber) {
  auto out = follow(trace_of(two_listeners("80", "40001", "80")));
  EXPECT_EQ(kinds(out[4]), std::vector<DivergenceKind>{DivergenceKind::kRet});
}

TEST(FollowHost, ExplicitlyBoundPortIsANumber) {
  auto out = follow(trace_of(R"([
    {"op": "socket", "domain": "inet", "type": "stream", "as": "a", "observed": {"ret": 3}},
    {"op": "bind", "fd": "a", "port": 12345, "observed": {"ret": 0}},
    {"op": "getsockname", "fd": "a", "observed": {"ret": 12346}}])"));
  EXPECT_EQ(kinds(out[2]), std::vector<DivergenceKind>{DivergenceKind::kRet});
}

}  // namespace
}  // namespace kqsim::sim
