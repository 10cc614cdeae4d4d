// AF_INET stream sockets on 127.0.0.1 (tcp_usrreq.c tcp_usr_*, in_pcb.c
// in_pcbbind, tcp_input.c, uipc_socket.c sonewconn/soisconnected/
// soisdisconnected) as kqueue observes them.
//
// "Settled loopback": the model has no network timing. Every segment a
// call sends over lo0 (SYN, data, window updates, FIN, RST) has been
// processed by both ends before the call returns, which is what a real
// program sees once netisr has run. So a connect to a listener completes at
// once, data moves into the peer's receive buffer as far as its window
// allows (the rest stays in so_snd), and a FIN or RST has arrived.
// Modelled: tcp_mss rounding of the buffers to whole lo0 segments. Not
// modelled: send/receive buffer autosizing (it can make a real EVFILT_WRITE
// data larger after bulk transfers), Nagle, delayed ACKs, SO_LINGER, urgent
// data. Past both FINs a socket is disconnected and what is left of its
// connection lingers (TcpEnd); TIME_WAIT ends on the virtual clock
// (tcp_timewait.cpp). Ephemeral ports are handed out in order from 10000
// (ipport_firstauto); a real kernel randomises them (ipport_randomized).
#include <algorithm>
#include <cassert>
#include <utility>

#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

// tcp_usr_attach: soreserve(so, V_tcp_sendspace, V_tcp_recvspace), the
// defaults of net.inet.tcp.sendspace/recvspace (same on 13.2, 15.1, main).
constexpr std::uint32_t kTcpSendspace = 32 * 1024;
constexpr std::uint32_t kTcpRecvspace = 64 * 1024;
// tcp_mss on lo0: the MSS is the interface's MTU (LOMTU 16384) less the
// IP and TCP headers (sizeof(struct tcpiphdr), 40); options are taken off
// per segment in tcp_output, not here. sb_max is kern.ipc.maxsockbuf
// (SB_MAX); sbreserve refuses more than sb_max_adj, sb_max scaled by
// MCLBYTES / (MSIZE + MCLBYTES). Same on 13.2, 15.1 and main.
constexpr std::uint32_t kLoopbackMss = 16384 - 40;
constexpr std::uint32_t kSbMax = 2 * 1024 * 1024;
constexpr std::uint32_t kSbMaxAdj = static_cast<std::uint32_t>(std::uint64_t{kSbMax} * 2048 / (256 + 2048));
constexpr std::uint16_t kPortFirstAuto = 10000;  // IPPORT_EPHEMERALFIRST
constexpr std::uint32_t kPortLastAuto = 65535;   // IPPORT_EPHEMERALLAST

}  // namespace

std::uint32_t Kernel::new_tcp_socket() {
  const std::uint32_t id = new_socket(SocketType::kStream);
  Socket& so = sock(id);
  so.domain = SocketDomain::kInet;
  so.snd.hiwat = kTcpSendspace;
  so.rcv.hiwat = kTcpRecvspace;
  so.snd.lowat = std::min(profile_->sock_snd_lowat, so.snd.hiwat);
  so.rcv.lowat = profile_->sock_rcv_lowat;
  return id;
}

// tcp_mss, once the connection is established (the client on the SYN-ACK,
// the server in syncache_socket): each buffer is grown to a whole number of
// segments, roundup(sb_hiwat, mss) capped at sb_max - the send buffer when
// it holds at least one segment, the receive buffer when it is larger than
// one - and never shrunk. The default 32768/65536 become 49032/81720 on
// lo0, which is what EVFILT_WRITE's data shows (docs/observed-real-kernels.md R13).
void Kernel::tcp_mss_buffers(std::uint32_t id) {
  auto grow = [](SockBuf& sb, bool rounds) {
    if (!rounds) return;
    const std::uint64_t rounded = std::min<std::uint64_t>(
        (std::uint64_t{sb.hiwat} + kLoopbackMss - 1) / kLoopbackMss * kLoopbackMss, kSbMax);
    if (rounded > sb.hiwat && rounded <= kSbMaxAdj) sb.hiwat = static_cast<std::uint32_t>(rounded);
  };
  Socket& so = sock(id);
  grow(so.snd, so.snd.hiwat >= kLoopbackMss);
  grow(so.rcv, so.rcv.hiwat > kLoopbackMss);
}

