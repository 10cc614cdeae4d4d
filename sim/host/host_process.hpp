// The recorder's own plumbing, plain POSIX and the same on every host:
// worker processes, their channels, passing a channel to a forking worker.
// None of this is part of the recorded program.
#pragma once

#include <optional>
#include <vector>
#include <string>

#include "sim/host/worker_protocol.hpp"

namespace kqsim::host {

struct SpawnedWorker {
  int channel = -1;  // the controller's end
  int pid = -1;
};

// Starts the first worker: a child of the caller with only 0, 1, 2 and its
// channel (plus `keep_fd`, moved to kModelServerFd, if >= 0).
// The worker starts in work_dir (its relative paths resolve there). With an
// exec_path, the worker is that program (`exec_path --kqsim-worker`), e.g.
// kqrecord built on a native kqueue serving kqcheck; else this process's code.
SpawnedWorker spawn_worker(const char* self_path, int keep_fd, const char* work_dir, const char* exec_path = nullptr);
// A fresh private directory under $TMPDIR (or /tmp) for one recording, or
// $KQSIM_SCRATCH_DIR when set (an existing, empty directory), and its
// removal with everything the program left in it (a given directory itself
// stays); "" if none could be made.
std::string make_scratch_dir();
void remove_scratch_dir(const std::string& dir);
// Makes orphaned workers (whose parent worker left first) children of the
// caller, so end_processes can reap them (Linux, FreeBSD; elsewhere a no-op).
void adopt_orphans();
// Kills the given processes and reaps every child of the caller, waiting at
// most about two seconds for stragglers.
void end_processes(const std::vector<int>& pids);
// A socket pair for a worker about to fork: returns {controller end, end to send}.
std::optional<std::pair<int, int>> channel_pair();

bool send_command(int channel, const WorkerCommand& q, int pass_fd = -1);
enum class ReplyStatus { kReplied, kTimeout, kGone };
// Waits at most timeout_ms for the reply; kGone when the worker hung up first.
ReplyStatus receive_reply(int channel, WorkerReply& r, int timeout_ms);
bool receive_command(int channel, WorkerCommand& q);
void send_reply(int channel, const WorkerReply& r);
int receive_fd(int channel);
void move_fd(int from, int to);
void close_fd(int fd);
// Whether the other end of a channel has gone (its process died).
bool peer_gone(int channel);
[[noreturn]] void worker_exit(int status = 0);
// The host's name for a signal number ("SIGSEGV"), "SIG<n>" when unknown.
std::string host_signal_name(int signo);
// What this process (the controller) knows of its own child `pid`, polled
// for at most wait_ms with waitid(WNOWAIT): a zombie's {signal, status}
// (signal 0 for a normal exit), nullopt while it runs or if not a child.
std::optional<std::pair<int, int>> probe_own_child(int pid, int wait_ms);
// Waits at most wait_ms until the channel's other end is gone; true if it went.
bool wait_hangup(int channel, int wait_ms);

}  // namespace kqsim::host
