#!/usr/bin/env bash
# A kqueue implementation that crashes, aborts or hangs is a finding, not a
# recorder failure: kqrecord (native) keeps every step before the failing one
# and records it as observed.crash (the signal) or observed.hang; kqreplay
# diff reports it in the crash / hang category. The failing implementation is
# faulty_kevent.so preloaded in front of the native kevent.
# Usage: failures.sh KQRECORD KQREPLAY FAULTY_KEVENT_SO
set -euo pipefail
kqrecord=$1 kqreplay=$2 faulty=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

trace() {  # trace NAME NEVENTS: two good steps, then kevent(nevents), then one more
  cat >"$work/$1.json" <<JSON
{"format": "kqsim-trace/1", "name": "$1", "steps": [
  {"op": "kqueue", "as": "kq"},
  {"op": "pipe", "as": ["r", "w"], "nonblock": true},
  {"op": "kevent", "kq": "kq", "changes": [], "nevents": $2, "timeout": {"sec": 0, "nsec": 0}},
  {"op": "close", "fd": "w"}
]}
JSON
}

check() {  # check NAME NEVENTS FIELD VALUE CATEGORY
  trace "$1" "$2"
  LD_PRELOAD=$faulty "$kqrecord" "$work/$1.json" -o "$work/$1.rec.json" --step-timeout-ms 500 \
    || fail "$1: kqrecord exited $?"
  python3 - "$work/$1.rec.json" "$3" "$4" <<'PY' || fail "$1: recording"
import json, sys
doc = json.load(open(sys.argv[1]))
steps = doc["steps"]
assert len(steps) == 3, f"{len(steps)} steps recorded, expected the 3 up to the failure"
assert steps[0]["observed"].get("ret", 0) >= 0 and steps[1]["observed"]["ret"] == 0, steps[:2]
got = steps[2]["observed"].get(sys.argv[2])
assert got is not None and got.startswith(sys.argv[3]), steps[2]
assert "stopped at step 2" in doc["description"], doc["description"]
PY
  set +e
  out=$("$kqreplay" diff "$work/$1.rec.json" 2>&1)
  rc=$?
  set -e
  [[ $rc == 1 ]] || fail "$1: kqreplay diff exited $rc: $out"
  grep -q "$5" <<<"$out" || fail "$1: no $5 divergence in: $out"
  echo "ok: $1 recorded as $3 $4, diffed as $5"
}

check crash-segv 13 crash SIGSEGV crash
check crash-abort 14 crash SIGABRT crash
check hang-forever 15 hang "no reply" hang
