/*
 * A BSD kqueue program, built through the drop-in <sys/event.h> (nothing
 * kqsim-specific below) and run on the model: processes, exit status,
 * kill, waitpid, a read another process completes, threads in kevent.
 * Expected values: FreeBSD's kevent(2) and wait(2) man pages (NOTE_EXIT's
 * data is the wait status, W_EXITCODE(64, 0) = 0x4000; a SIGKILLed child's
 * status is the signal), kern_exit.c exit1.
 */
#include <sys/event.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* The parent waits in kevent for NOTE_EXIT; the child exits with 64. */
static void exit_status_reaches_note_exit(void) {
  int kq = kqueue();
  int go[2];
  CHECK(pipe(go) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    read(go[0], &c, 1); /* waits for the parent's go */
    exit(64);
  }
  struct kevent kev, out;
  EV_SET(&kev, pid, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);
  CHECK(kevent(kq, &kev, 1, NULL, 0, NULL) == 0);
  CHECK(write(go[1], "g", 1) == 1);
  CHECK(kevent(kq, NULL, 0, &out, 1, NULL) == 1);
  CHECK(out.ident == (uintptr_t)pid && (out.fflags & NOTE_EXIT) != 0);
  CHECK(out.data == 0x4000);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 64);
  close(go[0]);
  close(go[1]);
  close(kq);
}

/* A child blocked in read() of an empty pipe, killed: the host process
 * dies too (waitpid returns), its status is SIGKILL (FreeBSD's 9). */
static void kill_ends_the_child(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    read(p[0], &c, 1); /* nobody writes */
    _exit(1);
  }
  CHECK(kill(pid, SIGKILL) == 0);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(status == SIGKILL);
  close(p[0]);
  close(p[1]);
}

/* A kevent with a timeout waits for a child still running (it exits on
 * its own, no handshake): the event arrives, the wait does not time out. */
static void timed_wait_sees_a_running_child(void) {
  int kq = kqueue();
  pid_t pid = fork();
  if (pid == 0) {
    usleep(1000);
    _exit(3);
  }
  struct kevent kev, out;
  EV_SET(&kev, pid, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);
  struct timespec five = {5, 0};
  int n = kevent(kq, &kev, 1, &out, 1, &five);
  /* ESRCH if the child was already gone when the knote was added */
  CHECK(n == 1);
  if (n == 1 && !(out.flags & EV_ERROR)) CHECK(out.data == 0x300);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 3);
  close(kq);
}

/* When every caller waits, the timed wait ends on the model's clock: one
 * second of virtual time, no event. */
static void timed_wait_ends_when_everyone_waits(void) {
  int kq = kqueue();
  int p[2];
  CHECK(pipe(p) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    read(p[0], &c, 1); /* waits for the parent's byte */
    _exit(0);
  }
  long long before = kqsim_monotonic_ns();
  struct kevent out;
  struct timespec one = {1, 0};
  CHECK(kevent(kq, NULL, 0, &out, 1, &one) == 0);
  CHECK(kqsim_monotonic_ns() - before == 1000000000LL);
  CHECK(write(p[1], "x", 1) == 1);
  CHECK(waitpid(pid, NULL, 0) == pid);
  close(p[0]);
  close(p[1]);
  close(kq);
}

/* wait() and waitpid(-1) reap any child: of two zombies the latest forked
 * first (kern_wait6 scans p_children; fork1 inserts at the head); then
 * ECHILD (wait(2)). */
