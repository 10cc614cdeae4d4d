// struct socket + struct unpcb (uipc_socket.c, uipc_usrreq.c) reduced to
// what an AF_UNIX socket's kqueue filters and I/O observe: the receive
// buffer (bytes, or datagram records), the peer link, the listen queue,
// the shutdown states, so_error and the low-water marks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/datagram_queue.hpp"
#include "model/errno_code.hpp"
#include "model/knote_list.hpp"

namespace kqsim::model {

// The address family: AF_UNIX, or AF_INET stream sockets on 127.0.0.1
// (loopback TCP, tcp_usrreq.c), the only inet sockets modelled.
enum class SocketDomain : std::uint8_t { kUnix, kInet };

enum class SocketType : std::uint8_t {
  kStream,     // SOCK_STREAM
  kDgram,      // SOCK_DGRAM
  kSeqpacket,  // SOCK_SEQPACKET: named so it can be reported unsupported
};

// shutdown(2) how values.
enum class ShutdownHow : std::uint8_t { kRead = 0, kWrite = 1, kReadWrite = 2 };

// setsockopt(SOL_SOCKET, ...) options a trace may name. Only the low-water
// marks are modelled; the others are reported unsupported by name.
enum class SocketOption : std::uint8_t { kRcvLowat, kSndLowat, kRcvBuf, kSndBuf, kLinger, kNoSigpipe, kReuseAddr };

inline constexpr std::uint32_t kNoSocket = UINT32_MAX;

// What is left of a loopback TCP connection once soisdisconnected ran, as
// far as connect(2) can tell (tcp_usr_connect, tcp_connect): the inpcb
// dropped (INP_DROPPED: tcp_drop after a RST, tcp_close ending LAST_ACK),
// in TIME_WAIT (tcp_twstart), or in FIN_WAIT_2 after a SHUT_RD (the tcpcb
// alive, its FIN acked). kOpen for every other socket.
enum class TcpEnd : std::uint8_t { kOpen, kFinWait2, kTimeWait, kDropped };

// struct sockbuf, as counts. For unix stream sockets data lives only in the
// receiver's buffer (the send buffer is bypassed); unix datagrams sent on a
// connection are counted in the receiver's buffer too.
struct SockBuf {
  std::uint32_t hiwat = 0;       // sb_hiwat
  std::uint32_t lowat = 0;       // sb_lowat (SO_RCVLOWAT / SO_SNDLOWAT)
  std::uint32_t data_bytes = 0;  // sb_acc - sb_ctl
  std::uint32_t ctl_bytes = 0;   // sb_ctl: datagram source addresses
  bool cant_more = false;        // SBS_CANTRCVMORE on so_rcv, SBS_CANTSENDMORE on so_snd
  bool stopped = false;          // SB_STOP on so_snd (unix_stream_own_send_buffer)
  // so_rcv only: SB_KNOTE is gone (13.2's sorflush zeroed sb_flags), so
  // sorwakeup skips the knotes until soo_kqfilter attaches one (R29).
  bool knotes_unhooked = false;
};

struct Socket {
  SocketDomain domain = SocketDomain::kUnix;
  SocketType type = SocketType::kStream;
  bool listening = false;     // SOLISTENING
  bool connected = false;     // SS_ISCONNECTED
  bool disconnected = false;  // SS_ISDISCONNECTED: was connected, the peer went away
  bool closed = false;        // soclose has run
  std::uint32_t peer = kNoSocket;  // unp_conn (and so_rcv.uxst_peer for streams)
  Errno error = Errno::kNone;      // so_error
  std::string name;                // unp_addr path; empty when unbound
  SockBuf rcv;
  SockBuf snd;
  DatagramQueue records;           // SOCK_DGRAM receive queue, oldest first
  // Main's unp_dispose (SHUT_RD) frees a datagram socket's queue but leaves
  // its byte counts: what rcv still counts that no record holds (R22).
  Datagram disposed;
  std::int32_t qlimit = 0;                 // sol_qlimit
  std::vector<std::uint32_t> completed;    // sol_comp: connections awaiting accept
  std::uint32_t listener = kNoSocket;      // so_listen while on a listen queue
  // AF_INET (tcp_io.cpp): inp_lport; the connection's TCP state as far as
  // kqueue sees it. A TCP socket's so_snd holds what the peer's receive
  // window has not taken yet (snd.data_bytes).
  std::uint16_t port = 0;
  // inp_fport: for a client, the port it connected to; for an accepted
  // clone, its client's port (in_pcbconnect_setup's four-tuple check).
  std::uint16_t foreign_port = 0;
  bool reuseaddr = false;     // SO_REUSEADDR in so_options: in_pcbbind looks only for unconnected inpcbs
  bool fin_pending = false;   // shutdown(SHUT_WR)/close queued a FIN behind snd data
  bool fd_gone = false;       // SS_NOFDREF: closed, the connection lingers (FIN_WAIT)
  TcpEnd tcp_end = TcpEnd::kOpen;  // set with `disconnected` on an inet socket
  // TCPS_CLOSING: the peer's FIN arrived while this end's own FIN still
  // waited behind unsent data; once that FIN is acked, TIME_WAIT.
  bool tcp_closing = false;
  // TIME_WAIT's 2MSL callout (tcp_timer_2msl; tcp_timewait.cpp): the virtual
  // time its end is due; -1 when none is armed (outside TIME_WAIT, or on a
  // profile whose end a program cannot see).
  std::int64_t timewait_end_ns = -1;
  KnoteList rd_knotes;  // so_rdsel.si_note: EVFILT_READ
  KnoteList wr_knotes;  // so_wrsel.si_note: EVFILT_WRITE, EVFILT_EMPTY
};

const char* socket_type_name(SocketType t);
const char* socket_domain_name(SocketDomain d);
const char* socket_option_name(SocketOption o);
const char* shutdown_how_name(ShutdownHow h);
const char* tcp_end_name(TcpEnd e);  // "FIN_WAIT_2", "TIME_WAIT", "CLOSED"; "" for kOpen

}  // namespace kqsim::model
