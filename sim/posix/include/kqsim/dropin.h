/*
 * The kqsim drop-in: a program written for BSD <sys/event.h> builds on
 * another system and runs on the kqsim model. Either
 *   cc -I <prefix>/include/kqsim/dropin prog.c -lkqsim_posix ...   (its <sys/event.h>)
 * or
 *   cc -include kqsim/dropin.h prog.c ...
 * The system headers that declare the calls are included first; then each
 * call the model serves is renamed to its kqsim_* adapter, and FreeBSD's
 * numbers replace the host's for signals (SIG*) and kqueue constants. What
 * is covered and what is not: docs/capi.md.
 */
#ifndef KQSIM_DROPIN_H
#define KQSIM_DROPIN_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kqsim/posix.h>
#include <kqsim/signals.h>
#include <kqsim/sys/event.h>

#include <kqsim/dropin_calls.h>

/* One line per call: the program's name -> the model's adapter. */
#define pipe(fds)                  kqsim_pipe(fds)
#define pipe2(fds, flags)          kqsim_pipe2(fds, flags)
#define read(fd, buf, n)           kqsim_read(fd, buf, n)
#define write(fd, buf, n)          kqsim_write(fd, buf, n)
#define close(fd)                  kqsim_close(fd)
#define dup(fd)                    kqsim_dup(fd)
#define dup2(from, to)             kqsim_dup2(from, to)
#define fcntl(...)                 kqsim_fcntl_v(__VA_ARGS__)
#define open(...)                  kqsim_open_v(__VA_ARGS__)
#define fork()                     kqsim_fork()
#define pdfork(fdp, flags)         kqsim_pdfork(fdp, flags)
#define waitpid(pid, st, opt)      kqsim_waitpid_bsd(pid, st, opt)
#define wait(st)                   kqsim_wait_bsd(st)
#define exit(status)               kqsim_exit_bsd(status)
#define _exit(status)              kqsim__exit_bsd(status)
#define kill(pid, sig)             kqsim_kill_bsd(pid, sig)
#define raise(sig)                 kqsim_raise_bsd(sig)
#define signal(sig, h)             kqsim_signal_bsd(sig, h)
#define sigaction(sig, act, old)   kqsim_sigaction_bsd(sig, act, old)
#define sigprocmask(how, set, old) kqsim_sigprocmask_bsd(how, set, old)
#define pthread_sigmask(how, set, old) kqsim_pthread_sigmask_bsd(how, set, old)
#define sleep(s)                   kqsim_sleep_bsd(s)
#define usleep(us)                 kqsim_usleep_bsd(us)
#define nanosleep(d, rem)          kqsim_nanosleep_bsd(d, rem)
#define socketpair(d, t, p, sv)    kqsim_socketpair(d, t, p, sv)
#define socket(d, t, p)            kqsim_socket(d, t, p)
#define bind(fd, a, l)             kqsim_bind(fd, a, l)
#define listen(fd, b)              kqsim_listen(fd, b)
#define connect(fd, a, l)          kqsim_connect(fd, a, l)
#define accept(fd, a, l)           kqsim_accept(fd, a, l)
#define accept4(fd, a, l, f)       kqsim_accept4_bsd(fd, a, l, f)
#define shutdown(fd, how)          kqsim_shutdown(fd, how)
#define setsockopt(fd, lv, n, v, l) kqsim_setsockopt(fd, lv, n, v, l)
#define mkdir(path, mode)          kqsim_mkdir(path, mode)
#define rmdir(path)                kqsim_rmdir(path)
#define mkfifo(path, mode)         kqsim_mkfifo(path, mode)
#define unlink(path)               kqsim_unlink(path)
#define rename(from, to)           kqsim_rename(from, to)
#define link(from, to)             kqsim_link(from, to)
#define chmod(path, mode)          kqsim_chmod(path, mode)
#define revoke(path)               kqsim_revoke(path)
#define truncate(path, len)        kqsim_truncate(path, len)
#define ftruncate(fd, len)         kqsim_ftruncate(fd, len)
#define lseek(fd, off, whence)     kqsim_lseek(fd, off, whence)
/* poll/select, socket calls with flags, pause and utimes on model descriptors. */
#define poll(fds, n, ms)           kqsim_poll(fds, n, ms)
#ifndef POLLINIGNEOF
#define POLLINIGNEOF               KQSIM_POLLINIGNEOF
#endif
#define select(n, r, w, e, t)      kqsim_select(n, r, w, e, t)
#define recv(fd, b, n, f)          kqsim_recv(fd, b, n, f)
#define send(fd, b, n, f)          kqsim_send(fd, b, n, f)
#define getsockname(fd, a, l)      kqsim_getsockname(fd, a, l)
#define pause()                    kqsim_pause()
#define utimes(path, tv)           kqsim_utimes(path, tv)
#define system(cmd)                kqsim_system_bsd(cmd)

