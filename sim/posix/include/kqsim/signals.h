/*
 * Signal numbers as FreeBSD numbers them (sys/sys/signal.h); the model and
 * kqsim_kill, kqsim_sigaction, EVFILT_SIGNAL idents speak in these.
 * Written for kqsim from the documented ABI.
 */
#ifndef KQSIM_SIGNALS_H
#define KQSIM_SIGNALS_H

#define KQSIM_SIGHUP    1
#define KQSIM_SIGINT    2
#define KQSIM_SIGQUIT   3
#define KQSIM_SIGILL    4
#define KQSIM_SIGTRAP   5
#define KQSIM_SIGABRT   6
#define KQSIM_SIGEMT    7
#define KQSIM_SIGFPE    8
#define KQSIM_SIGKILL   9
#define KQSIM_SIGBUS    10
#define KQSIM_SIGSEGV   11
#define KQSIM_SIGSYS    12
#define KQSIM_SIGPIPE   13
#define KQSIM_SIGALRM   14
#define KQSIM_SIGTERM   15
#define KQSIM_SIGURG    16
#define KQSIM_SIGSTOP   17
#define KQSIM_SIGTSTP   18
#define KQSIM_SIGCONT   19
#define KQSIM_SIGCHLD   20
#define KQSIM_SIGTTIN   21
#define KQSIM_SIGTTOU   22
#define KQSIM_SIGIO     23
#define KQSIM_SIGXCPU   24
#define KQSIM_SIGXFSZ   25
#define KQSIM_SIGVTALRM 26
#define KQSIM_SIGPROF   27
#define KQSIM_SIGWINCH  28
#define KQSIM_SIGINFO   29
#define KQSIM_SIGUSR1   30
#define KQSIM_SIGUSR2   31
#define KQSIM_SIGTHR    32
#define KQSIM_SIGLIBRT  33
#define KQSIM_SIGRTMIN  65
#define KQSIM_SIGRTMAX  126
#define KQSIM_NSIG      32 /* NSIG: the old signals */
#define KQSIM_SIG_MAXSIG 128

#endif /* KQSIM_SIGNALS_H */
