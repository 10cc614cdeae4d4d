// AF_UNIX socket system calls (uipc_syscalls.c, uipc_socket.c,
// uipc_usrreq.c): creating, naming, connecting, accepting, shutting down and
// closing sockets, and the knotes each state change posts.
#include <algorithm>
#include <utility>
#include <cassert>

#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

SysResult not_modelled(const DialectProfile& p, SocketType type) {
  if (!p.models_unix_sockets) return SysResult::unsupported("AF_UNIX sockets are not modelled for this dialect");
  if (type == SocketType::kSeqpacket) return SysResult::unsupported("SOCK_SEQPACKET sockets are not modelled");
  return SysResult::ok(0);
}

}  // namespace

const char* socket_type_name(SocketType t) {
  switch (t) {
    case SocketType::kStream: return "stream";
    case SocketType::kDgram: return "dgram";
    case SocketType::kSeqpacket: return "seqpacket";
  }
  return "?";
}

const char* socket_domain_name(SocketDomain d) { return d == SocketDomain::kInet ? "inet" : "unix"; }

const char* socket_option_name(SocketOption o) {
  switch (o) {
    case SocketOption::kRcvLowat: return "SO_RCVLOWAT";
    case SocketOption::kSndLowat: return "SO_SNDLOWAT";
    case SocketOption::kRcvBuf: return "SO_RCVBUF";
    case SocketOption::kSndBuf: return "SO_SNDBUF";
    case SocketOption::kLinger: return "SO_LINGER";
    case SocketOption::kNoSigpipe: return "SO_NOSIGPIPE";
    case SocketOption::kReuseAddr: return "SO_REUSEADDR";
  }
  return "?";
}

const char* shutdown_how_name(ShutdownHow h) {
  switch (h) {
    case ShutdownHow::kRead: return "SHUT_RD";
    case ShutdownHow::kWrite: return "SHUT_WR";
    case ShutdownHow::kReadWrite: return "SHUT_RDWR";
  }
  return "?";
}

// uipc_attach + soreserve: buffer sizes by type, default low-water marks.
std::uint32_t Kernel::new_socket(SocketType type) {
  Socket so;
  so.type = type;
  const bool stream = type == SocketType::kStream;
  so.snd.hiwat = stream ? profile_->unix_stream_sendspace : profile_->unix_dgram_sendspace;
  so.rcv.hiwat = stream ? profile_->unix_stream_recvspace : profile_->unix_dgram_recvspace;
  so.rcv.lowat = profile_->sock_rcv_lowat;
  so.snd.lowat = std::min(profile_->sock_snd_lowat, so.snd.hiwat);
  // A Socket's deque makes its move throwing, so growing the vector copies
  // every socket: room for a program's first few at once.
  if (sockets_.capacity() == 0) sockets_.reserve(8);
  sockets_.push_back(std::move(so));
  return static_cast<std::uint32_t>(sockets_.size() - 1);
}

// getsock: EBADF for a closed number, ENOTSOCK for another kind of file.
SysResult Kernel::socket_fd(Pid pid, std::int32_t fd, std::uint32_t& id) {
  const FdEntry* e = proc(pid).fds.find(fd);
  if (e == nullptr) return SysResult::fail(Errno::kEBADF);
  const File& f = files_[e->file];
  if (f.type != FileType::kSocket) return SysResult::fail(Errno::kENOTSOCK);
  if (!profile_->models_unix_sockets) return not_modelled(*profile_, SocketType::kStream);
  id = f.object;
  return SysResult::ok(0);
}

// unp_connect2: both directions for streams (uxst_peer links), one for a
// datagram socket. soisconnected on sockets nobody can watch yet posts
// nothing a knote could see.
void Kernel::unp_connect2(std::uint32_t a, std::uint32_t b) {
  for (std::uint32_t id : {a, b}) {
    Socket& so = sock(id);
    so.peer = id == a ? b : a;
    so.connected = true;
    so.disconnected = false;
  }
}

