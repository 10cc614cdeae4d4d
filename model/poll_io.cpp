// poll(2) and select(2) (sys_generic.c kern_poll/pollscan, kern_select/
// selscan) over the model's descriptors, with each file kind's fo_poll:
// pipe_poll (sys_pipe.c, pipes and FIFOs), kqueue_poll (kern_event.c),
// sopoll_generic (uipc_socket.c) and uipc_sopoll_stream_or_seqpacket
// (uipc_usrreq.c, unix streams on main), vop_stdpoll (vfs_default.c,
// regular files and directories: always ready), procdesc_poll.
// A call that finds nothing ready sleeps on the virtual clock until a timer
// of a polled kqueue wakes it or its timeout ends (seltdwait).
#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

constexpr std::int16_t kInBits = pollbit::kIn | pollbit::kRdnorm;
constexpr std::int64_t kUsPerSec = 1'000'000;
constexpr std::string_view kPollForever = "poll() with no timeout and nothing ready waits for another process";
constexpr std::string_view kSelectForever = "select() with no timeout and nothing ready waits for another process";

std::int64_t deadline_after(std::int64_t now_ns, std::int64_t wait_ns) {
  return wait_ns > INT64_MAX - now_ns ? INT64_MAX : now_ns + wait_ns;
}
constexpr std::int16_t kOutBits = pollbit::kOut | pollbit::kWrnorm;
// POLLSTANDARD: what vop_stdpoll answers without a poll record.
constexpr std::int16_t kStandard = kInBits | kOutBits | pollbit::kPri | pollbit::kRdband | pollbit::kWrband |
                                   pollbit::kErr | pollbit::kHup | pollbit::kNval;

// select_flags: what each of select's three sets asks fo_poll for, and
// which answered bits count as ready in it.
constexpr std::int16_t kSelectRead = pollbit::kRdnorm | pollbit::kHup | pollbit::kErr;
constexpr std::int16_t kSelectWrite = pollbit::kWrnorm | pollbit::kHup | pollbit::kErr;
constexpr std::int16_t kSelectExcept = pollbit::kRdband | pollbit::kErr;

}  // namespace

// pipe_poll: readable (FREAD: not a FIFO opened O_WRONLY, campaign 15.1
// seed 20 program 114) with bytes buffered; writable (FWRITE) when the
// reader is gone or at EOF, or with PIPE_BUF free (or no buffer yet); at
// EOF readable (FREAD) and, once the other side is gone too, POLLHUP. A
// FIFO reader that has not seen a writer leave since its open polls as if
// POLLINIGNEOF were asked (no EOF yet).
std::int16_t Kernel::pipe_poll(const File& f, std::int16_t events) const {
  const PipeEnd& rpipe = pipe_end(f.object);
  const PipeEnd& wpipe = pipe_end(pipe_write_end(f.object));
  std::int16_t revents = 0;
  if ((events & kInBits) != 0 && f.readable && rpipe.buffered > 0) revents |= static_cast<std::int16_t>(events & kInBits);
  if ((events & kOutBits) != 0 && f.writable &&
      (!wpipe.active || wpipe.eof || wpipe.buffer_size == 0 || wpipe.buffer_size - wpipe.buffered >= profile_->pipe_buf)) {
    revents |= static_cast<std::int16_t>(events & kOutBits);
  }
  const std::int16_t levents = events & (kInBits | pollbit::kIgnEof | pollbit::kPri | pollbit::kRdband);
  if (rpipe.named && f.readable && levents != 0 && f.pipegen == rpipe.wgen) events |= pollbit::kIgnEof;
  if ((events & pollbit::kIgnEof) == 0 && rpipe.eof) {
    if (f.readable) revents |= static_cast<std::int16_t>(events & kInBits);
    if (!wpipe.active || wpipe.eof) revents |= pollbit::kHup;
  }
  return revents;
}

