#include "check/tcp_settling.hpp"

#include <algorithm>
#include <array>

namespace kqsim::check {

using traces::Op;
using traces::Ref;
using traces::Step;

// A dup of a TCP socket is a TCP name (its writes capped, its sending steps
// settled: 13.2 seed 18 p00766 wrote 70,000 bytes through a dup of a TCP
// socket's descriptor, R31), and so is a dup2 target (15.1 seed 35 p00045:
// a send through a name dup2 had made a TCP client's went unsettled, and
// the kernel's EVFILT_EMPTY waited for the delayed ACK).
void TcpSettling::copied(const Ref& from, const Ref& to) {
  if (!from.is_name() || !to.is_name() || from.name() == to.name()) return;
  if (sockets_.contains(from.name())) sockets_.insert(to.name());
  if (may_alias_.contains(from.name())) may_alias_.insert(to.name());  // whatever its number holds
}

void TcpSettling::number_freed(const std::string& name) {
  if (!enabled_) return;
  may_alias_.insert(name);
  numbers_freed_ = true;
}

// The steps that may send a segment: connect (SYN), write and send (data),
// read and recv (a window update once the buffer drains), shutdown and close
// (FIN or RST), dup2 (closes its target).
bool TcpSettling::settle_after(Step& s, const std::vector<std::string>& process_descriptors) {
  static constexpr std::array<Op, 8> kSending{Op::kConnect, Op::kWrite, Op::kSend,     Op::kRead,
                                              Op::kRecv,    Op::kShutdown, Op::kClose, Op::kDup2};
  const bool ends = ends_descriptors(s, process_descriptors);
  if (std::find(kSending.begin(), kSending.end(), s.op) == kSending.end()) return ends;
  // How much of a write larger than the send buffer's space a real host
  // takes races with lo0's netisr thread (model/tcp_io.cpp tcp_sosend).
  // Once a TCP socket exists any name may reach one: a closed name's number
  // is taken again by the next descriptor (13.2 seed 20 p01813 sent 70,000
  // bytes through a closed socketpair end whose number a TCP client held,
  // R31), so every write is capped from then on.
  if ((s.op == Op::kWrite || s.op == Op::kSend) && any_socket() && s.bytes > kTcpWriteMaxBytes) {
    s.bytes = kTcpWriteMaxBytes;
  }
  const bool tcp = ends || may_reach_socket(s.fd) || may_reach_socket(s.to);
  if (s.op == Op::kDup2) copied(s.fd, s.to);
  return tcp;
}

// A TCP socket's name, or (once one exists) any name that may share its
// number with another. Names made before main's first close are never
// shared (the closes of the fs and aio actions free numbers too, but only
// of names no sending step uses).
bool TcpSettling::may_reach_socket(const Ref& ref) const {
  if (!ref.is_name() || !any_socket()) return false;
  return sockets_.contains(ref.name()) || may_alias_.contains(ref.name());
}

// Once a TCP socket exists: a step that may close descriptors no name of it
// reaches, the last reference of a TCP socket among them (its FIN or RST
// then crosses lo0): an exit or an exec (close-on-exec), a kill that may end
// a child, and a close or dup2 of a process descriptor, which kills its
// pdfork child (helper review of p00285's fix: a child exiting with the last
// copy of a client main had closed sent its FIN unsettled).
bool TcpSettling::ends_descriptors(const Step& s, const std::vector<std::string>& process_descriptors) const {
  if (!any_socket()) return false;
  if (s.op == Op::kExit || s.op == Op::kExec || s.op == Op::kKill) return true;
  const auto is_pd = [&](const Ref& r) {
    return r.is_name() &&
           std::find(process_descriptors.begin(), process_descriptors.end(), r.name()) != process_descriptors.end();
  };
  return (s.op == Op::kClose || s.op == Op::kDup2) && (is_pd(s.fd) || is_pd(s.to));
}

}  // namespace kqsim::check
