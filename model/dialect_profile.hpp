// What differs between the kernels the model can impersonate. Every
// behavioural difference is a field here, selected by name; the model reads
// fields, it never compares profile names.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "model/errno_code.hpp"
#include "model/kevent_constants.hpp"

namespace kqsim::model {

struct DialectProfile {
  std::string_view name;
  std::string_view description;

  // kqueue_acquire: kevent() on an open descriptor that is not a kqueue.
  // EINVAL on main and 15.1, EBADF on 13.2 (docs/observed-real-kernels.md D1).
  Errno non_kqueue_errno = Errno::kEINVAL;
  // EVFILT_SYSCOUNT: filters below -syscount are EINVAL. 15 once the jail
  // filters exist (15.x), 13 before (observed: filter -14 EINVAL on 13.2).
  std::int16_t filter_syscount = 15;
  // kqueuex(KQUEUE_CPONFORK) exists (FreeBSD commit b11289f87123, 2025-10).
  bool has_cponfork = true;
  // kqueuex(2) exists (FreeBSD 14.0 and later).
  bool has_kqueuex = true;
  // EV_KEEPUDATA (0x0200) exists (FreeBSD 14.0 and later): EV_ADD with it is
  // EINVAL and a modify keeps udata. 13.2 does not know the bit: the add
  // succeeds and udata is replaced (recorded: traces/recorded/freebsd-13.2,
  // add-keepudata-einval and keepudata-modify-keeps-udata).
  bool has_keepudata = true;
  // fdcopy on fork: whether a kqueue slot the child does not receive lowers
  // the child's lowest-free hint. 13.2: yes (child reuses the number);
  // 15.1: no (docs/observed-real-kernels.md D3).
  bool fork_skipped_kqueue_lowers_free_hint = false;
  // pipe_kqfilter on a FIFO descriptor: filters other than READ/WRITE go to
  // the vnode (vnops.fo_kqfilter), so EVFILT_VNODE works (sys_pipe.c of 2025
  // main). Older pipe_kqfilter refuses them with EINVAL like any pipe's.
  // Recorded: EINVAL on 13.2, the vnode's events on 15.1 (R8).
  bool fifo_other_filters_to_vnode = true;
  // sys_procdesc.c of newest main: do_fork's procdesc_fork posts NOTE_FORK
  // (data pd_last_child) to the forking process's own descriptor, and
  // procdesc_exit posts NOTE_EXIT|NOTE_PDSIGCHLD; the event records only the
  // asked-for bits. Older procdesc_kqops_event knows NOTE_EXIT alone: recorded
  // on 13.2 and 15.1 (procdesc-fork-not-posted-13.2, step 4).
  bool procdesc_fork_notes = true;

  // deadfs (dead_vnops.c): what dead_read (but for a tty) and dead_write
  // answer once a forced unmount vgone'd the vnode. ENXIO on main and 15.1,
  // EIO on 13.2; recorded on both after unmount(MNT_FORCE) (R24).
  Errno dead_vnode_io_errno = Errno::kENXIO;

  // sys_pipe.c / sys/pipe.h constants.
  std::uint32_t pipe_size = 16384;          // PIPE_SIZE: buffer of fd[0]
  std::uint32_t small_pipe_size = 4096;     // SMALL_PIPE_SIZE (PAGE_SIZE)
  std::uint32_t reverse_pipe_size = 4096;   // buffer of fd[1]; observed 4096 on 13.2 and 15.1 (C10)
  std::uint32_t big_pipe_size = 65536;      // BIG_PIPE_SIZE
  std::uint32_t pipe_mindirect = 8192;      // PIPE_MINDIRECT
  std::uint32_t pipe_buf = 512;             // PIPE_BUF: EVFILT_WRITE fires at >= this much space

