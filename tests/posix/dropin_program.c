/*
 * A BSD kqueue program, built through the drop-in <sys/event.h> (nothing
 * kqsim-specific below) and run on the model: processes, exit status,
 * kill, waitpid, a read another process completes, threads in kevent.
 * Expected values: FreeBSD's kevent(2) and wait(2) man pages (NOTE_EXIT's
 * data is the wait status, W_EXITCODE(64, 0) = 0x4000; a SIGKILLed child's
 * status is the signal), kern_exit.c exit1.
 */
#include <sys/event.h>

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
  if (failures == 0) printf("dropin program: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
