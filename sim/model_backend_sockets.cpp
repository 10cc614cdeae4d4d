#include "sim/model_backend.hpp"

namespace kqsim::sim {

// The socket calls on the model: one Kernel method each.
CallResult ModelBackend::socket_call(ProcId p, const SocketCall& c) {
  switch (c.op) {
    case SocketOp::kSocketpair: {
      model::PipeResult r = kernel_.socketpair(p, c.type, c.nonblock, c.cloexec);
      CallResult out = CallResult::of(r.sys);
      out.fds = r.fds;
      return checked(out);
    }
    case SocketOp::kSocket: return checked(CallResult::of(kernel_.socket(p, c.type, c.nonblock, c.cloexec)));
    case SocketOp::kBind: return checked(CallResult::of(kernel_.bind(p, c.fd, c.name)));
    case SocketOp::kListen: return checked(CallResult::of(kernel_.listen(p, c.fd, c.backlog)));
    case SocketOp::kConnect: return checked(CallResult::of(kernel_.connect(p, c.fd, c.name)));
    case SocketOp::kAccept: return checked(CallResult::of(kernel_.accept(p, c.fd)));
    case SocketOp::kShutdown: return checked(CallResult::of(kernel_.shutdown(p, c.fd, c.how)));
    case SocketOp::kSetsockopt: return checked(CallResult::of(kernel_.setsockopt(p, c.fd, c.option, c.value)));
  }
  return CallResult::of(model::SysResult::unsupported("unknown socket call"));
}

}  // namespace kqsim::sim
