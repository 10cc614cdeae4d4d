/*
 * A plain C kqueue program compiled against kqsim's <sys/event.h> and run on
 * the model through the kqueue C API. Expected values: observed-real-kernels.md
 * C10 (pipe EVFILT_WRITE data), C12 (EV_EOF after the writer closes), C11;
 * sockets: uipc_usrreq.c (uipc_filt_sowrite: the peer's 64 KiB receive
 * space; solisten_enqueue; uipc_shutdown) and uipc_socket.c filt_soread.
 * the file-system part: T/vnode.c note_write (NOTE_WRITE|NOTE_EXTEND),
 * vfs_subr.c filt_vfsread, fifo_vnops.c fifo_open (ENXIO).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "kqsim/posix.h"
#include "kqsim/sys/event.h"

#include "check.h"

static void check_sockets(int kq) {
  struct timespec poll_ts = {0, 0};
  struct kevent ch[2], ev[4];
  struct sockaddr_un addr;
  int sv[2], one = 1;
  CHECK(kqsim_socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
  EV_SET(&ch[0], sv[0], EVFILT_WRITE, EV_ADD, 0, 0, NULL);
  CHECK(kevent(kq, ch, 1, ev, 4, &poll_ts) == 1 && ev[0].data == 65536);
  CHECK(kqsim_write(sv[0], "hello", 5) == 5);
  EV_SET(&ch[0], sv[0], EVFILT_WRITE, EV_DELETE, 0, 0, NULL);
  EV_SET(&ch[1], sv[1], EVFILT_READ, EV_ADD, 0, 0, NULL);
  CHECK(kevent(kq, ch, 2, ev, 4, &poll_ts) == 1 && ev[0].ident == (uintptr_t)sv[1] && ev[0].data == 5);

  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strcpy(addr.sun_path, "c-program.sock");
  int s = kqsim_socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int c = kqsim_socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(kqsim_bind(s, (struct sockaddr *)&addr, sizeof addr) == 0);
  CHECK(kqsim_listen(s, 4) == 0);
  CHECK(kqsim_accept(s, NULL, NULL) == -1 && errno == EAGAIN);
  CHECK(kqsim_connect(c, (struct sockaddr *)&addr, sizeof addr) == 0);
  EV_SET(&ch[0], sv[1], EVFILT_READ, EV_DELETE, 0, 0, NULL);
  EV_SET(&ch[1], s, EVFILT_READ, EV_ADD, 0, 0, NULL);
  CHECK(kevent(kq, ch, 2, ev, 4, &poll_ts) == 1 && ev[0].ident == (uintptr_t)s && ev[0].data == 1);
  int a = kqsim_accept(s, NULL, NULL);
  CHECK(a >= 0);
  CHECK(kqsim_shutdown(c, SHUT_WR) == 0);
  EV_SET(&ch[0], s, EVFILT_READ, EV_DELETE, 0, 0, NULL);
  EV_SET(&ch[1], a, EVFILT_READ, EV_ADD, 0, 0, NULL);
  CHECK(kevent(kq, ch, 2, ev, 4, &poll_ts) == 1 && (ev[0].flags & EV_EOF) && ev[0].fflags == 0);
  CHECK(kqsim_setsockopt(a, SOL_SOCKET, SO_SNDBUF, &one, sizeof one) == -1 &&
        kqsim_last_status() == KQSIM_UNSUPPORTED && strstr(kqsim_last_detail(), "SO_SNDBUF") != NULL);
  CHECK(kqsim_socket(AF_INET6, SOCK_STREAM, 0) == -1 && kqsim_last_status() == KQSIM_UNSUPPORTED);
  CHECK(kqsim_socket(AF_INET, SOCK_DGRAM, 0) == -1 && kqsim_last_status() == KQSIM_UNSUPPORTED);
}

/* POSIX aio with SIGEV_KEVENT: the aiocb's address is the event's ident,
 * sigev_value its udata, data the request's error (vfs_aio.c filt_aio). */
