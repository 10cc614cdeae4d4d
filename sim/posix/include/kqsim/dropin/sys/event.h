/*
 * <sys/event.h> for a BSD kqueue program built on another system: put this
 * folder first on the include path (-I <prefix>/include/kqsim/dropin) and
 * link libkqsim; the program's kqueue, descriptor, process and signal calls
 * run on the kqsim model. See docs/capi.md.
 */
#include <kqsim/dropin.h>
