// When a kqueue's watchers hear about it: kqueue_schedtask hands
// kqueue_task (KNOTE on kq_sel: each kqueue watching this one re-evaluates
// kq_count) to a taskqueue thread, and the calling thread waits for it only
// on its way back to user space (kqueue_release / the task's drain). On a
// machine with more than one CPU the task runs concurrently with the rest
// of the call that scheduled it, so a watcher may see a count the call
// changes again before it returns, or not (docs/observed-real-kernels.md R21).
//
// The model runs the tasks at fixed "task points" of a call and picks, at
// each, the outcome real kernels were recorded taking most often: exec's
// close-on-exec loop runs them after each close (R21: the task usually
// wins), kevent's change loop leaves them for the call's end (the scan
// usually consumes a knote first). A caller may name, before a call, task
// points of that call that take the other outcome - one a host also shows,
// more rarely. Replaying a recording, kqreplay diff names those where the
// host took it (tools/replay/task_race_follow.hpp).
//
// The same points name the other race with a kernel thread that recordings
// show: a non-blocking loopback TCP connect. lo0 hands the SYN to the
// netisr thread, and kern_connectat usually finds the socket still
// connecting (EINPROGRESS); on another CPU netisr may finish the handshake,
// or take the RST, first, and the call answers as a blocking one would: 0,
// or ECONNREFUSED with so_error cleared (R15: seen on 13.2 and 15.1).
#pragma once

#include <cstdint>

namespace kqsim::model {

// A point inside a call where the task thread may or may not have run.
enum class TaskPoint : std::uint8_t {
  kExecClose,        // fdcloseexec, after closing a descriptor: usually run
  kKeventChange,     // kqueue_kevent, after applying a change: usually not run
  kLoopbackConnect,  // kern_connectat, non-blocking, after tcp_usr_connect: netisr usually not run yet
  // kern_connectat, blocking, woken by the SYN-ACK of a connection a full
  // listen queue resets (R38): netisr has usually taken the RST as well when
  // the thread looks (ECONNRESET); on the other outcome not yet (0, so_error
  // left for a read: 15.1, CI of 2026-12-06).
  kLoopbackReset,
  // kern_connectat, non-blocking, to a full listen queue: netisr has usually
  // not taken the handshake and its RST before the call looks; on the other
  // outcome it has, and the call answers ECONNRESET (so_error cleared; 15.1,
  // recorded 2026-12-06). A point of its own so that each of the call's
  // three outcomes is one flip from the usual one.
  kLoopbackResetFirst,
};

[[nodiscard]] constexpr bool usually_runs(TaskPoint point) { return point == TaskPoint::kExecClose; }

// A task point a call passed with a task pending: where the race was on.
struct TaskRace {
  std::uint32_t point = 0;  // which task point of the call, from 0, counting every one
  TaskPoint kind = TaskPoint::kExecClose;
  std::int64_t detail = 0;  // kExecClose, kLoopback*: the descriptor; kKeventChange: the change's index
};

}  // namespace kqsim::model
