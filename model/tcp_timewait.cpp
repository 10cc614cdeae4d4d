// TIME_WAIT's end: the 2MSL callout of a loopback TCP connection on the
// virtual clock (15.1 and main; 13.2's end is nothing a program sees).
#include <algorithm>
#include <cassert>

#include "model/kernel.hpp"

namespace kqsim::model {

// tcp_twstart arms the callout: the end is due a profile's TIME_WAIT later.
// An end that enters TIME_WAIT again is re-armed (tcp_tw_2msl_reset). A
// profile whose TIME_WAIT end nobody sees (13.2) arms nothing.
void Kernel::tcp_timewait_arm(std::uint32_t id) {
  Socket& so = sock(id);
  const std::int64_t wait_ns = profile_->tcp_timewait_ns;
  // An end past the end of the clock never comes (as a timer's would not).
  if (wait_ns < 0 || wait_ns >= INT64_MAX - now_ns_) return;
  so.timewait_end_ns = now_ns_ + wait_ns;
  if (std::find(timewait_sockets_.begin(), timewait_sockets_.end(), id) == timewait_sockets_.end()) {
    timewait_sockets_.push_back(id);
  }
}

// A connection dropped in TIME_WAIT (a RST) needs no callout any more.
void Kernel::tcp_timewait_disarm(std::uint32_t id) {
  if (sock(id).timewait_end_ns < 0) return;
  std::erase(timewait_sockets_, id);
  sock(id).timewait_end_ns = -1;
}

// The TIME_WAIT end due first at or before `by_ns`; equal deadlines end in
// socket order (the kernel leaves that order open).
std::optional<std::uint32_t> Kernel::timewait_due(std::int64_t by_ns) const {
  std::optional<std::uint32_t> due;
  for (std::uint32_t id : timewait_sockets_) {
    const std::int64_t end_ns = sock(id).timewait_end_ns;
    assert(end_ns >= 0);
    if (end_ns > by_ns) continue;
    if (!due || end_ns < sock(*due).timewait_end_ns || (end_ns == sock(*due).timewait_end_ns && id < *due)) due = id;
  }
  return due;
}

// The 2MSL callout fires (15.1, main): tcp_close drops the inpcb, so a
// connect(2) is ECONNREFUSED from now on, and its soisdisconnected wakes
// readers and writers once more (recorded: regressions/tcp-timewait-ends).
// A socket closed by its program has no knotes left to wake.
void Kernel::tcp_timewait_end(std::uint32_t id) {
  Socket& so = sock(id);
  assert(so.tcp_end == TcpEnd::kTimeWait && so.timewait_end_ns >= 0);
  tcp_timewait_disarm(id);
  touched_objects_ |= kSocketObjects;  // a sleep or a wait that names no object
  so.tcp_end = TcpEnd::kDropped;
  sorwakeup(so);
  knote_post(so.wr_knotes);
}

}  // namespace kqsim::model
