/* A probe of libkqueue's own answers, without kqsim's recorder in between:
 * each case makes the calls of one entry of docs/emulators/libkqueue-2.7.0.md
 * and prints what libkqueue returned, so the entry can be checked by hand
 * (tools/emulators/libkqueue-probe.sh builds and runs it). One line a case:
 *   CASE: what libkqueue did
 * Written for this project; it calls only the public kqueue API. */
#include <sys/epoll.h>
#include <sys/event.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const struct timespec zero = {0, 0};

static const char *errname(int e) {
  switch (e) {
    case 0: return "0";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case EEXIST: return "EEXIST";
    case ENOSYS: return "ENOSYS";
    case ESRCH: return "ESRCH";
    case EPIPE: return "EPIPE";
    default: return strerror(e);
  }
}

static void flags_text(unsigned short f, char *out, size_t n) {
  static const struct { unsigned short bit; const char *name; } names[] = {
      {EV_ADD, "EV_ADD"}, {EV_DELETE, "EV_DELETE"}, {EV_ENABLE, "EV_ENABLE"}, {EV_DISABLE, "EV_DISABLE"},
      {EV_ONESHOT, "EV_ONESHOT"}, {EV_CLEAR, "EV_CLEAR"}, {EV_RECEIPT, "EV_RECEIPT"}, {EV_DISPATCH, "EV_DISPATCH"},
      {EV_EOF, "EV_EOF"}, {EV_ERROR, "EV_ERROR"}};
  out[0] = '\0';
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
    if (f & names[i].bit) {
      if (out[0] != '\0') strncat(out, "|", n - strlen(out) - 1);
      strncat(out, names[i].name, n - strlen(out) - 1);
    }
  }
}

/* One kevent call: its return, errno and the records it returned. */
static void call(const char *name, int kq, struct kevent *changes, int nchanges, int nevents, const struct timespec *t) {
  struct kevent out[8];
  errno = 0;
  int n = kevent(kq, changes, nchanges, out, nevents, t);
  int e = errno;
  printf("%s: ret %d errno %s", name, n, n < 0 ? errname(e) : "0");
  for (int i = 0; i < n; ++i) {
    char f[160];
    flags_text(out[i].flags, f, sizeof f);
    /* Descriptor numbers depend on what the process inherited: a descriptor
     * ident is shown as "fd". A timer's count depends on timing: only >0. */
    char ident[32];
    const int fd_ident = out[i].filter == EVFILT_READ || out[i].filter == EVFILT_WRITE || out[i].filter == EVFILT_VNODE;
    if (fd_ident) snprintf(ident, sizeof ident, "fd");
    else snprintf(ident, sizeof ident, "%lu", (unsigned long)out[i].ident);
    char data[32];
    if (out[i].filter == EVFILT_TIMER) snprintf(data, sizeof data, "%s", out[i].data > 0 ? ">0" : "0");
    else snprintf(data, sizeof data, "%ld", (long)out[i].data);
    printf("; {ident %s filter %d flags %s fflags %u data %s}", ident, out[i].filter, f, out[i].fflags, data);
  }
  printf("\n");
}

static void add_kept_in_events(void) {
  int kq = kqueue();
  struct kevent c;
  EV_SET(&c, 1, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, 0);
  kevent(kq, &c, 1, NULL, 0, &zero);
  EV_SET(&c, 1, EVFILT_USER, 0, NOTE_TRIGGER, 0, 0);
  kevent(kq, &c, 1, NULL, 0, &zero);
  call("returned-event-flags (user, EV_ADD|EV_CLEAR)", kq, NULL, 0, 1, &zero);
  struct kevent d;
  EV_SET(&d, 2, EVFILT_TIMER, EV_ADD | EV_DELETE, 0, 1, 0);
  call("add-delete-together (timer 1 ms, then wait 50 ms)", kq, &d, 1, 0, &zero);
  struct timespec t = {0, 50000000};
  call("  the wait", kq, NULL, 0, 1, &t);
  close(kq);
}

