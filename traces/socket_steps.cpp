#include "traces/socket_steps.hpp"

#include <array>
#include <climits>
#include <utility>

#include "model/net_constants.hpp"

namespace kqsim::traces {
namespace {

using model::ShutdownHow;
using model::SocketOption;
using model::SocketType;

constexpr std::array<std::pair<const char*, SocketType>, 3> kTypes{{
    {"stream", SocketType::kStream}, {"dgram", SocketType::kDgram}, {"seqpacket", SocketType::kSeqpacket}}};
constexpr std::array<std::pair<const char*, ShutdownHow>, 3> kHows{{
    {"SHUT_RD", ShutdownHow::kRead}, {"SHUT_WR", ShutdownHow::kWrite}, {"SHUT_RDWR", ShutdownHow::kReadWrite}}};
constexpr std::array<std::pair<const char*, SocketOption>, 7> kOptions{{
    {"SO_RCVLOWAT", SocketOption::kRcvLowat}, {"SO_SNDLOWAT", SocketOption::kSndLowat},
    {"SO_RCVBUF", SocketOption::kRcvBuf},     {"SO_SNDBUF", SocketOption::kSndBuf},
    {"SO_LINGER", SocketOption::kLinger},     {"SO_NOSIGPIPE", SocketOption::kNoSigpipe},
    {"SO_REUSEADDR", SocketOption::kReuseAddr}}};
constexpr std::array<std::pair<const char*, std::uint32_t>, 5> kMsgFlags{{
    {"MSG_OOB", model::msgflag::kOob}, {"MSG_PEEK", model::msgflag::kPeek}, {"MSG_WAITALL", model::msgflag::kWaitall},
    {"MSG_DONTWAIT", model::msgflag::kDontwait}, {"MSG_NOSIGNAL", model::msgflag::kNosignal}}};
constexpr std::array<std::pair<const char*, std::int16_t>, 11> kPollBits{{
    {"POLLIN", model::pollbit::kIn}, {"POLLPRI", model::pollbit::kPri}, {"POLLOUT", model::pollbit::kOut},
    {"POLLERR", model::pollbit::kErr}, {"POLLHUP", model::pollbit::kHup}, {"POLLNVAL", model::pollbit::kNval},
    {"POLLRDNORM", model::pollbit::kRdnorm}, {"POLLRDBAND", model::pollbit::kRdband},
    {"POLLWRBAND", model::pollbit::kWrband}, {"POLLINIGNEOF", model::pollbit::kIgnEof},
    {"POLLRDHUP", model::pollbit::kRdhup}}};
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

template <typename Table>
auto bits_of(FieldReader& r, const std::string& key, const Table& table) {
  decltype(table[0].second) bits = 0;
  for (const std::string& name : r.strings_or_empty(key)) {
    bool found = false;
    for (const auto& [n, v] : table) {
      if (name == n) {
        bits = static_cast<decltype(bits)>(bits | v);
        found = true;
      }
    }
    if (!found) {
      std::string known;
      for (const auto& [n, v] : table) known += std::string(known.empty() ? "" : ", ") + n;
      r.fail(key, "unknown name '" + name + "', expected some of " + known);
    }
  }
  return bits;
}

template <typename Table, typename Bits>
nlohmann::json bits_to_json(const Table& table, Bits bits) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [n, v] : table) {
    if ((bits & v) == v) out.push_back(n);
  }
  return out;
}

// bind/connect: a path (AF_UNIX) or a port on 127.0.0.1 (AF_INET).
void parse_address(FieldReader& r, Step& s) {
  if (r.has("port") || (s.op == Op::kConnect && r.has("port_of"))) {
    if (r.has("name")) r.fail("name", "give either a name (AF_UNIX) or a port (AF_INET), not both");
    if (r.has("port")) s.sock->port = static_cast<std::uint16_t>(r.int_in_range("port", 0, 65535, 0));
    if (s.op == Op::kConnect && r.has("port_of")) {
      if (s.sock->port) r.fail("port_of", "give either port or port_of");
      s.sock->port_of = r.string_required("port_of");
    }
    return;
  }
  s.sock->name = socket_name(r);
}

}  // namespace

bool is_socket_op(Op op) {
  return op == Op::kSocketpair || op == Op::kSocket || op == Op::kBind || op == Op::kListen || op == Op::kConnect ||
         op == Op::kAccept || op == Op::kShutdown || op == Op::kSetsockopt || op == Op::kGetsockname ||
         op == Op::kRecv || op == Op::kSend || op == Op::kPoll || op == Op::kSelect || op == Op::kPause;
}

