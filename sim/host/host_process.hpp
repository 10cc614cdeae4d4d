// The recorder's own plumbing, plain POSIX and the same on every host:
// worker processes, their channels, passing a channel to a forking worker.
// None of this is part of the recorded program.
#pragma once

#include <optional>
#include <string>

#include "sim/host/worker_protocol.hpp"

namespace kqsim::host {

// Starts the first worker: a child of the caller with only 0, 1, 2 and its
// channel (plus `keep_fd`, moved to kModelServerFd, if >= 0). Returns the
// controller's end of the channel, or -1.
int spawn_worker(const char* self_path, int keep_fd);
// A socket pair for a worker about to fork: returns {controller end, end to send}.
std::optional<std::pair<int, int>> channel_pair();

bool send_command(int channel, const WorkerCommand& q, int pass_fd = -1);
// Waits at most timeout_ms for the reply; false on timeout or a dead worker.
bool receive_reply(int channel, WorkerReply& r, int timeout_ms);
bool receive_command(int channel, WorkerCommand& q);
void send_reply(int channel, const WorkerReply& r);
int receive_fd(int channel);
void move_fd(int from, int to);
void close_fd(int fd);
[[noreturn]] void worker_exit();

}  // namespace kqsim::host