  // AF_UNIX sockets (uipc_usrreq.c on main: unix stream sockets bypass the
  // send buffer and have their own EVFILT_WRITE/EMPTY filters, 2024-2025
  // rewrite; 15.1 ships it).
  bool models_unix_sockets = true;
  // The stream implementation before that rewrite (13.2's uipc_send and
  // uipc_rcvd): a stream socket's writes and its EVFILT_WRITE/EMPTY use its
  // OWN send buffer (generic filt_sowrite), which never holds data but is
  // stopped (SB_STOP) while the peer holds a buffer's worth; shutdown(SHUT_RD)
  // is sorflush and leaves the peer writing; a disconnect shuts both
  // directions of both ends (soisdisconnected). Recorded on 13.2: R5, R6.
  bool unix_stream_own_send_buffer = false;
  // What caps SO_RCVLOWAT/SO_SNDLOWAT set on a unix stream listener
  // (sbsetopt: the mark is at most the buffer's size). 13.2's solisten_proto
  // saved the socket's buffer sizes (sol_sbrcv_hiwat, sol_sbsnd_hiwat) before
  // releasing the buffers, so the mark passes to the connections it clones;
  // on main the listener has no size and the mark set after listen() is 0
  // (the clones get the defaults). Recorded on 13.2 and 15.1 (regressions/
  // unix-listener-lowat-after-listen; 13.2 campaign, seed 25, program 619).
  bool unix_listener_keeps_buffer_sizes = false;
  // 13.2's unix stream sockets receive through soreceive_generic, where a
  // read waits (or fails with EAGAIN) below the receive low-water mark only
  // when it also asks for more than is buffered, and never when MSG_DONTWAIT
  // is set, so_error is pending or the socket can receive no more, as long as
  // any data is buffered. Main's uipc_soreceive_stream_or_seqpacket waits
  // while the buffer holds less than the mark, whatever the request. Found
  // by the 13.2 campaign (seed 3, program 1058): R18.
  bool unix_stream_receive_generic = false;
  // 13.2's sorflush (shutdown SHUT_RD of a unix or TCP socket) zeroes the
  // receive buffer from sb_startzero on, sb_flags included: SB_KNOTE goes,
  // and sorwakeup tells knotes nothing (sb_notify is false) until a new
  // EVFILT_READ knote's soo_kqfilter sets it again. An EV_CLEAR knote then
  // misses the peer's close and its data. SO_RCVLOWAT becomes 0 too. Main's
  // sorflush keeps both. Recorded on both kernels: R29 (13.2 campaign, seed
  // 14, programs 1839 and 1973). Not modelled: the other sb_notify flags
  // (SB_SEL of a poll that found nothing, SB_WAIT of a sleeping reader,
  // SB_AIO) that would let one wakeup through.
  bool sorflush_clears_sb_flags = false;
  // connect(2) of a loopback TCP socket whose connection ended
  // (tcp_usr_connect). In TIME_WAIT: EISCONN on 15.1 (ECONNREFUSED once it
  // ended, below), EADDRINUSE on 13.2 (INP_TIMEWAIT). Disconnected in
  // FIN_WAIT_2 (its FIN acked after a SHUT_RD): 15.1 answers EISCONN; 13.2
  // reuses the tcpcb for a new connection (EADDRINUSE to the address it is
  // still connected to). A dropped connection is ECONNREFUSED on both.
  // Recorded on both kernels (regressions/tcp-connect-after-end, R37;
  // regressions/tcp-timewait-ends, R40).
  Errno tcp_timewait_connect_errno = Errno::kEISCONN;
  bool tcp_finwait2_connect_reuses_pcb = false;
  // How long a loopback TCP end stays in TIME_WAIT before tcp_close ends
  // it; -1: its end changes nothing a program sees. 15.1 ends it within
  // tens of milliseconds (probes on 2026-12-06, timed by an EVFILT_TIMER
  // clock and by recorded kevent waits: 8 to 92 ms after it began; the
  // model takes 20 ms), and tcp_close's soisdisconnected wakes readers and
  // writers again; connect(2) is ECONNREFUSED from then on
  // (regressions/tcp-timewait-ends). 13.2 keeps it for 2 * net.inet.tcp.msl
  // (30 s: TCPTV_MSL; nolocaltimewait is off), and tcp_twclose only drops
  // the inpcb (in_pcbdrop): INP_TIMEWAIT stays, so connect(2) stays
  // EADDRINUSE, and nothing is woken (a recorded second showed nothing).
  // Its port stays held by the TIME_WAIT inpcb meanwhile (R48), and is free
  // after those 60 s, which the model, with no end at all, never reaches: no
  // trace runs that long.
  std::int64_t tcp_timewait_ns = 20'000'000;
  // The datagram implementation before the 2022 rewrite (13.2): a datagram
  // must fit in the RECEIVER's buffer (sbappendaddr, else ENOBUFS), and the
  // sender's own buffer, whose size is the largest datagram, is what
  // EVFILT_WRITE reports. Main checks the sender's share of the receiver.
  bool unix_dgram_receiver_space = false;
  // so_error a connection gets when the listener's close aborts its
  // unaccepted peer (unp_drop): EPIPE on main, ECONNRESET on 13.2 (R7).
  Errno unix_abort_errno = Errno::kEPIPE;
  // net.local.stream.sendspace / recvspace: unpst_sendspace, unpst_recvspace.
  std::uint32_t unix_stream_sendspace = 64 * 1024;
  std::uint32_t unix_stream_recvspace = 64 * 1024;
  // net.local.dgram.maxdgram (unpdg_maxdgram) and net.local.dgram.recvspace
  // (unpdg_recvspace, "support 8KB syslog msgs"). On main uipc_attach gives a
  // datagram socket unpdg_recvspace for both buffers; before the 2022
  // rewrite the send buffer was unpdg_sendspace, "really max datagram size".
  std::uint32_t unix_dgram_maxdgram = 8 * 1024;
  std::uint32_t unix_dgram_sendspace = 16 * 1024;
  std::uint32_t unix_dgram_recvspace = 16 * 1024;
  // soreserve: SO_SNDLOWAT defaults to MCLBYTES, SO_RCVLOWAT to 1.
  std::uint32_t sock_snd_lowat = 2048;
  std::uint32_t sock_rcv_lowat = 1;
  // sun_noname.sa_len (sizeof(struct sockaddr)): the source address an
  // unbound datagram sender's record carries.
  std::uint32_t unix_noname_len = 16;
  // kern.ipc.soacceptqueue (SOMAXCONN): listen(2) backlogs above it or
  // below 0 are clamped to it (solisten_proto).
  std::int32_t somaxconn = 128;

