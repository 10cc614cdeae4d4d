// The messages between a program's kqsim_* calls and the model server: one
// fixed-size request and reply per call over a SOCK_SEQPACKET socket.
#pragma once

#include <cstdint>

#include "model/kevent_constants.hpp"
#include "sim/aio_wire.hpp"
#include "sim/socket_call.hpp"
#include "sim/vfs_wire.hpp"

namespace kqsim::posix {

inline constexpr std::size_t kMaxRecords = 256;  // changes or events per kevent call

enum class RpcOp : std::uint8_t {
  kKqueue, kPipe, kRead, kWrite, kClose, kDup, kDup2, kGetfd, kSetfd, kFork, kExec, kExit /* b = exit code */, kSleep, kKevent, kNow,
  kBindPid,   // a = model pid, b = the host pid playing it
  kKill,      // a = host pid of the target, b = signal
  kSigaction, // a = signal, b = 0 default / 1 ignore / 2 catch
  kSigmask,   // a = signal, b = 1 block / 0 unblock
  kPdfork,    // a = PD_* flags; ret = the child's model pid, fds[0] = the descriptor
  kWait,      // a = host pid of the child, b = 1 WNOHANG; ret = that host pid, or 0
  kSocket,    // sock: one socket call
  kVfs,       // the file-system call in vfs
  kAio,       // the aio call in aio
  kPoll,      // changes[i]: ident = fd, filter = events; a = timeout ms; reply events[i].fflags = revents
  kSelect,    // changes[i]: ident = fd, fflags = sets (1 r, 2 w, 4 e); timeout_*; reply events[i].fflags = ready sets
  kConnect,   // a = the model pid the new connection speaks for, b = 1 for a
              // thread's call connection, 0 for a forked child's own root;
              // the reply carries the connection's client end (SCM_RIGHTS)
};

struct RpcRequest {
  RpcOp op = RpcOp::kKqueue;
  std::int32_t pid = 0;  // the model pid of the calling process
  std::int64_t a = 0;
  std::int64_t b = 0;
  std::int64_t c = 0;
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


struct RpcReply {
  std::int64_t ret = 0;
  std::int32_t err = 0;         // model (FreeBSD) errno
  std::uint8_t completion = 0;  // model::Completion
  char detail[120] = {};
  std::int32_t fds[2] = {-1, -1};
  std::int32_t nevents = 0;
  std::int32_t wait_status = 0;  // kWait: the reaped child's wait(2) status
  std::uint64_t handlers = 0;    // bit signo-1 (signals 1-64): handlers the caller is to run now
  model::KEvent events[kMaxRecords];
};

// One request to the model server, answered (kqsim_posix.cpp): the C return
// value, with errno and the status kqsim_last_status reports set.
std::int64_t rpc_call(RpcRequest& q, RpcReply& r);
// The host's errno value for a model (FreeBSD) errno (aio_error returns one).
int host_errno_value(std::int32_t model_errno);

}  // namespace kqsim::posix
