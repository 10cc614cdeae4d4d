#include "traces/socket_steps.hpp"

#include <array>
#include <climits>
#include <utility>

namespace kqsim::traces {
namespace {

using model::ShutdownHow;
using model::SocketOption;
using model::SocketType;

constexpr std::array<std::pair<const char*, SocketType>, 3> kTypes{{
    {"stream", SocketType::kStream}, {"dgram", SocketType::kDgram}, {"seqpacket", SocketType::kSeqpacket}}};
constexpr std::array<std::pair<const char*, ShutdownHow>, 3> kHows{{
    {"SHUT_RD", ShutdownHow::kRead}, {"SHUT_WR", ShutdownHow::kWrite}, {"SHUT_RDWR", ShutdownHow::kReadWrite}}};
constexpr std::array<std::pair<const char*, SocketOption>, 6> kOptions{{
    {"SO_RCVLOWAT", SocketOption::kRcvLowat}, {"SO_SNDLOWAT", SocketOption::kSndLowat},
    {"SO_RCVBUF", SocketOption::kRcvBuf},     {"SO_SNDBUF", SocketOption::kSndBuf},
    {"SO_LINGER", SocketOption::kLinger},     {"SO_NOSIGPIPE", SocketOption::kNoSigpipe}}};
// sockaddr_un.sun_path holds 104 bytes with its terminating NUL.
constexpr std::size_t kMaxNameBytes = 103;

template <typename Table>
auto one_of(FieldReader& r, const std::string& key, const Table& table, const char* allowed) {
  std::string v = r.string_required(key);
  for (const auto& [name, value] : table) {
    if (v == name) return value;
  }
  r.fail(key, "unknown value '" + v + "', expected one of " + allowed);
}

template <typename Table, typename Value>
const char* name_of(const Table& table, Value v) {
  for (const auto& [name, value] : table) {
    if (value == v) return name;
  }
  return "?";
}

std::string socket_name(FieldReader& r) {
  std::string name = r.string_required("name");
  if (name.empty() || name.size() > kMaxNameBytes) r.fail("name", "must be 1 to 103 bytes (sockaddr_un.sun_path)");
  if (name.find('\0') != std::string::npos) r.fail("name", "must not contain NUL");
  return name;
}

}  // namespace

bool is_socket_op(Op op) {
  return op == Op::kSocketpair || op == Op::kSocket || op == Op::kBind || op == Op::kListen || op == Op::kConnect ||
         op == Op::kAccept || op == Op::kShutdown || op == Op::kSetsockopt;
}

void parse_socket_fields(FieldReader& r, Step& s) {
  switch (s.op) {
    case Op::kSocketpair:
    case Op::kSocket:
      s.sock.type = one_of(r, "type", kTypes, "stream, dgram, seqpacket");
      s.nonblock = r.bool_or("nonblock", false);
      s.cloexec = r.bool_or("cloexec", false);
      s.as = r.names("as", s.op == Op::kSocketpair ? 2 : 1);
      break;
    case Op::kBind:
    case Op::kConnect: s.fd = r.ref("fd"); s.sock.name = socket_name(r); break;
    case Op::kListen:
      s.fd = r.ref("fd");
      if (!r.has("backlog")) r.fail("backlog", "missing");
      s.sock.backlog = static_cast<std::int32_t>(r.int_in_range("backlog", INT32_MIN, INT32_MAX, 0));
      break;
    case Op::kAccept: s.fd = r.ref("fd"); s.as = r.names("as", 1); break;
    case Op::kShutdown: s.fd = r.ref("fd"); s.sock.how = one_of(r, "how", kHows, "SHUT_RD, SHUT_WR, SHUT_RDWR"); break;
    case Op::kSetsockopt:
      s.fd = r.ref("fd");
      s.sock.option = one_of(r, "option", kOptions, "SO_RCVLOWAT, SO_SNDLOWAT, SO_RCVBUF, SO_SNDBUF, SO_LINGER, SO_NOSIGPIPE");
      if (!r.has("value")) r.fail("value", "missing");
      s.sock.value = r.int_in_range("value", INT32_MIN, INT32_MAX, 0);
      break;
    default: break;
  }
}

void socket_fields_to_json(const Step& s, nlohmann::json& out) {
  switch (s.op) {
    case Op::kSocketpair:
    case Op::kSocket:
      out["type"] = name_of(kTypes, s.sock.type);
      if (s.nonblock) out["nonblock"] = true;
      if (s.cloexec) out["cloexec"] = true;
      if (s.op == Op::kSocketpair) out["as"] = s.as;
      else out["as"] = s.as[0];
      break;
    case Op::kBind:
    case Op::kConnect: out["name"] = s.sock.name; break;
    case Op::kListen: out["backlog"] = s.sock.backlog; break;
    case Op::kAccept: out["as"] = s.as[0]; break;
    case Op::kShutdown: out["how"] = name_of(kHows, s.sock.how); break;
    case Op::kSetsockopt: out["option"] = name_of(kOptions, s.sock.option); out["value"] = s.sock.value; break;
    default: break;
  }
}

}  // namespace kqsim::traces
