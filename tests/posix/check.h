/*
 * What the C test programs of tests/posix share: CHECK(cond) counts a
 * failed condition in `failures` and names it with its line; main returns
 * failures == 0 ? 0 : 1.
 */
#ifndef KQSIM_TESTS_POSIX_CHECK_H
#define KQSIM_TESTS_POSIX_CHECK_H

#include <stdio.h>

static int failures = 0;
#define CHECK(cond)                                                             \
  do {                                                                          \
    if (!(cond)) {                                                              \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                               \
    }                                                                           \
  } while (0)

#endif /* KQSIM_TESTS_POSIX_CHECK_H */