// in_pcblookup_local for 127.0.0.1:port. A wildcard lookup (the binding
// socket has neither SO_REUSEADDR nor SO_REUSEPORT) matches any inpcb on the
// port whatever its foreign address: a bound or listening socket, a
// connection, one that lingers after close (FIN_WAIT, TIME_WAIT); an exact
// lookup only inpcbs with no foreign address. A closed listener or bound
// socket, and a dropped connection, have left the hash (in_pcbdrop). Every
// model socket is on 127.0.0.1: a listen() without bind is on INADDR_ANY on
// a real host, which an exact lookup of 127.0.0.1 would not match (a trace
// cannot bind to another socket's ephemeral port, so this never shows).
bool Kernel::inet_port_in_use(std::uint16_t port, bool wild) const {
  for (const Socket& so : sockets_) {
    if (so.port != port || !inpcb_hashed(so)) continue;
    const bool connection = so.connected || so.disconnected;
    if (wild || !connection) return true;
  }
  return false;
}

// Whether in_pcblookup still finds the inpcb of `so`: an AF_INET socket not
// dropped (in_pcbdrop) nor closed while connected to nobody (never
// connected, aborted on its listen queue by soabort, or reset after its close).
bool Kernel::inpcb_hashed(const Socket& so) {
  if (so.domain != SocketDomain::kInet || so.tcp_end == TcpEnd::kDropped) return false;
  return !(so.closed && !so.disconnected && (!so.connected || so.peer == kNoSocket));
}

// in_pcbconnect_setup for a socket bound to `local` (an explicit bind):
// in_pcblookup_hash_locked(faddr, fport, laddr, lport) finds a connection
// with the same four-tuple - established, or lingering after its close
// (FIN_WAIT_2, TIME_WAIT where the profile keeps it) - and the connect is
// EADDRINUSE, whatever SO_REUSEADDR let the bind do.
bool Kernel::inet_connection_exists(std::uint16_t local, std::uint16_t foreign) const {
  for (const Socket& so : sockets_) {
    const bool connection = so.connected || so.disconnected;
    if (so.port == local && so.foreign_port == foreign && connection && inpcb_hashed(so)) return true;
  }
  return false;
}

// in_pcbbind_setup: port 0 takes the next free ephemeral port
// (in_pcb_lport); a port an inpcb holds is EADDRINUSE (SO_REUSEPORT, which
// would share it, is not modelled).
std::uint16_t Kernel::in_pcbbind_port(std::uint16_t wanted, bool wild, Errno& err) {
  err = Errno::kNone;
  if (wanted != 0) {
    if (inet_port_in_use(wanted, wild)) err = Errno::kEADDRINUSE;
    return wanted;
  }
  for (std::uint32_t tries = 0; tries <= kPortLastAuto - kPortFirstAuto; ++tries) {
    const std::uint16_t port = next_ephemeral_port_;
    next_ephemeral_port_ = port == kPortLastAuto ? kPortFirstAuto : static_cast<std::uint16_t>(port + 1);
    if (!inet_port_in_use(port, wild)) return port;
  }
  err = Errno::kEADDRNOTAVAIL;  // in_pcb_lport: the range is exhausted
  return 0;
}

// tcp_usr_bind -> in_pcbbind: a socket binds once (EINVAL after).
SysResult Kernel::bind_port(Pid pid, std::int32_t fd, std::uint16_t port) {
  SyscallScope scope(*this, kSocketObjects);
  std::uint32_t id = 0;
  if (SysResult r = socket_fd(pid, fd, id); r.err != Errno::kNone || !r.done()) return r;
  if (sock(id).domain != SocketDomain::kInet) return SysResult::fail(Errno::kEAFNOSUPPORT);  // unp_bind: not AF_UNIX
  if (sock(id).port != 0) return SysResult::fail(Errno::kEINVAL);
  Errno err = Errno::kNone;
  const std::uint16_t bound = in_pcbbind_port(port, !sock(id).reuseaddr, err);
  if (err != Errno::kNone) return SysResult::fail(err);
  sock(id).port = bound;
  inet_ports_[bound] = id;
  return SysResult::ok(0);
}

// getsockname(2): the AF_INET socket's local port (0 before bind); an
// AF_UNIX socket's address is its path, reported here as 0.
SysResult Kernel::getsockname(Pid pid, std::int32_t fd) {
  SyscallScope scope(*this, 0U);  // reads a port: changes nothing
  std::uint32_t id = 0;
  if (SysResult r = socket_fd(pid, fd, id); r.err != Errno::kNone || !r.done()) return r;
  return SysResult::ok(sock(id).domain == SocketDomain::kInet ? sock(id).port : 0);
}

