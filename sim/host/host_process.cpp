#include "sim/host/host_process.hpp"

#include <sys/stat.h>
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

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace kqsim::host {

std::optional<std::pair<int, int>> channel_pair() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return std::nullopt;
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

// $KQSIM_SCRATCH_DIR, when set: a directory the caller made for this one
// recording - a file system of its own mounted there, so that the trace's
// unmount(".") meets a mount point as the model's root is one (the VM
// runner's kqvm-init does this, docs/vm.md).
namespace {
const char* given_scratch_dir() {
  const char* given = std::getenv("KQSIM_SCRATCH_DIR");
  return given != nullptr && *given != '\0' ? given : nullptr;
}
}  // namespace

std::string make_scratch_dir() {
  std::string dir;
  if (const char* given = given_scratch_dir()) {
    dir = given;
  } else {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/kqsim-rec-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) return {};
    dir = buf.data();
  }
  // The model's file system starts with a tmp directory (a FreeBSD root has
  // /tmp); the scratch directory that stands for that root gets one too.
  const std::string tmpdir = dir + "/tmp";
  if (mkdir(tmpdir.c_str(), 01777) == 0) chmod(tmpdir.c_str(), 01777);
  return dir;
}

// A given directory stays (it may be a mount point); only what the program
// left in it goes.
void remove_scratch_dir(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ignored;
  const char* given = given_scratch_dir();
  if (given == nullptr || dir != given) {
    std::filesystem::remove_all(dir, ignored);
    return;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir, ignored)) {
    std::filesystem::remove_all(entry.path(), ignored);
  }
}

SpawnedWorker spawn_worker(const char* self_path, int keep_fd, const char* work_dir, const char* exec_path) {
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
  if (exec_path != nullptr && *exec_path != '\0') {
    char* const argv[] = {const_cast<char*>(exec_path), const_cast<char*>("--kqsim-worker"), nullptr};
    execv(exec_path, argv);
    _exit(127);  // the controller sees the channel close: the step that needed it fails
  }
  run_worker(kChannelFd, self_path, false);
}

namespace {

// The channel is a stream socket (FreeBSD 13.2 limits SOCK_SEQPACKET records
// to 8192 bytes and AF_UNIX datagrams to 2048 by default): every message is
// one fixed-size struct, written and read whole by these loops. A passed
// descriptor rides on the first bytes of a command.
bool write_all(int channel, const void* data, std::size_t size, int pass_fd) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    struct iovec iov{const_cast<char*>(p), size};
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
    ssize_t n = sendmsg(channel, &msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    pass_fd = -1;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

int g_received_fd = -1;  // the descriptor that came with the last command

// Reads exactly `size` bytes; keeps any descriptor that arrives with them.
// false at end of file (the peer is gone) or on an error.
bool read_all(int channel, void* data, std::size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    struct iovec iov{p, size};
    struct msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(channel, &msg, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) std::memcpy(&g_received_fd, CMSG_DATA(c), sizeof(int));
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

bool send_command(int channel, const WorkerCommand& q, int pass_fd) { return write_all(channel, &q, sizeof q, pass_fd); }

bool receive_command(int channel, WorkerCommand& q) {
  g_received_fd = -1;
  return read_all(channel, &q, sizeof q);
}

int receive_fd(int) { return std::exchange(g_received_fd, -1); }

ReplyStatus receive_reply(int channel, WorkerReply& r, int timeout_ms) {
  struct pollfd p{channel, POLLIN, 0};
  int n;
  while ((n = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {
  }
  if (n == 0) return ReplyStatus::kTimeout;
  return read_all(channel, &r, sizeof r) ? ReplyStatus::kReplied : ReplyStatus::kGone;
}

void send_reply(int channel, const WorkerReply& r) { write_all(channel, &r, sizeof r, -1); }

void worker_exit(int status) { _exit(status); }

std::string host_signal_name(int signo) {
  static const std::pair<int, const char*> kNames[] = {
      {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},   {SIGTRAP, "SIGTRAP"},
      {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},   {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"},
      {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"}, {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"},
      {SIGCHLD, "SIGCHLD"}, {SIGCONT, "SIGCONT"}, {SIGSTOP, "SIGSTOP"}, {SIGTSTP, "SIGTSTP"}, {SIGTTIN, "SIGTTIN"},
      {SIGTTOU, "SIGTTOU"}, {SIGURG, "SIGURG"},   {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"}, {SIGVTALRM, "SIGVTALRM"},
      {SIGPROF, "SIGPROF"}, {SIGWINCH, "SIGWINCH"}, {SIGSYS, "SIGSYS"},
  };
  for (const auto& [n, name] : kNames) {
    if (n == signo) return name;
  }
  return "SIG" + std::to_string(signo);
}

std::optional<std::pair<int, int>> probe_own_child(int pid, int wait_ms) {
  for (int waited = 0;; waited += 1) {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT | WNOHANG) != 0) return std::nullopt;
    if (info.si_pid != 0) {
      if (info.si_code == CLD_EXITED) return std::make_pair(0, info.si_status);
      return std::make_pair(info.si_status, -1);
    }
    if (waited >= wait_ms) return std::nullopt;
    usleep(1000);
  }
}

bool wait_hangup(int channel, int wait_ms) {
  for (int waited = 0;; waited += 1) {
    if (peer_gone(channel)) return true;
    if (waited >= wait_ms) return false;
    struct pollfd p{channel, POLLIN, 0};
    poll(&p, 1, 1);
  }
}

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
  // SIGKILL takes effect within microseconds: poll finely, so a campaign's
  // programs do not each pay a coarse sleep.
  for (int waited_us = 0; waited_us < 2'000'000;) {
    pid_t r = waitpid(-1, nullptr, WNOHANG);
    if (r < 0) return;  // no child left
    if (r == 0) {
      usleep(200);
      waited_us += 200;
    }
  }
}

}  // namespace kqsim::host
