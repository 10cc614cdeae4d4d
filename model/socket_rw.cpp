// read(2)/write(2) on AF_UNIX sockets: uipc_soreceive_stream_or_seqpacket,
// uipc_soreceive_dgram, uipc_sosend_stream_or_seqpacket, uipc_sosend_dgram
// (uipc_usrreq.c on main), with the knotes each posts.
#include <algorithm>
#include <utility>

#include "model/kernel.hpp"

namespace kqsim::model {

// uipc_stream_sbspace: what a writer may still put in the receiver's
// buffer. The mbuf-memory limit (sb_mbmax) is not modelled: only many tiny
// writes could reach it before the byte limit.
std::int64_t Kernel::unix_stream_space(const Socket& receiver) const {
  const std::int64_t used = static_cast<std::int64_t>(receiver.rcv.data_bytes) + receiver.rcv.ctl_bytes;
  return std::max<std::int64_t>(0, static_cast<std::int64_t>(receiver.rcv.hiwat) - used);
}

SysResult Kernel::soo_read(const File& f, std::int64_t nbytes) {
  if (!profile_->models_unix_sockets) return SysResult::unsupported("AF_UNIX sockets are not modelled for this dialect");
  Socket& so = sock(f.object);
  if (so.domain == SocketDomain::kInet) return tcp_soreceive(f.object, f.nonblock, false, nbytes, 0);
  if (so.type == SocketType::kDgram) return uipc_soreceive_dgram(so, f.nonblock, nbytes);
  return uipc_soreceive_stream(so, f.nonblock, nbytes);
}

SysResult Kernel::soo_write(const File& f, std::int64_t nbytes) {
  if (!profile_->models_unix_sockets) return SysResult::unsupported("AF_UNIX sockets are not modelled for this dialect");
  // SOCK_IO_SEND_LOCK (soiolock): a listening socket is ENOTCONN before the
  // protocol looks at anything, so_error included (the ECONNABORTED that
  // soshutdown leaves on a listener is for accept). Recorded on 13.2 and
  // 15.1 (regressions/listener-write-enotconn-after-shutdown).
  if (sock(f.object).listening) return SysResult::fail(Errno::kENOTCONN);
  if (sock(f.object).domain == SocketDomain::kInet) return tcp_sosend(f.object, f.nonblock, nbytes);
  if (sock(f.object).type == SocketType::kDgram) return uipc_sosend_dgram(f.object, nbytes);
  if (profile_->unix_stream_own_send_buffer) return sosend_stream_own_buffer(f.object, f.nonblock, nbytes);
  return uipc_sosend_stream(f.object, f.nonblock, nbytes);
}

// Whether a stream read must wait for more data (or fail without it).
// uipc_soreceive_stream_or_seqpacket (main): while less than the receive
// low-water mark is buffered. soreceive_generic (13.2): when nothing is
// buffered, or when the request is larger than what is buffered, which is
// below the mark, without MSG_DONTWAIT, so_error or SBS_CANTRCVMORE.
bool Kernel::stream_receive_waits(const Socket& so, std::int64_t nbytes, bool dontwait) const {
  if (!profile_->unix_stream_receive_generic) return so.rcv.data_bytes < so.rcv.lowat;
  const std::int64_t buffered = so.rcv.data_bytes;
  return buffered == 0 || (!dontwait && buffered < nbytes && buffered < so.rcv.lowat && so.error == Errno::kNone &&
                           !so.rcv.cant_more);
}

// Never connected: ENOTCONN. When it must wait (stream_receive_waits) the
// call reports so_error (clearing it), then EOF (0), then EAGAIN, else it
// would sleep. Taking data wakes the writer (uipc_wakeup_writer: the peer's
// EVFILT_WRITE/EMPTY knotes).
SysResult Kernel::uipc_soreceive_stream(Socket& so, bool nonblock, std::int64_t nbytes, bool dontwait) {
  if (!so.connected && !so.disconnected) return SysResult::fail(Errno::kENOTCONN);
  if (stream_receive_waits(so, nbytes, dontwait)) {
    if (so.error != Errno::kNone) return SysResult::fail(std::exchange(so.error, Errno::kNone));
    if (so.rcv.cant_more) return SysResult::ok(0);
    if (nonblock) return SysResult::fail(Errno::kEAGAIN);
    return SysResult::blocked("read() on a socket below its receive low-water mark waits for a writer");
  }
  auto n = static_cast<std::uint32_t>(std::min<std::int64_t>(nbytes, so.rcv.data_bytes));
  so.rcv.data_bytes -= n;
  if (so.peer != kNoSocket) {
    // 13.2's uipc_rcvd: the writer's send buffer runs again once what is
    // left here is below its size.
    Socket& writer = sock(so.peer);
    if (profile_->unix_stream_own_send_buffer && so.rcv.data_bytes < writer.snd.hiwat) writer.snd.stopped = false;
    knote_post(writer.wr_knotes);
  }
  return SysResult::ok(n);
}

// One read consumes one record; what does not fit is discarded (MSG_TRUNC).
// Nothing is posted: datagram senders never wait for room.
SysResult Kernel::uipc_soreceive_dgram(Socket& so, bool nonblock, std::int64_t nbytes) {
  if (so.records.empty()) {
    if (so.error != Errno::kNone) return SysResult::fail(std::exchange(so.error, Errno::kNone));
    if (so.rcv.cant_more) return SysResult::ok(0);
    if (nonblock) return SysResult::fail(Errno::kEAGAIN);
    return SysResult::blocked("read() on a datagram socket with no datagram waits for a sender");
  }
  const Datagram d = so.records.front();
  so.records.pop_front();
  so.rcv.data_bytes -= d.data_bytes;
  so.rcv.ctl_bytes -= d.addr_bytes;
  return SysResult::ok(std::min<std::int64_t>(nbytes, d.data_bytes));
}

// uipc_lock_peer first: so_error (cleared), then EPIPE once disconnected or
// ENOTCONN if never connected. Data goes straight into the peer's receive
// buffer, as much as fits; EPIPE once the peer cannot receive; below the
// peer's receive low-water mark a non-blocking writer gets EAGAIN unless
// some data already went (then the short count), a blocking one sleeps.
SysResult Kernel::uipc_sosend_stream(std::uint32_t id, bool nonblock, std::int64_t nbytes) {
  Socket& so = sock(id);
  if (so.error != Errno::kNone) return SysResult::fail(std::exchange(so.error, Errno::kNone));
  if (so.peer == kNoSocket) return SysResult::fail(so.disconnected ? Errno::kEPIPE : Errno::kENOTCONN);
  Socket& peer = sock(so.peer);
  std::int64_t sent = 0;
  while (sent < nbytes) {
    if (peer.rcv.cant_more) return sent > 0 ? SysResult::ok(sent) : SysResult::fail(Errno::kEPIPE);
    const std::int64_t space = unix_stream_space(peer);
    if (space < peer.rcv.lowat || space == 0) {
      if (sent > 0 && nonblock) return SysResult::ok(sent);
      if (nonblock) return SysResult::fail(Errno::kEAGAIN);
      return SysResult::blocked("a blocking socket write larger than the peer's free space waits for a reader");
    }
    const std::int64_t n = std::min(nbytes - sent, space);
    peer.rcv.data_bytes += static_cast<std::uint32_t>(n);
    sent += n;
    sorwakeup(peer);  // sorwakeup_locked(so2)
  }
  return SysResult::ok(sent);
}

// sosend_generic + uipc_send for a stream socket before the rewrite (13.2):
// EPIPE once this socket cannot send, then so_error (cleared), then
// ENOTCONN. The space is this socket's own send buffer, whole unless
// SB_STOP; what fits goes to the peer's receive buffer (even one that
// shut down reading: R6), and once the peer holds a buffer's worth the
// send buffer stops. A non-blocking writer gets what was sent or EAGAIN.
SysResult Kernel::sosend_stream_own_buffer(std::uint32_t id, bool nonblock, std::int64_t nbytes) {
  Socket& so = sock(id);
  if (so.snd.cant_more) return SysResult::fail(Errno::kEPIPE);
  if (so.error != Errno::kNone) return SysResult::fail(std::exchange(so.error, Errno::kNone));
  if (so.peer == kNoSocket) return SysResult::fail(Errno::kENOTCONN);
  Socket& peer = sock(so.peer);
  std::int64_t sent = 0;
  while (sent < nbytes) {
    const std::int64_t space = so.snd.stopped ? 0 : so.snd.hiwat;
    if (space < nbytes - sent && space < so.snd.lowat) {
      if (sent > 0 && nonblock) return SysResult::ok(sent);
      if (nonblock) return SysResult::fail(Errno::kEAGAIN);
      return SysResult::blocked("a blocking socket write larger than the send buffer's space waits for a reader");
    }
    const std::int64_t n = std::min(nbytes - sent, space);
    peer.rcv.data_bytes += static_cast<std::uint32_t>(n);
    sent += n;
    sorwakeup(peer);  // sorwakeup_locked(so2)
    if (peer.rcv.data_bytes >= so.snd.hiwat) so.snd.stopped = true;
  }
  return SysResult::ok(sent);
}

// uipc_sosend_dgram: too large is EMSGSIZE before anything; then
// SBS_CANTSENDMORE (EPIPE), so_error (cleared), not connected
// (EDESTADDRREQ). The record (data plus the sender's address) must fit in
// the sender's own buffer, which accounts what it has queued at the
// receiver; otherwise ENOBUFS, never a wait. The receiver's readers are told.
// Only that buffer is checked for SBS_CANTRCVMORE, so a datagram still
// reaches a receiver that shut down reading (verify-on-host).
SysResult Kernel::uipc_sosend_dgram(std::uint32_t id, std::int64_t nbytes) {
  Socket& so = sock(id);
  // Before the 2022 rewrite (13.2) sosend_generic checked the size last,
  // against the send buffer (the largest datagram).
  const bool size_first = !profile_->unix_dgram_receiver_space;
  if (size_first && nbytes > profile_->unix_dgram_maxdgram) return SysResult::fail(Errno::kEMSGSIZE);
  if (so.snd.cant_more) return SysResult::fail(Errno::kEPIPE);
  if (so.error != Errno::kNone) return SysResult::fail(std::exchange(so.error, Errno::kNone));
  if (!so.connected || so.peer == kNoSocket) return SysResult::fail(Errno::kEDESTADDRREQ);
  if (!size_first && nbytes > so.snd.hiwat) return SysResult::fail(Errno::kEMSGSIZE);
  Socket& peer = sock(so.peer);
  const std::uint32_t addr = so.name.empty() ? profile_->unix_noname_len : static_cast<std::uint32_t>(2 + so.name.size());
  // One sender per receiver here (socketpair), so what this socket has
  // queued is everything in the peer's buffer but what unp_dispose left
  // counted there (the sender's own counts were zeroed).
  const std::int64_t queued = static_cast<std::int64_t>(peer.rcv.data_bytes) + peer.rcv.ctl_bytes -
                              peer.disposed.data_bytes - peer.disposed.addr_bytes;
  // Before the 2022 rewrite (13.2) sbappendaddr checks the receiver's own
  // buffer instead.
  const std::int64_t limit = profile_->unix_dgram_receiver_space ? peer.rcv.hiwat : so.snd.hiwat;
  if (limit - queued < nbytes + addr) return SysResult::fail(Errno::kENOBUFS);
  peer.records.push_back(Datagram{static_cast<std::uint32_t>(nbytes), addr});
  peer.rcv.data_bytes += static_cast<std::uint32_t>(nbytes);
  peer.rcv.ctl_bytes += addr;
  sorwakeup(peer);  // sorwakeup_locked(so2)
  return SysResult::ok(nbytes);
}

}  // namespace kqsim::model
