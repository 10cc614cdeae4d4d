#!/usr/bin/env bash
# Records every trace of the corpus (traces/conformance, traces/regressions)
# with a kqrecord built on a native kqueue, into OUT_DIR (same relative
# paths), one kqrecord per trace. A trace the host cannot finish (a crash, a
# hang, a refused step) is still written with the steps before it; such
# traces are listed at the end. Exit 0 when every trace produced a file.
# Usage: tools/emulators/record-corpus.sh KQRECORD OUT_DIR [KQRECORD OPTIONS...]
#   e.g. record-corpus.sh build/tools/record/kqrecord traces/recorded/linux-libkqueue-2.7.0 \
#          --kqueue-label "libkqueue 2.7.0" --step-timeout-ms 2000
set -uo pipefail
kqrecord=$(realpath "$1")
mkdir -p "$2"
out=$(realpath "$2")
shift 2
repo=$(cd "$(dirname "$0")/../.." && pwd)
written=0 partial=0 missing=0
while IFS= read -r trace; do
  rel=${trace#"$repo/traces/"}
  dest=$out/$rel
  mkdir -p "$(dirname "$dest")"
  # A socket name stays bound until its file goes: a fresh directory per trace.
  sockets=$(mktemp -d)
  if ! err=$(cd "$repo/traces" && KQSIM_SOCKET_DIR=$sockets "$kqrecord" "$rel" -o "$dest" "$@" 2>&1); then
    echo "partial: $rel: $err"
    partial=$((partial + 1))
  fi
  rm -rf "$sockets"
  if [[ -f $dest ]]; then written=$((written + 1)); else missing=$((missing + 1)); echo "MISSING: $rel"; fi
done < <(find "$repo/traces/conformance" "$repo/traces/regressions" -name '*.json' | sort)
echo "$written recorded ($partial stopped early), $missing not written"
[[ $missing -eq 0 && $written -gt 0 ]]