static void wait_reaps_any_child(void) {
  int kq = kqueue();
  int go[2];
  char c;
  CHECK(pipe(go) == 0);
  pid_t first = fork();
  if (first == 0) _exit(read(go[0], &c, 1) == 1 ? 1 : 9);
  pid_t second = fork();
  if (second == 0) _exit(read(go[0], &c, 1) == 1 ? 2 : 9);
  struct kevent kev[2], out[2];
  EV_SET(&kev[0], first, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);
  EV_SET(&kev[1], second, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);
  CHECK(kevent(kq, kev, 2, NULL, 0, NULL) == 0);
  CHECK(write(go[1], "gg", 2) == 2);
  close(go[0]);
  close(go[1]);
  int seen = 0;
  while (seen < 2) {
    int n = kevent(kq, NULL, 0, out, 2, NULL);
    CHECK(n > 0);
    if (n <= 0) break;
    seen += n;
  }
  int status = 0;
  CHECK(wait(&status) == second && WEXITSTATUS(status) == 2);
  CHECK(waitpid(-1, &status, WNOHANG) == first && WEXITSTATUS(status) == 1);
  CHECK(wait(&status) == -1 && errno == ECHILD);
  close(kq);
}

/* write(2) to a pipe without a reader: EPIPE and SIGPIPE (dofilewrite);
 * ignored, the writer sees EPIPE; by default the writer ends, its status
 * the signal (FreeBSD's 13). */
static void widowed_pipe_write_raises_sigpipe(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  close(p[0]);
  pid_t pid = fork();
  if (pid == 0) {
    write(p[1], "x", 1);
    _exit(0); /* not reached: SIGPIPE ends the process */
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && status == SIGPIPE);
  CHECK(signal(SIGPIPE, SIG_IGN) == SIG_DFL);
  CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE);
  CHECK(signal(SIGPIPE, SIG_DFL) == SIG_IGN);
  close(p[1]);
}

/* A caught signal's handler runs when the call that delivered it (or the
 * process's next call) returns: raise returns after the handler ran; a
 * signal another process sends runs it at the receiver's next call. */
static volatile int usr1_seen;
static volatile int usr2_seen;
static void on_usr1(int signo) { usr1_seen = signo; }
static void on_usr2(int signo, siginfo_t *info, void *ctx) {
  (void)ctx;
  usr2_seen = info->si_signo == signo ? signo : -1;
}

static void handlers_run(void) {
  CHECK(signal(SIGUSR1, on_usr1) == SIG_DFL);
  CHECK(raise(SIGUSR1) == 0 && usr1_seen == SIGUSR1);
  struct sigaction act;
  memset(&act, 0, sizeof act);
  act.sa_sigaction = on_usr2;
  act.sa_flags = SA_SIGINFO | SA_RESETHAND;
  CHECK(sigaction(SIGUSR2, &act, NULL) == 0);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) _exit(kill(parent, SIGUSR2) == 0 ? 0 : 1);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && status == 0);
  CHECK(usr2_seen == SIGUSR2);
  CHECK(sigaction(SIGUSR2, NULL, &act) == 0 && act.sa_handler == SIG_DFL); /* SA_RESETHAND */
  signal(SIGUSR1, SIG_DFL);
}

/* Threads: one waits in kevent on an EVFILT_USER the other triggers. */
static int user_kq;
static void *waiter(void *arg) {
  struct kevent out;
  int n = kevent(user_kq, NULL, 0, &out, 1, NULL);
  *(int *)arg = n == 1 && out.ident == 7 ? 1 : -1;
  return NULL;
}

static void threads_wait_in_kevent(void) {
  user_kq = kqueue();
  struct kevent kev;
  EV_SET(&kev, 7, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, NULL);
  CHECK(kevent(user_kq, &kev, 1, NULL, 0, NULL) == 0);
  int got = 0;
  pthread_t t;
  CHECK(pthread_create(&t, NULL, waiter, &got) == 0);
  EV_SET(&kev, 7, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
  CHECK(kevent(user_kq, &kev, 1, NULL, 0, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  CHECK(got == 1);
  close(user_kq);
}

int main(void) {
  CHECK(SIGUSR1 == 30 && SIGCHLD == 20); /* FreeBSD's numbers on any host */
  exit_status_reaches_note_exit();
  kill_ends_the_child();
  timed_wait_sees_a_running_child();
  timed_wait_ends_when_everyone_waits();
  threads_wait_in_kevent();
  wait_reaps_any_child();
  widowed_pipe_write_raises_sigpipe();
  handlers_run();
  if (failures == 0) printf("dropin program: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
