#!/usr/bin/env bash
# libkqueue's own test suite (BSD semantics; it runs natively on FreeBSD),
# built unmodified in its FreeBSD configuration against libkqsim's drop-in
# <sys/event.h> and run case by case on the model. Every case must pass
# except those listed, with their reason, in libkqueue_suite_failures.txt;
# a listed case that passes is reported too (the list must shrink).
# Usage: libkqueue_suite.sh REPO_ROOT LIBKQSIM_SO CC
# Exits 77 (skip) without ../shared/emulators.
set -u
repo=$1
lib=$2
cc=${3:-cc}
tarball=$repo/../shared/emulators/libkqueue-2.7.0.tar.gz
if [ ! -f "$tarball" ]; then
  echo "SKIP: $tarball is absent (libkqueue's sources come from ../shared/emulators)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$tarball" -C "$tmp"
src=$tmp/libkqueue-2.7.0/test
printf '#define WITH_NATIVE_KQUEUE_BUGS 0\n' >"$src/config.h"
# gcc's <stddef.h> includes <sys/_types.h> when __FreeBSD__ is defined;
# glibc needs nothing from it.
mkdir -p "$tmp/compat/sys" && : >"$tmp/compat/sys/_types.h"
inc=$repo/sim/posix/include
# The suite's CMakeLists: these sources (proc.c once), FreeBSD's build:
# __FreeBSD__ defined, __linux__ not.
sources="common.c kqueue.c libkqueue.c main.c proc.c read.c test.c threading.c timer.c user.c vnode.c write.c signal.c"
(cd "$src" && "$cc" -w -D__FreeBSD__=14 -U__linux__ -I "$inc/kqsim/dropin" -I "$inc" -I "$tmp/compat" -I . $sources \
   -o "$tmp/suite" "$lib" -lpthread -Wl,-rpath,"$(dirname "$lib")") || { echo "FAIL: the suite does not build"; exit 1; }

known=$repo/tests/posix/libkqueue_suite_failures.txt
passed=0 failed=0 unexpected=0 fixed=0
# Cases of a class build on each other: they run in the suite's order, one
# process per class; a failing case aborts its process, so the class goes
# on from the next case in a fresh one.
record() {  # case rc
  local id=$1 rc=$2 key
  key=$(printf '%s\n' "$id" | cut -d' ' -f1-2)
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    echo "pass: $id"
    if grep -q "^$key " "$known"; then echo "FIXED (listed as failing): $id"; fixed=$((fixed + 1)); fi
  else
    failed=$((failed + 1))
    if grep -q "^$key " "$known"; then
      echo "known failure: $id"
    else
      echo "FAIL: $id"; tail -5 "$tmp/out" | sed 's/^/    /'
      unexpected=$((unexpected + 1))
    fi
  fi
}
for class in kqueue socket signal proc timer vnode write user threading; do
  start=0
  while :; do
    # Its own session: children a case leaves behind (the suite's proc
    # tests leave one in pause()) and the model server go with it.
    (cd "$tmp" && KQSIM_WAIT_MS=3000 exec setsid timeout 120 "$tmp/suite" "$class:$start-2147483647" >"$tmp/out" 2>&1) &
    case_pid=$!
    wait $case_pid
    rc=$?
    kill -KILL -- -"$case_pid" 2>/dev/null
    cases=$(sed -n 's/^\([0-9][0-9]*\): \(test_[a-z0-9_]*\).*/\1 \2/p' "$tmp/out")
    if [ -z "$cases" ]; then
      # The class's setup failed before its first case: its cases cannot run.
      [ "$rc" -ne 0 ] && record "$class:setup (every case of the class)" "$rc"
      break
    fi
    last=$(printf '%s\n' "$cases" | tail -1)
    while read -r num name; do
      if [ "$rc" -ne 0 ] && [ "$num $name" = "$last" ]; then record "$class:$num $name" "$rc"; else record "$class:$num $name" 0; fi
    done <<<"$cases"
    [ "$rc" -eq 0 ] && break
    start=$((${last%% *} + 1))
  done
done
echo "libkqueue suite on kqsim: $passed of $((passed + failed)) cases pass; $unexpected unexpected failures; $fixed listed failures now pass"
[ $unexpected -eq 0 ] && [ $fixed -eq 0 ]
