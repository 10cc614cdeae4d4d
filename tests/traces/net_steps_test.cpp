// The JSON of the steps added for loopback TCP, poll/select, recv/send,
// pause and utimes: strict fields and values, a lossless round trip, and
// the same steps accepted by the JSON Schema (tests/schema checks the
// corpus; this file's steps are in traces/conformance/tcp and poll).
#include <gtest/gtest.h>

#include "model/net_constants.hpp"
#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

json with_steps(const json& steps) { return json{{"format", "kqsim-trace/1"}, {"name", "t"}, {"steps", steps}}; }

json all_net_steps() {
  return json::parse(R"([
    {"op": "socket", "domain": "inet", "type": "stream", "as": "l"},
    {"op": "bind", "fd": "l", "port": 0},
    {"op": "listen", "fd": "l", "backlog": 2},
    {"op": "getsockname", "fd": "l"},
    {"op": "socket", "domain": "inet", "type": "stream", "nonblock": true, "as": "c"},
    {"op": "connect", "fd": "c", "port_of": "l"},
    {"op": "connect", "fd": "c", "port": 10000},
    {"op": "recv", "fd": "c", "bytes": 4, "flags": ["MSG_PEEK", "MSG_DONTWAIT"]},
    {"op": "send", "fd": "c", "bytes": 4, "flags": ["MSG_NOSIGNAL"]},
    {"op": "poll", "fd": "c", "events": ["POLLIN", "POLLRDNORM"], "timeout_ms": 5},
    {"op": "select", "fd": "c", "read": true, "except": true, "timeout_us": 7},
    {"op": "pause"},
    {"op": "utimes", "path": "tmp/f"}
  ])");
}

TraceError error_for(const json& steps) {
  try {
    parse_trace(with_steps(steps), "n.json");
  } catch (const TraceError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a TraceError";
  return TraceError("", std::nullopt, "", "");
}

TEST(NetSteps, AllParseAndRoundTrip) {
  Trace t = parse_trace(with_steps(all_net_steps()), "n.json");
  ASSERT_EQ(t.steps.size(), 13U);
  EXPECT_EQ(t.steps[0].sock->domain, model::SocketDomain::kInet);
  EXPECT_EQ(t.steps[1].sock->port, std::optional<std::uint16_t>(0));
  EXPECT_EQ(t.steps[5].sock->port_of, "l");
  EXPECT_EQ(t.steps[6].sock->port, std::optional<std::uint16_t>(10000));
  EXPECT_EQ(t.steps[7].sock->msg_flags, model::msgflag::kPeek | model::msgflag::kDontwait);
  EXPECT_EQ(t.steps[8].sock->msg_flags, model::msgflag::kNosignal);
  EXPECT_EQ(t.steps[9].sock->poll_events, model::pollbit::kIn | model::pollbit::kRdnorm);
  EXPECT_EQ(t.steps[9].sock->timeout, 5);
  EXPECT_EQ(t.steps[10].sock->select_sets, 1 | 4);
  EXPECT_EQ(t.steps[10].sock->timeout, 7);
  EXPECT_EQ(t.steps[11].op, Op::kPause);
  EXPECT_EQ(t.steps[12].vfs->op, model::VfsOp::kUtimes);
  EXPECT_EQ(trace_to_json(parse_trace(trace_to_json(t), "again.json"))["steps"], trace_to_json(t)["steps"]);
}

TEST(NetSteps, BadValuesNameStepAndField) {
  json steps = all_net_steps();
  steps[7]["flags"] = json::array({"MSG_PEK"});
  TraceError e = error_for(steps);
  EXPECT_EQ(e.step(), 7U);
  EXPECT_EQ(e.field(), "flags");
  steps = all_net_steps();
  steps[0]["domain"] = "inet6";
  EXPECT_EQ(error_for(steps).field(), "domain");
  steps = all_net_steps();
  steps[1]["port"] = 70000;
  EXPECT_EQ(error_for(steps).field(), "port");
  steps = all_net_steps();
  steps[10].erase("read");
  steps[10].erase("except");
  EXPECT_EQ(error_for(steps).field(), "read");
  steps = all_net_steps();
  steps[9]["events"] = "POLLIN";
  EXPECT_EQ(error_for(steps).field(), "events");
  steps = all_net_steps();
  steps[5]["name"] = "x.sock";
  EXPECT_EQ(error_for(steps).field(), "name");
}

}  // namespace
}  // namespace kqsim::traces