// tcp_usr_listen: solisten_proto_check (a connected socket is EINVAL), an
// unbound socket gets an ephemeral port (in_pcbbind), the backlog is
// clamped to somaxconn; listen() again only changes the backlog.
SysResult Kernel::tcp_listen(std::uint32_t id, std::int32_t backlog) {
  Socket& so = sock(id);
  if (so.connected || so.disconnected) return SysResult::fail(Errno::kEINVAL);
  if (so.port == 0) {
    Errno err = Errno::kNone;
    const std::uint16_t port = in_pcbbind_port(0, !sock(id).reuseaddr, err);
    if (err != Errno::kNone) return SysResult::fail(err);
    sock(id).port = port;
    inet_ports_[port] = id;
  }
  if (backlog < 0 || backlog > profile_->somaxconn) backlog = profile_->somaxconn;
  sock(id).listening = true;
  sock(id).qlimit = backlog;
  return SysResult::ok(0);
}

// kern_connectat -> soconnectat -> tcp_usr_connect. A listener is
// EOPNOTSUPP, a connected socket EISCONN, port 0 EADDRNOTAVAIL
// (in_pcbconnect_setup). The SYN is answered at once (settled loopback):
// with a RST when nobody listens there (tcp_input: ECONNREFUSED), else the
// handshake completes: sonewconn clones the listener onto its completed
// queue (solisten_enqueue wakes its readers) and soisconnected wakes the
// client's writers. A blocking connect waits for that and answers 0 or the
// connection's so_error, cleared. A non-blocking one answers EINPROGRESS:
// lo0 queues the SYN to the netisr thread, so kern_connectat still finds
// SS_ISCONNECTING; the model lets the handshake (or the RST, whose so_error
// stays for the program to find) complete right after the call (recorded
// on 13.2 and 15.1: docs/observed-real-kernels.md R15, corrected 2026-12-05).
// That is a race with netisr (a race point, kqueue_task_timing.hpp): on its
// other outcome the non-blocking call answers as a blocking one (but for a
// full listen queue: tcp_connect_overflow).
SysResult Kernel::connect_port(Pid pid, std::int32_t fd, std::uint16_t port) {
  SyscallScope scope(*this, kSocketObjects);
  std::uint32_t id = 0;
  if (SysResult r = socket_fd(pid, fd, id); r.err != Errno::kNone || !r.done()) return r;
  if (sock(id).domain != SocketDomain::kInet) return SysResult::fail(Errno::kEAFNOSUPPORT);  // unp_connectat: not AF_UNIX
  const bool nonblock = files_[proc(pid).fds.find(fd)->file].nonblock;
  return tcp_connect(id, fd, nonblock, port);
}

SysResult Kernel::tcp_connect(std::uint32_t id, std::int32_t fd, bool nonblock, std::uint16_t port) {
  if (sock(id).listening) return SysResult::fail(Errno::kEOPNOTSUPP);
  if (sock(id).connected) return SysResult::fail(Errno::kEISCONN);
  if (sock(id).tcp_end != TcpEnd::kOpen) return tcp_connect_ended(id, port);
  if (port == 0) return SysResult::fail(Errno::kEADDRNOTAVAIL);
  auto it = inet_ports_.find(port);
  const bool listener = it != inet_ports_.end() && !sock(it->second).closed && sock(it->second).listening;
  if (sock(id).port == 0) {  // in_pcbconnect: an implicit bind to an ephemeral port
    Errno err = Errno::kNone;
    // in_pcbconnect_setup picks the port with in_pcb_lport_dest, which only
    // skips a port where the same four-tuple or an unconnected inpcb exists;
    // the model skips every held port, a stricter choice nobody can tell
    // apart: the kernel's pick is random, the model's the next free one.
    const std::uint16_t local = in_pcbbind_port(0, true, err);
    if (err != Errno::kNone) return SysResult::fail(err);
    sock(id).port = local;
    inet_ports_[local] = id;
  } else if (inet_connection_exists(sock(id).port, port)) {
    sock(id).error = Errno::kNone;  // soconnectat cleared it before tcp_usr_connect
    return SysResult::fail(Errno::kEADDRINUSE);
  } else if (port == sock(id).port) {
    // tcp_input: the SYN to the socket's own address finds the socket itself
    // in SYN_SENT - a simultaneous open with itself, which connects (15.1,
    // campaign seed 54) - and the model has no connection of a socket with itself.
    return SysResult::unsupported("a TCP connect to the socket's own port (a simultaneous open with itself) is not modelled");
  }
  sock(id).error = Errno::kNone;  // soconnectat clears so_error first
  // Decided here, in the call's order of race points; the outcome shows once the segment is answered.
  const bool waits = !nonblock || race_point(TaskPoint::kLoopbackConnect, fd);
  if (!listener) {
    // tcp_input, SYN_SENT + RST: tcp_drop(tp, ECONNREFUSED).
    tcp_drop(id, Errno::kECONNREFUSED);
    if (!waits) return SysResult::fail(Errno::kEINPROGRESS);
    return SysResult::fail(std::exchange(sock(id).error, Errno::kNone));
  }
  const std::uint32_t head = it->second;
  if (listen_queue_over(head)) return tcp_connect_overflow(id, fd, nonblock, waits);
  const std::uint32_t conn = new_tcp_socket();  // sonewconn: the clone inherits the listener's marks
  Socket& c = sock(conn);
  c.rcv.lowat = sock(head).rcv.lowat;
  c.snd.lowat = std::min(sock(head).snd.lowat, c.snd.hiwat);
  c.port = port;
  c.foreign_port = sock(id).port;
  sock(id).foreign_port = port;
  unp_connect2(id, conn);  // both ends connected and linked
  tcp_mss_buffers(id);
  tcp_mss_buffers(conn);
  sock(conn).listener = head;
  sock(head).completed.push_back(conn);
  knote_post(sock(head).rd_knotes);  // solisten_wakeup
  knote_post(sock(id).wr_knotes);    // soisconnected: sowwakeup
  return waits ? SysResult::ok(0) : SysResult::fail(Errno::kEINPROGRESS);
}

