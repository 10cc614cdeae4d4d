// What the C API's source files share: one request to the model server, and
// a call the model cannot serve at all.
#pragma once

#include <sys/socket.h>

#include <cstdint>

#include "sim/posix/model_rpc.hpp"

namespace kqsim::posix {

// Sends one request; returns the C return value, errno set as the call's.
std::int64_t rpc_call(RpcRequest& q, RpcReply& r);
// Who runs a caught signal's handler when the model delivered it (the
// drop-in, which keeps the handlers the program installed).
using HandlerRunner = void (*)(int signo);
void set_handler_runner(HandlerRunner runner);
// Fails the call as KQSIM_UNSUPPORTED (errno ENOSYS) with `what` as detail.
int unsupported_call(const char* what);
// AF_INET in the socket calls (kqsim_net.cpp): SOCK_STREAM only, 127.0.0.1.
bool inet_socket_type(int type, sim::SocketCall& c);
bool inet_address(const struct sockaddr* addr, socklen_t len, sim::SocketCall& c);

}  // namespace kqsim::posix
