#include "sim/posix/client_connection.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "sim/posix/model_rpc.hpp"
#include "sim/posix/model_server.hpp"

namespace kqsim::posix {

void exit_hook(int status, void*);  // kqsim_posix.cpp: tells the model the process ended

namespace {

std::mutex g_mu;            // guards the root and the list below
int g_root = -1;            // asks the server for connections; never carries calls
std::vector<int> g_fds;     // every connection of this process (for a forked child to drop)
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
    g_root = start_model_server(dialect != nullptr ? dialect : "freebsd-main", Blocking::kWait).fd;
    if (g_root < 0) lost("cannot start the model server (unknown KQSIM_DIALECT?)");
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
  char control[CMSG_SPACE(sizeof(int))] = {};
  iovec iov{&r, sizeof r};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (recvmsg(root, &msg, MSG_CMSG_CLOEXEC) != static_cast<ssize_t>(sizeof r)) lost("lost the model server");
  cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  if (cm == nullptr || cm->cmsg_type != SCM_RIGHTS) lost("the model server sent no connection");
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(cm), sizeof fd);
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