// sonewconn's limit: more completed connections than 3/2 of the backlog.
bool Kernel::listen_queue_over(std::uint32_t head) const {
  return static_cast<std::int64_t>(sock(head).completed.size()) > 3 * static_cast<std::int64_t>(sock(head).qlimit) / 2;
}

// A connect to a listener whose queue is over its limit. The syncache
// answers the SYN all the same, so the client is connected (soisconnected,
// tcp_mss); the handshake's last ACK then finds sonewconn failing and
// tcp_input answers it with a RST (net.inet.tcp.syncache.rst_on_sock_fail),
// which resets the client: EV_EOF with fflags ECONNRESET, nothing queued on
// the listener. A blocking connect returns ECONNRESET (so_error, cleared);
// a non-blocking one EINPROGRESS, or on the netisr race's other outcome 0:
// the SYN-ACK taken, the RST not yet; or, the RST taken too, ECONNRESET
// (TaskPoint::kLoopbackResetFirst, a second point so that each outcome is
// one flip from the usual one). The blocking call races too
// (TaskPoint::kLoopbackReset): woken by the SYN-ACK, it usually finds the
// RST taken as well, and otherwise answers 0 with so_error left. Recorded
// on 13.2 and 15.1 (regressions/tcp-connect-full-listen-queue; 15.1
// campaign seed 28, program 131, and recordings of 2026-12-06 for the races).
SysResult Kernel::tcp_connect_overflow(std::uint32_t id, std::int32_t fd, bool nonblock, bool waits) {
  tcp_mss_buffers(id);
  sock(id).connected = true;       // soisconnected, with no peer to link: the RST follows at once
  knote_post(sock(id).wr_knotes);  // its sowwakeup: writable, so the writers are queued first
  tcp_drop(id, Errno::kECONNRESET);
  if (nonblock) {
    if (race_point(TaskPoint::kLoopbackResetFirst, fd)) return SysResult::fail(std::exchange(sock(id).error, Errno::kNone));
    return waits ? SysResult::ok(0) : SysResult::fail(Errno::kEINPROGRESS);
  }
  if (race_point(TaskPoint::kLoopbackReset, fd)) return SysResult::ok(0);
  return SysResult::fail(std::exchange(sock(id).error, Errno::kNone));
}

// connect(2) of a socket whose connection ended. soconnectat clears so_error
// before pru_connect, which then fails: a dropped inpcb is ECONNREFUSED
// (also once TIME_WAIT ended); TIME_WAIT is EADDRINUSE on 13.2
// (INP_TIMEWAIT) and EISCONN on 15.1 (regressions/tcp-timewait-ends);
// FIN_WAIT_2 is EISCONN on 15.1 (tcp_connect refuses a disconnected
// socket), while 13.2 reuses the tcpcb: to the same address
// in_pcbconnect_setup finds the old connection (EADDRINUSE), elsewhere it
// sends a new SYN (not modelled). Recorded on 13.2 and 15.1
// (regressions/tcp-connect-after-end).
SysResult Kernel::tcp_connect_ended(std::uint32_t id, std::uint16_t port) {
  Socket& so = sock(id);
  switch (so.tcp_end) {
    case TcpEnd::kOpen: break;
    case TcpEnd::kDropped: so.error = Errno::kNone; return SysResult::fail(Errno::kECONNREFUSED);
    case TcpEnd::kTimeWait: so.error = Errno::kNone; return SysResult::fail(profile_->tcp_timewait_connect_errno);
    case TcpEnd::kFinWait2: {
      if (!profile_->tcp_finwait2_connect_reuses_pcb) {
        so.error = Errno::kNone;
        return SysResult::fail(Errno::kEISCONN);
      }
      if (port == 0) return SysResult::fail(Errno::kEADDRNOTAVAIL);
      if (so.peer == kNoSocket || sock(so.peer).port != port) {
        return SysResult::unsupported("connect() of a FIN_WAIT_2 TCP socket to a new address (13.2 reuses the tcpcb) is not modelled");
      }
      so.error = Errno::kNone;
      return SysResult::fail(Errno::kEADDRINUSE);
    }
  }
  assert(false && "tcp_connect_ended on an open connection");
  return SysResult::fail(Errno::kEISCONN);
}

