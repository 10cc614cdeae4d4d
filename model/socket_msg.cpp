// recv(2) and send(2) with flags (uipc_syscalls.c kern_recvit/kern_sendit,
// uipc_socket.c soreceive_generic, uipc_usrreq.c uipc_soreceive_*):
// MSG_DONTWAIT makes one call non-blocking, MSG_PEEK reads without taking,
// MSG_WAITALL waits for the whole request, MSG_NOSIGNAL keeps the EPIPE of
// a send from raising SIGPIPE. MSG_OOB is reported unsupported.
#include <algorithm>
#include <utility>

#include "model/kernel.hpp"

namespace kqsim::model {

SysResult Kernel::recv(Pid pid, std::int32_t fd, std::int64_t nbytes, std::uint32_t flags) {
  SyscallScope scope(*this);
  std::uint32_t id = 0;
  if (SysResult r = socket_fd(pid, fd, id); r.err != Errno::kNone || !r.done()) return r;
  if ((flags & msgflag::kOob) != 0) return SysResult::unsupported("MSG_OOB (urgent data) is not modelled");
  if ((flags & ~msgflag::kKnown) != 0) return SysResult::unsupported("a recv() flag the model does not know");
  const bool dontwait = (flags & msgflag::kDontwait) != 0;
  const bool nbio = files_[proc(pid).fds.find(fd)->file].nonblock || dontwait;
  if (sock(id).domain == SocketDomain::kInet) return tcp_soreceive(id, nbio, dontwait, nbytes, flags);
  return unix_soreceive_flags(sock(id), nbio, nbytes, flags);
}

// uipc_soreceive_stream_or_seqpacket / uipc_soreceive_dgram with flags. A
// peek answers as a read would and takes nothing (so_error stays too); a
// datagram peek sees the first record. MSG_WAITALL on a stream waits while
// less than asked is buffered, unless EOF or an error ends it.
SysResult Kernel::unix_soreceive_flags(Socket& so, bool nbio, std::int64_t nbytes, std::uint32_t flags) {
  const bool peek = (flags & msgflag::kPeek) != 0;
  const bool waitall = (flags & msgflag::kWaitall) != 0;
  if (so.type == SocketType::kDgram) {
    if (!peek) return uipc_soreceive_dgram(so, nbio, nbytes);
    if (so.records.empty()) {
      if (so.error != Errno::kNone) return SysResult::fail(so.error);
      if (so.rcv.cant_more) return SysResult::ok(0);
      if (nbio) return SysResult::fail(Errno::kEAGAIN);
      return SysResult::blocked("recv(MSG_PEEK) on a datagram socket with no datagram waits for a sender");
    }
    return SysResult::ok(std::min<std::int64_t>(nbytes, so.records.front().data_bytes));
  }
  if (waitall && !nbio && so.rcv.data_bytes < nbytes && !so.rcv.cant_more && so.error == Errno::kNone &&
      (so.connected || so.disconnected)) {
    return SysResult::blocked("recv(MSG_WAITALL) waits until the whole request is buffered");
  }
  const bool dontwait = (flags & msgflag::kDontwait) != 0;
  if (!peek && waitall && generic_waitall_sleeps(so, nbytes, dontwait)) {
    return SysResult::blocked("soreceive_generic: MSG_WAITALL takes what is buffered, then sleeps for the rest even on a "
                              "non-blocking socket (the model keeps the bytes it would have taken)");
  }
  if (!peek) return uipc_soreceive_stream(so, nbio, nbytes, dontwait);
  if (!so.connected && !so.disconnected) return SysResult::fail(Errno::kENOTCONN);
  if (stream_receive_waits(so, nbytes, dontwait)) {
    if (so.error != Errno::kNone) return SysResult::fail(so.error);
    if (so.rcv.cant_more) return SysResult::ok(0);
    if (nbio) return SysResult::fail(Errno::kEAGAIN);
    return SysResult::blocked("recv(MSG_PEEK) on a socket below its receive low-water mark waits for a writer");
  }
  return SysResult::ok(std::min<std::int64_t>(nbytes, so.rcv.data_bytes));
}

// 13.2's unix streams receive through soreceive_generic, whose MSG_WAITALL
// loop sleeps for the rest of the request once it took what was buffered,
// without looking at SS_NBIO or MSG_DONTWAIT; only an error or the end of
// input ends it (recorded on 13.2 as a hang: regressions/recv-waitall-
// nonblocking-sleeps-13.2). Main's uipc_soreceive_stream_or_seqpacket goes
// back to its non-blocking check and returns the short count.
bool Kernel::generic_waitall_sleeps(const Socket& so, std::int64_t nbytes, bool dontwait) const {
  if (!profile_->unix_stream_receive_generic || stream_receive_waits(so, nbytes, dontwait)) return false;
  return so.rcv.data_bytes < nbytes && so.error == Errno::kNone && !so.rcv.cant_more && (so.connected || so.disconnected);
}

// kern_sendit / sousrsend: the protocol's send with MSG_DONTWAIT as
// non-blocking; an EPIPE raises SIGPIPE at the sender unless MSG_NOSIGNAL.
SysResult Kernel::send(Pid pid, std::int32_t fd, std::int64_t nbytes, std::uint32_t flags) {
  SyscallScope scope(*this);
  std::uint32_t id = 0;
  if (SysResult r = socket_fd(pid, fd, id); r.err != Errno::kNone || !r.done()) return r;
  if ((flags & msgflag::kOob) != 0) return SysResult::unsupported("MSG_OOB (urgent data) is not modelled");
  if ((flags & (msgflag::kPeek | msgflag::kWaitall)) != 0 || (flags & ~msgflag::kKnown) != 0) {
    return SysResult::unsupported("this send() flag is not modelled");
  }
  File f = files_[proc(pid).fds.find(fd)->file];
  f.nonblock = f.nonblock || (flags & msgflag::kDontwait) != 0;
  SysResult r = soo_write(f, nbytes);
  if (r.err == Errno::kEPIPE && (flags & msgflag::kNosignal) == 0) {
    SysResult sig = psignal(proc(pid), sig::kPipe);
    if (!sig.done()) return sig;
  }
  return r;
}

}  // namespace kqsim::model