/* FreeBSD's signal numbers, so kill(pid, SIGUSR1) means FreeBSD's SIGUSR1. */
#undef SIGHUP
#define SIGHUP KQSIM_SIGHUP
#undef SIGINT
#define SIGINT KQSIM_SIGINT
#undef SIGQUIT
#define SIGQUIT KQSIM_SIGQUIT
#undef SIGILL
#define SIGILL KQSIM_SIGILL
#undef SIGTRAP
#define SIGTRAP KQSIM_SIGTRAP
#undef SIGABRT
#define SIGABRT KQSIM_SIGABRT
#undef SIGEMT
#define SIGEMT KQSIM_SIGEMT
#undef SIGFPE
#define SIGFPE KQSIM_SIGFPE
#undef SIGKILL
#define SIGKILL KQSIM_SIGKILL
#undef SIGBUS
#define SIGBUS KQSIM_SIGBUS
#undef SIGSEGV
#define SIGSEGV KQSIM_SIGSEGV
#undef SIGSYS
#define SIGSYS KQSIM_SIGSYS
#undef SIGPIPE
#define SIGPIPE KQSIM_SIGPIPE
#undef SIGALRM
#define SIGALRM KQSIM_SIGALRM
#undef SIGTERM
#define SIGTERM KQSIM_SIGTERM
#undef SIGURG
#define SIGURG KQSIM_SIGURG
#undef SIGSTOP
#define SIGSTOP KQSIM_SIGSTOP
#undef SIGTSTP
#define SIGTSTP KQSIM_SIGTSTP
#undef SIGCONT
#define SIGCONT KQSIM_SIGCONT
#undef SIGCHLD
#define SIGCHLD KQSIM_SIGCHLD
#undef SIGTTIN
#define SIGTTIN KQSIM_SIGTTIN
#undef SIGTTOU
#define SIGTTOU KQSIM_SIGTTOU
#undef SIGIO
#define SIGIO KQSIM_SIGIO
#undef SIGXCPU
#define SIGXCPU KQSIM_SIGXCPU
#undef SIGXFSZ
#define SIGXFSZ KQSIM_SIGXFSZ
#undef SIGVTALRM
#define SIGVTALRM KQSIM_SIGVTALRM
#undef SIGPROF
#define SIGPROF KQSIM_SIGPROF
#undef SIGWINCH
#define SIGWINCH KQSIM_SIGWINCH
#undef SIGINFO
#define SIGINFO KQSIM_SIGINFO
#undef SIGUSR1
#define SIGUSR1 KQSIM_SIGUSR1
#undef SIGUSR2
#define SIGUSR2 KQSIM_SIGUSR2
#undef SIGTHR
#define SIGTHR KQSIM_SIGTHR
#undef SIGLIBRT
#define SIGLIBRT KQSIM_SIGLIBRT
#undef SIGPOLL
#undef SIGPWR
#undef SIGSTKFLT

/* FreeBSD's errno names the host lacks; the C API sets errno to these for
 * the model's errors of those names (the host's own names keep their
 * values, so perror and strerror still read right). */
#ifndef EPROCLIM
#define EPROCLIM     (KQSIM_ERRNO_BASE + 67)
#endif
#ifndef EBADRPC
#define EBADRPC      (KQSIM_ERRNO_BASE + 72)
#endif
#ifndef ERPCMISMATCH
#define ERPCMISMATCH (KQSIM_ERRNO_BASE + 73)
#endif
#ifndef EPROGUNAVAIL
#define EPROGUNAVAIL (KQSIM_ERRNO_BASE + 74)
#endif
#ifndef EPROGMISMATCH
#define EPROGMISMATCH (KQSIM_ERRNO_BASE + 75)
#endif
#ifndef EPROCUNAVAIL
#define EPROCUNAVAIL (KQSIM_ERRNO_BASE + 76)
#endif
#ifndef EFTYPE
#define EFTYPE       (KQSIM_ERRNO_BASE + 79)
#endif
#ifndef EAUTH
#define EAUTH        (KQSIM_ERRNO_BASE + 80)
#endif
#ifndef ENEEDAUTH
#define ENEEDAUTH    (KQSIM_ERRNO_BASE + 81)
#endif
#ifndef ENOATTR
#define ENOATTR      (KQSIM_ERRNO_BASE + 87)
#endif
#ifndef EDOOFUS
#define EDOOFUS      (KQSIM_ERRNO_BASE + 88)
#endif
#ifndef ENOTCAPABLE
#define ENOTCAPABLE  (KQSIM_ERRNO_BASE + 93)
#endif
#ifndef ECAPMODE
#define ECAPMODE     (KQSIM_ERRNO_BASE + 94)
#endif
#ifndef EINTEGRITY
#define EINTEGRITY   (KQSIM_ERRNO_BASE + 97)
#endif

#endif /* KQSIM_DROPIN_H */
