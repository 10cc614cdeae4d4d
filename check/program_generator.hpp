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
};

traces::Trace generate_program(std::uint64_t seed, const GeneratorOptions& options);

}  // namespace kqsim::check
