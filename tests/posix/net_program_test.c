/*
 * A plain C program on the model through the C API's loopback TCP, poll,
 * select, recv/send flags, getsockname, pause and utimes. Expected values:
 * tcp_usrreq.c/in_pcb.c (ephemeral port range 10000-65535), uipc_socket.c
 * filt_solisten/filt_soread (data = queued connections / bytes), sys_generic.c
 * pollscan (POLLNVAL) and selscan, kern_event.c kqueue_poll, kern_sig.c
 * (pause returns EINTR after a handled signal), vfs_subr.c vop_setattr_post.
 */
#define _GNU_SOURCE 1 /* POLLRDHUP */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kqsim/posix.h"
#include "kqsim/sys/event.h"

#include "check.h"

static void check_tcp(int kq) {
  struct timespec poll_ts = {0, 0};
  struct kevent ch[1], ev[4];
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  char buf[64];
  int l = kqsim_socket(AF_INET, SOCK_STREAM, 0);
  CHECK(l >= 0);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(kqsim_bind(l, (struct sockaddr *)&addr, sizeof addr) == 0);
  CHECK(kqsim_listen(l, 4) == 0);
  CHECK(kqsim_getsockname(l, (struct sockaddr *)&addr, &len) == 0);
  CHECK(addr.sin_family == AF_INET && ntohs(addr.sin_port) >= 10000);
  EV_SET(&ch[0], l, EVFILT_READ, EV_ADD, 0, 0, NULL);
  CHECK(kevent(kq, ch, 1, ev, 4, &poll_ts) == 0);
  int c = kqsim_socket(AF_INET, SOCK_STREAM, 0);
  CHECK(kqsim_connect(c, (struct sockaddr *)&addr, sizeof addr) == 0);
  CHECK(kevent(kq, NULL, 0, ev, 4, &poll_ts) == 1 && ev[0].ident == (uintptr_t)l && ev[0].data == 1);
  int s = kqsim_accept(l, NULL, NULL);
  CHECK(s >= 0);
  CHECK(kqsim_send(c, "hello", 5, MSG_NOSIGNAL) == 5);
  CHECK(kqsim_recv(s, buf, 3, MSG_PEEK) == 3);
  CHECK(kqsim_recv(s, buf, sizeof buf, MSG_DONTWAIT) == 5);
  CHECK(kqsim_recv(s, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN);
  struct pollfd p[3] = {{s, POLLIN, 0}, {c, POLLOUT, 0}, {999, POLLIN, 0}};
  CHECK(kqsim_poll(p, 3, 0) == 2 && p[0].revents == 0 && p[1].revents == POLLOUT && p[2].revents == POLLNVAL);
  CHECK(kqsim_close(c) == 0);
  p[0].revents = 0;
  CHECK(kqsim_poll(p, 1, 0) == 1 && (p[0].revents & POLLIN));
  fd_set r;
  FD_ZERO(&r);
  FD_SET(s, &r);
  struct timeval tv = {0, 0};
  CHECK(kqsim_select(s + 1, &r, NULL, NULL, &tv) == 1 && FD_ISSET(s, &r));
  tv.tv_usec = 1000000;
  CHECK(kqsim_select(s + 1, &r, NULL, NULL, &tv) == -1 && errno == EINVAL);
}

static void check_pause_and_utimes(int kq) {
  struct timespec poll_ts = {0, 0};
  struct kevent ch[1], ev[2];
  CHECK(kqsim_pause() == -1 && kqsim_last_status() == KQSIM_BLOCKED);
  CHECK(kqsim_sigaction(30 /* FreeBSD SIGUSR1 */, 2) == 0);
  CHECK(kqsim_kill(getpid(), 30) == 0);
  CHECK(kqsim_pause() == -1 && errno == EINTR && kqsim_last_status() == KQSIM_DONE);
  int f = kqsim_open("/tmp/net-program", O_RDWR | O_CREAT, 0644);
  CHECK(f >= 0);
  EV_SET(&ch[0], f, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTE_ATTRIB, 0, NULL);
  CHECK(kevent(kq, ch, 1, ev, 2, &poll_ts) == 0);
  CHECK(kqsim_utimes("/tmp/net-program", NULL) == 0);
  CHECK(kevent(kq, NULL, 0, ev, 2, &poll_ts) == 1 && ev[0].fflags == NOTE_ATTRIB);
  struct pollfd p = {kq, POLLIN, 0};
  CHECK(kqsim_poll(&p, 1, 0) == 0);
  /* A host-only bit reaches the model: POLLRDHUP is outside POLLSTANDARD, so
   * a regular file's poll waits for an event (vn_pollrecord) - not POLLIN. */
  struct pollfd q = {f, POLLIN | POLLRDHUP, 0};
  CHECK(kqsim_poll(&q, 1, 0) == 0 && q.revents == 0);
}

/* KQSIM_POLLINIGNEOF reaches the model as POLLINIGNEOF on a host without
 * one: a datagram socket that shut down reading is readable by EOF
 * (sopoll_generic, SBS_CANTRCVMORE), but not when EOF is to be ignored and
 * nothing is buffered (0 bytes, below SO_RCVLOWAT 1). */
static void check_poll_ignoring_eof(void) {
  int sv[2];
  CHECK(kqsim_socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
  CHECK(kqsim_shutdown(sv[0], SHUT_RD) == 0);
  struct pollfd eof = {sv[0], POLLIN, 0};
  CHECK(kqsim_poll(&eof, 1, 0) == 1 && eof.revents == POLLIN);
  struct pollfd ignored = {sv[0], POLLIN | KQSIM_POLLINIGNEOF, 0};
  CHECK(kqsim_poll(&ignored, 1, 0) == 0 && ignored.revents == 0);
}

int main(void) {
  int kq = kqueue();
  CHECK(kq >= 0);
  check_tcp(kq);
  check_pause_and_utimes(kq);
  check_poll_ignoring_eof();
  if (failures != 0) fprintf(stderr, "net_program_test: %d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