static void check_aio(void) {
  struct timespec poll_ts = {0, 0};
  struct kevent ev[4];
  int kq = kqueue();
  int f = kqsim_open("aiofile", O_RDWR | O_CREAT, 0644);
  CHECK(kq >= 0 && f >= 0);
  CHECK(kqsim_write(f, "0123456789", 10) == 10);
  struct kqsim_aiocb cb;
  memset(&cb, 0, sizeof cb);
  cb.aio_fildes = f;
  cb.aio_nbytes = 4;
  cb.aio_sigevent.sigev_notify = KQSIM_SIGEV_KEVENT;
  cb.aio_sigevent.sigev_notify_kqueue = kq;
  cb.aio_sigevent.sigev_value = &cb;
  CHECK(kqsim_aio_error(&cb) == EINVAL);  /* no aio state yet */
  CHECK(kqsim_aio_read(&cb) == 0);
  CHECK(kqsim_aio_error(&cb) == 0);
  int n = kevent(kq, NULL, 0, ev, 4, &poll_ts);
  CHECK(n == 1 && ev[0].filter == EVFILT_AIO && ev[0].ident == (uintptr_t)&cb && ev[0].udata == (void *)&cb &&
        ev[0].data == 0 && (ev[0].flags & EV_EOF));
  CHECK(kqsim_aio_return(&cb) == 4);
  CHECK(kqsim_aio_return(&cb) == -1 && errno == EINVAL);
  CHECK(kevent(kq, NULL, 0, ev, 4, &poll_ts) == 0);
  /* sigev_notify_kevent_flags other than EV_ONESHOT/EV_CLEAR/EV_DISPATCH. */
  cb.aio_sigevent.sigev_notify_kevent_flags = EV_ADD;
  CHECK(kqsim_aio_write(&cb) == -1 && errno == EINVAL && kqsim_aio_error(&cb) == EINVAL);
  /* lio_listio: the list's address is the EVFILT_LIO ident. */
  struct kqsim_aiocb a, b;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  a.aio_fildes = b.aio_fildes = f;
  a.aio_nbytes = b.aio_nbytes = 2;
  a.aio_lio_opcode = KQSIM_LIO_READ;
  b.aio_lio_opcode = KQSIM_LIO_WRITE;
  struct kqsim_aiocb *list[2] = {&a, &b};
  struct kqsim_sigevent sig;
  memset(&sig, 0, sizeof sig);
  sig.sigev_notify = KQSIM_SIGEV_KEVENT;
  sig.sigev_notify_kqueue = kq;
  CHECK(kqsim_lio_listio(KQSIM_LIO_NOWAIT, list, 2, &sig) == 0);
  n = kevent(kq, NULL, 0, ev, 4, &poll_ts);
  CHECK(n == 1 && ev[0].filter == EVFILT_LIO && ev[0].ident == (uintptr_t)list);
  CHECK(kqsim_aio_return(&a) == 2 && kqsim_aio_return(&b) == 2);
  CHECK(kqsim_aio_cancel(f, NULL) == KQSIM_AIO_ALLDONE);
  int fds[2];
  CHECK(kqsim_pipe2(fds, 0) == 0);
  cb.aio_fildes = fds[0];
  cb.aio_sigevent.sigev_notify_kevent_flags = 0;
  CHECK(kqsim_aio_read(&cb) == -1 && errno == EOPNOTSUPP);  /* vfs.aio.enable_unsafe is off */
}

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
  check_sockets(kq);

  /* A regular file: EVFILT_VNODE and EVFILT_READ through the C API, in a kqueue of its own. */
  int fkq = kqueue();
  CHECK(fkq >= 0);
  CHECK(kqsim_mkdir("d", 0755) == 0);
  int f = kqsim_open("d/f", O_RDWR | O_CREAT, 0644);
  CHECK(f >= 0);
  EV_SET(&ch[0], f, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTE_WRITE, 0, NULL);
  CHECK(kevent(fkq, ch, 1, NULL, 0, NULL) == 0);
  CHECK(kqsim_write(f, "abcdef", 6) == 6);
  n = kevent(fkq, NULL, 0, ev, 4, &poll_ts);
  CHECK(n == 1 && ev[0].filter == EVFILT_VNODE && ev[0].fflags == (NOTE_WRITE | NOTE_EXTEND));
  CHECK(kqsim_lseek(f, 2, SEEK_SET) == 2);
  EV_SET(&ch[0], f, EVFILT_READ, EV_ADD, 0, 0, NULL);
  n = kevent(fkq, ch, 1, ev, 4, &poll_ts);
  CHECK(n == 1 && ev[0].filter == EVFILT_READ && ev[0].data == 4);
  CHECK(kqsim_rename("d/f", "g") == 0 && kqsim_unlink("g") == 0 && kqsim_rmdir("d") == 0);
  CHECK(kqsim_ftruncate(f, 1) == 0 && kqsim_truncate("g", 1) == -1 && errno == ENOENT);
  CHECK(kqsim_link("nothing", "x") == -1 && errno == ENOENT);
  CHECK(kqsim_chmod("nothing", 0600) == -1 && errno == ENOENT);
  CHECK(kqsim_revoke("nothing") == -1 && errno == ENOENT);
  CHECK(kqsim_revoke(".") == -1 && errno == EINVAL);        /* not a character device */
  CHECK(kqsim_unmount(".", 0) == -1 && errno == EBUSY);     /* the busy root, without MNT_FORCE */
  CHECK(kqsim_unmount(".", 0x1) == -1 && errno == EINVAL);  /* a flag the model does not know */
  /* A FIFO: a non-blocking writer needs a reader. */
  CHECK(kqsim_mkfifo("p", 0644) == 0);
  CHECK(kqsim_open("p", O_WRONLY | O_NONBLOCK, 0) == -1 && errno == ENXIO);
  CHECK(kqsim_open("p", O_RDONLY | O_NONBLOCK, 0) >= 0);
  CHECK(kqsim_open("p", O_RDONLY, 0) == -1 && kqsim_last_status() == KQSIM_UNSUPPORTED);  /* would wait for a writer */
  CHECK(kqsim_open("p", O_WRONLY, 0) >= 0);  /* a reader is there: no wait */
  check_aio();
  printf("c_program_test: %d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
