#!/usr/bin/env bash
# Builds libkqueue 2.7.0 (a user-space kqueue for Linux) from ../shared/emulators/
# (beside the repository) into a cache folder, once, and prints the folder to
# put on PKG_CONFIG_PATH.  Usage: tools/emulators/libkqueue.sh CACHE_DIR
#   exit 0: CACHE_DIR/lib/pkgconfig printed (built now or earlier)
#   exit 77: ../shared/emulators/ is absent (nothing built; callers skip)
#   other: the build failed
# Override the kit's location with KQSIM_EMULATORS_DIR.
set -euo pipefail
cache=${1:?usage: tools/emulators/libkqueue.sh CACHE_DIR}
repo=$(cd "$(dirname "$0")/../.." && pwd)
kit=${KQSIM_EMULATORS_DIR:-$repo/../shared/emulators}
if [[ ! -x $kit/build-libkqueue.sh || ! -f $kit/libkqueue-2.7.0.tar.gz ]]; then
  echo "libkqueue: no emulator kit at $kit (build-libkqueue.sh and libkqueue-2.7.0.tar.gz); skipping" >&2
  exit 77
fi
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
stamp=$cache/.built-2.7.0
if [[ ! -f $stamp ]]; then
  "$kit/build-libkqueue.sh" "$cache" >&2
  touch "$stamp"
fi
echo "$cache/lib/pkgconfig"