void parse_socket_fields(FieldReader& r, Step& s) {
  switch (s.op) {
    case Op::kSocketpair:
    case Op::kSocket:
      s.sock->type = one_of(r, "type", kTypes, "stream, dgram, seqpacket");
      if (s.op == Op::kSocket && r.has("domain")) {
        std::string d = r.string_required("domain");
        if (d != "unix" && d != "inet") r.fail("domain", "unknown value '" + d + "', expected unix or inet");
        s.sock->domain = d == "inet" ? model::SocketDomain::kInet : model::SocketDomain::kUnix;
      }
      s.nonblock = r.bool_or("nonblock", false);
      s.cloexec = r.bool_or("cloexec", false);
      s.as = r.names("as", s.op == Op::kSocketpair ? 2 : 1);
      break;
    case Op::kBind:
    case Op::kConnect: s.fd = r.ref("fd"); parse_address(r, s); break;
    case Op::kGetsockname: s.fd = r.ref("fd"); break;
    case Op::kRecv:
    case Op::kSend:
      s.fd = r.ref("fd");
      if (!r.has("bytes")) r.fail("bytes", "missing");
      s.bytes = r.int_in_range("bytes", 0, kMaxTransferBytes, 0);
      s.sock->msg_flags = bits_of(r, "flags", kMsgFlags);
      break;
    case Op::kPoll:
      s.fd = r.ref("fd");
      s.sock->poll_events = bits_of(r, "events", kPollBits);
      s.sock->timeout = r.int_in_range("timeout_ms", INT32_MIN, INT32_MAX, -1);
      break;
    case Op::kSelect:
      s.fd = r.ref("fd");
      s.sock->select_sets = static_cast<std::uint8_t>((r.bool_or("read", false) ? 1 : 0) | (r.bool_or("write", false) ? 2 : 0) |
                                                     (r.bool_or("except", false) ? 4 : 0));
      if (s.sock->select_sets == 0) r.fail("read", "select needs at least one of read, write, except");
      s.sock->timeout = r.int_in_range("timeout_us", -1, INT64_MAX / 1000, -1);
      break;
    case Op::kPause: break;
    case Op::kListen:
      s.fd = r.ref("fd");
      if (!r.has("backlog")) r.fail("backlog", "missing");
      s.sock->backlog = static_cast<std::int32_t>(r.int_in_range("backlog", INT32_MIN, INT32_MAX, 0));
      break;
    case Op::kAccept: s.fd = r.ref("fd"); s.as = r.names("as", 1); break;
    case Op::kShutdown: s.fd = r.ref("fd"); s.sock->how = one_of(r, "how", kHows, "SHUT_RD, SHUT_WR, SHUT_RDWR"); break;
    case Op::kSetsockopt:
      s.fd = r.ref("fd");
      s.sock->option = one_of(r, "option", kOptions, "SO_RCVLOWAT, SO_SNDLOWAT, SO_RCVBUF, SO_SNDBUF, SO_LINGER, SO_NOSIGPIPE, SO_REUSEADDR");
      if (!r.has("value")) r.fail("value", "missing");
      s.sock->value = r.int_in_range("value", INT32_MIN, INT32_MAX, 0);
      break;
    default: break;
  }
}

void socket_fields_to_json(const Step& s, nlohmann::json& out) {
  switch (s.op) {
    case Op::kSocketpair:
    case Op::kSocket:
      out["type"] = name_of(kTypes, s.sock->type);
      if (s.sock->domain == model::SocketDomain::kInet) out["domain"] = "inet";
      if (s.nonblock) out["nonblock"] = true;
      if (s.cloexec) out["cloexec"] = true;
      if (s.op == Op::kSocketpair) out["as"] = s.as;
      else out["as"] = s.as[0];
      break;
    case Op::kBind:
    case Op::kConnect:
      if (!s.sock->port && s.sock->port_of.empty()) out["name"] = s.sock->name;
      if (s.sock->port) out["port"] = *s.sock->port;
      if (!s.sock->port_of.empty()) out["port_of"] = s.sock->port_of;
      break;
    case Op::kGetsockname:
    case Op::kPause: break;
    case Op::kRecv:
    case Op::kSend:
      out["bytes"] = s.bytes;
      if (s.sock->msg_flags != 0) out["flags"] = bits_to_json(kMsgFlags, s.sock->msg_flags);
      break;
    case Op::kPoll:
      out["events"] = bits_to_json(kPollBits, s.sock->poll_events);
      out["timeout_ms"] = s.sock->timeout;
      break;
    case Op::kSelect:
      if ((s.sock->select_sets & 1) != 0) out["read"] = true;
      if ((s.sock->select_sets & 2) != 0) out["write"] = true;
      if ((s.sock->select_sets & 4) != 0) out["except"] = true;
      out["timeout_us"] = s.sock->timeout;
      break;
    case Op::kListen: out["backlog"] = s.sock->backlog; break;
    case Op::kAccept: out["as"] = s.as[0]; break;
    case Op::kShutdown: out["how"] = name_of(kHows, s.sock->how); break;
    case Op::kSetsockopt: out["option"] = name_of(kOptions, s.sock->option); out["value"] = s.sock->value; break;
    default: break;
  }
}

}  // namespace kqsim::traces
