/*
 * A plain C kqueue program compiled against kqsim's <sys/event.h> and run on
 * the model through the kqueue C API. Expected values: observed-real-kernels.md
 * C10 (pipe EVFILT_WRITE data), C12 (EV_EOF after the writer closes), C11;
 * the file-system part: T/vnode.c note_write (NOTE_WRITE|NOTE_EXTEND),
 * vfs_subr.c filt_vfsread, fifo_vnops.c fifo_open (ENXIO).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "kqsim/posix.h"
#include "kqsim/sys/event.h"

static int failures = 0;
#define CHECK(cond)                                              \
  do {                                                           \
    if (!(cond)) {                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                \
    }                                                            \
  } while (0)

int main(void) {
  struct timespec poll_ts = {0, 0};
  struct kevent ch[2], ev[4];
  int fds[2];
  char buf[8];
  int kq = kqueue();
  CHECK(kq == 3);
  CHECK(kqsim_pipe2(fds, O_NONBLOCK) == 0);
  EV_SET(&ch[0], fds[1], EVFILT_WRITE, EV_ADD, 0, 0, (void *)1);
  EV_SET(&ch[1], fds[0], EVFILT_READ, EV_ADD, 0, 0, (void *)2);
  CHECK(kevent(kq, ch, 2, NULL, 0, NULL) == 0);
  CHECK(kqsim_write(fds[1], "abc", 3) == 3);
  int n = kevent(kq, NULL, 0, ev, 4, &poll_ts);
  CHECK(n == 2);
  CHECK(ev[0].filter == EVFILT_WRITE && ev[0].data == 16384 - 3);
  CHECK(ev[1].filter == EVFILT_READ && ev[1].data == 3 && ev[1].udata == (void *)2);
  CHECK(kqsim_close(fds[1]) == 0);
  n = kevent(kq, NULL, 0, ev, 4, &poll_ts);
  CHECK(n == 1 && (ev[0].flags & EV_EOF) && ev[0].data == 3);
  CHECK(kqsim_read(fds[0], buf, sizeof buf) == 3);
  EV_SET(&ch[0], 42, EVFILT_USER, EV_DELETE, 0, 0, NULL);
  CHECK(kevent(kq, ch, 1, NULL, 0, NULL) == -1 && errno == ENOENT);
  CHECK(kevent(kq, NULL, 0, ev, 1, NULL) == 1);  /* the reader's EOF stays level-triggered */
  EV_SET(&ch[0], fds[0], EVFILT_READ, EV_DELETE, 0, 0, NULL);
  CHECK(kevent(kq, ch, 1, NULL, 0, NULL) == 0);
  CHECK(kevent(kq, NULL, 0, ev, 1, NULL) == -1 && kqsim_last_status() == KQSIM_BLOCKED);

  /* A regular file: EVFILT_VNODE and EVFILT_READ through the C API. */
  CHECK(kqsim_mkdir("d", 0755) == 0);
  int f = kqsim_open("d/f", O_RDWR | O_CREAT, 0644);
  CHECK(f >= 0);
  EV_SET(&ch[0], f, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTE_WRITE, 0, NULL);
  CHECK(kevent(kq, ch, 1, NULL, 0, NULL) == 0);
  CHECK(kqsim_write(f, "abcdef", 6) == 6);
  n = kevent(kq, NULL, 0, ev, 4, &poll_ts);
  CHECK(n == 1 && ev[0].filter == EVFILT_VNODE && ev[0].fflags == (NOTE_WRITE | NOTE_EXTEND));
  CHECK(kqsim_lseek(f, 2, SEEK_SET) == 2);
  EV_SET(&ch[0], f, EVFILT_READ, EV_ADD, 0, 0, NULL);
  n = kevent(kq, ch, 1, ev, 4, &poll_ts);
  CHECK(n == 1 && ev[0].filter == EVFILT_READ && ev[0].data == 4);
  CHECK(kqsim_rename("d/f", "g") == 0 && kqsim_unlink("g") == 0 && kqsim_rmdir("d") == 0);
  CHECK(kqsim_ftruncate(f, 1) == 0 && kqsim_truncate("g", 1) == -1 && errno == ENOENT);
  CHECK(kqsim_link("nothing", "x") == -1 && errno == ENOENT);
  CHECK(kqsim_chmod("nothing", 0600) == -1 && errno == ENOENT);
  /* A FIFO: a non-blocking writer needs a reader. */
  CHECK(kqsim_mkfifo("p", 0644) == 0);
  CHECK(kqsim_open("p", O_WRONLY | O_NONBLOCK, 0) == -1 && errno == ENXIO);
  CHECK(kqsim_open("p", O_RDONLY | O_NONBLOCK, 0) >= 0);
  CHECK(kqsim_open("p", O_RDONLY, 0) == -1 && kqsim_last_status() == KQSIM_UNSUPPORTED);  /* would wait for a writer */
  CHECK(kqsim_open("p", O_WRONLY, 0) >= 0);  /* a reader is there: no wait */
  printf("c_program_test: %d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