// sopoll_generic, and for a unix stream on main (before the rewrite the
// generic one served it too) uipc_sopoll_stream_or_seqpacket, which
// measures the peer's receive buffer for POLLOUT.
std::int16_t Kernel::sopoll(const Socket& so, std::int16_t events) const {
  const bool unix_stream = so.domain == SocketDomain::kUnix && so.type == SocketType::kStream &&
                           !profile_->unix_stream_own_send_buffer;
  if (so.listening) {
    if ((events & kInBits) == 0) return 0;
    if (!so.completed.empty()) return static_cast<std::int16_t>(events & kInBits);
    // The unix stream poll of main reports a listener's so_error whatever
    // POLLINIGNEOF says; sopoll_generic only without it
    // (regressions/listener-poll-error-ignores-ignoreof).
    const bool ignore_eof = (events & pollbit::kIgnEof) != 0 && !unix_stream;
    if (!ignore_eof && so.error != Errno::kNone) return static_cast<std::int16_t>((events & kInBits) | pollbit::kHup);
    return 0;
  }
  const std::int64_t buffered = static_cast<std::int64_t>(so.rcv.data_bytes) + so.rcv.ctl_bytes;
  std::int16_t revents = 0;
  if (unix_stream) {
    if (so.disconnected) revents = pollbit::kHup;
    if ((events & (kInBits | pollbit::kRdhup)) != 0) {
      if (buffered >= so.rcv.lowat || so.error != Errno::kNone) revents |= static_cast<std::int16_t>(events & kInBits);
      if (so.rcv.cant_more) revents |= static_cast<std::int16_t>(events & (kInBits | pollbit::kRdhup));
    }
    if ((events & kOutBits) != 0 && so.peer != kNoSocket) {
      const Socket& peer = sockets_[so.peer];
      if (unix_stream_space(peer) >= peer.rcv.lowat) revents |= static_cast<std::int16_t>(events & kOutBits);
      if (peer.rcv.cant_more) revents |= pollbit::kHup;
    }
    return revents;
  }
  // soreadabledata / sowriteable.
  if ((events & kInBits) != 0 && (buffered >= so.rcv.lowat || so.error != Errno::kNone)) {
    revents |= static_cast<std::int16_t>(events & kInBits);
  }
  const std::int64_t space = so.snd.stopped ? 0 : static_cast<std::int64_t>(so.snd.hiwat) - so.snd.data_bytes;
  const bool connreq = so.type == SocketType::kStream;
  if ((events & kOutBits) != 0 &&
      ((space >= so.snd.lowat && (so.connected || !connreq)) || so.snd.cant_more || so.error != Errno::kNone)) {
    revents |= static_cast<std::int16_t>(events & kOutBits);
  }
  if ((events & pollbit::kIgnEof) == 0 && so.rcv.cant_more) {
    revents |= static_cast<std::int16_t>(events & kInBits);
    if (so.snd.cant_more) revents |= pollbit::kHup;
  }
  // POLLRDHUP whether or not POLLINIGNEOF was asked (regressions/socket-poll-rdhup).
  if (so.rcv.cant_more) revents |= static_cast<std::int16_t>(events & pollbit::kRdhup);
  return revents;
}

// dead_poll (deadfs, a vnode a forced unmount killed): the descriptor is
// gone - POLLHUP, with the reading bits asked for; POLLNVAL for a bit beyond
// POLLSTANDARD (regressions/dead-vnode-polls-hangup).
std::int16_t Kernel::dead_poll(std::int16_t events) {
  if ((events & ~kStandard) != 0) return pollbit::kNval;
  return static_cast<std::int16_t>(pollbit::kHup | (events & kInBits));
}

// fo_poll by file type; nullopt (with why) where the model has no answer.
std::optional<std::int16_t> Kernel::fo_poll(const File& f, std::int16_t events, std::string_view& unsupported) const {
  switch (f.type) {
    case FileType::kTerminal: unsupported = "poll/select on the inherited terminal descriptors is not modelled"; return std::nullopt;
    case FileType::kPipe:
    case FileType::kFifo: return pipe_poll(f, events);
    case FileType::kKqueue:  // kqueue_poll: readable while kq_count > 0
      return kqueues_[f.object].pending_count() > 0 ? static_cast<std::int16_t>(events & kInBits) : 0;
    case FileType::kSocket:
      if (!profile_->models_unix_sockets) {
        unsupported = "sockets are not modelled for this dialect";
        return std::nullopt;
      }
      return sopoll(sockets_[f.object], events);
    case FileType::kVnode:
      if (vnodes_[f.vnode].dead) return dead_poll(events);
      if ((events & ~kStandard) != 0) return 0;  // vn_pollrecord: extension bits wait for an event
      return static_cast<std::int16_t>(events & (kInBits | kOutBits));
    case FileType::kProcdesc:  // procdesc_poll
      return procdescs_[f.object].exited ? pollbit::kHup : 0;
  }
  unsupported = "poll/select on this kind of descriptor is not modelled";
  return std::nullopt;
}

