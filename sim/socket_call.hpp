// One socket system call of a trace (socketpair, socket, bind, listen,
// connect, accept, shutdown, setsockopt, getsockname, recv, send), and the
// one-descriptor readiness calls of a trace (poll, select) and pause, as
// plain data, so they cross the model server's and the recorder's channels
// unchanged.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "model/socket.hpp"

namespace kqsim::sim {

enum class SocketOp : std::uint8_t {
  kSocketpair, kSocket, kBind, kListen, kConnect, kAccept, kShutdown, kSetsockopt,
  kGetsockname,  // ret: the AF_INET port (0 for AF_UNIX)
  kRecv, kSend,  // nbytes, msg_flags
  kPoll,         // fd, poll_events, timeout_ms; ret: that descriptor's revents
  kSelect,       // fd, select_sets (1 read, 2 write, 4 except), timeout; ret: the sets it is ready in
  kPause,
};

struct SocketCall {
  SocketOp op = SocketOp::kSocket;
  std::int32_t fd = -1;  // every call but socketpair and socket
  model::SocketType type = model::SocketType::kStream;
  bool nonblock = false;
  bool cloexec = false;
  std::int32_t backlog = 0;
  model::ShutdownHow how = model::ShutdownHow::kReadWrite;
  model::SocketOption option = model::SocketOption::kRcvLowat;
  std::int64_t value = 0;
  char name[104] = {};  // bind, connect: NUL-terminated path (sockaddr_un.sun_path)
  model::SocketDomain domain = model::SocketDomain::kUnix;  // socket
  bool by_port = false;      // bind, connect: AF_INET 127.0.0.1:port instead of a name
  std::uint16_t port = 0;
  std::int64_t nbytes = 0;   // recv, send
  std::uint32_t msg_flags = 0;
  std::int16_t poll_events = 0;
  std::uint8_t select_sets = 0;
  std::int64_t timeout_ms = -1;  // poll (-1 INFTIM); select: -1 none, else microseconds

  void set_name(std::string_view path) {
    std::memset(name, 0, sizeof name);
    std::memcpy(name, path.data(), std::min(path.size(), sizeof name - 1));
  }
};

// AF_INET sockets and the calls added with them (host_net_*.cpp serve these
// on a host).
inline bool is_net_call(const SocketCall& c) {
  return c.domain == model::SocketDomain::kInet || c.by_port || c.op >= SocketOp::kGetsockname;
}

}  // namespace kqsim::sim
