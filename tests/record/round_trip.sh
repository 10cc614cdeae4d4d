#!/usr/bin/env bash
# Record -> diff round trip: every trace of a corpus is recorded with
# kqrecord-model (the real recorder, its workers and the kqueue C API, with the
# model playing the host) and the recording must replay on the model with no
# divergence, with no expectations file: the model host can make every step
# (the C API names FreeBSD's POLLINIGNEOF as KQSIM_POLLINIGNEOF). Prints
# "N passed, N failed".
# Usage: round_trip.sh KQRECORD KQREPLAY CORPUS
set -u
kqrecord=$1
kqreplay=$2
corpus=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
passed=0
failed=0
while IFS= read -r trace; do
  rec="$out/$(basename "$trace")"
  if ! "$kqrecord" "$trace" -o "$rec" 2>"$out/err"; then
    failed=$((failed + 1)); echo "FAIL record $trace: $(cat "$out/err")"; continue
  fi
  if ! "$kqreplay" diff "$rec" >"$out/diff" 2>&1; then
    failed=$((failed + 1)); echo "FAIL diff $trace:"; cat "$out/diff"; continue
  fi
  passed=$((passed + 1))
done < <(find "$corpus" -name '*.json' | sort)
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