// kern_socketpair: two sockets connected to each other (datagram pairs with
// soconnect2 both ways).
PipeResult Kernel::socketpair(Pid pid, SocketType type, bool nonblock, bool cloexec) {
  SyscallScope scope(*this, kSocketObjects);
  PipeResult r;
  if (SysResult unsupported = not_modelled(*profile_, type); !unsupported.done()) {
    r.sys = unsupported;
    return r;
  }
  Process& p = proc(pid);
  std::uint32_t a = new_socket(type);
  std::uint32_t b = new_socket(type);
  unp_connect2(a, b);
  FileIndex fa = new_file(FileType::kSocket, a, nonblock);
  FileIndex fb = new_file(FileType::kSocket, b, nonblock);
  return install_pair(p, fa, fb, cloexec);
}

SysResult Kernel::socket(Pid pid, SocketType type, bool nonblock, bool cloexec, SocketDomain domain) {
  SyscallScope scope(*this, kSocketObjects);
  if (SysResult unsupported = not_modelled(*profile_, type); !unsupported.done()) return unsupported;
  if (domain == SocketDomain::kInet && type != SocketType::kStream) {
    return SysResult::unsupported("AF_INET sockets other than SOCK_STREAM (TCP) are not modelled");
  }
  const std::uint32_t id = domain == SocketDomain::kInet ? new_tcp_socket() : new_socket(type);
  FileIndex f = new_file(FileType::kSocket, id, nonblock);
  auto fd = install_fd(proc(pid), f, cloexec);
  if (!fd) {
    files_[f].closed = true;
    sock(files_[f].object).closed = true;
    return SysResult::fail(Errno::kEMFILE);
  }
  return SysResult::ok(*fd);
}

// uipc_bindat: a socket is bound once; the name must not exist yet, even if
// the socket that created it has gone (the socket file stays).
SysResult Kernel::bind(Pid pid, std::int32_t fd, std::string_view name) {
  SyscallScope scope(*this, kSocketObjects);
  std::uint32_t id = 0;
  if (SysResult r = socket_fd(pid, fd, id); r.err != Errno::kNone || !r.done()) return r;
  Socket* so = &sock(id);
  if (so->domain != SocketDomain::kUnix) return SysResult::fail(Errno::kEAFNOSUPPORT);  // in_pcbbind: not AF_INET
  if (name.empty()) return SysResult::fail(Errno::kEINVAL);
  if (!so->name.empty()) return SysResult::fail(Errno::kEINVAL);
  if (socket_names_.find(name) != socket_names_.end()) return SysResult::fail(Errno::kEADDRINUSE);
  so->name = std::string(name);
  socket_names_.emplace(so->name, id);
  return SysResult::ok(0);
}

// uipc_listen + solisten_proto: only a bound, unconnected stream socket
// listens; the backlog is clamped to somaxconn. listen() again only changes
// the backlog.
SysResult Kernel::listen(Pid pid, std::int32_t fd, std::int32_t backlog) {
  SyscallScope scope(*this, kSocketObjects);
  std::uint32_t id = 0;
  if (SysResult r = socket_fd(pid, fd, id); r.err != Errno::kNone || !r.done()) return r;
  Socket* so = &sock(id);
  if (so->domain == SocketDomain::kInet) return tcp_listen(id, backlog);
  if (so->type == SocketType::kDgram) return SysResult::fail(Errno::kEOPNOTSUPP);  // pr_listen_notsupp
  if (so->peer != kNoSocket) return SysResult::fail(Errno::kEINVAL);
  if (so->name.empty()) return SysResult::fail(Errno::kEDESTADDRREQ);
  if (backlog < 0 || backlog > profile_->somaxconn) backlog = profile_->somaxconn;
  // uipc_listen gives the buffers back (chgsbsize to 0); solisten_proto
  // keeps the low-water marks for the connections it will clone and
  // destroys what a socket whose peer has gone still had buffered.
  so->rcv.hiwat = 0;
  so->snd.hiwat = 0;
  so->rcv.data_bytes = 0;  // solisten_proto destroys the buffers
  so->rcv.ctl_bytes = 0;
  so->listening = true;
  so->qlimit = backlog;
  return SysResult::ok(0);
}

