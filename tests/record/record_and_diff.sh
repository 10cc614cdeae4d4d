#!/usr/bin/env bash
# Records each trace on the native kqueue and diffs the recording against the
# model: a trace whose behaviour every implementation shares (a recorder
# regression) must come back matching. Usage: record_and_diff.sh KQRECORD KQREPLAY TRACE...
set -euo pipefail
kqrecord=$1 kqreplay=$2
shift 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for trace in "$@"; do
  rec=$out/$(basename "$trace")
  (cd "$(dirname "$trace")" && KQSIM_SOCKET_DIR=$out "$kqrecord" "$(basename "$trace")" -o "$rec")
  "$kqreplay" diff "$rec"
done
