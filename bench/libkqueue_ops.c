/* libkqueue's side of bench/model_vs_libkqueue_bench.cpp. */
#include "libkqueue_ops.h"

#include <stddef.h>
#include <sys/event.h>
#include <sys/types.h>
#include <unistd.h>

static int kq = -1;
static int pipe_fds[2] = {-1, -1};
static const struct timespec zero = {0, 0};

int lkq_open(void) {
  struct kevent kev;
  kq = kqueue();
  if (kq < 0 || pipe(pipe_fds) != 0) return -1;
  EV_SET(&kev, 1, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, NULL);
  return kevent(kq, &kev, 1, NULL, 0, &zero) == 0 ? 0 : -1;
}

void lkq_close(void) {
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  close(kq);
}

int lkq_empty_poll(void) {
  struct kevent out[4];
  return kevent(kq, NULL, 0, out, 4, &zero);
}

int lkq_user_trigger_retrieve(void) {
  struct kevent kev, out[4];
  EV_SET(&kev, 1, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
  if (kevent(kq, &kev, 1, NULL, 0, &zero) != 0) return -1;
  return kevent(kq, NULL, 0, out, 4, &zero);
}

static int change(uintptr_t ident, short filter, unsigned short flags) {
  struct kevent kev;
  EV_SET(&kev, ident, filter, flags, 0, 0, NULL);
  return kevent(kq, &kev, 1, NULL, 0, &zero);
}

int lkq_pipe_read_add_delete(void) {
  if (change((uintptr_t)pipe_fds[0], EVFILT_READ, EV_ADD) != 0) return -1;
  return change((uintptr_t)pipe_fds[0], EVFILT_READ, EV_DELETE);
}

int lkq_user_add_delete(void) {
  if (change(2, EVFILT_USER, EV_ADD) != 0) return -1;
  return change(2, EVFILT_USER, EV_DELETE);
}