// pollscan: a negative fd is skipped (revents 0), a closed one POLLNVAL;
// POLLHUP clears POLLOUT (POSIX); ret = how many have revents.
SysResult Kernel::pollscan(Pid pid, std::span<PollFd> fds) {
  std::int64_t n = 0;
  for (PollFd& pfd : fds) {
    pfd.revents = 0;
    if (pfd.fd < 0) continue;
    const FdEntry* e = proc(pid).fds.find(pfd.fd);
    if (e == nullptr) {
      pfd.revents = pollbit::kNval;
      ++n;
      continue;
    }
    std::string_view why;
    std::optional<std::int16_t> r = fo_poll(files_[e->file], pfd.events, why);
    if (!r) return SysResult::unsupported(why);
    pfd.revents = *r;
    if ((pfd.revents & pollbit::kHup) != 0) pfd.revents = static_cast<std::int16_t>(pfd.revents & ~pollbit::kOut);
    if (pfd.revents != 0) ++n;
  }
  return SysResult::ok(n);
}

// selscan: a descriptor that is not open fails the call with EBADF; each
// set it is ready in counts once. A negative descriptor (a name a failed call
// bound) is in no set - an fd_set cannot hold it - so it is skipped: the
// call a program can make is select(0, ...) (regressions/select-negative-
// descriptor-sets-nothing).
SysResult Kernel::selscan(Pid pid, std::span<SelectFd> fds) {
  for (const SelectFd& s : fds) {
    if ((s.read || s.write || s.except) && s.fd >= 0 && proc(pid).fds.find(s.fd) == nullptr) {
      return SysResult::fail(Errno::kEBADF);
    }
  }
  std::int64_t n = 0;
  for (SelectFd& s : fds) {
    s.read_ready = s.write_ready = s.except_ready = false;
    if (!(s.read || s.write || s.except) || s.fd < 0) continue;
    const std::int16_t events = static_cast<std::int16_t>((s.read ? kSelectRead : 0) | (s.write ? kSelectWrite : 0) |
                                                          (s.except ? kSelectExcept : 0));
    std::string_view why;
    std::optional<std::int16_t> r = fo_poll(files_[proc(pid).fds.find(s.fd)->file], events, why);
    if (!r) return SysResult::unsupported(why);
    s.read_ready = s.read && (*r & kSelectRead) != 0;
    s.write_ready = s.write && (*r & kSelectWrite) != 0;
    s.except_ready = s.except && (*r & kSelectExcept) != 0;
    n += (s.read_ready ? 1 : 0) + (s.write_ready ? 1 : 0) + (s.except_ready ? 1 : 0);
  }
  return SysResult::ok(n);
}

// The kqueue a descriptor of `pid` refers to, if it is one.
std::optional<std::uint32_t> Kernel::kqueue_of_fd(Pid pid, std::int32_t fd) const {
  const FdEntry* e = fd < 0 ? nullptr : process(pid)->fds.find(fd);
  if (e == nullptr || files_[e->file].type != FileType::kKqueue) return std::nullopt;
  return files_[e->file].object;
}

// seltdwait: the poller sleeps until a selwakeup or its deadline (INT64_MAX:
// none). In a single-threaded program only the aio daemons, which run while
// it sleeps (as in kqueue_scan), or a callout wake it: an expiry that queues
// a knote a polled kqueue can see (knote_enqueue -> kqueue_wakeup ->
// selwakeuppri on kq_sel), or such a TIME_WAIT end (next_wakeup_ns). Then the
// caller scans again (pollrescan / selrescan). At the deadline it returns
// without scanning: kern_poll and kern_select stop on EWOULDBLOCK. An expiry
// due at the deadline itself is a race on a real kernel, which pads the
// deadline by a tick (TIMESEL) and so more often lets the expiry win; the
// model lets the timeout win, as in kevent. No trace depends on it.
Kernel::SelWake Kernel::seltdwait(const std::vector<std::uint32_t>& kqs, std::int64_t deadline_ns) {
  if (!aio_queue_.empty()) {
    while (aio_daemons_run()) {}
    run_kqueue_tasks();
    return SelWake::kWoken;
  }
  std::optional<std::int64_t> next;
  for (std::uint32_t kq : kqs) {
    const auto wake = next_wakeup_ns(kq);
    if (wake && (!next || *wake < *next)) next = wake;
  }
  if (!next || *next >= deadline_ns) {
    if (deadline_ns == INT64_MAX) return SelWake::kForever;
    advance_clock_to(deadline_ns);
    run_kqueue_tasks();
    return SelWake::kTimedOut;
  }
  advance_clock_to(*next);
  run_kqueue_tasks();  // the task thread runs while the caller sleeps
  return SelWake::kWoken;
}

