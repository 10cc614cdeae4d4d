#!/usr/bin/env bash
# A recording says how long each call that can wait took: kevent, sleep, poll
# and select carry elapsed_ns (docs/trace-format.md). Records, on the native
# kqueue, calls that wait out their whole timeout on an empty pipe and checks
# each took at least (nine tenths of) it. Expected values: poll(2) and
# select(2) return 0 when the timeout expires with nothing ready; kevent(2)
# returns 0 when its timeout expires with no event.
# Usage: waits_elapsed.sh KQRECORD
set -euo pipefail
kqrecord=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/waits.json" <<'TRACE'
{"format": "kqsim-trace/1", "name": "waits-carry-elapsed",
 "description": "Calls that wait out their timeout on an empty pipe.",
 "dialect": "freebsd-main",
 "sources": [{"kind": "man-page", "ref": "poll(2), select(2), kevent(2): 0 when the timeout expires with nothing ready"}],
 "steps": [
  {"op": "pipe", "as": ["r", "w"]},
  {"op": "poll", "fd": "r", "events": ["POLLIN"], "timeout_ms": 30, "observed": {"ret": 0}},
  {"op": "select", "fd": "r", "read": true, "timeout_us": 20000, "observed": {"ret": 0}},
  {"op": "kqueue", "as": "kq"},
  {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 10000000}, "observed": {"ret": 0}}
 ]}
TRACE
(cd "$work" && KQSIM_SOCKET_DIR=$work "$kqrecord" waits.json -o recorded.json)
python3 - "$work/recorded.json" <<'PY'
import json, sys
steps = json.load(open(sys.argv[1]))["steps"]
least_ns = {"poll": 30_000_000, "select": 20_000_000, "kevent": 10_000_000}
bad = 0
for i, s in enumerate(steps):
    if s["op"] not in least_ns:
        continue
    seen = s.get("observed", {})
    took = seen.get("elapsed_ns")
    ok = seen.get("ret") == 0 and took is not None and took >= least_ns[s["op"]] * 9 // 10
    print(f"step {i} {s['op']}: ret {seen.get('ret')}, elapsed_ns {took}: {'ok' if ok else 'FAIL'}")
    bad += not ok
sys.exit(1 if bad else 0)
PY