static void error_receipts(void) {
  int kq = kqueue();
  struct kevent c[2];
  EV_SET(&c[0], 102, EVFILT_READ, EV_ADD, 0, 4, 0);
  call("error-receipt (EVFILT_READ on closed fd 102, nevents 1)", kq, c, 1, 1, &zero);
  call("error-no-room (EVFILT_READ on closed fd 102, nevents 0)", kq, c, 1, 0, &zero);
  EV_SET(&c[0], 1, EVFILT_USER, EV_DELETE, 0, 0, 0);
  call("uncounted-receipt (EV_DELETE of unknown EVFILT_USER 1, nevents 8)", kq, c, 1, 8, &zero);
  call("counted-receipt (the same, nevents 1)", kq, c, 1, 1, &zero);
  EV_SET(&c[0], 1, EVFILT_USER, EV_ADD | EV_RECEIPT, 0, 0, 0);
  EV_SET(&c[1], 2, EVFILT_USER, EV_ADD, 0, 0, 0);
  call("receipt-nevents-zero (EV_ADD|EV_RECEIPT then EV_ADD)", kq, c, 2, 0, &zero);
  EV_SET(&c[0], 30, EVFILT_SIGNAL, EV_ENABLE | EV_DISABLE | EV_RECEIPT, 0, 0, 0);
  call("enable-disable-unknown (EVFILT_SIGNAL 30, nevents 1)", kq, c, 1, 1, &zero);
  EV_SET(&c[0], 100, EVFILT_READ, EV_ENABLE, 0, 0, 0);
  call("enable-closed-fd (EVFILT_READ fd 100, nevents 1)", kq, c, 1, 1, &zero);
  EV_SET(&c[0], 2, 0, EV_ADD, 0, 0, 0);
  call("filter-zero (EV_ADD, nevents 0)", kq, c, 1, 0, &zero);
  EV_SET(&c[0], 1, EVFILT_TIMER, EV_ADD, 0, -1, 0);
  call("timer-negative-data (nevents 0)", kq, c, 1, 0, &zero);
  EV_SET(&c[0], 999999, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, 0);
  call("proc-no-such-pid (nevents 0)", kq, c, 1, 0, &zero);
  EV_SET(&c[0], 3, EVFILT_USER, EV_ADD | EV_DISABLE, 0, 0, 0);
  call("user-add-disabled (nevents 0)", kq, c, 1, 0, &zero);
  EV_SET(&c[0], 4, EVFILT_USER, EV_ADD | EV_ENABLE | EV_DISABLE, 0, 0, 0);
  call("user-add-enable-disable (nevents 0)", kq, c, 1, 0, &zero);
  EV_SET(&c[0], 5, EVFILT_USER, EV_ADD | EV_ONESHOT | EV_DISPATCH, 0, 0, 0);
  call("oneshot-dispatch (nevents 1)", kq, c, 1, 1, &zero);
  close(kq);
}

static void more_changes(void) {
  int kq = kqueue();
  struct kevent c[2];
  EV_SET(&c[0], 1, EVFILT_USER, EV_ADD | EV_RECEIPT, 0, 0, 0);
  call("uncounted-success-receipt (EV_ADD|EV_RECEIPT, nevents 8)", kq, c, 1, 8, &zero);
  EV_SET(&c[0], kq, EVFILT_READ, EV_ADD, 0, 0, 0);
  call("kqueue-watches-itself (nevents 1)", kq, c, 1, 1, &zero);
  int p[2];
  pipe(p);
  EV_SET(&c[0], p[0], EVFILT_READ, EV_ADD | EV_DISABLE, 0, 0, 0);
  EV_SET(&c[1], p[0], EVFILT_READ, EV_ENABLE, 0, 0, 0);
  call("add-disabled-then-enable (pipe read end, nevents 0)", kq, c, 2, 0, &zero);
  int q[2];
  pipe(q);
  EV_SET(&c[0], q[0], EVFILT_WRITE, EV_ADD, 0, 0, 0);
  call("write-filter-on-read-end (a fresh pipe, nevents 1)", kq, c, 1, 1, &zero);
  close(q[0]);
  close(q[1]);
  EV_SET(&c[0], getpid(), EVFILT_PROC, EV_ADD | EV_DISABLE, 0, 0, 0);
  call("proc-add-disabled-no-note-exit (nevents 0)", kq, c, 1, 0, &zero);
  EV_SET(&c[0], 2, EVFILT_TIMER, EV_ADD, NOTE_SECONDS | NOTE_USECONDS, 8, 0);
  call("timer-two-units (NOTE_SECONDS|NOTE_USECONDS data 8, nevents 1, then 20 ms)", kq, c, 1, 0, &zero);
  struct timespec t = {0, 20000000};
  call("  the wait", kq, NULL, 0, 1, &t);
  char buf[1];
  errno = 0;
  const ssize_t n = read(kq, buf, 1);
  const int e = errno;
  printf("read-on-kqueue: ret %zd errno %s\n", n, n < 0 ? errname(e) : "0");
  close(p[0]);
  close(p[1]);
  close(kq);
}

