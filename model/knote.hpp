// struct knote: one registration of (ident, filter) in one kqueue.
#pragma once

#include <cstdint>

#include "model/kevent_constants.hpp"

namespace kqsim::model {

using FileIndex = std::uint32_t;
inline constexpr FileIndex kNoFile = UINT32_MAX;

// kn_status bits (sys/event.h). Only the ones a user can observe the effect
// of are modelled; KN_MARKER/KN_SCAN/in-flux are artefacts of the kernel's
// concurrency, which the model replaces by atomic system calls.
namespace kn {
inline constexpr std::uint16_t kActive = 0x01;    // condition reported, not yet consumed
inline constexpr std::uint16_t kQueued = 0x02;    // on the kqueue's activation queue
inline constexpr std::uint16_t kDisabled = 0x04;  // EV_DISABLE, or EV_DISPATCH after delivery
inline constexpr std::uint16_t kDetached = 0x08;  // not on its object's knlist
inline constexpr std::uint16_t kKqueue = 0x40;    // watches another kqueue
}  // namespace kn

// Which filterops a knote uses (kn_fop). fd filters pick theirs in the
// object's fo_kqfilter; the others come from sysfilt_ops.
enum class FilterKind : std::uint8_t {
  kPipeRead,    // sys_pipe.c pipe_rfiltops
  kPipeWrite,   // sys_pipe.c pipe_wfiltops
  kKqueueRead,  // kern_event.c kqread_filtops
  kTimer,       // kern_event.c timer_filtops
  kUser,        // kern_event.c user_filtops
  kJail,        // kern_jail.c jail_filtops (FreeBSD 15+)
  kSignal,      // kern_sig.c sig_filtops
  kSockRead,    // uipc_socket.c soread_filtops (also listening sockets)
  kSockWrite,   // uipc_socket.c sowrite_filtops (unix datagram sockets)
  kSockEmpty,   // uipc_socket.c soempty_filtops (unix datagram sockets)
  kUnixWrite,   // uipc_usrreq.c uipc_write_filtops (unix stream sockets)
  kUnixEmpty,   // uipc_usrreq.c uipc_empty_filtops (unix stream sockets)
  kProc,        // kern_event.c proc_filtops
  kProcdesc,    // sys_procdesc.c procdesc_kqops
  kPipeNull,    // sys_pipe.c pipe_nfiltops: READ on a write-only FIFO or WRITE on a read-only one
  kVnodeRead,   // vfs_subr.c vfsread_filtops
  kVnodeWrite,  // vfs_subr.c vfswrite_filtops
  kVnode,       // vfs_subr.c vfsvnode_filtops (EVFILT_VNODE)
  kAio,         // vfs_aio.c aio_filtops (registered by aio_aqueue only)
  kLio,         // vfs_aio.c lio_filtops (registered by lio_listio only)
};

// Where a knote lives: kqueue index and slot in that kqueue's knote table.
struct KnoteRef {
  std::uint32_t kq = 0;
  std::uint32_t slot = 0;
  friend bool operator==(const KnoteRef&, const KnoteRef&) = default;
};

struct TimerCallout {
  std::int64_t deadline_ns = -1;  // on the monotonic clock; -1 = not armed
  std::int64_t period_ns = 0;     // 0 = does not re-arm
  // kc->next: the expiry last scheduled, kept when the callout stops (a
  // one-shot fired, a re-add drained it); -1 = never scheduled. filt_timercopy
  // arms a KQUEUE_CPONFORK copy there, even when it has passed.
  std::int64_t next_ns = -1;
};

struct Knote {
  KEvent kev;                 // kn_kevent: the image a scan copies out
  std::uint32_t sfflags = 0;  // kn_sfflags: last input fflags
  std::int64_t sdata = 0;     // kn_sdata: last input data
  std::uint16_t status = 0;   // kn::* bits
  FilterKind kind = FilterKind::kUser;
  FileIndex file = kNoFile;   // kn_fp: a reference held for fd filters
  std::uint32_t object = 0;   // pipe end (pair * 2 + side), watched kqueue index, pid, procdesc, socket, vnode, aio job or lio index
  bool user_triggered = false;  // kn_hookid of EVFILT_USER
  bool proc_gone = false;     // EVFILT_PROC: kn_ptr.p_proc cleared by the exit event
  TimerCallout timer;
  // When knote_attach linked it, in its kqueue's order: the kernel's
  // kq_knlist[fd] / kq_knhash chains are newest first, which only a
  // KQUEUE_CPONFORK copy makes observable (model/kqueue_fork.cpp).
  std::uint32_t attach_seq = 0;
  bool live = false;          // slot in use

  [[nodiscard]] bool has_status(std::uint16_t bit) const { return (status & bit) != 0; }
};

}  // namespace kqsim::model
