#!/usr/bin/env bash
# kqreplay perfetto writes Chrome trace event JSON with the structure
# ui.perfetto.dev reads (validate_perfetto.py), for the three kinds of input
# the issue names: a hand-written trace, a recording made by the recorder
# (kqrecord-model: the real recorder with the model as the host) and a
# kqcheck explore counterexample. Step counts come from the trace files.
# Usage: perfetto_test.sh KQREPLAY KQRECORD KQCHECK REPO_ROOT VALIDATOR
set -u
kqreplay=$1
kqrecord=$2
kqcheck=$3
root=$4
validate=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
steps_of() { python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["steps"]))' "$1"; }

export_and_check() {  # export_and_check LABEL TRACE WANTED_EXIT [TEXT THE JSON MUST CONTAIN]
  local label=$1 trace=$2 want=$3 text=${4:-}
  "$kqreplay" perfetto -o "$work/$label.perfetto.json" "$trace" 2>"$work/$label.err"
  local rc=$?
  if [[ $rc -ne $want ]]; then
    failed=$((failed + 1)); echo "FAIL $label: exit $rc, want $want: $(cat "$work/$label.err")"; return
  fi
  if python3 "$validate" "$(steps_of "$trace")" "$work/$label.perfetto.json"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL $label: not valid trace event JSON"
  fi
  if [[ -n "$text" ]]; then
    if grep -qF -- "$text" "$work/$label.perfetto.json"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $label: no '$text'"; fi
  fi
}

# A trace: three level-triggered knotes rotate, each returned several times.
export_and_check trace "$root/traces/conformance/kevent/level-triggered-rotation.json" 0 '"delivered"'
# Two processes: the child gets its own track.
export_and_check two-processes "$root/traces/conformance/proc/proc-exit-reports-status.json" 0 '"process child"'
# A recording.
if "$kqrecord" "$root/traces/conformance/kevent/oneshot-delivers-once.json" -o "$work/recording.json" >/dev/null 2>&1; then
  export_and_check recording "$work/recording.json" 0 '"delivered"'
else
  failed=$((failed + 1)); echo "FAIL kqrecord-model could not record"
fi
# A counterexample of the explorer on a deliberately broken model: replayed
# on that model (the trace names its mutation), it breaks the scenario's
# delivery bound at its last step, which the export marks (exit 1).
if "$kqcheck" explore "$root/traces/scenarios/oneshot-two-waiters.json" --mutate oneshot-not-deleted --out "$work/cex-trace.json" >/dev/null 2>&1; [[ -f "$work/cex-trace.json" ]]; then
  export_and_check counterexample "$work/cex-trace.json" 1 '"PROPERTY VIOLATED: max-deliveries"'
else
  failed=$((failed + 1)); echo "FAIL kqcheck explore wrote no counterexample"
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
