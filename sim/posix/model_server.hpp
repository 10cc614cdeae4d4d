// The model as a server: one process owns a ModelBackend and answers the
// kqsim_* calls of every process of a program.
#pragma once

#include <string>

namespace kqsim::posix {

// Forks the server for the named dialect; returns the client end of its
// socket, or -1. The server exits when every client end is closed.
int start_model_server(const std::string& dialect);

}  // namespace kqsim::posix
