// The file-system steps of the trace format: strict fields, paths kept
// inside the scratch directory, names for flags and whence, round trip.
#include <gtest/gtest.h>

#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

json with_step(const json& step) {
  return json{{"format", "kqsim-trace/1"}, {"name", "t"}, {"steps", json::array({step})}};
}

TraceError error_for(const json& step) {
  try {
    parse_trace(with_step(step), "x.json");
  } catch (const TraceError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a TraceError for " << step.dump();
  return TraceError("", std::nullopt, "", "");
}

TEST(VfsStepParse, OpenFields) {
  Trace t = parse_trace(with_step(json::parse(
      R"({"op": "open", "path": "d/f", "flags": ["O_WRONLY", "O_CREAT", "O_APPEND"], "mode": "0600", "as": "f"})")), "x.json");
  const model::VfsCall& c = *t.steps[0].vfs;
  EXPECT_EQ(c.op, model::VfsOp::kOpen);
  EXPECT_EQ(c.path, "d/f");
  EXPECT_EQ(c.flags, 0x1U | 0x200U | 0x8U);  // FreeBSD sys/fcntl.h values
  EXPECT_EQ(c.mode, 0600U);
  EXPECT_EQ(t.steps[0].as, std::vector<std::string>{"f"});
}

TEST(VfsStepParse, BadFieldsNameTheField) {
  EXPECT_EQ(error_for(json::parse(R"({"op": "open", "path": "f", "flags": ["O_RDWR", "O_SYNC"], "as": "f"})")).field(), "flags[1]");
  EXPECT_EQ(error_for(json::parse(R"({"op": "open", "path": "f", "as": "f"})")).field(), "flags");
  EXPECT_EQ(error_for(json::parse(R"({"op": "open", "path": "f", "flags": ["O_WRONLY", "O_RDWR"], "as": "f"})")).field(), "flags");
  EXPECT_EQ(error_for(json::parse(R"({"op": "mkdir", "path": "/etc/x"})")).field(), "path");
  EXPECT_EQ(error_for(json::parse(R"({"op": "mkdir", "path": "a/../../x"})")).field(), "path");
  EXPECT_EQ(error_for(json::parse(R"({"op": "unlink", "path": "a b"})")).field(), "path");
  EXPECT_EQ(error_for(json::parse(R"({"op": "chmod", "path": "f", "mode": "0999"})")).field(), "mode");
  EXPECT_EQ(error_for(json::parse(R"({"op": "chmod", "path": "f"})")).field(), "mode");
  EXPECT_EQ(error_for(json::parse(R"({"op": "lseek", "fd": "f", "offset": 0, "whence": "SEEK_DATA"})")).field(), "whence");
  EXPECT_EQ(error_for(json::parse(R"({"op": "rename", "from": "a", "dest": "b"})")).field(), "to");
  EXPECT_EQ(error_for(json::parse(R"({"op": "truncate", "path": "f", "length": 1, "size": 2})")).field(), "size");
}

TEST(VfsStepParse, RoundTripThroughJson) {
  json steps = json::parse(R"([
    {"op": "mkdir", "path": "d", "mode": "0755"},
    {"op": "mkfifo", "path": "d/p", "mode": "0644"},
    {"op": "open", "path": "d/f", "flags": ["O_RDWR", "O_CREAT"], "mode": "0644", "as": "f"},
    {"op": "link", "from": "d/f", "to": "d/g"},
    {"op": "rename", "from": "d/g", "to": "h"},
    {"op": "chmod", "path": "h", "mode": "0600"},
    {"op": "truncate", "path": "h", "length": 3},
    {"op": "ftruncate", "fd": "f", "length": 4},
    {"op": "lseek", "fd": "f", "offset": -1, "whence": "SEEK_END"},
    {"op": "unlink", "path": "h"},
    {"op": "rmdir", "path": "d"}])");
  json doc{{"format", "kqsim-trace/1"}, {"name", "t"}, {"dialect", "freebsd-main"}, {"steps", steps}};
  Trace t = parse_trace(doc, "x.json");
  json again = trace_to_json(t);
  EXPECT_EQ(again["steps"], steps);
}

}  // namespace
}  // namespace kqsim::traces
