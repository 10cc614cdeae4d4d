// host_net_call on the kqsim model (the recorder on Linux): the net calls
// of the C API, with the host's constants.
#include <netinet/in.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kqsim/posix.h"
#include "sim/host/host_kernel.hpp"
#include "sim/host/host_net_flags.hpp"

namespace kqsim::host {
namespace {

HostCall finish_net(std::int64_t ret) {
  HostCall c;
  c.ret = ret;
  if (ret >= 0) return c;
  if (kqsim_last_status() == KQSIM_BLOCKED) c.completion = model::Completion::kBlockedForever;
  if (kqsim_last_status() == KQSIM_UNSUPPORTED) c.completion = model::Completion::kUnsupported;
  c.detail = kqsim_last_detail();
  c.errno_name = strerrorname_np(errno);
  return c;
}

}  // namespace

HostCall host_net_call(const sim::SocketCall& c) {
  struct sockaddr_in in = loopback_address(c.port);
  const auto* sa = reinterpret_cast<const struct sockaddr*>(&in);
  switch (c.op) {
    case sim::SocketOp::kSocket:
      return finish_net(kqsim_socket(c.domain == model::SocketDomain::kInet ? AF_INET : AF_UNIX,
                                     SOCK_STREAM | (c.nonblock ? SOCK_NONBLOCK : 0) | (c.cloexec ? SOCK_CLOEXEC : 0), 0));
    case sim::SocketOp::kBind: return finish_net(kqsim_bind(c.fd, sa, sizeof in));
    case sim::SocketOp::kConnect: return finish_net(kqsim_connect(c.fd, sa, sizeof in));
    case sim::SocketOp::kGetsockname: {
      struct sockaddr_in out{};
      socklen_t len = sizeof out;
      if (kqsim_getsockname(c.fd, reinterpret_cast<struct sockaddr*>(&out), &len) != 0) return finish_net(-1);
      return finish_net(len >= sizeof out && out.sin_family == AF_INET ? ntohs(out.sin_port) : 0);
    }
    case sim::SocketOp::kRecv: {
      std::vector<char> buf(static_cast<std::size_t>(c.nbytes) + 1);
      return finish_net(kqsim_recv(c.fd, buf.data(), static_cast<std::size_t>(c.nbytes), host_msg_flags(c.msg_flags)));
    }
    case sim::SocketOp::kSend: {
      std::vector<char> buf(static_cast<std::size_t>(c.nbytes) + 1, 'x');
      return finish_net(kqsim_send(c.fd, buf.data(), static_cast<std::size_t>(c.nbytes), host_msg_flags(c.msg_flags)));
    }
    case sim::SocketOp::kPoll: {
      struct pollfd p{c.fd, host_poll_bits(c.poll_events), 0};
      const int r = kqsim_poll(&p, 1, static_cast<int>(c.timeout_ms));
      return r < 0 ? finish_net(r) : finish_net(model_poll_bits(p.revents));
    }
    case sim::SocketOp::kSelect: return host_select_one(c, kqsim_select, finish_net);
    case sim::SocketOp::kPause: return finish_net(kqsim_pause());
    default: break;
  }
  return unsupported_net("this socket call on the model's C API");
}

}  // namespace kqsim::host
