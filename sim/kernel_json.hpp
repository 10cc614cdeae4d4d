// The model's state after a step as JSON, for the HTML view of
// `kqreplay explain --html`: descriptor tables, kqueues with their knotes
// and activation queues, pipe buffers, sockets, and the rest as text.
#pragma once

#include <nlohmann/json.hpp>

#include "model/kernel.hpp"
#include "sim/knote_states.hpp"

namespace kqsim::sim {

// Keys: clock, processes[{label, state, fds[{fd, name, what, cloexec}]}],
// kqueues[{label, knotes[{key, ident, filter, flags, status[], in, out,
// udata, timer}], queue[key]}], pipes[{label, buffered, size, eof, peer}],
// sockets (text lines), other (text lines: file system, aio).
nlohmann::json world_json(const model::Kernel& kernel, const ViewNames& names);

// KN_* bits as lower-case words: ["active", "queued"].
nlohmann::json status_words(std::uint16_t status);

}  // namespace kqsim::sim
