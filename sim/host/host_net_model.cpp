// host_net_call on the kqsim model (the recorder on Linux): the net calls
// of the C API, with the host's constants.
#include <netinet/in.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>


#include "kqsim/posix.h"
#include "sim/host/host_kernel.hpp"
#include "sim/host/model_call_result.hpp"
#include "sim/host/host_net_flags.hpp"

namespace kqsim::host {

HostCall host_net_call(const sim::SocketCall& c) {
  struct sockaddr_in in = loopback_address(c.port);
  const auto* sa = reinterpret_cast<const struct sockaddr*>(&in);
  switch (c.op) {
    case sim::SocketOp::kSocket:
      return model_call_result(kqsim_socket(c.domain == model::SocketDomain::kInet ? AF_INET : AF_UNIX,
                                            SOCK_STREAM | (c.nonblock ? SOCK_NONBLOCK : 0) | (c.cloexec ? SOCK_CLOEXEC : 0), 0));
    case sim::SocketOp::kBind: return model_call_result(kqsim_bind(c.fd, sa, sizeof in));
    case sim::SocketOp::kConnect: return model_call_result(kqsim_connect(c.fd, sa, sizeof in));
    case sim::SocketOp::kGetsockname: {
      struct sockaddr_in out{};
      socklen_t len = sizeof out;
      if (kqsim_getsockname(c.fd, reinterpret_cast<struct sockaddr*>(&out), &len) != 0) return model_call_result(-1);
      return model_call_result(len >= sizeof out && out.sin_family == AF_INET ? ntohs(out.sin_port) : 0);
    }
    case sim::SocketOp::kRecv: {
      std::vector<char> buf(static_cast<std::size_t>(c.nbytes) + 1);
      return model_call_result(kqsim_recv(c.fd, buf.data(), static_cast<std::size_t>(c.nbytes), host_msg_flags(c.msg_flags)));
    }
    case sim::SocketOp::kSend: {
      std::vector<char> buf(static_cast<std::size_t>(c.nbytes) + 1, 'x');
      return model_call_result(kqsim_send(c.fd, buf.data(), static_cast<std::size_t>(c.nbytes), host_msg_flags(c.msg_flags)));
    }
    case sim::SocketOp::kPoll: {
      // The C API names POLLINIGNEOF on every host (KQSIM_POLLINIGNEOF).
      const std::int16_t ign_eof = model::pollbit::kIgnEof;
      const std::int16_t others = static_cast<std::int16_t>(c.poll_events & ~ign_eof);
      if (const char* why = poll_bit_missing_on_host(others)) return unsupported_net(why);
      const short asked = static_cast<short>(host_poll_bits(others) | ((c.poll_events & ign_eof) != 0 ? KQSIM_POLLINIGNEOF : 0));
      struct pollfd p{c.fd, asked, 0};
      const int r = kqsim_poll(&p, 1, static_cast<int>(c.timeout_ms));
      return r < 0 ? model_call_result(r) : model_call_result(model_poll_bits(p.revents));
    }
    case sim::SocketOp::kSelect: return host_select_one(c, kqsim_select, model_call_result);
    case sim::SocketOp::kPause: return model_call_result(kqsim_pause());
    default: break;
  }
  return unsupported_net("this socket call on the model's C API");
}

}  // namespace kqsim::host
