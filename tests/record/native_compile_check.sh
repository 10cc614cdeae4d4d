#!/usr/bin/env bash
# The native recorder compiles warning-free (-Werror) against a BSD
# <sys/event.h>: FreeBSD 13.2's, from the sysroot in ../shared/freebsd/
# (beside the repository), with clang 14 cross-compiling as the VM runner
# does; and, when given, against libkqueue's with clang (the build itself
# uses the configured compiler). Exit 77 (skip) without the sysroot.
# Usage: native_compile_check.sh REPO CACHE_DIR [LIBKQUEUE_INCLUDE_DIR]
set -euo pipefail
repo=$1 cache=$2 libkqueue_include=${3:-}
kit=${KQSIM_FREEBSD_DIR:-$repo/../shared/freebsd}
sources=(sim/host/host_kernel_native.cpp sim/host/native_names.cpp sim/host/host_process.cpp
         sim/host/worker.cpp sim/host/host_backend.cpp)
warnings=(-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Werror)
status=0
if [[ -n $libkqueue_include ]] && command -v clang++ >/dev/null; then
  for f in "${sources[@]}"; do
    clang++ -std=c++20 -fsyntax-only "${warnings[@]}" -I"$repo" -I"$libkqueue_include" "$repo/$f" || status=1
  done
  echo "libkqueue <sys/event.h> with clang++: $([[ $status == 0 ]] && echo ok || echo FAILED)"
fi
if [[ ! -f $kit/sysroot-13.2-amd64.tar.xz ]]; then
  echo "SKIP: no FreeBSD sysroot at $kit/sysroot-13.2-amd64.tar.xz; the FreeBSD branch was not compiled"
  [[ $status == 0 ]] && exit 77 || exit 1
fi
clang=$(command -v clang++-14 || command -v clang++ || true)
if [[ -z $clang ]]; then
  echo "SKIP: no clang++ to cross-compile the FreeBSD branch (the dev script installs clang)"
  [[ $status == 0 ]] && exit 77 || exit 1
fi
sysroot=$cache/freebsd-13.2-sysroot
if [[ ! -f $sysroot/.extracted ]]; then
  mkdir -p "$sysroot"
  tar xJf "$kit/sysroot-13.2-amd64.tar.xz" -C "$sysroot"
  touch "$sysroot/.extracted"
fi
for f in "${sources[@]}"; do
  "$clang" --target=x86_64-unknown-freebsd13.2 --sysroot="$sysroot" -stdlib=libc++ -std=c++20 -fsyntax-only \
    "${warnings[@]}" -I"$repo" "$repo/$f" || status=1
done
echo "FreeBSD 13.2 <sys/event.h> with $(basename "$clang"): $([[ $status == 0 ]] && echo ok || echo FAILED)"
exit $status