const char* tcp_end_name(TcpEnd e) {
  switch (e) {
    case TcpEnd::kOpen: return "";
    case TcpEnd::kFinWait2: return "FIN_WAIT_2";
    case TcpEnd::kTimeWait: return "TIME_WAIT";
    case TcpEnd::kDropped: return "CLOSED";
  }
  return "?";
}

// soisdisconnected after tcp_drop/tcp_close: so_error set, both buffers
// shut (SBS_CANTRCVMORE, SBS_CANTSENDMORE), what was unsent dropped, every
// reader and writer woken. The peer link goes.
void Kernel::tcp_drop(std::uint32_t id, Errno error) {
  Socket& so = sock(id);
  if (so.peer != kNoSocket && sock(so.peer).peer == id) sock(so.peer).peer = kNoSocket;
  so.peer = kNoSocket;
  so.error = error;
  so.connected = false;
  so.disconnected = true;
  tcp_timewait_disarm(id);
  so.tcp_end = TcpEnd::kDropped;
  so.fin_pending = false;
  so.rcv.cant_more = true;
  so.snd.cant_more = true;
  so.snd.data_bytes = 0;
  sorwakeup(so);
  knote_post(so.wr_knotes);
}

// What one end's output reaches at the other (tcp_output -> lo0 ->
// tcp_input): data up to the receiver's free window (sbappendstream,
// sorwakeup; the ACK frees so_snd: sowwakeup), dropped but acknowledged
// after the receiver shut reading (SBS_CANTRCVMORE), its readers woken all
// the same (tcp_do_segment frees the data, then TF_WAKESOR: an EV_CLEAR
// knote reports EV_EOF again; recorded on 13.2 and 15.1,
// regressions/tcp-second-shutdown-wr-disconnects); data reaching a socket
// already closed by its program (SS_NOFDREF past CLOSE_WAIT) is answered by
// a RST, which resets the sender (tcp_input: so_error ECONNRESET). A FIN
// follows the data: the receiver can receive no more (socantrcvmore).
void Kernel::tcp_deliver(std::uint32_t from) {
  const std::uint32_t to = sock(from).peer;
  if (to == kNoSocket) return;
  Socket& s = sock(from);
  Socket& r = sock(to);
  if (s.snd.data_bytes > 0) {
    if (r.fd_gone) {
      // The closed end answers with a RST and is gone too (tcp_close ->
      // in_pcbdrop: its port is free again).
      r.peer = kNoSocket;
      if (r.disconnected) {
        tcp_timewait_disarm(to);
        r.tcp_end = TcpEnd::kDropped;
      }
      tcp_drop(from, Errno::kECONNRESET);
      return;
    }
    if (r.rcv.cant_more) {
      s.snd.data_bytes = 0;
      sorwakeup(r);
      knote_post(s.wr_knotes);
    } else {
      const std::uint32_t window = r.rcv.hiwat > r.rcv.data_bytes ? r.rcv.hiwat - r.rcv.data_bytes : 0;
      const std::uint32_t n = std::min(window, s.snd.data_bytes);
      if (n > 0) {
        r.rcv.data_bytes += n;
        s.snd.data_bytes -= n;
        sorwakeup(r);
        knote_post(s.wr_knotes);
      }
    }
  }
  // tcp_input calls socantrcvmore at the connection's first FIN even when
  // shutdown(SHUT_RD) already set SBS_CANTRCVMORE: its readers are woken
  // again (R29, recorded on 15.1).
  if (sock(from).fin_pending && sock(from).snd.data_bytes == 0) {
    sock(from).fin_pending = false;
    // tcp_do_segment, a FIN in FIN_WAIT_1: this end's own FIN is not acked yet.
    if (sock(to).snd.cant_more && sock(to).fin_pending) sock(to).tcp_closing = true;
    sock(to).rcv.cant_more = true;
    sorwakeup(sock(to));
    tcp_fin_acked(from, to);
  }
}

