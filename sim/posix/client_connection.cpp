#include "sim/posix/client_connection.hpp"

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "sim/posix/fd_passing.hpp"
#include "sim/posix/model_rpc.hpp"
#include "sim/posix/model_server.hpp"

namespace kqsim::posix {

void exit_hook(int status, void*);  // kqsim_posix.cpp: tells the model the process ended

namespace {

std::mutex g_mu;            // guards the root and the list below
int g_root = -1;            // asks the server for connections; never carries calls
std::vector<int> g_fds;     // every connection of this process (for a forked child to drop)
pid_t g_server_pid = -1;    // the model server this process started, if it did
pid_t g_server_parent = -1;
// This process's model pid: 1, or the one a kqsim system() gave the program
// it exec'd (KQSIM_MODEL_PID, with KQSIM_MODEL_FD its root connection).
std::int32_t initial_pid() {
  const char* pid = std::getenv("KQSIM_MODEL_PID");
  return pid != nullptr && std::getenv("KQSIM_MODEL_FD") != nullptr ? static_cast<std::int32_t>(std::atoi(pid)) : 1;
}
std::int32_t g_pid = initial_pid();

[[noreturn]] void lost(const char* what) {
  std::fprintf(stderr, "kqsim: %s\n", what);
  std::abort();
}

int root_locked() {
  if (g_root >= 0) return g_root;
  if (const char* fd = std::getenv("KQSIM_MODEL_FD")) {
    // A recorder's worker (the recorder owns the server), or a program a
    // kqsim system() started (it speaks as the model process it was given).
    g_root = std::atoi(fd);
  } else {
    const char* dialect = std::getenv("KQSIM_DIALECT");
    const ModelServer server = start_model_server(dialect != nullptr ? dialect : "freebsd-main", Blocking::kWait);
    g_root = server.fd;
    if (g_root < 0) lost("cannot start the model server (unknown KQSIM_DIALECT?)");
    g_server_pid = server.pid;
    g_server_parent = getpid();
    on_exit(exit_hook, nullptr);  // exit(3) and a return from main tell the model their status
  }
  g_fds.push_back(g_root);
  return g_root;
}

int connect_locked(std::int32_t pid, bool call) {
  RpcRequest q;
  q.op = RpcOp::kConnect;
  q.pid = g_pid;
  q.a = pid;
  q.b = call ? 1 : 0;
  const int root = root_locked();
  if (send(root, &q, sizeof q, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof q)) lost("lost the model server");
  RpcReply r;
  const int fd = recv_with_fd(root, &r, sizeof r);
  if (fd < 0) lost("lost the model server, or it sent no connection");
  g_fds.push_back(fd);
  return fd;
}

void forget_locked(int fd) {
  close(fd);
  g_fds.erase(std::remove(g_fds.begin(), g_fds.end(), fd), g_fds.end());
}

struct ThreadConnection {
  int fd = -1;
  pid_t owner = -1;  // the process that made it (a forked child must not use its parent's)
  ~ThreadConnection() {
    if (fd < 0 || owner != getpid()) return;
    std::lock_guard<std::mutex> lock(g_mu);
    forget_locked(fd);
    fd = -1;  // exit's on_exit handlers run after the thread's destructors and may call again
  }
};
thread_local ThreadConnection t_conn;

}  // namespace

int call_connection() {
  if (t_conn.fd >= 0 && t_conn.owner == getpid()) return t_conn.fd;
  std::lock_guard<std::mutex> lock(g_mu);
  t_conn.fd = connect_locked(g_pid, true);
  t_conn.owner = getpid();
  return t_conn.fd;
}

std::int32_t model_pid() { return g_pid; }

// The server writes KQSIM_TRACE once the program's last connection is gone:
// the process that started it drops its own and waits for it (as long as
// any parked call may wait, KQSIM_WAIT_MS), so the trace is there when the
// program has exited.
void await_server_at_exit() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_server_pid < 0 || g_server_parent != getpid() || std::getenv("KQSIM_TRACE") == nullptr) return;
  for (int fd : g_fds) close(fd);
  g_fds.clear();
  g_root = -1;
  t_conn.fd = -1;
  const char* ms = std::getenv("KQSIM_WAIT_MS");
  const long bound_ms = ms != nullptr && std::atol(ms) > 0 ? std::atol(ms) : 10'000L;
  for (long waited = 0; waited <= bound_ms; waited += 10) {
    if (waitpid(g_server_pid, nullptr, WNOHANG) != 0) return;
    usleep(10'000);
  }
}

int root_connection() {
  std::lock_guard<std::mutex> lock(g_mu);
  return root_locked();
}

// The child gets a root of its own before the host fork; in the child every
// inherited connection is dropped (its threads are gone; its parent's
// replies are not its own). The lock is held across fork(2), so no other
// thread's half-made connection is inherited.
int fork_after(std::int64_t child) {
  std::lock_guard<std::mutex> lock(g_mu);
  const int child_root = connect_locked(static_cast<std::int32_t>(child), false);
  pid_t pid = fork();
  if (pid == 0) {
    for (int fd : g_fds) {
      if (fd != child_root) close(fd);
    }
    g_fds.assign(1, child_root);
    g_root = child_root;
    g_pid = static_cast<std::int32_t>(child);
    t_conn.fd = -1;
    return 0;
  }
  forget_locked(child_root);
  return pid;
}

}  // namespace kqsim::posix
