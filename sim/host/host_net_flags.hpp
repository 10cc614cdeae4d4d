// What the net calls of both host kernels share: FreeBSD's MSG_* and POLL*
// values (the trace's) to and from the host's, by name, a 127.0.0.1 address,
// and a one-descriptor select.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "model/net_constants.hpp"
#include "sim/host/host_kernel.hpp"

namespace kqsim::host {

inline struct sockaddr_in loopback_address(std::uint16_t port) {
  struct sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return in;
}

inline int host_msg_flags(std::uint32_t model_flags) {
  int out = 0;
  if ((model_flags & model::msgflag::kOob) != 0) out |= MSG_OOB;
  if ((model_flags & model::msgflag::kPeek) != 0) out |= MSG_PEEK;
  if ((model_flags & model::msgflag::kWaitall) != 0) out |= MSG_WAITALL;
  if ((model_flags & model::msgflag::kDontwait) != 0) out |= MSG_DONTWAIT;
  if ((model_flags & model::msgflag::kNosignal) != 0) out |= MSG_NOSIGNAL;
  return out;
}

// POLLINIGNEOF exists on FreeBSD only (poll_bit_missing_on_host).
inline constexpr std::array<std::pair<std::int16_t, int>, 9> poll_pairs() {
  return {{{model::pollbit::kIn, POLLIN}, {model::pollbit::kPri, POLLPRI}, {model::pollbit::kOut, POLLOUT},
           {model::pollbit::kErr, POLLERR}, {model::pollbit::kHup, POLLHUP}, {model::pollbit::kNval, POLLNVAL},
           {model::pollbit::kRdnorm, POLLRDNORM}, {model::pollbit::kRdband, POLLRDBAND},
           {model::pollbit::kWrband, POLLWRBAND}}};
}

inline short host_poll_bits(std::int16_t model_bits) {
  int out = 0;
  for (auto [m, h] : poll_pairs()) {
    if ((model_bits & m) != 0) out |= h;
  }
#ifdef POLLINIGNEOF
  if ((model_bits & model::pollbit::kIgnEof) != 0) out |= POLLINIGNEOF;
#endif
#ifdef POLLRDHUP
  if ((model_bits & model::pollbit::kRdhup) != 0) out |= POLLRDHUP;
#endif
  return static_cast<short>(out);
}

// What a poll asks that this host's <poll.h> cannot name, or nullptr: the
// step is then unsupported here rather than made without the bit (which
// records an answer to another question).
inline const char* poll_bit_missing_on_host([[maybe_unused]] std::int16_t model_bits) {
#ifndef POLLINIGNEOF
  if ((model_bits & model::pollbit::kIgnEof) != 0) return "POLLINIGNEOF is not defined on this host";
#endif
#ifndef POLLRDHUP
  if ((model_bits & model::pollbit::kRdhup) != 0) return "POLLRDHUP is not defined on this host";
#endif
  return nullptr;
}

inline std::int64_t model_poll_bits(short host_bits) {
  std::int64_t out = 0;
  for (auto [m, h] : poll_pairs()) {
    if ((host_bits & h) != 0) out |= m;
  }
#ifdef POLLRDHUP
  if ((host_bits & POLLRDHUP) != 0) out |= model::pollbit::kRdhup;
#endif
  return out;
}

inline HostCall unsupported_net(const std::string& what) {
  HostCall c;
  c.completion = model::Completion::kUnsupported;
  c.detail = what;
  return c;
}

// select() on one descriptor through `sel`; ret = 1 read | 2 write | 4 except;
// a failure is `finish(-1)` with errno as select left it. A negative
// descriptor (a name a failed call bound) cannot be put in an fd_set: the
// call made is select(0, ...) with every set empty, as the model takes it.
template <typename Select, typename Finish>
HostCall host_select_one(const sim::SocketCall& c, Select sel, Finish finish) {
  fd_set r, w, e;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_ZERO(&e);
  if (c.fd >= FD_SETSIZE) return unsupported_net("select() on a descriptor beyond FD_SETSIZE");
  const bool in_sets = c.fd >= 0;
  if (in_sets && (c.select_sets & 1) != 0) FD_SET(c.fd, &r);
  if (in_sets && (c.select_sets & 2) != 0) FD_SET(c.fd, &w);
  if (in_sets && (c.select_sets & 4) != 0) FD_SET(c.fd, &e);
  struct timeval tv{};
  if (c.timeout_ms >= 0) {
    tv.tv_sec = static_cast<time_t>(c.timeout_ms / 1'000'000);
    tv.tv_usec = static_cast<suseconds_t>(c.timeout_ms % 1'000'000);
  }
  const int n = sel(in_sets ? c.fd + 1 : 0, &r, &w, &e, c.timeout_ms >= 0 ? &tv : nullptr);
  if (n < 0) return finish(-1);
  if (!in_sets) return finish(0);
  return finish((FD_ISSET(c.fd, &r) ? 1 : 0) | (FD_ISSET(c.fd, &w) ? 2 : 0) | (FD_ISSET(c.fd, &e) ? 4 : 0));
}

}  // namespace kqsim::host
