/*
 * A program built against an installed kqsim: a pipe watched by EVFILT_READ
 * reports the bytes written (kern_event.c filt_piperead: data is the bytes
 * readable). Exit 0 when the event came with data 5.
 */
#include <stdio.h>
#include <unistd.h>

#include <kqsim/posix.h>
#include <kqsim/sys/event.h>

int main(void) {
  int fds[2];
  int kq = kqueue();
  if (kq < 0 || kqsim_pipe2(fds, 0) != 0) return 1;
  struct kevent change, event;
  EV_SET(&change, fds[0], EVFILT_READ, EV_ADD, 0, 0, NULL);
  if (kevent(kq, &change, 1, NULL, 0, NULL) != 0) return 2;
  if (kqsim_write(fds[1], "hello", 5) != 5) return 3;
  struct timespec poll = {0, 0};
  int n = kevent(kq, NULL, 0, &event, 1, &poll);
  if (n != 1 || event.filter != EVFILT_READ || event.data != 5) {
    fprintf(stderr, "kevent returned %d, data %ld\n", n, (long)event.data);
    return 4;
  }
  puts("installed kqsim works");
  return 0;
}
