// The aio steps of the trace format: strict fields, names for opcodes,
// notifications and modes, NULL list entries, round trip.
#include <gtest/gtest.h>

#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

json with_step(const json& step) {
  return json{{"format", "kqsim-trace/1"}, {"name", "t"}, {"steps", json::array({step})}};
}

std::string bad_field(const char* step) {
  try {
    parse_trace(with_step(json::parse(step)), "x.json");
  } catch (const TraceError& e) {
    return e.field();
  }
  ADD_FAILURE() << "expected a TraceError for " << step;
  return "";
}

TEST(AioStepParse, ReadFields) {
  Trace t = parse_trace(with_step(json::parse(R"({"op": "aio_read", "aiocb": "cb", "fd": "f", "offset": 8, "bytes": 16,
      "sigevent": {"notify": "SIGEV_KEVENT", "kq": "kq", "flags": ["EV_ONESHOT"], "udata": 7}, "defer": true})")), "x.json");
  const AioArgs& a = *t.steps[0].aio;
  EXPECT_EQ(a.cb.aiocb->name(), "cb");
  EXPECT_EQ(a.cb.fd.name(), "f");
  EXPECT_EQ(a.cb.offset, 8);
  EXPECT_EQ(a.cb.bytes, 16);
  EXPECT_EQ(a.cb.sigevent.notify, 3);  // SIGEV_KEVENT in FreeBSD's sys/signal.h
  EXPECT_EQ(a.cb.sigevent.kq.name(), "kq");
  EXPECT_EQ(a.cb.sigevent.flags, 0x10);  // EV_ONESHOT
  EXPECT_EQ(a.cb.sigevent.udata, 7U);
  EXPECT_TRUE(a.cb.defer);
}

TEST(AioStepParse, BadFieldsNameTheField) {
  EXPECT_EQ(bad_field(R"({"op": "aio_read", "aiocb": "cb", "fd": "f"})"), "bytes");
  EXPECT_EQ(bad_field(R"({"op": "aio_read", "aiocb": "cb", "fd": "f", "bytes": -1})"), "bytes");
  EXPECT_EQ(bad_field(R"({"op": "aio_write", "fd": "f", "bytes": 1})"), "aiocb");
  EXPECT_EQ(bad_field(R"({"op": "aio_read", "aiocb": "cb", "fd": "f", "bytes": 1, "sigevent": {"notify": "SIGEV_KEVENT"}})"),
            "sigevent.kq");
  EXPECT_EQ(bad_field(R"({"op": "aio_read", "aiocb": "cb", "fd": "f", "bytes": 1, "sigevent": {"notify": "SIGEV_MAIL"}})"),
            "sigevent.notify");
  EXPECT_EQ(bad_field(R"({"op": "aio_read", "aiocb": "cb", "fd": "f", "bytes": 1, "sigevent": {"notify": "SIGEV_NONE", "kqueue": 3}})"),
            "sigevent.kqueue");
  EXPECT_EQ(bad_field(R"({"op": "aio_error"})"), "aiocb");
  EXPECT_EQ(bad_field(R"({"op": "aio_cancel", "aiocb": "cb"})"), "fd");
  EXPECT_EQ(bad_field(R"({"op": "lio_listio", "mode": "LIO_SOON", "list": "l", "entries": []})"), "mode");
  EXPECT_EQ(bad_field(R"({"op": "lio_listio", "mode": "LIO_WAIT", "list": "l"})"), "entries");
  EXPECT_EQ(bad_field(R"({"op": "lio_listio", "mode": "LIO_WAIT", "list": "l",
      "entries": [{"aiocb": "a", "fd": "f", "bytes": 1}]})"), "entries[0].opcode");
  EXPECT_EQ(bad_field(R"({"op": "lio_listio", "mode": "LIO_WAIT", "list": "l",
      "entries": [{"aiocb": "a", "opcode": "LIO_FLY", "fd": "f", "bytes": 1}]})"), "entries[0].opcode");
  EXPECT_EQ(bad_field(R"({"op": "lio_listio", "mode": "LIO_WAIT", "list": "l",
      "entries": [{"aiocb": "a", "opcode": "LIO_READ", "fd": "f", "bytes": 1, "extra": 1}]})"), "entries[0].extra");
}

TEST(AioStepParse, RoundTripThroughJson) {
  json steps = json::parse(R"([
    {"op": "aio_read", "aiocb": "a", "fd": "f", "offset": 0, "bytes": 4,
     "sigevent": {"notify": "SIGEV_KEVENT", "kq": "kq", "flags": ["EV_CLEAR"], "udata": 9}, "defer": true},
    {"op": "aio_write", "aiocb": 4096, "fd": 5, "offset": 2, "bytes": 1},
    {"op": "aio_error", "aiocb": "a"},
    {"op": "aio_return", "aiocb": "a"},
    {"op": "aio_cancel", "fd": "f"},
    {"op": "aio_cancel", "fd": "f", "aiocb": "a"},
    {"op": "aio_run"},
    {"op": "aio_run", "aiocb": "a"},
    {"op": "lio_listio", "mode": "LIO_NOWAIT", "list": "L",
     "entries": [{"aiocb": "b", "opcode": "LIO_WRITE", "fd": "f", "offset": 0, "bytes": 2}, null],
     "sigevent": {"notify": "SIGEV_KEVENT", "kq": "kq", "udata": 3}},
    {"op": "lio_listio", "mode": 7, "list": "M", "entries": [{"aiocb": "c", "opcode": 9, "fd": 3, "offset": 0, "bytes": 0,
     "sigevent": {"notify": 11}}]}])");
  json doc{{"format", "kqsim-trace/1"}, {"name", "t"}, {"dialect", "freebsd-main"}, {"steps", steps}};
  Trace t = parse_trace(doc, "x.json");
  EXPECT_FALSE(t.steps[8].aio->entries[1].aiocb.has_value());
  json again = trace_to_json(t);
  EXPECT_EQ(again["steps"], steps);
}

}  // namespace
}  // namespace kqsim::traces
