// Socket filters: soo_kqfilter and filt_soread/filt_sowrite/filt_soempty
// (uipc_socket.c), and the unix stream WRITE/EMPTY filters of main
// (uipc_usrreq.c uipc_kqfilter_stream_or_seqpacket, uipc_filt_sowrite,
// uipc_filt_soempty), which measure the PEER's receive buffer.
// No socket filter ever clears EV_EOF: once set it stays (contrast pipes).
#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

bool lowat_requested(const Knote& kn) { return (kn.sfflags & note::kLowat) != 0; }

void set_eof(Knote& kn, Errno so_error) {
  kn.kev.flags |= ev::kEof;
  kn.kev.fflags = static_cast<std::uint32_t>(so_error);
}

}  // namespace

// READ hangs on so_rdsel for every socket; WRITE and EMPTY on so_wrsel, with
// unix stream sockets using their own filterops. Any other filter: EINVAL.
Kernel::RegisterOutcome Kernel::soo_kqfilter(KnoteRef ref) {
  Knote& kn = at(ref);
  kn.object = files_[kn.file].object;
  Socket& so = sock(kn.object);
  if (!profile_->models_unix_sockets) return {Errno::kNone, "AF_UNIX sockets are not modelled for this dialect"};
  // Before the stream rewrite (13.2) streams used the generic filters too.
  const bool stream = so.type == SocketType::kStream && so.domain == SocketDomain::kUnix &&
                      !profile_->unix_stream_own_send_buffer;
  switch (kn.kev.filter) {
    case filt::kRead: kn.kind = FilterKind::kSockRead; break;
    case filt::kWrite: kn.kind = stream ? FilterKind::kUnixWrite : FilterKind::kSockWrite; break;
    case filt::kEmpty: kn.kind = stream ? FilterKind::kUnixEmpty : FilterKind::kSockEmpty; break;
    default: return {Errno::kEINVAL, {}};
  }
  (kn.kev.filter == filt::kRead ? so.rd_knotes : so.wr_knotes).add(ref);
  if (kn.kev.filter == filt::kRead) so.rcv.knotes_unhooked = false;  // sb_flags |= SB_KNOTE
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kDetached);
  return {};
}

void Kernel::filt_sordetach(KnoteRef ref) { sock(at(ref).object).rd_knotes.remove(ref); }
void Kernel::filt_sowdetach(KnoteRef ref) { sock(at(ref).object).wr_knotes.remove(ref); }

// filt_soread. Listening: data = completed connections, a pending so_error
// is EOF with fflags = the error. Otherwise data = readable bytes without
// control data (datagram addresses); at "cannot receive more" EOF with
// fflags = so_error (0 after a plain peer close); a pending error fires;
// NOTE_LOWAT compares data with the knote's sdata, else everything buffered
// (addresses included) with SO_RCVLOWAT.
bool Kernel::filt_soread(Knote& kn, std::int64_t) {
  const Socket& so = sock(kn.object);
  if (so.listening) {
    kn.kev.data = static_cast<std::int64_t>(so.completed.size());
    if (so.error != Errno::kNone) {
      set_eof(kn, so.error);
      return true;
    }
    return !so.completed.empty();
  }
  kn.kev.data = so.rcv.data_bytes;
  if (so.rcv.cant_more) {
    set_eof(kn, so.error);
    return true;
  }
  if (so.error != Errno::kNone) return true;
  if (lowat_requested(kn)) return kn.kev.data >= kn.sdata;
  return static_cast<std::int64_t>(so.rcv.data_bytes) + so.rcv.ctl_bytes >= so.rcv.lowat;
}

// filt_sowrite: data = sbspace(so_snd). A unix socket's data never stays
// in so_snd (datagrams and, on 13.2, stream data go to the receiver), so
// the space is the whole send buffer, or 0 while SB_STOP is set (13.2
// streams); a TCP socket's so_snd holds what the peer has not taken.
// A stream socket that is not connected is not writable.
bool Kernel::filt_sowrite(Knote& kn, std::int64_t) {
  const Socket& so = sock(kn.object);
  if (so.listening) return false;
  kn.kev.data = so.snd.stopped ? 0 : static_cast<std::int64_t>(so.snd.hiwat) - so.snd.data_bytes;
  if (so.snd.cant_more) {
    set_eof(kn, so.error);
    return true;
  }
  if (so.error != Errno::kNone) return true;
  if (so.type == SocketType::kStream && !so.connected) return false;  // PR_CONNREQUIRED
  if (lowat_requested(kn)) return kn.kev.data >= kn.sdata;
  return kn.kev.data >= so.snd.lowat;
}

// filt_soempty: data = bytes still in so_snd, always 0 for a unix datagram
// socket (see filt_sowrite), so it is always true.
bool Kernel::filt_soempty(Knote& kn, std::int64_t) {
  if (sock(kn.object).listening) return true;
  kn.kev.data = 0;
  return true;
}

// uipc_filt_sowrite: never on a listener; without a peer, EOF (fflags =
// so_error) once disconnected, else not ready. data = free space in the
// peer's receive buffer; EOF while the peer cannot receive more (fflags
// untouched); ready at NOTE_LOWAT's sdata, else at the PEER's SO_RCVLOWAT.
bool Kernel::uipc_filt_sowrite(Knote& kn, std::int64_t) {
  const Socket& so = sock(kn.object);
  if (so.listening) return false;
  if (so.peer == kNoSocket) {
    if (!so.disconnected) return false;
    set_eof(kn, so.error);
    return true;
  }
  const Socket& peer = sock(so.peer);
  kn.kev.data = unix_stream_space(peer);
  if (peer.rcv.cant_more) {
    kn.kev.flags |= ev::kEof;
    return true;
  }
  if (lowat_requested(kn)) return kn.kev.data >= kn.sdata;
  return kn.kev.data >= peer.rcv.lowat;
}

// uipc_filt_soempty as written on main: true on a listener or without a
// peer; otherwise data = the peer's free receive space and true only when
// that is 0 (verify-on-host: the generic filter fires on an EMPTY buffer).
bool Kernel::uipc_filt_soempty(Knote& kn, std::int64_t) {
  const Socket& so = sock(kn.object);
  if (so.listening || so.peer == kNoSocket) return true;
  kn.kev.data = unix_stream_space(sock(so.peer));
  return kn.kev.data == 0;
}

}  // namespace kqsim::model