// kern_poll / kern_select once the first scan found nothing: sleep, scan
// again after each wake, until something is ready (or the scan fails) or the
// deadline passes (0). `forever` says why a wait nothing can end is blocked.
SysResult Kernel::sleep_and_rescan(const std::vector<std::uint32_t>& kqs, std::int64_t deadline_ns,
                                   const std::function<SysResult()>& rescan, std::string_view forever) {
  for (std::uint32_t round = 0; round < kMaxWaitRounds; ++round) {
    switch (seltdwait(kqs, deadline_ns)) {
      case SelWake::kForever: return SysResult::blocked(forever);
      case SelWake::kTimedOut: return SysResult::ok(0);
      case SelWake::kWoken: break;
    }
    SysResult r = rescan();
    if (!r.done() || r.ret != 0) return r;
  }
  return SysResult::blocked("poll() or select() woke too often without a ready descriptor");
}

// kern_poll: a negative timeout other than INFTIM is EINVAL; nfds above
// the descriptor limit is EINVAL too (not reachable with the model's table).
// kqueue_poll selrecords only for POLLIN|POLLRDNORM: a kqueue polled for
// other events does not wake the caller.
SysResult Kernel::poll(Pid pid, std::span<PollFd> fds, std::int64_t timeout_ms) {
  SyscallScope scope(*this);
  if (timeout_ms < -1) return SysResult::fail(Errno::kEINVAL);
  SysResult r = pollscan(pid, fds);
  if (!r.done() || r.ret != 0 || timeout_ms == 0) return r;
  std::vector<std::uint32_t> kqs;
  for (const PollFd& pfd : fds) {
    auto kq = (pfd.events & kInBits) != 0 ? kqueue_of_fd(pid, pfd.fd) : std::nullopt;
    if (kq) kqs.push_back(*kq);
  }
  const std::int64_t deadline_ns = timeout_ms < 0 || timeout_ms > INT64_MAX / kNsPerMs
                                       ? INT64_MAX
                                       : deadline_after(now_ns_, timeout_ms * kNsPerMs);
  return sleep_and_rescan(kqs, deadline_ns, [&] { return pollscan(pid, fds); }, kPollForever);
}

// kern_select: a timeval with a negative part or tv_usec >= 1000000 is
// EINVAL (timeout_tv.nsec carries tv_usec); tv_sec above INT32_MAX is an
// infinite wait. Only the read set asks a kqueue for what wakes (POLLRDNORM).
SysResult Kernel::select(Pid pid, std::span<SelectFd> fds, const std::optional<Timespec>& timeout_tv) {
  SyscallScope scope(*this);
  if (timeout_tv && (timeout_tv->sec < 0 || timeout_tv->nsec < 0 || timeout_tv->nsec >= kUsPerSec)) {
    return SysResult::fail(Errno::kEINVAL);
  }
  SysResult r = selscan(pid, fds);
  if (!r.done() || r.ret != 0) return r;
  if (timeout_tv && timeout_tv->sec == 0 && timeout_tv->nsec == 0) return r;
  std::vector<std::uint32_t> kqs;
  for (const SelectFd& s : fds) {
    auto kq = s.read ? kqueue_of_fd(pid, s.fd) : std::nullopt;
    if (kq) kqs.push_back(*kq);
  }
  const std::int64_t deadline_ns =
      !timeout_tv || timeout_tv->sec > INT32_MAX
          ? INT64_MAX
          : deadline_after(now_ns_, timeout_tv->sec * kNsPerSec + timeout_tv->nsec * kNsPerUs);
  return sleep_and_rescan(kqs, deadline_ns, [&] { return selscan(pid, fds); }, kSelectForever);
}

}  // namespace kqsim::model
