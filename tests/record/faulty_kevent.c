/* An implementation under test that fails on purpose, preloaded in front of
 * the native kqueue (libkqueue) to test how the recorder and kqcheck report
 * failures: kevent() with nevents 13 dies of SIGSEGV, 14 aborts, 15 never
 * returns; any other call goes to the real kevent. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct kevent;
struct timespec;
typedef int (*kevent_fn)(int, const struct kevent*, int, struct kevent*, int, const struct timespec*);

int kevent(int kq, const struct kevent* changes, int nchanges, struct kevent* events, int nevents,
           const struct timespec* timeout) {
  if (nevents == 13) raise(SIGSEGV);
  if (nevents == 14) abort();
  if (nevents == 15) for (;;) pause();
  kevent_fn real;
  void* sym = dlsym(RTLD_NEXT, "kevent");
  memcpy(&real, &sym, sizeof real); /* POSIX allows it; ISO C has no cast for it */
  return real(kq, changes, nchanges, events, nevents, timeout);
}
