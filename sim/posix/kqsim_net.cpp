// The C API's AF_INET (loopback TCP) additions and the calls that came with
// them: getsockname, recv/send with flags, pause, utimes. Host constants in,
// one request to the model server out.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "kqsim/posix.h"
#include "model/net_constants.hpp"
#include "sim/posix/model_rpc.hpp"
#include "sim/posix/posix_call.hpp"
#include "sim/vfs_wire.hpp"

namespace {

using kqsim::sim::SocketCall;
using kqsim::sim::SocketOp;

std::int64_t net_request(const SocketCall& c) {
  kqsim::posix::RpcRequest q;
  q.op = kqsim::posix::RpcOp::kSocket;
  q.sock = c;
  kqsim::posix::RpcReply r;
  return kqsim::posix::rpc_call(q, r);
}

// The host's MSG_* to FreeBSD's; -1 for a flag the model does not know.
std::int64_t model_msg_flags(int flags) {
  std::uint32_t out = 0;
  const struct { int host; std::uint32_t model; } bits[] = {
      {MSG_OOB, kqsim::model::msgflag::kOob},         {MSG_PEEK, kqsim::model::msgflag::kPeek},
      {MSG_WAITALL, kqsim::model::msgflag::kWaitall}, {MSG_DONTWAIT, kqsim::model::msgflag::kDontwait},
      {MSG_NOSIGNAL, kqsim::model::msgflag::kNosignal}};
  int rest = flags;
  for (const auto& b : bits) {
    if ((flags & b.host) != 0) out |= b.model;
    rest &= ~b.host;
  }
  return rest == 0 ? static_cast<std::int64_t>(out) : -1;
}

ssize_t transfer(SocketOp op, int fd, size_t len, int flags) {
  SocketCall c;
  c.op = op;
  c.fd = fd;
  c.nbytes = static_cast<std::int64_t>(len);
  const std::int64_t f = model_msg_flags(flags);
  if (f < 0) return kqsim::posix::unsupported_call("a MSG_* flag the model does not know");
  c.msg_flags = static_cast<std::uint32_t>(f);
  return static_cast<ssize_t>(net_request(c));
}

}  // namespace

namespace kqsim::posix {

// kqsim_socket/kqsim_bind/kqsim_connect (kqsim_sockets.cpp) hand AF_INET
// here: the socket type, and a sockaddr_in that must name 127.0.0.1.
bool inet_socket_type(int type, sim::SocketCall& c) {
  if ((type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM) return false;
  c.domain = model::SocketDomain::kInet;
  c.type = model::SocketType::kStream;
  c.nonblock = (type & SOCK_NONBLOCK) != 0;
  c.cloexec = (type & SOCK_CLOEXEC) != 0;
  return true;
}

bool inet_address(const struct sockaddr* addr, socklen_t len, sim::SocketCall& c) {
  if (addr == nullptr || addr->sa_family != AF_INET || len < sizeof(struct sockaddr_in)) return false;
  const auto* in = reinterpret_cast<const struct sockaddr_in*>(addr);
  if (ntohl(in->sin_addr.s_addr) != INADDR_LOOPBACK && !(c.op == sim::SocketOp::kBind && in->sin_addr.s_addr == INADDR_ANY)) {
    return false;
  }
  c.by_port = true;
  c.port = ntohs(in->sin_port);
  return true;
}

}  // namespace kqsim::posix

extern "C" {

int kqsim_getsockname(int fd, struct sockaddr* addr, socklen_t* len) {
  SocketCall c;
  c.op = SocketOp::kGetsockname;
  c.fd = fd;
  const std::int64_t port = net_request(c);
  if (port < 0) return -1;
  if (addr == nullptr || len == nullptr) {
    errno = EFAULT;
    return -1;
  }
  // The model answers 0 for an AF_UNIX socket (its path is not reported).
  if (port == 0) {
    struct sockaddr_un un{};
    un.sun_family = AF_UNIX;
    std::memcpy(addr, &un, std::min<std::size_t>(*len, sizeof un));
    *len = static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path));
    return 0;
  }
  struct sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(static_cast<std::uint16_t>(port));
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::memcpy(addr, &in, std::min<std::size_t>(*len, sizeof in));
  *len = sizeof in;
  return 0;
}

ssize_t kqsim_recv(int fd, void*, size_t len, int flags) { return transfer(SocketOp::kRecv, fd, len, flags); }
ssize_t kqsim_send(int fd, const void*, size_t len, int flags) { return transfer(SocketOp::kSend, fd, len, flags); }

int kqsim_pause(void) {
  SocketCall c;
  c.op = SocketOp::kPause;
  return static_cast<int>(net_request(c));
}

// The times themselves are not kept by the model; only NOTE_ATTRIB shows.
int kqsim_utimes(const char* path, const struct timeval*) {
  kqsim::model::VfsCall c;
  c.op = kqsim::model::VfsOp::kUtimes;
  c.path = path;
  kqsim::posix::RpcRequest q;
  q.op = kqsim::posix::RpcOp::kVfs;
  q.vfs = kqsim::sim::to_wire(c);
  kqsim::posix::RpcReply r;
  return static_cast<int>(kqsim::posix::rpc_call(q, r));
}

}  // extern "C"