// soconnectat -> unp_connectat: the name is looked up, a stream connection
// clones the listener (solisten_clone, refused once the completed queue
// exceeds 3/2 of the backlog), connects to the clone and queues it
// (solisten_enqueue wakes the listener's readers).
SysResult Kernel::connect(Pid pid, std::int32_t fd, std::string_view name) {
  SyscallScope scope(*this, kSocketObjects);
  std::uint32_t id = 0;
  if (SysResult r = socket_fd(pid, fd, id); r.err != Errno::kNone || !r.done()) return r;
  Socket* so = &sock(id);
  if (so->domain != SocketDomain::kUnix) return SysResult::fail(Errno::kEAFNOSUPPORT);  // tcp_usr_connect: not AF_INET
  if (so->listening) return SysResult::fail(Errno::kEOPNOTSUPP);
  if (so->peer != kNoSocket) return SysResult::fail(Errno::kEISCONN);
  if (so->type == SocketType::kDgram) return SysResult::unsupported("connect() of a datagram socket is not modelled");
  auto it = socket_names_.find(name);
  if (it == socket_names_.end()) return SysResult::fail(Errno::kENOENT);
  if (it->second == kNoSocket) return SysResult::fail(Errno::kECONNREFUSED);
  const std::uint32_t head = it->second;
  if (sock(head).type != so->type) return SysResult::fail(Errno::kEPROTOTYPE);
  if (!sock(head).listening) return SysResult::fail(Errno::kECONNREFUSED);
  if (static_cast<std::int64_t>(sock(head).completed.size()) > 3 * static_cast<std::int64_t>(sock(head).qlimit) / 2) {
    return SysResult::fail(Errno::kECONNREFUSED);
  }
  sock(id).error = Errno::kNone;  // soconnectat clears so_error first
  const std::uint32_t clone = new_socket(SocketType::kStream);  // `so` may dangle from here on
  // solisten_clone copies the listener's low-water marks; soreserve (again
  // in uipc_attach) turns a 0 into the default and caps SO_SNDLOWAT.
  const Socket& h = sock(head);
  Socket& c = sock(clone);
  c.rcv.lowat = h.rcv.lowat != 0 ? h.rcv.lowat : profile_->sock_rcv_lowat;
  c.snd.lowat = std::min(h.snd.lowat != 0 ? h.snd.lowat : profile_->sock_snd_lowat, c.snd.hiwat);
  unp_connect2(id, clone);
  sock(clone).listener = head;
  sock(head).completed.push_back(clone);
  knote_post(sock(head).rd_knotes);
  return SysResult::ok(0);
}

// kern_accept4 -> solisten_dequeue: a pending so_error is returned (and
// cleared) first; accept() gives the new descriptor the listener's
// O_NONBLOCK (ACCEPT4_INHERIT).
SysResult Kernel::accept(Pid pid, std::int32_t fd) {
  SyscallScope scope(*this, kSocketObjects);
  std::uint32_t id = 0;
  if (SysResult r = socket_fd(pid, fd, id); r.err != Errno::kNone || !r.done()) return r;
  Socket* so = &sock(id);
  if (!so->listening) return SysResult::fail(Errno::kEINVAL);
  const bool nonblock = files_[proc(pid).fds.find(fd)->file].nonblock;
  if (so->error != Errno::kNone) {
    Errno e = std::exchange(so->error, Errno::kNone);
    return SysResult::fail(e);
  }
  if (so->completed.empty()) {
    if (nonblock) return SysResult::fail(Errno::kEAGAIN);
    return SysResult::blocked("accept() on an empty listen queue waits for a connection");
  }
  const std::uint32_t conn = so->completed.front();
  FileIndex f = new_file(FileType::kSocket, conn, nonblock);
  auto nfd = install_fd(proc(pid), f, false);
  if (!nfd) {
    files_[f].closed = true;
    return SysResult::fail(Errno::kEMFILE);
  }
  so->completed.erase(so->completed.begin());
  sock(conn).listener = kNoSocket;
  // kern_accept4: "connection has been removed from the listen queue" - a
  // KNOTE on the listener's read list, so its knotes' data becomes the new
  // queue length; a knote already queued stays queued (KNOTE only
  // activates), and a queued EV_ONESHOT one is delivered with that data
  // (15.1 campaign, seed 3, program 1602: data 0 after the accept; R19).
  knote_post(sock(id).rd_knotes);
  return SysResult::ok(*nfd);
}

