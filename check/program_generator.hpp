// Random, well-formed kqueue programs as traces: several kqueues,
// non-blocking pipes, dups, closes, forks and exits, registrations with
// random filters, flags, fflags, data and udata, writes and reads, and kevent
// calls with random nevents and short timeouts; pdfork, waitpid and
// EVFILT_PROC / EVFILT_PROCDESC on the program's processes. Biased toward the corners:
// full pipes, nevents below the pending count, re-adding existing knotes,
// EV_DISPATCH + EV_ENABLE cycles, closing what is queued; AF_UNIX
// socketpairs and listening sockets with connects, accepts, shutdowns and
// low-water marks; regular files, directories and FIFOs with EVFILT_VNODE
// (check/fs_steps.hpp); aio requests and lio_listio batches notifying the
// kqueues (check/aio_steps.hpp). Nothing in such a program can block forever: every
// pipe and socket is non-blocking.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "traces/trace.hpp"

namespace kqsim::check {

struct GeneratorOptions {
  std::size_t steps = 50;
  bool with_fork = true;
  bool with_signals = true;  // sigaction/sigprocmask/kill and EVFILT_SIGNAL
  bool with_sockets = true;  // AF_UNIX socket calls (freebsd-main only)
  bool with_files = true;    // files, directories and FIFOs, EVFILT_VNODE
  bool with_kqueuex = true;  // kqueuex(KQUEUE_CLOEXEC): FreeBSD 14.0 and later
  bool with_aio = true;      // aio requests and lio_listio with EVFILT_AIO/LIO (needs with_files)
  // FreeBSD's own names and calls: pdfork and EVFILT_PROCDESC, EVFILT_EMPTY,
  // EV_FORCEONESHOT and EV_KEEPUDATA, NOTE_FILE_POLL, vnode NOTE_OPEN/CLOSE/
  // CLOSE_WRITE/READ, revoke(2) and unmount(2).
  bool freebsd_extensions = true;
  // Reads and writes on either end of a pipe (FreeBSD's pipes are two-way;
  // Linux's are one-way: the wrong end is EBADF, the host's doing, not kqueue's).
  bool two_way_pipes = true;
  // Descriptors by number where no name is at hand (3 to 8): numbers an
  // implementation with internal descriptors (libkqueue) uses for its own.
  // Without, such a step uses a number above any the program opens (100+).
  bool low_descriptor_numbers = true;
  // Low-water marks (SO_SNDLOWAT, SO_RCVLOWAT, NOTE_LOWAT) and NOTE_REVOKE,
  // every BSD's: Linux refuses SO_SNDLOWAT (ENOPROTOOPT) and libkqueue leaves
  // NOTE_LOWAT and NOTE_REVOKE undefined there, so such a step is unsupported.
  bool low_water_and_revoke = true;
  // Calls whose answer is the host OS's own, not kqueue's: reads and writes
  // on a listening socket (Linux EINVAL), truncate(2) of a FIFO (Linux
  // EINVAL), a second unaccepted connection (the backlog arithmetic differs),
  // writes large enough to fill a pipe or socket (buffer sizes differ).
  bool host_os_corners = true;
  // What only the model can do: aio_run and deferred aio requests (driving
  // the aio daemons by hand) and unmount(2) of the program's directory (on a
  // real host the recording directory is no mount point). Off for programs
  // recorded on a real kernel.
  bool with_aio_run = true;
  bool with_unmount = true;
  // poll(2) and select(2) with a zero timeout on any descriptor (kqueues
  // often: kqueue_poll), fcntl(2) F_GETFD/F_SETFD, recv(2) and send(2) with
  // MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL or MSG_NOSIGNAL, utimes(2). Off by
  // default, so each earlier seed still gives the programs it gave; a
  // different table of ops is drawn from when on. FreeBSD hosts only.
  bool with_extra_calls = false;
  // recv(MSG_WAITALL) among the extra calls: off where it can sleep on a
  // non-blocking socket (13.2's soreceive_generic), which nothing would wake.
  bool recv_waitall = true;
  // Loopback TCP (AF_INET on 127.0.0.1): half the listeners are TCP ones,
  // bound to an ephemeral port by listen(2), and a client connects to one
  // by its port (port_of). A step through a TCP socket's name that sends a
  // segment (connect, write, send, read, recv, shutdown, close, dup2) is
  // followed by a 50 ms sleep, so that on a real host the segment has
  // crossed lo0 before the next step, as the model's delivery is at once;
  // so is such a step through a name that may share its descriptor number
  // with another, and an exit, exec, kill or process descriptor's close
  // (each may drop a TCP socket's last reference). Once a TCP socket exists
  // every write is capped at 20,000 bytes. The rules: check/tcp_settling.hpp.
  // Off by default, so each earlier seed keeps its programs; FreeBSD hosts only.
  bool with_tcp = false;
  // with_tcp: how many clients may connect to one TCP listener by its port
  // in the listener's life. Above one, a later client may find the listen
  // queue full and be reset (R38: sonewconn refuses, the syncache's RST) or
  // queue behind the first. 1 keeps each earlier seed's programs.
  std::size_t tcp_clients_per_listener = 1;
  // with_tcp: shutdowns, closes, reads, recvs and writes aim at a TCP
  // connection (a client or an accepted socket) a good share of the time,
  // half the socketpair steps become connects, and connects and accepts
  // prefer TCP listeners that may still take a client, so that half-closes,
  // FINs both ways and teardown (R29, R35, R39, R40: each differs by
  // release) are reached; otherwise they draw from every descriptor and a
  // TCP one is rare. Off by default, so each earlier seed
  // keeps its programs.
  bool tcp_teardown = false;
  // EVFILT_TIMER periods of ten minutes and more (and -1, EINVAL): no timer
  // fires while a program runs, so on a real host no step races a timer's
  // expiry (the campaigns' largest source of timing divergences, which
  // weaken the comparison of the steps around them). Registering,
  // modifying, deleting and copying timers stays; firing is left to the
  // campaigns without it. Off by default, so each earlier seed keeps its programs.
  bool stable_timers = false;
  // kqueuex(KQUEUE_CPONFORK) on half the kqueues (FreeBSD 15 and main):
  // a fork copies them into the child (model/kqueue_fork.cpp), and a child
  // then sometimes calls kevent on its copy. Off by default, so each
  // earlier seed keeps its programs; needs with_kqueuex.
  bool with_cponfork = false;
  // Processes that die other ways than _exit(0): children exit with a
  // status, main kills a fork child (SIGTERM or SIGKILL: default actions,
  // exit1 with the signal), and EVFILT_SIGNAL watches SIGCHLD too. Off by
  // default, so each earlier seed keeps its programs.
  bool with_process_deaths = false;
  // A pdfork child dies of a signal (main's kill(2), SIGTERM or SIGKILL)
  // while its descriptor may still be open: EVFILT_PROCDESC's NOTE_EXIT with
  // the status, which a close never shows (the close that kills the child
  // also removes the descriptor's knotes). Off by default, so each earlier
  // seed keeps its programs.
  bool with_pdfork_deaths = false;
  // Corners of kevent(2) itself: NOTE_ABSTIME timers (deadlines at the
  // epoch, which fire at once and stay true, and far-future ones, some past
  // SBT_MAX), EV_KEEPUDATA on adds and modifies, filters -14 and -15
  // (EVFILT_JAIL, EVFILT_JAILDESC on FreeBSD 15; EINVAL before), invalid
  // timeouts (EINVAL after the changes are applied), and EVFILT_SIGNAL on
  // SIGPIPE, which every EPIPE without MSG_NOSIGNAL counts even though trace
  // processes ignore it. A kevent that may arm an epoch timer scans nothing,
  // holds no other epoch timer, has it as its last change, and is followed by
  // a sleep: a real kernel fires it from a callout soon after (which may
  // preempt the call's later changes), the model after the call. Off by
  // default, so each earlier seed keeps its programs.
  bool with_kevent_corners = false;
  // Path calls on regular files mostly name files the program created, and
  // ftruncate/lseek mostly take opened files (FsStepMaker::with_existing_files),
  // so that rename, link, unlink, truncate, chmod and utimes succeed and
  // NOTE_RENAME, NOTE_LINK, NOTE_DELETE and NOTE_ATTRIB reach open files'
  // knotes. Off by default, so each earlier seed keeps its programs.
  bool with_existing_files = false;
  // unmount(2) of the program's directory about three times as often, nearly
  // always forced, and no FIFO opened (FsStepMaker::with_forced_unmounts),
  // so that knotes and descriptors outlive their vnodes: NOTE_REVOKE, EV_EOF
  // and I/O on dead vnodes, which differ by release (R24). Needs unmount
  // steps (with_unmount; on a real host, --with-unmount). Off by default, so
  // each earlier seed keeps its programs.
  bool with_forced_unmounts = false;
  // A regular file some descriptor holds is now and then opened again, read
  // from and closed (FsStepMaker::with_reopens), and half the EVFILT_VNODE
  // masks name NOTE_CLOSE or NOTE_CLOSE_WRITE, so that knotes hear another
  // open file's NOTE_OPEN, NOTE_READ and close - which a close of their own
  // descriptor never posts to them. Off by default, so each earlier seed
  // keeps its programs.
  bool with_reopens = false;
  // SIGEV_KEVENT sigevents of aio requests and lio_listio now and then name
  // an open descriptor that is not a kqueue (AioStepMaker::with_sigevent_fds):
  // kqfd_register refuses it, and the error is stored in the aiocb. Off by
  // default, so each earlier seed keeps its programs.
  bool with_aio_sigevent_fds = false;
  // with_extra_calls: some polls and selects wait (1 to 20 ms, or until a
  // kqueue wakes them), and now and then an action arms a 5 ms one-shot
  // timer (ident kPollWakeTimerIdent) on a kqueue, polls or selects that
  // kqueue for reading with a 200 ms timeout, and sleeps 20 ms: the timer's
  // expiry wakes the sleeper (kqueue_poll selrecords, the timer's
  // KNOTE_ACTIVATE selwakeups; docs/observed-real-kernels.md R47), and the
  // sleep lets it fire if the poll found something at once. Off by default,
  // so each earlier seed keeps its programs.
  bool with_poll_waits = false;
  // with_tcp: half the TCP listeners bind(2) a fixed port first, one of
  // kFixedPortsPerProgram ports from fixed_port_base, and half the clients
  // of such a listener bind another one and connect to the listener's by
  // number (never by port_of: Generator::connect_tcp), some after
  // setsockopt(SO_REUSEADDR), so that a port another socket, a connection
  // or a TIME_WAIT holds is met (in_pcbbind_setup, R48), and a four-tuple
  // taken (R49). Off by default, so each earlier seed keeps its programs.
  bool with_fixed_ports = false;
  // The program's first fixed port (for_program_index: distinct for the
  // programs of a campaign, so that no program meets a port an earlier one
  // of the same boot left in TIME_WAIT; below FreeBSD's ephemeral range).
  std::uint16_t fixed_port_base = kFirstFixedPort;
  static constexpr std::uint16_t kFirstFixedPort = 2000;
  static constexpr std::uint16_t kFixedPortsPerProgram = 3;
};

// with_poll_waits' one-shot timers: an ident no other timer of a program has
// (make_change draws 1 to 3).
inline constexpr std::uint64_t kPollWakeTimerIdent = 4;

// Program `index`'s fixed ports (GeneratorOptions::with_fixed_ports): 2,600
// programs in a row get ports of their own, all below 10,000, where
// FreeBSD's ephemeral ports start (ipport_firstauto), so that listen(2) and
// connect(2) never take one by themselves.
GeneratorOptions for_program_index(GeneratorOptions options, std::uint64_t index);

// What a kqueue implementation controls on a host OS: "freebsd" (all of it)
// or "linux" (libkqueue: no FreeBSD extensions, no aio nor kqueuex, pipe I/O
// on the right end only, no low descriptor numbers, no low-water marks nor
// NOTE_REVOKE, none of the host OS's corners, no extra calls: their answers
// are Linux's). nullopt for an OS this does not know.
std::optional<GeneratorOptions> restrict_to_host_os(GeneratorOptions options, const std::string& os);

// Programs a real host can run too (--real-host): no aio_run nor deferred
// aio requests, no unmount.
GeneratorOptions for_real_host(GeneratorOptions options);

traces::Trace generate_program(std::uint64_t seed, const GeneratorOptions& options);
// generate_program's name and description, without steps.
traces::Trace program_header(std::uint64_t seed);
// generate_program's steps, in order and with their indices, each handed to
// `take` as soon as it is made, none kept (issue 14: random testing runs a
// program while it is generated). `take` returns false to stop.
void generate_program_steps(std::uint64_t seed, const GeneratorOptions& options,
                            const std::function<bool(const traces::Step&)>& take);

}  // namespace kqsim::check
