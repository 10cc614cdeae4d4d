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
    case SocketOp::kSocket: return checked(kernel_.socket(p, c.type, c.nonblock, c.cloexec, c.domain));
    case SocketOp::kBind:
      if (c.by_port) return checked(kernel_.bind_port(p, c.fd, c.port));
      return checked(kernel_.bind(p, c.fd, c.name));
    case SocketOp::kListen: return checked(kernel_.listen(p, c.fd, c.backlog));
    case SocketOp::kConnect:
      if (c.by_port) return checked(kernel_.connect_port(p, c.fd, c.port));
      return checked(kernel_.connect(p, c.fd, c.name));
    case SocketOp::kAccept: return checked(kernel_.accept(p, c.fd));
    case SocketOp::kShutdown: return checked(kernel_.shutdown(p, c.fd, c.how));
    case SocketOp::kSetsockopt: return checked(kernel_.setsockopt(p, c.fd, c.option, c.value));
    case SocketOp::kGetsockname: return checked(kernel_.getsockname(p, c.fd));
    case SocketOp::kRecv: return checked(kernel_.recv(p, c.fd, c.nbytes, c.msg_flags));
    case SocketOp::kSend: return checked(kernel_.send(p, c.fd, c.nbytes, c.msg_flags));
    case SocketOp::kPoll: {
      model::PollFd pfd{c.fd, c.poll_events, 0};
      CallResult r = poll(p, std::span<model::PollFd>(&pfd, 1), c.timeout_ms);
      if (r.sys.done() && r.sys.err == model::Errno::kNone) r.sys.ret = pfd.revents;
      return r;
    }
    case SocketOp::kSelect: {
      model::SelectFd s;
      s.fd = c.fd;
      s.read = (c.select_sets & 1) != 0;
      s.write = (c.select_sets & 2) != 0;
      s.except = (c.select_sets & 4) != 0;
      std::optional<model::Timespec> tv;
      if (c.timeout_ms >= 0) tv = model::Timespec{c.timeout_ms / 1'000'000, c.timeout_ms % 1'000'000};
      CallResult r = select(p, std::span<model::SelectFd>(&s, 1), tv);
      if (r.sys.done() && r.sys.err == model::Errno::kNone) {
        r.sys.ret = (s.read_ready ? 1 : 0) | (s.write_ready ? 2 : 0) | (s.except_ready ? 4 : 0);
      }
      return r;
    }
    case SocketOp::kPause: return checked(kernel_.pause(p));
  }
  return CallResult::of(model::SysResult::unsupported("unknown socket call"));
}

// poll(2) and select(2) over many descriptors (the C API's).
// Each reports the virtual time it slept (elapsed_ns), as kevent does.
CallResult ModelBackend::poll(ProcId p, std::span<model::PollFd> fds, std::int64_t timeout_ms) {
  const std::int64_t start_ns = kernel_.now_ns();
  CallResult r = CallResult::of(kernel_.poll(p, fds, timeout_ms));
  r.elapsed_ns = kernel_.now_ns() - start_ns;
  return checked(std::move(r));
}

CallResult ModelBackend::select(ProcId p, std::span<model::SelectFd> fds, const std::optional<model::Timespec>& tv) {
  const std::int64_t start_ns = kernel_.now_ns();
  CallResult r = CallResult::of(kernel_.select(p, fds, tv));
  r.elapsed_ns = kernel_.now_ns() - start_ns;
  return checked(std::move(r));
}

}  // namespace kqsim::sim
