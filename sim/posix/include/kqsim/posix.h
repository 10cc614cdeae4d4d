/*
 * The descriptor calls of a kqueue program, served by the kqsim model
 * instead of the host kernel. Each returns what the FreeBSD call would,
 * with errno set the FreeBSD way translated to the host's errno names.
 * When the model cannot give an answer the call fails and
 * kqsim_last_status() says why: KQSIM_BLOCKED (errno EDEADLK) - the call
 * would wait forever, a real program would hang there; KQSIM_UNSUPPORTED
 * (errno ENOSYS) - the model does not implement what the call needs, and
 * kqsim_last_detail() names it.
 *
 * The processes and threads of one program share one model; each thread
 * has its own connection to it and their calls take turns (the model is a
 * sequential kernel). A call that must wait for another process or thread
 * (a read of an empty pipe, kevent with nothing pending, waitpid of a
 * running child) waits until that one's call completes it; it fails as
 * KQSIM_BLOCKED only when no other could (or after KQSIM_WAIT_MS, default
 * 10000, of real time).
 */
#ifndef KQSIM_POSIX_H
#define KQSIM_POSIX_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

int kqsim_pipe2(int fds[2], int flags);
ssize_t kqsim_read(int fd, void *buf, size_t nbytes);
ssize_t kqsim_write(int fd, const void *buf, size_t nbytes);
int kqsim_close(int fd);
int kqsim_dup(int fd);
int kqsim_dup2(int from, int to);
int kqsim_fcntl(int fd, int cmd, int arg);
pid_t kqsim_fork(void);
/* pdfork(2): FreeBSD's PD_DAEMON / PD_CLOEXEC values. *fdp gets the
 * process descriptor in the parent. */
enum { KQSIM_PD_DAEMON = 0x1, KQSIM_PD_CLOEXEC = 0x2 };
pid_t kqsim_pdfork(int *fdp, int flags);
/* waitpid(pid, NULL, nohang ? WNOHANG : 0) for one child, by host pid. The
 * model keeps the status; EVFILT_PROC's NOTE_EXIT data reports it. */
pid_t kqsim_waitpid(pid_t pid, int nohang);
/* The same, with the child's wait(2) status (W_EXITCODE, or the signal). */
pid_t kqsim_waitpid_status(pid_t pid, int *status, int nohang);
int kqsim_exec(void);
/* _exit(status): the model's process exits with it (NOTE_EXIT's data is the
 * wait status, status << 8). */
void kqsim_exit(int status);
/* Tells the model the process exits with status, without leaving (exit(3)
 * does this itself in a program that started the model server). */
void kqsim_exit_status(int status);
/* What _exit does to descriptors, without leaving (for recorders). */
int kqsim_exit_descriptors(void);
int kqsim_nanosleep(const struct timespec *duration);
/* Signals, numbered as FreeBSD numbers them. kqsim_kill takes the host pid
 * a kqsim_fork returned (or getpid()); so do EVFILT_PROC idents, and
 * NOTE_CHILD data comes back as one. action: 0 SIG_DFL, 1 SIG_IGN, 2 a handler. */
int kqsim_kill(pid_t pid, int signo);
int kqsim_sigaction(int signo, int action);
int kqsim_sigprocmask(int block, int signo);
/* AF_UNIX sockets, with the host's constants (SOCK_STREAM, SOCK_NONBLOCK,
 * SHUT_RD, SOL_SOCKET, SO_RCVLOWAT, ...). Other domains, types and options
 * fail as unsupported (KQSIM_UNSUPPORTED). A bound name is a path in a
 * namespace the model keeps for the program; no file is created. */
int kqsim_socketpair(int domain, int type, int protocol, int sv[2]);
int kqsim_socket(int domain, int type, int protocol);
int kqsim_bind(int fd, const struct sockaddr *addr, socklen_t len);
int kqsim_listen(int fd, int backlog);
int kqsim_connect(int fd, const struct sockaddr *addr, socklen_t len);
int kqsim_accept(int fd, struct sockaddr *addr, socklen_t *len);
int kqsim_shutdown(int fd, int how);
int kqsim_setsockopt(int fd, int level, int name, const void *value, socklen_t len);
/* AF_INET SOCK_STREAM (TCP) on 127.0.0.1 only, through kqsim_socket,
 * kqsim_bind and kqsim_connect above (port 0 binds an ephemeral port, handed
 * out in order from 10000); the loopback network has settled when a call
 * returns (docs/semantics.md). getsockname gives the bound port (AF_INET)
 * or an unnamed address (AF_UNIX, sun_path empty). recv/send take the
 * host's MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, MSG_NOSIGNAL. */
int kqsim_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
ssize_t kqsim_recv(int fd, void *buf, size_t len, int flags);
ssize_t kqsim_send(int fd, const void *buf, size_t len, int flags);
/* poll(2) and select(2) on model descriptors, with the host's POLL*
 * constants and fd_set; FreeBSD's answers (POLLNVAL, EBADF, ...).
 * KQSIM_POLLINIGNEOF asks for FreeBSD's POLLINIGNEOF (EOF alone does not
 * make a descriptor readable) on a host whose <poll.h> has none: a bit
 * Linux's leaves free; FreeBSD's own value there. */
