// Messages between the recorder (controller) and the worker processes that
// run a trace's program, one worker per process of the program. Each
// command is answered by one reply before the next command is sent.
#pragma once

#include <cstdint>

#include "model/kevent_constants.hpp"
#include "sim/aio_wire.hpp"
#include "sim/socket_call.hpp"
#include "sim/vfs_wire.hpp"

namespace kqsim::host {

inline constexpr int kChannelFd = 1000;       // the worker's end, out of the program's way
inline constexpr int kNewChannelFd = 1001;    // transient, while forking
inline constexpr int kModelServerFd = 1002;   // the model server (model builds only)
inline constexpr std::size_t kMaxRecords = 256;  // changes or events per kevent call

enum class WorkerOp : std::uint8_t {
  kKqueue, kPipe, kRead, kWrite, kClose, kDup, kDup2, kGetfd, kSetfd, kFork, kExec, kExit, kSleep, kKevent,
  kKill, kSigaction, kSigmask, kPdfork, kWait,
  kSocket,  // sock: one socket call
  kVfs,  // the file-system call in vfs
  kAio,  // the aio call in aio
  // The recorder's own, not the program's: a no-op round trip (after a signal,
  // to let a fatal one take effect), and waitid(a, WEXITED|WNOWAIT) polled for
  // at most b ms in the target's parent (has the child become a zombie yet?).
  kPing, kProbeChild,
};

struct WorkerCommand {
  WorkerOp op = WorkerOp::kKqueue;
  std::int64_t a = 0;
  std::int64_t b = 0;
  std::int32_t nevents = 0;
  std::int32_t nchanges = 0;
  bool has_timeout = false;
  std::int64_t timeout_sec = 0;
  std::int64_t timeout_nsec = 0;
  sim::SocketCall sock;
  model::KEvent changes[kMaxRecords];
  sim::VfsWire vfs;
  sim::AioWire aio;
};

struct WorkerReply {
  std::int64_t ret = 0;
  char errno_name[24] = {};
  std::uint8_t completion = 0;  // model::Completion
  char detail[120] = {};
  std::int32_t fds[2] = {-1, -1};
  std::int32_t nevents = 0;
  model::KEvent events[kMaxRecords];
  std::int64_t elapsed_ns = -1;  // measured for kevent, sleep, poll and select
  // Set (and nothing else) when the worker died of a fault signal during the
  // call: the host's name for it, sent by the worker's last-gasp handler.
  char crash_signal[16] = {};
};

// kProbeChild's answer, in WorkerReply::ret.
enum ProbeResult : std::int64_t { kProbeRunning = 0, kProbeZombie = 1, kProbeNotChild = 2 };

// The worker's main loop on its channel; never returns.
[[noreturn]] void run_worker(int channel_fd, const char* self_path, bool after_exec);

}  // namespace kqsim::host
