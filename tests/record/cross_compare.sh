#!/usr/bin/env bash
# kqreplay diff --against: one program recorded by kqrecord-model as two
# dialects whose fork behaviour differs (13.2 and 15.1, observed-real-kernels.md
# D3) must be reported as different (exit 1, naming the step), and
# must pass (exit 0) once an expectations file lists the difference with a reason.
set -u
kqrecord=$1
kqreplay=$2
program=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
passed=0
failed=0
check() {  # name, expected exit, actual exit, output, text the output must contain
  if [[ $3 -eq $2 && "$4" == *"$5"* ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1: exit $3 (want $2): $4"; fi
}
"$kqrecord" "$program" -o "$out/a.json" --dialect freebsd-15.1 || exit 1
"$kqrecord" "$program" -o "$out/b.json" --dialect freebsd-13.2 || exit 1
text=$("$kqreplay" diff "$out/a.json" --against "$out/b.json" 2>&1); rc=$?
check "differing recordings" 1 $rc "$text" "DIFFERS"
name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$program")
printf '{"expectations": [{"trace": "%s", "reason": "13.2 fdcopy lowers the free-descriptor hint, 15.1 does not"}]}\n' "$name" > "$out/known.json"
text=$("$kqreplay" diff "$out/a.json" --against "$out/b.json" --expectations "$out/known.json" 2>&1); rc=$?
check "expected differences" 0 $rc "$text" "known difference"
text=$("$kqreplay" diff "$out/a.json" --against "$out/a.json" 2>&1); rc=$?
check "identical recordings" 0 $rc "$text" "same"
printf '{"expectations": [{"trace": 5}]}\n' > "$out/bad.json"
text=$("$kqreplay" diff "$out/a.json" --against "$out/b.json" --expectations "$out/bad.json" 2>&1); rc=$?
check "bad expectations file" 2 $rc "$text" "expectations[0].trace"
# Names compare as names: two recordings whose wait(-1) reaped different
# children (FreeBSD reaps the latest forked zombie first, Linux the earliest)
# differ - a regression: each side's first name once resolved equal.
wait_any=$(dirname "$0")/../../traces/conformance/proc/wait-any-latest-zombie-first.json
"$kqrecord" "$wait_any" -o "$out/w.json" || exit 1
python3 - "$out/w.json" "$out/w-swapped.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
waits = [s for s in t["steps"] if s["op"] == "wait" and isinstance(s["observed"].get("ret"), str)]
waits[0]["observed"]["ret"], waits[1]["observed"]["ret"] = waits[1]["observed"]["ret"], waits[0]["observed"]["ret"]
json.dump(t, open(sys.argv[2], "w"), indent=2)
PY
text=$("$kqreplay" diff "$out/w.json" --against "$out/w-swapped.json" 2>&1); rc=$?
check "recordings that reaped different children" 1 $rc "$text" "pid of second"
# A call the host cannot make is recorded as unsupported, not guessed, and
# the recording replays (the model lacks EVFILT_FS too).
unsupported_case=$(dirname "$0")/../cli/cases/unsupported-filter.json
"$kqrecord" "$unsupported_case" -o "$out/u.json"; rc=$?
check "record an unsupported step" 0 $rc "$(cat "$out/u.json")" '"unsupported": "EVFILT_FS is not modelled yet"'
text=$("$kqreplay" diff "$out/u.json" 2>&1); rc=$?
check "replay a recorded unsupported step" 0 $rc "$text" "ok"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
