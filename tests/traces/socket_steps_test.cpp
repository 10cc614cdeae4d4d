// The socket steps' JSON: strict fields and values, and a lossless round trip.
#include <gtest/gtest.h>

#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

json with_steps(const json& steps) {
  return json{{"format", "kqsim-trace/1"}, {"name", "t"}, {"steps", steps}};
}

json all_socket_steps() {
  return json::parse(R"([
    {"op": "socketpair", "type": "dgram", "nonblock": true, "as": ["a", "b"]},
    {"op": "socket", "type": "stream", "cloexec": true, "as": "s"},
    {"op": "bind", "fd": "s", "name": "srv.sock"},
    {"op": "listen", "fd": "s", "backlog": 3},
    {"op": "connect", "fd": "a", "name": "srv.sock"},
    {"op": "accept", "fd": "s", "as": "c"},
    {"op": "shutdown", "fd": "c", "how": "SHUT_WR"},
    {"op": "setsockopt", "fd": "c", "option": "SO_RCVLOWAT", "value": 7}
  ])");
}

TraceError error_for(const json& steps) {
  try {
    parse_trace(with_steps(steps), "s.json");
  } catch (const TraceError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a TraceError";
  return TraceError("", std::nullopt, "", "");
}

TEST(SocketSteps, AllParseAndRoundTrip) {
  Trace t = parse_trace(with_steps(all_socket_steps()), "s.json");
  ASSERT_EQ(t.steps.size(), 8U);
  EXPECT_EQ(t.steps[0].sock->type, model::SocketType::kDgram);
  EXPECT_TRUE(t.steps[0].nonblock);
  EXPECT_EQ(t.steps[3].sock->backlog, 3);
  EXPECT_EQ(t.steps[4].sock->name, "srv.sock");
  EXPECT_EQ(t.steps[6].sock->how, model::ShutdownHow::kWrite);
  EXPECT_EQ(t.steps[7].sock->option, model::SocketOption::kRcvLowat);
  EXPECT_EQ(t.steps[7].sock->value, 7);
  EXPECT_EQ(trace_to_json(parse_trace(trace_to_json(t), "again.json"))["steps"], trace_to_json(t)["steps"]);
}

TEST(SocketSteps, UnknownValuesNameStepAndField) {
  json steps = all_socket_steps();
  steps[0]["type"] = "raw";
  TraceError e = error_for(steps);
  EXPECT_EQ(e.step(), 0U);
  EXPECT_EQ(e.field(), "type");
  steps = all_socket_steps();
  steps[6]["how"] = "SHUT_BOTH";
  EXPECT_EQ(error_for(steps).field(), "how");
  steps = all_socket_steps();
  steps[7]["option"] = "SO_REUSEPORT";
  EXPECT_EQ(error_for(steps).field(), "option");
}

TEST(SocketSteps, MissingAndExtraFields) {
  json steps = all_socket_steps();
  steps[3].erase("backlog");
  EXPECT_EQ(error_for(steps).field(), "backlog");
  steps = all_socket_steps();
  steps[2]["backlog"] = 1;
  EXPECT_EQ(error_for(steps).field(), "backlog");
  steps = all_socket_steps();
  steps[2]["name"] = "";
  EXPECT_EQ(error_for(steps).field(), "name");
  steps = all_socket_steps();
  steps[2]["name"] = std::string(104, 'x');
  EXPECT_EQ(error_for(steps).field(), "name");
  steps = all_socket_steps();
  steps[0]["as"] = "a";
  EXPECT_EQ(error_for(steps).field(), "as");
}

}  // namespace
}  // namespace kqsim::traces
