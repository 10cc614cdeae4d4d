#!/usr/bin/env bash
# Every command that reads a file, given what no file should be: a FIFO (it
# used to block forever), a directory, /proc/self/mem, a symlink loop, a
# number no double holds (1e999). Each must end at once with exit 2 and a
# message naming the file. Then kqcheck's command-line bounds and outputs.
# Every command runs under `timeout`, so a hang fails the test instead of
# stalling it. Prints "N passed, N failed".
set -u
kqreplay=$1
kqcheck=$2
kqrecord=$3
repo=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# expect CODE TEXT COMMAND...: exit code CODE and TEXT somewhere in the output.
expect() {
  local code=$1 text=$2
  shift 2
  local out rc
  out=$(timeout 20 "$@" 2>&1 </dev/null)
  rc=$?
  if [[ $rc -eq $code && "$out" == *"$text"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $*: exit $rc (want $code, text '$text'); output: ${out:0:400}"
  fi
}

mkfifo "$tmp/fifo.json"
mkdir "$tmp/dir.json"
ln -s loop.json "$tmp/loop.json"
mkdir "$tmp/folder"
ln -s loop2.json "$tmp/folder/loop2.json"
cp "$repo/traces/conformance/user/"*.json "$tmp/folder/"
printf '{"format": "kqsim-trace/1", "name": "x", "steps": [{"op": "sleep", "ns": 1e999}]}' >"$tmp/huge.json"
printf '{"format": "kqsim-scenario/1", "name": "x", "setup": [], "threads": [], "x": 1e999}' >"$tmp/huge-scenario.json"

for bad in fifo.json dir.json loop.json huge.json /proc/self/mem; do
  path=$bad
  [[ $bad == /* ]] || path="$tmp/$bad"
  expect 2 "$path" "$kqreplay" run "$path"
  # A folder is a legal argument of diff: a folder with no trace in it.
  [[ $bad == dir.json ]] && expect 2 "no trace files found" "$kqreplay" diff "$path" || expect 2 "$path" "$kqreplay" diff "$path"
  expect 2 "$path" "$kqreplay" explain "$path"
  expect 2 "$path" "$kqreplay" diff "$repo/traces/conformance/user" --expectations "$path"
  expect 2 "$path" "$kqcheck" explore "$path"
  expect 2 "$path" "$kqcheck" linearize "$path"
  expect 2 "$path" "$kqrecord" "$path" -o "$tmp/recorded.json"
done
expect 2 "not a regular file: it is a FIFO" "$kqreplay" run "$tmp/fifo.json"
expect 2 "not a regular file: it is a directory" "$kqreplay" run "$tmp/dir.json"
expect 2 "malformed JSON" "$kqreplay" run "$tmp/huge.json"
expect 2 "malformed JSON" "$kqcheck" explore "$tmp/huge-scenario.json"
expect 2 "Too many levels of symbolic links" "$kqreplay" run "$tmp/loop.json"
# A symlink loop inside a folder is one bad entry; the good traces still run.
expect 2 "loop2.json" "$kqreplay" diff "$tmp/folder"
out=$(timeout 60 "$kqreplay" diff "$tmp/folder" 2>&1)
if [[ "$out" == *"ok "* ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: the good traces beside a symlink loop did not run: ${out:0:400}"; fi

# Numeric options: out of range is refused, never wrapped (E9, H3).
for seed in -1 18446744073709551616 99999999999999999999999 1e3 0x10; do
  expect 2 "--seed" "$kqcheck" random --seed "$seed" --count 1
  expect 2 "--seed" "$kqcheck" generate --seed "$seed"
done
expect 2 "--count" "$kqcheck" random --count -1
expect 2 "--count" "$kqcheck" random --count 0
expect 2 "--steps" "$kqcheck" generate --steps 1000000
expect 2 "--steps" "$kqcheck" random --steps 1000000 --count 1
expect 2 "--max-states" "$kqcheck" explore "$repo/traces/scenarios/oneshot-two-waiters.json" --max-states -5
expect 0 '"steps"' "$kqcheck" generate --seed 18446744073709551615 --steps 10000

# Outputs that cannot be written are refused before any work (E7, E8).
touch "$tmp/a-file"
expect 2 "exists and is not a folder" "$kqcheck" random --count 1 --out "$tmp/a-file"
expect 2 "no folder" "$kqcheck" explore "$repo/traces/scenarios/dispatch-two-waiters-retrigger.json" \
  --mutate dispatch-does-not-disable --out "$tmp/nonexistent/dir/cex.json"
[[ ! -e "$tmp/nonexistent" ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: explore made $tmp/nonexistent"; }

# --version names the version and the commit; --help the defaults and exit codes.
for tool in "$kqreplay" "$kqcheck" "$kqrecord"; do
  expect 0 "(git " "$tool" --version
  expect 0 "Exit codes:" "$tool" --help
done
expect 0 "=1000" "$kqcheck" random --help
expect 0 "[1, 10000]" "$kqcheck" random --help
expect 0 "  5  explore" "$kqcheck" --help
# Progress goes to stderr only when asked for (stderr is not a terminal here),
# and then with a rate.
err=$("$kqcheck" random --seed 1 --count 20 2>&1 >/dev/null)
[[ -z "$err" ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: unasked progress: $err"; }
expect 0 "20/20 programs (100.0%), " "$kqcheck" random --seed 1 --count 20 --progress
# A bound that cuts the search short has its own exit code.
expect 5 "incomplete" "$kqcheck" explore "$repo/traces/scenarios/six-threads-pipe-and-user.json" --max-states 100

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
