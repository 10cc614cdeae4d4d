// The socket part of `kqreplay explain`: per open AF_UNIX socket, its state,
// buffers, low-water marks, peer and listen queue.
#include <fmt/format.h>

#include "sim/event_text.hpp"
#include "sim/kernel_view.hpp"

namespace kqsim::sim {
namespace {

// The first process descriptor naming socket `id`, as "name (fd n)".
std::string socket_label(const model::Kernel& k, std::uint32_t id, const FdNamer& name_of) {
  for (const model::Process& p : k.processes()) {
    for (std::int32_t fd = 0; fd <= p.fds.last_fd(); ++fd) {
      const model::FdEntry* e = p.fds.find(fd);
      if (e == nullptr) continue;
      const model::File& f = k.files()[e->file];
      if (f.type != model::FileType::kSocket || f.object != id) continue;
      auto name = name_of(p.pid, fd);
      return name ? fmt::format("{} (fd {})", *name, fd) : fmt::format("fd {}", fd);
    }
  }
  return fmt::format("socket#{}", id);
}

std::string state_text(const model::Socket& so, std::int64_t now_ns) {
  std::string s = so.listening ? "listening" : so.connected ? "connected" : so.disconnected ? "disconnected" : "unconnected";
  if (so.timewait_end_ns >= 0) {
    s += fmt::format(" (TIME_WAIT, ends in {})", duration_text(so.timewait_end_ns - now_ns));
  } else if (so.tcp_end != model::TcpEnd::kOpen) {
    s += fmt::format(" ({})", model::tcp_end_name(so.tcp_end));
  }
  if (so.rcv.cant_more) s += ", cannot receive more";
  if (so.snd.cant_more) s += ", cannot send more";
  if (so.error != model::Errno::kNone) s += fmt::format(", so_error {}", model::errno_name(so.error));
  return s;
}

// A datagram socket's bytes by where they are; main's unp_dispose (SHUT_RD)
// frees the datagrams and leaves their bytes counted (R22).
std::string datagram_text(const model::Socket& so) {
  std::string s = fmt::format(" in {} datagram(s)", so.records.size());
  if (so.disposed.data_bytes > 0) {
    s += fmt::format(" ({} of them freed by SHUT_RD: unp_dispose)", so.disposed.data_bytes);
  }
  return s;
}

}  // namespace

std::string describe_sockets(const model::Kernel& k, const FdNamer& name_of) {
  std::string out;
  const auto sockets = k.sockets();
  for (std::uint32_t id = 0; id < sockets.size(); ++id) {
    const model::Socket& so = sockets[id];
    if (so.closed) continue;
    out += fmt::format("  socket {} ({}{}): {}\n", socket_label(k, id, name_of), model::socket_type_name(so.type),
                       so.name.empty() ? "" : ", bound to \"" + so.name + "\"", state_text(so, k.now_ns()));
    if (so.listening) {
      out += fmt::format("    listen queue: {} of backlog {}\n", so.completed.size(), so.qlimit);
      continue;
    }
    out += fmt::format("    receive: {} bytes{} of {}, SO_RCVLOWAT {}; SO_SNDLOWAT {}; peer {}\n", so.rcv.data_bytes,
                       so.type == model::SocketType::kDgram ? datagram_text(so) : "",
                       so.rcv.hiwat, so.rcv.lowat, so.snd.lowat,
                       so.peer == model::kNoSocket ? std::string("none") : socket_label(k, so.peer, name_of));
  }
  return out;
}

}  // namespace kqsim::sim
