#!/usr/bin/env bash
# A counterexample kqcheck writes replays as the failure it is: the same
# property, the same step, exit 1 (docs/model-checking.md).
# - For EVERY mutation kqcheck offers (read from its --help, so a new one is
#   covered without editing this): `explore --mutate M --out cex.json` on the
#   bundled scenarios, then `kqreplay run`, `explain` and `diff` on cex.json
#   report the violation explore printed, at the trace step it named; the
#   same trace with its "mutation" field removed does not (the field is
#   what makes the replay faithful). `random --mutate M` likewise, with
#   and without --against model.
# - Without a mutation: a scenario whose delivery bound the faithful model
#   breaks (tests/check/level-read-two-waiters-bound.json) gives a counterexample that replays as its
#   violation too.
# - A trace naming an unknown mutation: one error naming file and field, exit 2.
# - The example of docs/model-checking.md runs as written.
# Usage: counterexample_replay_test.sh KQCHECK KQREPLAY REPO_ROOT
set -u
absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
kqcheck=$(absolute "$1")
kqreplay=$(absolute "$2")
root=$(absolute "$3")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
# expect_exit WANT LABEL COMMAND...: runs it, output in $work/out.
expect_exit() {
  local want=$1 label=$2
  shift 2
  "$@" >"$work/out" 2>&1
  local rc=$?
  [[ $rc -eq $want ]] && ok || bad "$label: exit $rc, want $want: $(tail -3 "$work/out")"
}
has() {  # has LABEL TEXT: $work/out contains TEXT
  grep -qF -- "$2" "$work/out" && ok || bad "$1: no '$2' in: $(tail -5 "$work/out")"
}
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2"; }
without_field() {  # without_field IN OUT FIELD
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop(sys.argv[3], None); json.dump(d, open(sys.argv[2], "w"))' "$1" "$2" "$3"
}

# The replay of TRACE reports "PROPERTY VIOLATED at step STEP: TEXT" with
# exit 1 in run, explain (also under the step itself) and diff.
replays_as() {  # replays_as LABEL TRACE STEP TEXT
  local label=$1 trace=$2 step=$3 text=$4
  expect_exit 1 "$label: kqreplay run" "$kqreplay" run "$trace"
  has "$label: kqreplay run" "PROPERTY VIOLATED at step $step: $text"
  expect_exit 1 "$label: kqreplay explain" "$kqreplay" explain "$trace"
  has "$label: kqreplay explain" "PROPERTY VIOLATED at step $step: $text"
  python3 - "$work/out" "$step" "$text" <<'EOF' && ok || bad "$label: explain does not mark step $step"
import sys
out, step, text = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
block = out.split(f"── step {step}:", 1)
# Long lines are folded at 100 columns: the property's name is on the first.
name = text.split(":", 1)[0]
sys.exit(0 if len(block) == 2 and f"VIOLATES {name}: " in block[1].split("── step", 1)[0] else 1)
EOF
  expect_exit 1 "$label: kqreplay diff" "$kqreplay" diff "$trace"
  has "$label: kqreplay diff" "property-violated"
  has "$label: kqreplay diff" "step $step: $text"
}

# Every mutation kqcheck offers.
mutations=$("$kqcheck" explore --help | python3 -c '
import re, sys
m = re.search(r"deliberately broken model \(([^)]*)\)", sys.stdin.read())
print(" ".join(n.strip() for n in m.group(1).split(",")) if m else "")')
[[ -n "$mutations" ]] && ok || bad "no mutation named in kqcheck explore --help"
# The schema's list is the same as kqcheck's.
schema_names=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["properties"]["mutation"]["enum"]))' \
  "$root/traces/schema/kqsim-trace-1.schema.json")
[[ "$schema_names" == "$mutations" ]] && ok || bad "schema mutations '$schema_names' != kqcheck's '$mutations'"

