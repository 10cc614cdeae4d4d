#include "sim/host/host_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#if defined(__linux__)
#include <sys/prctl.h>
#elif defined(__FreeBSD__)
#include <sys/procctl.h>
#endif
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace kqsim::host {

std::optional<std::pair<int, int>> channel_pair() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0) return std::nullopt;
  return std::make_pair(sv[0], sv[1]);
}

void move_fd(int from, int to) {
  if (from == to) return;
  dup2(from, to);
  close(from);
}

void close_fd(int fd) { close(fd); }

bool peer_gone(int channel) {
  struct pollfd p{channel, POLLIN, 0};
  if (poll(&p, 1, 0) <= 0) return false;
  if ((p.revents & POLLHUP) != 0) return true;
  char byte;
  return (p.revents & POLLIN) != 0 && recv(channel, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

std::string make_scratch_dir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/kqsim-rec-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return {};
  return buf.data();
}

void remove_scratch_dir(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

SpawnedWorker spawn_worker(const char* self_path, int keep_fd, const char* work_dir) {
  auto pair = channel_pair();
  if (!pair) return {};
  pid_t pid = fork();
  if (pid < 0) return {};
  if (pid > 0) {
    close(pair->second);
    return {pair->first, pid};
  }
  close(pair->first);
  if (*work_dir != '\0' && chdir(work_dir) != 0) _exit(127);
  signal(SIGPIPE, SIG_IGN);  // traces run with SIGPIPE ignored: a widowed pipe gives EPIPE
  move_fd(pair->second, kChannelFd);
  if (keep_fd >= 0) move_fd(keep_fd, kModelServerFd);
  // The program starts as a fresh process would: 0, 1 and 2 only.
  for (int fd = 3; fd < kChannelFd; ++fd) close(fd);
  run_worker(kChannelFd, self_path, false);
}

bool send_command(int channel, const WorkerCommand& q, int pass_fd) {
  struct iovec iov{const_cast<WorkerCommand*>(&q), sizeof q};
  struct msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (pass_fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
  }
  return sendmsg(channel, &msg, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof q);
}

namespace {
int g_received_fd = -1;  // the descriptor that came with the last command
}  // namespace

bool receive_command(int channel, WorkerCommand& q) {
  struct iovec iov{&q, sizeof q};
  struct msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (recvmsg(channel, &msg, 0) != static_cast<ssize_t>(sizeof q)) return false;
  g_received_fd = -1;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) std::memcpy(&g_received_fd, CMSG_DATA(c), sizeof(int));
  }
  return true;
}

int receive_fd(int) { return std::exchange(g_received_fd, -1); }

bool receive_reply(int channel, WorkerReply& r, int timeout_ms) {
  struct pollfd p{channel, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return false;
  return recv(channel, &r, sizeof r, 0) == static_cast<ssize_t>(sizeof r);
}

void send_reply(int channel, const WorkerReply& r) { send(channel, &r, sizeof r, MSG_NOSIGNAL); }

void worker_exit() { _exit(0); }

void adopt_orphans() {
#if defined(__linux__)
  prctl(PR_SET_CHILD_SUBREAPER, 1);
#elif defined(__FreeBSD__)
  procctl(P_PID, getpid(), PROC_REAP_ACQUIRE, nullptr);
#endif
}

void end_processes(const std::vector<int>& pids) {
  for (int pid : pids) {
    if (pid > 0) kill(pid, SIGKILL);
  }
  for (int waited_ms = 0; waited_ms < 2000;) {
    pid_t r = waitpid(-1, nullptr, WNOHANG);
    if (r < 0) return;  // no child left
    if (r == 0) {
      usleep(10'000);
      waited_ms += 10;
    }
  }
}

}  // namespace kqsim::host