/* A datagram pair whose peer is closed: libkqueue's answer, and Linux's own
 * epoll answer for the same socket (what libkqueue's EVFILT_READ rests on). */
static void dgram_peer_closed(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  close(sv[1]);
  int kq = kqueue();
  struct kevent c;
  EV_SET(&c, sv[0], EVFILT_READ, EV_ADD, 0, 0, 0);
  call("dgram-peer-closed (EVFILT_READ, nevents 8)", kq, &c, 1, 8, &zero);
  int ep = epoll_create1(0);
  struct epoll_event want = {.events = EPOLLIN | EPOLLRDHUP, .data = {.fd = sv[0]}}, got[2];
  epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &want);
  const int n = epoll_wait(ep, got, 2, 0);
  printf("dgram-peer-closed, Linux epoll itself: %d event(s)%s\n", n, n > 0 ? "" : " (no readiness, no hang-up)");
  close(ep);
  close(kq);
  close(sv[0]);
}

static void not_a_kqueue(void) {
  int kq = kqueue();
  int p[2];
  pipe(p);
  call("kevent-on-a-pipe (a kqueue open beside it)", p[0], NULL, 0, 1, &zero);
  close(p[0]);
  struct kevent c;
  EV_SET(&c, p[1], EVFILT_WRITE, EV_ADD, 0, 0, 0);
  call("write-filter-on-widowed-pipe (nevents 0)", kq, &c, 1, 0, &zero);
  call("  then", kq, NULL, 0, 1, &zero);
  close(p[1]);
  close(kq);
}

static void timeouts(void) {
  int kq = kqueue();
  struct timespec big = {0, 1000000000};
  call("timeout-nsec-1e9 (nevents 1)", kq, NULL, 0, 1, &big);
  pid_t pid = fork();
  if (pid == 0) {
    struct timespec neg = {-1, 0};
    int own = kqueue();  /* the child's own: a kqueue does not cross fork */
    alarm(2);
    call("timeout-negative (nevents 1)", own, NULL, 0, 1, &neg);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  printf("timeout-negative (nevents 1): child %s\n",
         WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? "still waiting after 2 s (killed by SIGALRM)" : "returned");
  close(kq);
}

/* kqueue(), then exec: the child prints what kevent on the inherited number does. */
static void across_exec(const char *self) {
  pid_t pid = fork();
  if (pid == 0) {
    int kq = kqueue();
    char arg[16];
    snprintf(arg, sizeof arg, "%d", kq);
    execl(self, self, "after-exec", arg, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) printf("kevent-after-exec: child died of signal %d (%s)\n", WTERMSIG(status), strsignal(WTERMSIG(status)));
  else printf("kevent-after-exec: child exited %d\n", WEXITSTATUS(status));
}

static void after_exec(int kq) {
  errno = 0;
  const int fd_flags = fcntl(kq, F_GETFD);
  const int e = errno;
  printf("descriptor-after-exec: fcntl(F_GETFD) on the kqueue's number: %d errno %s\n", fd_flags, errname(e));
  fflush(stdout);
  call("kevent-after-exec", kq, NULL, 0, 1, &zero);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 3 && strcmp(argv[1], "after-exec") == 0) {
    after_exec(atoi(argv[2]));
    return 0;
  }
  const int lowest = dup(0); /* the lowest free descriptor */
  close(lowest);
  int kq = kqueue();  /* kept open: a closed kqueue's number is not reused below */
  printf("kqueue-number: the lowest free descriptor + %d\n", kq - lowest);
  not_a_kqueue();  /* first: no kqueue closed yet whose number a pipe could take */
  add_kept_in_events();
  error_receipts();
  more_changes();
  dgram_peer_closed();
  timeouts();
  across_exec(argv[0]);
  return 0;
}