// sorwakeup: a receive buffer's wakeup reaches its knotes only while
// sb_notify sees SB_KNOTE, which 13.2's sorflush cleared (R29). A listener's
// wakeups (solisten_wakeup, kern_accept4's KNOTE) do not come here.
void Kernel::sorwakeup(Socket& so) {
  if (!so.rcv.knotes_unhooked) knote_post(so.rd_knotes);
}

// sorflush's end on 13.2: the receive buffer zeroed from sb_startzero on:
// SB_KNOTE with the other flags, and sb_lowat and sb_hiwat, so a poll with
// POLLINIGNEOF finds 0 bytes at the mark of 0 readable (13.2 campaign, seed
// 14, program 1973). Main keeps the flags and the mark.
void Kernel::sorflush_zeroes(Socket& so) {
  if (!profile_->sorflush_clears_sb_flags) return;
  so.rcv.knotes_unhooked = true;
  so.rcv.lowat = 0;
  so.rcv.hiwat = 0;
}

// uipc_cantrcvmore: the socket can receive no more; its readers are told,
// then the writer sending into it (its peer).
void Kernel::uipc_cantrcvmore(std::uint32_t id) {
  sock(id).rcv.cant_more = true;
  sorwakeup(sock(id));
  if (sock(id).peer != kNoSocket) knote_post(sock(sock(id).peer).wr_knotes);
}

// uipc_shutdown SHUT_RD: socantrcvmore (datagram) or uipc_cantrcvmore
// (stream), then unp_dispose throws away what was buffered and gives the
// receive buffer back (chgsbsize to 0): a stream peer's EVFILT_WRITE then
// measures no space at all (15.1 recording of shutdown-rd-discards-data, R3).
void Kernel::shut_read(std::uint32_t id) {
  // 13.2's soshutdown runs sorflush: cannot receive more, buffer emptied and
  // zeroed; the peer is not told (R6).
  if (sock(id).type == SocketType::kDgram || profile_->unix_stream_own_send_buffer) {
    sock(id).rcv.cant_more = true;
    sorwakeup(sock(id));
  } else {
    uipc_cantrcvmore(id);
  }
  Socket& so = sock(id);
  sorflush_zeroes(so);
  so.rcv.hiwat = 0;
  if (so.type == SocketType::kDgram && !profile_->unix_dgram_receiver_space) {
    // Main's unp_dispose takes the datagrams (its own queue and each
    // connected sender's) and frees them, but leaves the receive buffer's
    // counts: EVFILT_READ goes on reporting their bytes, and a read finds
    // nothing (R22: recorded on 15.1, regressions/dgram-shutdown-rd-keeps-count).
    for (const Datagram& d : so.records) {
      so.disposed.data_bytes += d.data_bytes;
      so.disposed.addr_bytes += d.addr_bytes;
    }
    so.records.clear();
    return;
  }
  so.rcv.data_bytes = 0;
  so.rcv.ctl_bytes = 0;
  so.records.clear();
}

// uipc_shutdown SHUT_WR: socantsendmore for a datagram socket; for a stream,
// the peer can receive no more.
void Kernel::shut_write(std::uint32_t id) {
  if (sock(id).type == SocketType::kDgram) {
    sock(id).snd.cant_more = true;
    knote_post(sock(id).wr_knotes);
    return;
  }
  // 13.2's uipc_shutdown: socantsendmore here, then unp_shutdown makes the
  // peer unable to receive.
  if (profile_->unix_stream_own_send_buffer) {
    sock(id).snd.cant_more = true;
    knote_post(sock(id).wr_knotes);
  }
  if (sock(id).peer == kNoSocket) return;
  if (profile_->unix_stream_own_send_buffer) {
    sock(sock(id).peer).rcv.cant_more = true;
    sorwakeup(sock(sock(id).peer));
  } else {
    uipc_cantrcvmore(sock(id).peer);
  }
}