// `to` took `from`'s FIN and answers it with an ACK at once (settled
// loopback). tcp_input on `to`: in FIN_WAIT_2 (its own FIN acked) the FIN
// ends the connection, TIME_WAIT (tcp_twstart -> soisdisconnected). Then
// the ACK at `from`: its FIN acked leaves it in FIN_WAIT_2, disconnected
// at once if it can receive no more (tcp_input's FIN_WAIT_1 case, after a
// SHUT_RD or its close), ends LAST_ACK (tcp_close -> soisdisconnected),
// or ends CLOSING, the FINs crossed (tcp_twstart -> soisdisconnected).
// The connection itself lingers (the model keeps the peer link), which the
// socket no longer shows: shutdown(2) is ENOTCONN, and both ends' readers
// and writers are woken once more - also an end already disconnected in
// FIN_WAIT_2 (after a SHUT_RD), which tcp_twstart disconnects again.
// Recorded on 13.2 and 15.1: regressions/tcp-both-fins-disconnect (found by
// the 13.2 campaign, seed 25, program 643: 150 steps) and regressions/
// tcp-timewait-wakes-again.
void Kernel::tcp_fin_acked(std::uint32_t from, std::uint32_t to) {
  const Socket& receiver = sock(to);
  // `to` sent its FIN first: `from` had taken it in LAST_ACK (tcp_close) or,
  // when its own FIN was already waiting behind data, in CLOSING (tcp_twstart).
  const bool to_closed_first = receiver.snd.cant_more && !receiver.fin_pending;
  if (to_closed_first) tcp_soisdisconnected(to, TcpEnd::kTimeWait);
  if (sock(from).connected && sock(from).rcv.cant_more) {
    const TcpEnd end = sock(from).tcp_closing ? TcpEnd::kTimeWait
                       : to_closed_first      ? TcpEnd::kDropped
                                              : TcpEnd::kFinWait2;
    tcp_soisdisconnected(from, end);
  }
}

// soisdisconnected: not connected any more, both buffers shut (they are by
// now: both FINs went, or this end's FIN and a SHUT_RD), readers and writers
// woken (socantrcvmore_locked, socantsendmore_locked); no so_error.
void Kernel::tcp_soisdisconnected(std::uint32_t id, TcpEnd end) {
  Socket& so = sock(id);
  assert(so.rcv.cant_more && so.snd.cant_more && so.snd.data_bytes == 0);
  assert(end != TcpEnd::kOpen);
  so.connected = false;
  so.disconnected = true;
  so.tcp_end = end;
  if (end == TcpEnd::kTimeWait) {
    tcp_timewait_arm(id);
  } else {
    tcp_timewait_disarm(id);
  }
  sorwakeup(so);
  knote_post(so.wr_knotes);
}

// Both directions of the connection until nothing moves.
void Kernel::tcp_settle(std::uint32_t id) {
  tcp_deliver(id);
  const std::uint32_t peer = sock(id).peer;
  if (peer != kNoSocket) tcp_deliver(peer);
}

// sosend_generic for TCP: SBS_CANTSENDMORE is EPIPE, then so_error (cleared),
// then ENOTCONN. Data goes into so_snd as space allows; below the send
// low-water mark with more to send a non-blocking writer gets what went or
// EWOULDBLOCK, a blocking one sleeps. Each chunk is sent at once (tcp_output)
// and settled, so a non-blocking write larger than the send buffer goes on
// as the ACKs free it. On a real host that is a race with the netisr thread
// that carries lo0's segments: 15.1 answered 70,000 bytes in some programs
// and one send buffer's worth (49,032) in others (the first --with-tcp
// campaign, seed 17), so `kqcheck --with-tcp` writes at most 20,000 bytes
// to a TCP socket.
SysResult Kernel::tcp_sosend(std::uint32_t id, bool nbio, std::int64_t nbytes) {
  if (sock(id).snd.cant_more) return SysResult::fail(Errno::kEPIPE);
  if (sock(id).error != Errno::kNone) return SysResult::fail(std::exchange(sock(id).error, Errno::kNone));
  if (!sock(id).connected) return SysResult::fail(Errno::kENOTCONN);
  std::int64_t sent = 0;
  while (sent < nbytes) {
    Socket& so = sock(id);
    if (so.snd.cant_more) break;  // a RST arrived while sending
    const std::int64_t space = static_cast<std::int64_t>(so.snd.hiwat) - so.snd.data_bytes;
    if (space < nbytes - sent && space < so.snd.lowat) {
      if (nbio) return sent > 0 ? SysResult::ok(sent) : SysResult::fail(Errno::kEAGAIN);
      return SysResult::blocked("a blocking TCP write larger than the send buffer's space waits for the peer to read");
    }
    const std::int64_t n = std::min(nbytes - sent, space);
    so.snd.data_bytes += static_cast<std::uint32_t>(n);
    sent += n;
    tcp_settle(id);
  }
  return SysResult::ok(sent);
}

