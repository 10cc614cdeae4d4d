// The AF_UNIX socket calls of the kqueue C API on the model: host constants
// in, one kSocket request to the model server out.
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "kqsim/posix.h"
#include "sim/posix/model_rpc.hpp"
#include "sim/posix/posix_call.hpp"

namespace {

using kqsim::model::ShutdownHow;
using kqsim::model::SocketOption;
using kqsim::model::SocketType;
using kqsim::sim::SocketCall;
using kqsim::sim::SocketOp;

std::int64_t socket_request(const SocketCall& c, kqsim::posix::RpcReply& r) {
  kqsim::posix::RpcRequest q;
  q.op = kqsim::posix::RpcOp::kSocket;
  q.sock = c;
  return kqsim::posix::rpc_call(q, r);
}

std::int64_t socket_request(const SocketCall& c) {
  kqsim::posix::RpcReply r;
  return socket_request(c, r);
}

// domain/type -> the model's type; false when the model has no such socket.
bool model_type(int domain, int type, SocketCall& c) {
  if (domain == AF_INET && c.op == SocketOp::kSocket) return kqsim::posix::inet_socket_type(type, c);
  if (domain != AF_UNIX) return false;
  c.nonblock = (type & SOCK_NONBLOCK) != 0;
  c.cloexec = (type & SOCK_CLOEXEC) != 0;
  switch (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) {
    case SOCK_STREAM: c.type = SocketType::kStream; return true;
    case SOCK_DGRAM: c.type = SocketType::kDgram; return true;
    case SOCK_SEQPACKET: c.type = SocketType::kSeqpacket; return true;
    default: return false;
  }
}

bool model_name(const struct sockaddr* addr, socklen_t len, SocketCall& c) {
  if (addr != nullptr && addr->sa_family == AF_INET) return kqsim::posix::inet_address(addr, len, c);
  if (addr == nullptr || addr->sa_family != AF_UNIX || len <= offsetof(struct sockaddr_un, sun_path)) return false;
  const auto* un = reinterpret_cast<const struct sockaddr_un*>(addr);
  std::size_t n = strnlen(un->sun_path, std::min<std::size_t>(len - offsetof(struct sockaddr_un, sun_path), sizeof un->sun_path));
  c.set_name(std::string_view(un->sun_path, n));
  return true;
}

SocketCall on_fd(SocketOp op, int fd) {
  SocketCall c;
  c.op = op;
  c.fd = fd;
  return c;
}

}  // namespace

extern "C" {

int kqsim_socketpair(int domain, int type, int, int sv[2]) {
  SocketCall c;
  c.op = SocketOp::kSocketpair;
  if (!model_type(domain, type, c)) return kqsim::posix::unsupported_call("only AF_UNIX stream and datagram sockets are modelled");
  kqsim::posix::RpcReply r;
  std::int64_t ret = socket_request(c, r);
  if (ret == 0) {
    sv[0] = r.fds[0];
    sv[1] = r.fds[1];
  }
  return static_cast<int>(ret);
}

int kqsim_socket(int domain, int type, int) {
  SocketCall c;
  c.op = SocketOp::kSocket;
  if (!model_type(domain, type, c)) return kqsim::posix::unsupported_call("only AF_UNIX stream and datagram sockets and AF_INET stream sockets are modelled");
  return static_cast<int>(socket_request(c));
}

int kqsim_bind(int fd, const struct sockaddr* addr, socklen_t len) {
  SocketCall c = on_fd(SocketOp::kBind, fd);
  if (!model_name(addr, len, c)) return kqsim::posix::unsupported_call("only AF_UNIX path names and 127.0.0.1 are modelled");
  return static_cast<int>(socket_request(c));
}

int kqsim_listen(int fd, int backlog) {
  SocketCall c = on_fd(SocketOp::kListen, fd);
  c.backlog = backlog;
  return static_cast<int>(socket_request(c));
}

int kqsim_connect(int fd, const struct sockaddr* addr, socklen_t len) {
  SocketCall c = on_fd(SocketOp::kConnect, fd);
  if (!model_name(addr, len, c)) return kqsim::posix::unsupported_call("only AF_UNIX path names and 127.0.0.1 are modelled");
  return static_cast<int>(socket_request(c));
}

// The peer's address is not modelled: an accepted socket reports none.
int kqsim_accept(int fd, struct sockaddr* /*addr*/, socklen_t* len) {
  if (len != nullptr) *len = 0;
  return static_cast<int>(socket_request(on_fd(SocketOp::kAccept, fd)));
}

int kqsim_shutdown(int fd, int how) {
  SocketCall c = on_fd(SocketOp::kShutdown, fd);
  switch (how) {
    case SHUT_RD: c.how = ShutdownHow::kRead; break;
    case SHUT_WR: c.how = ShutdownHow::kWrite; break;
    case SHUT_RDWR: c.how = ShutdownHow::kReadWrite; break;
    default: errno = EINVAL; return -1;  // kern_shutdown checks how first
  }
  return static_cast<int>(socket_request(c));
}

int kqsim_setsockopt(int fd, int level, int name, const void* value, socklen_t len) {
  SocketCall c = on_fd(SocketOp::kSetsockopt, fd);
  if (level != SOL_SOCKET) return kqsim::posix::unsupported_call("socket options outside SOL_SOCKET are not modelled");
  switch (name) {
    case SO_RCVLOWAT: c.option = SocketOption::kRcvLowat; break;
    case SO_SNDLOWAT: c.option = SocketOption::kSndLowat; break;
    case SO_RCVBUF: c.option = SocketOption::kRcvBuf; break;
    case SO_SNDBUF: c.option = SocketOption::kSndBuf; break;
    case SO_LINGER: c.option = SocketOption::kLinger; break;
    case SO_REUSEADDR: c.option = SocketOption::kReuseAddr; break;
#ifdef SO_NOSIGPIPE
    case SO_NOSIGPIPE: c.option = SocketOption::kNoSigpipe; break;
#endif
    default: return kqsim::posix::unsupported_call("this socket option is not modelled");
  }
  int v = 0;
  if (value != nullptr && len >= sizeof v) std::memcpy(&v, value, sizeof v);
  c.value = v;
  return static_cast<int>(socket_request(c));
}

}  // extern "C"