// uipc_shutdown. A listener answers ENOTCONN (SHUT_RD/RDWR also abort it:
// so_error ECONNABORTED, readers woken); an unconnected stream socket
// answers ENOTCONN and nothing happens; a datagram socket is shut down even
// when it answers ENOTCONN. SHUT_RD discards what was buffered
// (unp_dispose); a stream SHUT_WR is the peer's "cannot receive more".
SysResult Kernel::shutdown(Pid pid, std::int32_t fd, ShutdownHow how) {
  SyscallScope scope(*this, kSocketObjects);
  std::uint32_t id = 0;
  if (SysResult r = socket_fd(pid, fd, id); r.err != Errno::kNone || !r.done()) return r;
  Socket* so = &sock(id);
  if (so->listening) {
    if (how != ShutdownHow::kWrite) {
      so->error = Errno::kECONNABORTED;
      knote_post(so->rd_knotes);  // solisten_wakeup
    }
    return SysResult::fail(Errno::kENOTCONN);
  }
  if (so->domain == SocketDomain::kInet) return tcp_shutdown(id, how);
  SysResult result = SysResult::ok(0);
  if (!so->connected) {
    result = SysResult::fail(Errno::kENOTCONN);
    if (so->type != SocketType::kDgram) return result;
  }
  if (how != ShutdownHow::kWrite) shut_read(id);
  if (how != ShutdownHow::kRead) shut_write(id);
  return result;
}

// sosetopt: values below 1 are EINVAL; sbsetopt caps a low-water mark at
// the buffer size. A unix listener's is 0 on main (uipc_listen), so a mark
// set after listen() is 0 and the connections accepted later get the
// defaults; 13.2's listener kept its sizes (unix_listener_keeps_buffer_sizes)
// and a TCP listener keeps them, so there the mark passes on.
SysResult Kernel::setsockopt(Pid pid, std::int32_t fd, SocketOption option, std::int64_t value) {
  SyscallScope scope(*this, kSocketObjects);
  std::uint32_t id = 0;
  if (SysResult r = socket_fd(pid, fd, id); r.err != Errno::kNone || !r.done()) return r;
  Socket* so = &sock(id);
  switch (option) {
    case SocketOption::kRcvLowat:
    case SocketOption::kSndLowat: break;
    case SocketOption::kRcvBuf: return SysResult::unsupported("setsockopt(SO_RCVBUF) is not modelled");
    case SocketOption::kSndBuf: return SysResult::unsupported("setsockopt(SO_SNDBUF) is not modelled");
    case SocketOption::kLinger: return SysResult::unsupported("setsockopt(SO_LINGER) is not modelled");
    case SocketOption::kNoSigpipe: return SysResult::unsupported("setsockopt(SO_NOSIGPIPE) is not modelled");
    // sosetopt: SO_REUSEADDR sets or clears a bit of so_options, which
    // in_pcbbind consults (inet_port_in_use).
    case SocketOption::kReuseAddr:
      so->reuseaddr = value != 0;
      return SysResult::ok(0);
  }
  if (value < 1 || value > INT32_MAX) return SysResult::fail(Errno::kEINVAL);
  SockBuf& sb = option == SocketOption::kRcvLowat ? so->rcv : so->snd;
  std::uint32_t size = sb.hiwat;
  if (so->listening && so->domain == SocketDomain::kUnix && profile_->unix_listener_keeps_buffer_sizes) {
    size = option == SocketOption::kRcvLowat ? profile_->unix_stream_recvspace : profile_->unix_stream_sendspace;
  }
  sb.lowat = static_cast<std::uint32_t>(std::min<std::int64_t>(value, size));
  return SysResult::ok(0);
}