for m in $mutations; do
  found=0
  for scenario in "$root"/traces/scenarios/*.json; do
    name=$(basename "$scenario" .json)
    cex="$work/$m-$name.json"
    "$kqcheck" explore "$scenario" --mutate "$m" --max-states 300000 --out "$cex" >"$work/explore" 2>&1
    rc=$?
    [[ $rc -eq 1 ]] || continue
    found=$((found + 1))
    violation=$(sed -n 's/^VIOLATION after [0-9]* steps: //p' "$work/explore" | sed 's/ (a bound stopped.*//')
    step=$(sed -n 's/.*violated at its step \([0-9]*\)$/\1/p' "$work/explore")
    if [[ -z "$violation" || -z "$step" ]]; then bad "$m $name: explore printed no violation or step"; continue; fi
    [[ "$(json_field "$cex" mutation)" == "$m" ]] && ok || bad "$m $name: the counterexample does not name its mutation"
    replays_as "explore --mutate $m $name" "$cex" "$step" "$violation"
    # Without its mutation the trace is replayed on the faithful model: no
    # longer this violation (the bugs' counterexamples then wait forever) -
    # unless the faithful model shows it too (a scenario's deadlock).
    "$kqcheck" explore "$scenario" --max-states 300000 >"$work/explore-faithful" 2>&1
    sed -n 's/^VIOLATION after [0-9]* steps: //p' "$work/explore-faithful" | grep -qxF "$violation" && continue
    without_field "$cex" "$work/faithful.json" mutation
    "$kqreplay" run "$work/faithful.json" >"$work/out" 2>&1
    ! grep -qF "PROPERTY VIOLATED at step $step: $violation" "$work/out" && ok ||
      bad "$m $name: replays as the violation even on the faithful model"
  done
  [[ $found -gt 0 ]] && ok || bad "explore --mutate $m: no bundled scenario shows a violation"

  # random --mutate M: the property run and the differential run.
  dir="$work/random-$m"
  "$kqcheck" random --seed 7 --count 5000 --mutate "$m" --out "$dir" >"$work/random" 2>&1
  rc=$?
  trace=$(ls "$dir"/*.json 2>/dev/null | head -1)
  if [[ $rc -ne 1 || -z "$trace" ]]; then
    bad "random --mutate $m: not caught (exit $rc)"
  else
    # "FAIL trace I (NAME): step N: property: TEXT", then the shrunk trace's
    # failure is in its description: "...: step N: property: TEXT".
    desc=$(json_field "$trace" description)
    step=$(sed -n 's/.*: step \([0-9]*\): property: .*/\1/p' <<<"$desc")
    text=$(sed -n 's/.*: step [0-9]*: property: //p' <<<"$desc")
    [[ "$(json_field "$trace" mutation)" == "$m" ]] && ok || bad "random --mutate $m: the trace does not name its mutation"
    if [[ -n "$step" && -n "$text" ]]; then replays_as "random --mutate $m" "$trace" "$step" "$text"; else bad "random --mutate $m: no failure in '$desc'"; fi
  fi
  dir="$work/random-ref-$m"
  "$kqcheck" random --seed 7 --count 5000 --mutate "$m" --against model --json --out "$dir" >"$work/random.json" 2>"$work/random"
  trace=$(ls "$dir"/*.json 2>/dev/null | head -1)
  if [[ -z "$trace" ]]; then
    bad "random --mutate $m --against model: nothing written"
  else
    # The campaign's first divergence is the replay's first divergence.
    want=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["traces"][0]["divergences"][0]; print(d["step"], d["category"])' "$work/random.json")
    "$kqreplay" diff --json "$trace" >"$work/diff.json" 2>/dev/null
    rc=$?
    got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["traces"][0]["divergences"][0]; print(d["step"], d["category"])' "$work/diff.json" 2>/dev/null)
    [[ $rc -eq 1 && -n "$want" && "$want" == "$got" ]] && ok ||
      bad "random --mutate $m --against model: campaign '$want', kqreplay diff '$got' (exit $rc)"
  fi
done

# A counterexample of the faithful model (no mutation): a bound the kernel
# does not promise (a level-triggered event goes to both waiters).
cex="$work/faithful-cex.json"
"$kqcheck" explore "$root/tests/check/level-read-two-waiters-bound.json" --out "$cex" >"$work/explore" 2>&1
rc=$?
violation=$(sed -n 's/^VIOLATION after [0-9]* steps: //p' "$work/explore")
step=$(sed -n 's/.*violated at its step \([0-9]*\)$/\1/p' "$work/explore")
if [[ $rc -eq 1 && -n "$violation" && -n "$step" ]]; then
  [[ -z "$(json_field "$cex" mutation)" ]] && ok || bad "faithful counterexample names a mutation"
  replays_as "explore, faithful model" "$cex" "$step" "$violation"
else
  bad "explore on the faithful model found no violation (exit $rc): $(tail -3 "$work/explore")"
fi

# A deadlock (deadlock_is_violation), on the faithful model: the
# counterexample records the call each unfinished thread waits in
# ("deadlock_waiters") and replays as the deadlock at the step explore named.
# Without that field, or with the step that made the waiter wait forever
# removed, it does not.
dcex="$work/deadlock-cex.json"
"$kqcheck" explore "$root/traces/scenarios/drained-pipe-waiter-waits-forever.json" --out "$dcex" >"$work/explore" 2>&1
rc=$?
violation=$(sed -n 's/^VIOLATION after [0-9]* steps: //p' "$work/explore")
step=$(sed -n 's/.*violated at its step \([0-9]*\)$/\1/p' "$work/explore")
if [[ $rc -eq 1 && "$violation" == "deadlock: every unfinished thread waits forever" && -n "$step" ]]; then
  replays_as "explore, deadlock" "$dcex" "$step" "$violation"
  "$kqreplay" run "$dcex" >"$work/out" 2>&1
  has "deadlock: kqreplay run names the waiting call" "waits forever: kevent(kq, [], nevents 1, timeout forever)  (thread waiter)"
  python3 - "$dcex" "$work/no-waiters.json" "$work/not-drained.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
waiters = d["properties"].pop("deadlock_waiters")
json.dump(d, open(sys.argv[2], "w"))
d["properties"]["deadlock_waiters"] = waiters
d["steps"].pop()  # the drainer's read: the byte stays, the waiter's kevent returns
json.dump(d, open(sys.argv[3], "w"))
EOF
  for variant in no-waiters not-drained; do
    expect_exit 0 "deadlock, $variant: kqreplay run" "$kqreplay" run "$work/$variant.json"
    ! grep -qF "PROPERTY VIOLATED" "$work/out" && ok || bad "deadlock, $variant: still replays as a violation"
  done
else
  bad "explore found no deadlock in drained-pipe-waiter-waits-forever (exit $rc): $(tail -3 "$work/explore")"
fi

# A trace naming an unknown mutation: one clear error, exit 2.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["mutation"]="dispatch-does-not-disabel"; json.dump(d, open(sys.argv[2], "w"))' \
  "$cex" "$work/unknown.json"
for cmd in run explain diff; do
  expect_exit 2 "unknown mutation: kqreplay $cmd" "$kqreplay" $cmd "$work/unknown.json"
  has "unknown mutation: kqreplay $cmd" "unknown.json: field 'mutation': unknown mutation 'dispatch-does-not-disabel' (did you mean dispatch-does-not-disable?)"
done

# docs/model-checking.md's example, as written, from the repository's root
# (its counterexample lands in a scratch folder, not the source tree).
example=$(grep -E '^kqcheck explore .*--mutate .*--out cex\.json; kqreplay explain cex\.json' "$root/docs/model-checking.md")
if [[ -z "$example" ]]; then
  bad "docs/model-checking.md: the explore --mutate example is gone"
else
  mkdir "$work/docs" && ln -s "$root/traces" "$work/docs/traces"
  mkdir "$work/bin" && ln -s "$kqcheck" "$work/bin/kqcheck" && ln -s "$kqreplay" "$work/bin/kqreplay"
  (cd "$work/docs" && PATH="$work/bin:$PATH" bash -c "$example") >"$work/out" 2>&1
  rc=$?
  [[ $rc -eq 1 ]] && ok || bad "the docs' example: exit $rc, want 1 (the violation): $(tail -3 "$work/out")"
  has "the docs' example" "PROPERTY VIOLATED at step 4: max-deliveries: EVFILT_USER ident 1 delivered 2 times, at most 1 allowed"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