// soreceive for a TCP stream. It waits while nothing is buffered, or
// (unless MSG_DONTWAIT) while less than asked is buffered and that is below
// SO_RCVLOWAT. Before waiting: so_error (cleared unless MSG_PEEK) or EOF
// end the call unless data is there; ENOTCONN when never connected;
// EWOULDBLOCK when non-blocking. Taking data opens the window: what the
// peer had queued moves in (tcp_usr_rcvd). MSG_WAITALL does not make the
// first wait earlier: with some bytes buffered, a non-blocking socket takes
// them and then sleeps for the rest (tcp_waitall_sleeps).
SysResult Kernel::tcp_soreceive(std::uint32_t id, bool nbio, bool dontwait, std::int64_t nbytes, std::uint32_t flags) {
  Socket& so = sock(id);
  // SOCK_IO_RECV_LOCK (soiolock): a listener is ENOTCONN before anything is
  // looked at; the so_error a shutdown left there is accept's (recorded on
  // 15.1 by the first --with-tcp campaign, seed 17, program 73).
  if (so.listening) return SysResult::fail(Errno::kENOTCONN);
  const bool peek = (flags & msgflag::kPeek) != 0;
  const bool waitall = (flags & msgflag::kWaitall) != 0;
  const std::int64_t avail = so.rcv.data_bytes;
  const bool must_wait = avail == 0 || (!dontwait && avail < nbytes && avail < so.rcv.lowat);
  if (must_wait && !(avail > 0 && (so.error != Errno::kNone || so.rcv.cant_more))) {
    if (so.error != Errno::kNone) {
      const Errno e = so.error;
      if (!peek) so.error = Errno::kNone;
      return SysResult::fail(e);
    }
    if (so.rcv.cant_more) return SysResult::ok(0);
    if (!so.connected) return SysResult::fail(Errno::kENOTCONN);
    if (nbytes == 0) return SysResult::ok(0);
    if (nbio) return SysResult::fail(Errno::kEAGAIN);
    return SysResult::blocked("a TCP read waits for data from the peer");
  }
  const std::int64_t n = std::min(nbytes, avail);
  if (peek && waitall && n < nbytes && so.error == Errno::kNone && !so.rcv.cant_more) {
    return SysResult::unsupported("MSG_PEEK with MSG_WAITALL on a TCP socket holding less than asked is not modelled");
  }
  if (peek) return SysResult::ok(n);
  if (waitall && n < nbytes && tcp_waitall_sleeps(so, nbytes)) {
    return SysResult::blocked("MSG_WAITALL waits for the rest of the request, even on a non-blocking socket (the kernel "
                              "takes what is buffered first; the model takes nothing, so a retry starts afresh)");
  }
  // Each pass opens the window (tcp_usr_rcvd: what the peer had queued moves
  // in), and with MSG_WAITALL the next takes that. It ends: a pass takes at
  // least a byte of a supply nothing refills during the call.
  std::int64_t taken = 0;
  do {
    const std::int64_t part = std::min<std::int64_t>(nbytes - taken, so.rcv.data_bytes);
    so.rcv.data_bytes -= static_cast<std::uint32_t>(part);
    taken += part;
    if (so.peer != kNoSocket) tcp_deliver(so.peer);
  } while (waitall && taken < nbytes && so.rcv.data_bytes > 0);
  assert((!waitall || taken == nbytes || so.error != Errno::kNone || so.rcv.cant_more) &&
         "tcp_soreceive: MSG_WAITALL ended short with nothing to end it: tcp_waitall_sleeps disagrees");
  return SysResult::ok(taken);
}

