/*
 * The drop-in's adapters: the calls <kqsim/dropin.h> renames, where the
 * kqsim_* call of <kqsim/posix.h> has another shape than the host's call
 * or signal numbers to translate (kqsim_dropin.cpp).
 */
#ifndef KQSIM_DROPIN_CALLS_H
#define KQSIM_DROPIN_CALLS_H

#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

int kqsim_pipe(int fds[2]);
int kqsim_open_v(const char *path, int flags, ...);
int kqsim_fcntl_v(int fd, int cmd, ...);
pid_t kqsim_waitpid_bsd(pid_t pid, int *status, int options);
pid_t kqsim_wait_bsd(int *status);
void kqsim_exit_bsd(int status) __attribute__((noreturn));
void kqsim__exit_bsd(int status) __attribute__((noreturn));
int kqsim_kill_bsd(pid_t pid, int signo);
int kqsim_raise_bsd(int signo);
typedef void (*kqsim_sighandler_t)(int);
kqsim_sighandler_t kqsim_signal_bsd(int signo, kqsim_sighandler_t handler);
int kqsim_sigaction_bsd(int signo, const struct sigaction *act, struct sigaction *old);
int kqsim_sigprocmask_bsd(int how, const sigset_t *set, sigset_t *old);
int kqsim_pthread_sigmask_bsd(int how, const sigset_t *set, sigset_t *old);
unsigned int kqsim_sleep_bsd(unsigned int seconds);
int kqsim_usleep_bsd(useconds_t usec);
int kqsim_nanosleep_bsd(const struct timespec *d, struct timespec *rem);
/* system(3): the shell and its programs on the model (docs/capi.md). */
int kqsim_system_bsd(const char *command);
int kqsim_accept4_bsd(int fd, struct sockaddr *addr, socklen_t *len, int flags);

#ifdef __cplusplus
}
#endif

#endif /* KQSIM_DROPIN_CALLS_H */
