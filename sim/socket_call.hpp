// One socket system call of a trace (socketpair, socket, bind, listen,
// connect, accept, shutdown, setsockopt) as plain data, so it crosses the
// model server's and the recorder's channels unchanged.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "model/socket.hpp"

namespace kqsim::sim {

enum class SocketOp : std::uint8_t { kSocketpair, kSocket, kBind, kListen, kConnect, kAccept, kShutdown, kSetsockopt };

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

  void set_name(std::string_view path) {
    std::memset(name, 0, sizeof name);
    std::memcpy(name, path.data(), std::min(path.size(), sizeof name - 1));
  }
};

}  // namespace kqsim::sim
