// One message carrying one descriptor (SCM_RIGHTS) over a SOCK_SEQPACKET
// socket: how the model server hands a client its new connection.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstring>

namespace kqsim::posix {

// Sends `len` bytes with `fd` attached; false if the message did not go.
inline bool send_with_fd(int sock, const void* data, std::size_t len, int fd) {
  char control[CMSG_SPACE(sizeof(int))] = {};
  iovec iov{const_cast<void*>(data), len};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cm), &fd, sizeof(int));
  return sendmsg(sock, &msg, MSG_NOSIGNAL) == static_cast<ssize_t>(len);
}

// Receives exactly `len` bytes and the attached descriptor (close-on-exec);
// -1 if either is missing.
inline int recv_with_fd(int sock, void* data, std::size_t len) {
  char control[CMSG_SPACE(sizeof(int))] = {};
  iovec iov{data, len};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != static_cast<ssize_t>(len)) return -1;
  cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  if (cm == nullptr || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) return -1;
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(cm), sizeof fd);
  return fd;
}

}  // namespace kqsim::posix