  // POSIX aio (vfs_aio.c). Whether aio requests can notify a kqueue
  // (SIGEV_KEVENT, EVFILT_AIO/EVFILT_LIO): FreeBSD only; a macOS, NetBSD or
  // OpenBSD profile would set it false (aio calls then unsupported).
  bool has_aio_kevent = true;
  // vfs.aio.max_aio_queue_per_proc (MAX_AIO_QUEUE_PER_PROC, also
  // AIO_LISTIO_MAX) and vfs.aio.max_aio_queue (MAX_AIO_QUEUE).
  std::uint32_t aio_max_queue_per_proc = 256;
  std::uint32_t aio_max_queue = 1024;
  // vfs.aio.enable_unsafe: aio on pipes, FIFOs and other "unsafe" files.
  // Off by default: aio_queue_file refuses them with EOPNOTSUPP.
  bool aio_enable_unsafe = false;
  // IOSIZE_MAX (iosize_max(): INT_MAX while vfs.devfs_iosize_max_clamp is
  // on, the default): a larger aio_nbytes is EINVAL.
  std::int64_t iosize_max = 2147483647;

  // Descriptor table: RLIMIT_NOFILE the simulated process runs with.
  std::int32_t max_files = 1024;
  // 1/kern.hz (1000 on amd64): how often callouts run. A callout whose
  // absolute time has passed runs at the next tick.
  std::int64_t tick_ns = 1'000'000;
  // kern.kq_calloutmax: system-wide cap on timer callouts.
  std::uint32_t kq_calloutmax = 4096;
};

// The FreeBSD main profile, the default dialect.
const DialectProfile& default_profile();
// nullptr when no profile has that name.
const DialectProfile* find_profile(std::string_view name);
std::span<const DialectProfile> all_profiles();

}  // namespace kqsim::model