// unp_disconnect. Stream: both ends become disconnected and can receive no
// more (unp_soisdisconnected -> socantrcvmore_locked posts each one's
// readers), and each one's writers are posted too: a queued oneshot
// EVFILT_WRITE knote of the survivor carries EV_EOF when delivered, recorded
// on 15.1 and 13.2 (regressions/stream-peer-close-posts-queued-writer).
// The order differs: 13.2's soisdisconnected posts the readers, then shuts
// the sending side and posts the writers; 15.1 (main's stream rewrite)
// activates the survivor's EVFILT_WRITE/EMPTY knotes before its EVFILT_READ
// ones, whatever order they were registered in - recorded on both kernels
// (regressions/stream-peer-close-posts-writers-first; R20 in
// docs/observed-real-kernels.md).
// Datagram: only this direction goes.
void Kernel::unp_disconnect(std::uint32_t a) {
  const std::uint32_t b = sock(a).peer;
  if (b == kNoSocket) return;
  if (sock(a).type == SocketType::kDgram) {
    if (!profile_->unix_dgram_receiver_space) unp_dgram_sender_gone(b);
    sock(a).peer = kNoSocket;
    sock(a).connected = false;
    return;
  }
  for (std::uint32_t id : {a, b}) {
    Socket& so = sock(id);
    so.peer = kNoSocket;
    so.connected = false;
    so.disconnected = true;
    so.rcv.cant_more = true;
    if (profile_->unix_stream_own_send_buffer) {
      sorwakeup(so);
      so.snd.cant_more = true;  // 13.2: soisdisconnected shuts the sending side too
      knote_post(so.wr_knotes);
    } else {
      knote_post(so.wr_knotes);
      sorwakeup(so);
    }
  }
}

// Main's unp_disconnect (SOCK_DGRAM): what a connected sender still has
// queued at the receiver moves to the receiver's own queue only when the
// receiver can still receive and that queue is empty; otherwise it is freed
// and the receiver's counts drop by it. So after shutdown(SHUT_RD) the
// sender's close takes its datagrams away, and a read gets the ECONNRESET
// at once (R25: recorded on 15.1; 13.2 keeps no datagram past SHUT_RD). In
// the model every datagram a receiver holds comes from its one socketpair
// peer, so its own queue is empty here.
void Kernel::unp_dgram_sender_gone(std::uint32_t receiver) {
  Socket& r = sock(receiver);
  if (!r.rcv.cant_more) return;
  for (const Datagram& d : r.records) {
    r.rcv.data_bytes -= d.data_bytes;
    r.rcv.ctl_bytes -= d.addr_bytes;
  }
  r.records.clear();
}

// uipc_abort of a connection nobody accepted: unp_drop gives the connecting
// side so_error EPIPE (ECONNRESET on 13.2), then disconnects it.
void Kernel::soabort(std::uint32_t id) {
  const std::uint32_t client = sock(id).peer;
  if (client != kNoSocket) sock(client).error = profile_->unix_abort_errno;
  unp_disconnect(id);
  Socket& so = sock(id);
  so.listener = kNoSocket;
  so.closed = true;  // sofree: what the client sent it is freed with it
  so.rcv.data_bytes = 0;
  so.rcv.ctl_bytes = 0;
}

// soclose: a listener aborts its unaccepted connections; otherwise
// uipc_close disconnects the peer, and uipc_detach drops the datagram
// sockets connected to this one (unp_drop: so_error ECONNRESET). The bound
// name stays, refusing connections. Every knote on the socket held a file
// reference, so its lists are empty by now.
void Kernel::soclose(std::uint32_t id) {
  if (sock(id).domain == SocketDomain::kInet) {
    tcp_close(id);
    return;
  }
  Socket& so = sock(id);
  if (so.listening) {
    const std::vector<std::uint32_t> queued = std::exchange(so.completed, {});
    for (std::uint32_t conn : queued) soabort(conn);
  }
  const std::uint32_t peer = sock(id).peer;
  const bool dgram = sock(id).type == SocketType::kDgram;
  unp_disconnect(id);
  if (dgram && peer != kNoSocket && sock(peer).peer == id) {
    sock(peer).error = Errno::kECONNRESET;
    unp_disconnect(peer);
  }
  Socket& closed = sock(id);
  closed.closed = true;
  closed.rcv.data_bytes = 0;
  closed.rcv.ctl_bytes = 0;
  closed.records.clear();
  closed.disposed = Datagram{};
  if (!closed.name.empty()) socket_names_[closed.name] = kNoSocket;
  assert(closed.rd_knotes.empty() && closed.wr_knotes.empty());
}

}  // namespace kqsim::model