// MSG_WAITALL with fewer bytes buffered than asked: once the first data is
// taken neither SS_NBIO nor MSG_DONTWAIT is looked at again, so the call
// sleeps unless what the peer has queued completes the request, or an error
// or the end of input (so_error, SBS_CANTRCVMORE, a FIN queued behind the
// peer's data) ends it with the short count. Read-only: a blocked call leaves
// the state as it was. Recorded on 13.2 and 15.1 (regressions/tcp-recv-
// waitall-nonblocking-sleeps; found by the 15.1 campaign, seed 20, program
// 663): 1 byte buffered, 10 asked, a non-blocking socket: no return.
bool Kernel::tcp_waitall_sleeps(const Socket& so, std::int64_t nbytes) const {
  if (so.error != Errno::kNone || so.rcv.cant_more) return false;
  std::int64_t coming = so.rcv.data_bytes;
  if (so.peer != kNoSocket) {
    const Socket& sender = sockets_[so.peer];
    if (sender.fin_pending) return false;
    coming += sender.snd.data_bytes;
  }
  return coming < nbytes;
}

// soshutdown for TCP (a listener is soshutdown's, in socket_io.cpp): not
// connected is ENOTCONN. SHUT_RD: sorflush - no more to receive, the
// buffer emptied, nothing sent. SHUT_WR: tcp_usr_shutdown - socantsendmore
// (this socket's writers see EOF) and a FIN after the queued data; once
// that FIN was acknowledged (FIN_WAIT_2), tcp_usrclosed disconnects the
// socket instead (tcp_shutdown_in_fin_wait_2).
SysResult Kernel::tcp_shutdown(std::uint32_t id, ShutdownHow how) {
  if (!sock(id).connected) return SysResult::fail(Errno::kENOTCONN);
  if (how != ShutdownHow::kWrite) {
    Socket& so = sock(id);
    so.rcv.cant_more = true;
    so.rcv.data_bytes = 0;
    sorwakeup(so);
    sorflush_zeroes(so);
  }
  if (how != ShutdownHow::kRead && !sock(id).snd.cant_more) {
    sock(id).snd.cant_more = true;
    sock(id).fin_pending = true;
    knote_post(sock(id).wr_knotes);
    tcp_settle(id);
  } else if (how != ShutdownHow::kRead && !sock(id).fin_pending) {
    tcp_shutdown_in_fin_wait_2(id);
  }
  return SysResult::ok(0);
}

// A second SHUT_WR (or SHUT_RDWR) after this end's FIN was acknowledged:
// tcp_usr_shutdown calls tcp_usrclosed again, which finds FIN_WAIT_2 and
// disconnects the socket (soisdisconnected: what is buffered stays to be
// read, then EOF; shutdown(2) is ENOTCONN from then on). Only the socket
// changes: no segment is sent, and the peer's data and FIN still come
// (dropped, then TIME_WAIT). A FIN still waiting behind data (FIN_WAIT_1)
// leaves the call without effect. Found by the 13.2 campaign (seed 30,
// program 25); probed on 13.2 and 15.1, the same on both:
// regressions/tcp-second-shutdown-wr-disconnects.
void Kernel::tcp_shutdown_in_fin_wait_2(std::uint32_t id) {
  Socket& so = sock(id);
  assert(so.connected && so.snd.cant_more && !so.fin_pending);
  so.rcv.cant_more = true;
  tcp_soisdisconnected(id, TcpEnd::kFinWait2);
}

// soclose -> tcp_usr_close. A listener aborts the connections nobody
// accepted (soabort -> tcp_drop sends a RST: the client gets ECONNRESET)
// and frees its port. A connected socket: tcp_disconnect flushes what was
// never read (sbflush, no RST for it), then the FIN follows the unsent data;
// the connection lingers without a descriptor (SS_NOFDREF) and answers
// later data with a RST.
void Kernel::tcp_close(std::uint32_t id) {
  if (sock(id).listening) {
    const std::vector<std::uint32_t> queued = std::exchange(sock(id).completed, {});
    for (std::uint32_t conn : queued) {
      const std::uint32_t client = sock(conn).peer;
      sock(conn).listener = kNoSocket;
      sock(conn).peer = kNoSocket;
      sock(conn).closed = true;
      sock(conn).fd_gone = true;
      // sofree: what the client sent it is freed with it (a kqcheck
      // campaign with --with-tcp: a write before the listener's close).
      sock(conn).rcv.data_bytes = 0;
      sock(conn).snd.data_bytes = 0;
      if (client != kNoSocket) {
        sock(client).peer = kNoSocket;
        tcp_drop(client, Errno::kECONNRESET);
      }
    }
  }
  Socket& so = sock(id);
  so.closed = true;
  so.fd_gone = true;
  so.rcv.data_bytes = 0;
  so.rcv.cant_more = true;
  if (so.connected && !so.snd.cant_more) {
    so.snd.cant_more = true;
    so.fin_pending = true;
  }
  if (so.connected) tcp_settle(id);
}

}  // namespace kqsim::model