#if defined(__FreeBSD__)
#define KQSIM_POLLINIGNEOF 0x2000
#else
#define KQSIM_POLLINIGNEOF 0x4000
#endif
struct pollfd;
struct timeval;
int kqsim_poll(struct pollfd *fds, unsigned long nfds, int timeout);
int kqsim_select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout);
/* pause(2): -1/EINTR once a signal with a handler (kqsim_sigaction action
 * 2) reaches the process; until then KQSIM_BLOCKED. */
int kqsim_pause(void);
/* utimes(2) on the simulated file system: only NOTE_ATTRIB is observable,
 * the times themselves are not kept. */
int kqsim_utimes(const char *path, const struct timeval times[2]);
/* The simulated file system: one namespace for the whole program, paths
 * resolved from its root. Flags are the host's O_* values (O_RDONLY,
 * O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK,
 * O_CLOEXEC); whence is SEEK_SET, SEEK_CUR or SEEK_END. */
int kqsim_open(const char *path, int flags, int mode);
int kqsim_mkdir(const char *path, int mode);
int kqsim_rmdir(const char *path);
int kqsim_mkfifo(const char *path, int mode);
int kqsim_unlink(const char *path);
int kqsim_rename(const char *from, const char *to);
int kqsim_link(const char *from, const char *to);
int kqsim_chmod(const char *path, int mode);
/* revoke(2) and unmount(2) of the simulated file system ("."). Only
 * KQSIM_MNT_FORCE (FreeBSD's MNT_FORCE) is known to the model. */
#define KQSIM_MNT_FORCE 0x00080000
int kqsim_revoke(const char *path);
int kqsim_unmount(const char *path, int flags);
int kqsim_truncate(const char *path, long long length);
int kqsim_ftruncate(int fd, long long length);
long long kqsim_lseek(int fd, long long offset, int whence);
/* POSIX aio with kqueue notification, FreeBSD's way (SIGEV_KEVENT): a
 * request's control block is identified by its address, which is the
 * EVFILT_AIO ident (a lio_listio list's address the EVFILT_LIO ident).
 * Constants are FreeBSD's; sigev_notify_kevent_flags takes the EV_* of
 * <kqsim/sys/event.h>. kqsim_aio_error returns the host's errno value.
 * Only byte counts move: aio_buf is never read or written. */
enum { KQSIM_SIGEV_NONE = 0, KQSIM_SIGEV_SIGNAL = 1, KQSIM_SIGEV_KEVENT = 3 };
enum { KQSIM_LIO_NOP = 0, KQSIM_LIO_WRITE = 1, KQSIM_LIO_READ = 2 };
enum { KQSIM_LIO_NOWAIT = 0, KQSIM_LIO_WAIT = 1 };
enum { KQSIM_AIO_CANCELED = 1, KQSIM_AIO_NOTCANCELED = 2, KQSIM_AIO_ALLDONE = 3 };
struct kqsim_sigevent {
  int sigev_notify;
  int sigev_signo;
  int sigev_notify_kqueue;
  unsigned short sigev_notify_kevent_flags;
  void *sigev_value;
};
struct kqsim_aiocb {
  int aio_fildes;
  long long aio_offset;
  volatile void *aio_buf;
  size_t aio_nbytes;
  int aio_lio_opcode;
  struct kqsim_sigevent aio_sigevent;
  int kqsim_defer; /* the model's choice: leave the request queued for the aio daemons */
};
int kqsim_aio_read(struct kqsim_aiocb *cb);
int kqsim_aio_write(struct kqsim_aiocb *cb);
int kqsim_aio_error(const struct kqsim_aiocb *cb);
ssize_t kqsim_aio_return(struct kqsim_aiocb *cb);
int kqsim_aio_cancel(int fd, struct kqsim_aiocb *cb);
int kqsim_lio_listio(int mode, struct kqsim_aiocb *const list[], int nent, struct kqsim_sigevent *sig);
/* The model's aio daemons run the request of cb (NULL: every queued one);
 * returns how many ran. A request runs before its submission returns unless
 * its kqsim_defer is set; a deferred one runs here or while a call sleeps. */
int kqsim_aio_run(const struct kqsim_aiocb *cb);
/* The model's monotonic clock (virtual time), in nanoseconds. */
long long kqsim_monotonic_ns(void);
/* errno for a FreeBSD error the host has no name for: this base plus
 * FreeBSD's number (<kqsim/dropin.h> defines those names so). */
#define KQSIM_ERRNO_BASE 1000
enum { KQSIM_DONE = 0, KQSIM_BLOCKED = 1, KQSIM_UNSUPPORTED = 2 };
int kqsim_last_status(void);
const char *kqsim_last_detail(void);

#ifdef __cplusplus
}
#endif

#endif /* KQSIM_POSIX_H */
