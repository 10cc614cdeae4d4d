/*
 * A newcomer's BSD kqueue program (docs/capi.md, "three commands"): nothing
 * kqsim-specific. A child writes to a pipe and exits with 7; a shell touches
 * a file; the parent sees each through kqueue.
 */
#include <sys/event.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int kq = kqueue();
  int p[2];
  if (kq < 0 || pipe(p) != 0) return 1;
  int f = open("/tmp/prog-watched", O_CREAT | O_RDWR, 0644);
  pid_t child = fork();
  if (child == 0) {
    write(p[1], "hello", 5);
    exit(7);
  }
  struct kevent ch[3], ev[3];
  EV_SET(&ch[0], p[0], EVFILT_READ, EV_ADD, 0, 0, NULL);
  EV_SET(&ch[1], child, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);
  EV_SET(&ch[2], f, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTE_ATTRIB, 0, NULL);
  if (kevent(kq, ch, 3, NULL, 0, NULL) != 0) return 1;
  int status = 0;
  waitpid(child, &status, 0);
  if (system("touch /tmp/prog-watched") != 0) return 1;
  struct timespec zero = {0, 0};
  int n = kevent(kq, NULL, 0, ev, 3, &zero);
  for (int i = 0; i < n; i++) {
    if (ev[i].filter == EVFILT_READ) printf("pipe readable: %lld bytes\n", (long long)ev[i].data);
    if (ev[i].filter == EVFILT_PROC) printf("child exited: status %#llx\n", (long long)ev[i].data);
    if (ev[i].filter == EVFILT_VNODE) printf("file touched: NOTE_ATTRIB %s\n", ev[i].fflags & NOTE_ATTRIB ? "yes" : "no");
  }
  return n == 3 ? 0 : 1;
}
