// The model as a server: one process owns the model and answers the kqsim_*
// calls of every process and thread of a program, each on its own connection.
#pragma once

#include <string>

namespace kqsim::posix {

struct ModelServer {
  int fd = -1;   // the client end of the server's first connection
  int pid = -1;  // the server process, for the caller to reap
};

// How a call the model cannot complete now is answered.
enum class Blocking {
  kReport,  // at once, as blocked (the recorder: one process runs at a time)
  kWait,    // when another connection's call completes it; as blocked only
            // when no other call could (or after KQSIM_WAIT_MS real time)
};

// Forks the server for the named dialect (fd -1 for an unknown dialect). The
// server keeps no other descriptor of the caller's and exits when every
// client end is closed.
ModelServer start_model_server(const std::string& dialect, Blocking blocking = Blocking::kReport);

}  // namespace kqsim::posix
