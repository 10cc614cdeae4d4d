// The client side of the model server's connections: one per thread, made
// on first use from the process's root connection, so no two threads or
// processes ever share a socket (their replies could cross).
#pragma once

#include <cstdint>

namespace kqsim::posix {

// The calling thread's connection to the model server.
int call_connection();
// At exit with KQSIM_TRACE set: the process that started the model server
// waits for it to write the trace.
void await_server_at_exit();
// This process's root connection (made, or the model server started, on
// first use); an exec'd program inherits it through KQSIM_MODEL_FD.
int root_connection();
// This process's model pid (1 until a fork makes it a child).
std::int32_t model_pid();

// fork(2) after the model made `child` (its model pid): the host fork, with
// every connection kept consistent. Returns what fork(2) returns.
int fork_after(std::int64_t child);

}  // namespace kqsim::posix
