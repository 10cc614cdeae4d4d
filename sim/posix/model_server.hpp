// The model as a server: one process owns a ModelBackend and answers the
// kqsim_* calls of every process of a program.
#pragma once

#include <string>

namespace kqsim::posix {

struct ModelServer {
  int fd = -1;   // the client end of the server's socket
  int pid = -1;  // the server process, for the caller to reap
};

// Forks the server for the named dialect (fd -1 for an unknown dialect). The
// server keeps no other descriptor of the caller's and exits when every
// client end is closed.
ModelServer start_model_server(const std::string& dialect);

}  // namespace kqsim::posix
