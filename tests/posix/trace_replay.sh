#!/usr/bin/env bash
# KQSIM_TRACE: a C program's run on the model written as a trace, replayed
# by kqreplay with the same results (every step's observed value matches).
# Usage: trace_replay.sh KQREPLAY MUST_CONTAIN PROGRAM [ARGS...]
# (MUST_CONTAIN: a fixed string the trace must hold, e.g. a step the run made)
set -u
kqreplay=$1
must=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
KQSIM_TRACE=$tmp/run.json "$@" || { echo "FAIL: the program failed"; exit 1; }
# The model server writes the trace once the program's last process is gone.
for _ in $(seq 50); do [ -s "$tmp/run.json" ] && break; sleep 0.1; done
[ -s "$tmp/run.json" ] || { echo "FAIL: no trace written"; exit 1; }
steps=$(grep -c '"op"' "$tmp/run.json")
[ "$steps" -ge 20 ] || { echo "FAIL: only $steps steps in the trace"; cat "$tmp/run.json"; exit 1; }
grep -qF "$must" "$tmp/run.json" || { echo "FAIL: '$must' is not in the trace"; exit 1; }
"$kqreplay" diff "$tmp/run.json" || { echo "FAIL: the trace does not replay with the same results"; exit 1; }
echo "trace of $steps steps replays with the same results"
