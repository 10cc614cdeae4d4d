#!/usr/bin/env bash
# libkqueue end to end, as docs/emulators.md walks an emulator author
# through it: record the corpus on libkqueue, diff it against the model, run
# a campaign of COUNT programs (and the same looking past the committed
# reports' known behaviours, kqcheck --known), and check that every failure
# file the campaigns wrote replays as a failure. Asserts that each stage completes,
# never which libkqueue behaviours are found. Needs kqrecord built on
# libkqueue (CMake builds libkqueue from ../shared/emulators/ when it is
# there); exit 77 (skip) otherwise.
# Usage: libkqueue_end_to_end.sh REPO KQRECORD_OR_EMPTY KQREPLAY KQCHECK COUNT
set -uo pipefail
repo=$1 kqrecord=$2 kqreplay=$3 kqcheck=$4 count=$5
if [[ -z $kqrecord || ! -x $kqrecord ]]; then
  echo "SKIP: no kqrecord on a native kqueue in this build (no libkqueue: ../shared/emulators/ absent and none installed)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# replays_as_failures DIR: each failure file in DIR replays as a failure
# (exit 1); prints how many there were.
replays_as_failures() {
  local f rc n=0
  for f in "$1"/*.json; do
    [[ -e $f ]] || continue
    n=$((n + 1))
    "$kqreplay" diff "$f" >"$work/replay.log" 2>&1
    rc=$?
    [[ $rc == 1 ]] || { cat "$work/replay.log" >&2; fail "$f replays with exit $rc, not as a failure (1)"; }
  done
  echo "$n"
}

"$repo/tools/emulators/record-corpus.sh" "$kqrecord" "$work/recorded" --kqueue-label "libkqueue 2.7.0" \
  --step-timeout-ms 2000 >"$work/record.log" 2>&1 || { tail -20 "$work/record.log"; fail "recording the corpus"; }
tail -1 "$work/record.log"
recorded=$(find "$work/recorded" -name '*.json' | wc -l)
corpus=$(find "$repo/traces/conformance" "$repo/traces/regressions" -name '*.json' | wc -l)
[[ $recorded == "$corpus" ]] || fail "$recorded of $corpus traces recorded"

# diff: 0 (all match) and 1 (divergences) are results; 2+ is kqsim failing.
"$kqreplay" diff "$work/recorded" >"$work/diff.log" 2>&1
rc=$?
tail -3 "$work/diff.log"
[[ $rc -le 1 || $rc == 3 ]] || fail "kqreplay diff exited $rc"

"$kqcheck" random --seed 20261203 --count "$count" --against native --host-os linux --max-failures 0 \
  --shrink-seconds 2 --out "$work/failures" >"$work/campaign.log" 2>&1
rc=$?
tail -1 "$work/campaign.log"
[[ $rc -le 1 ]] || { tail -20 "$work/campaign.log"; fail "kqcheck exited $rc"; }
grep -q "^$count traces," "$work/campaign.log" || fail "the campaign did not run all $count programs"
n=$(replays_as_failures "$work/failures") || { echo "$n"; exit 1; }

# The same campaign looking past the committed reports' known behaviours:
# it completes, some programs diverge in them only, and its failure files
# replay as failures too.
"$kqcheck" random --seed 20261203 --count "$count" --against native --host-os linux --max-failures 0 \
  --shrink-seconds 2 --out "$work/past-known" --known "$repo/docs/emulators/libkqueue-2.7.0.notes.json" \
  --known "$repo/docs/emulators/libkqueue-2.7.0-past-known.notes.json" >"$work/past-known.log" 2>&1
rc=$?
tail -1 "$work/past-known.log"
[[ $rc -le 1 ]] || { tail -20 "$work/past-known.log"; fail "kqcheck --known exited $rc"; }
grep -q "^$count traces,.*diverged in known behaviours only" "$work/past-known.log" ||
  fail "the --known campaign did not run all $count programs, or no program diverged in known behaviours only"
m=$(replays_as_failures "$work/past-known") || { echo "$m"; exit 1; }
echo "ok: corpus recorded ($recorded), diffed, $count programs run, $n failure file(s) each replay as a failure;" \
     "past the known behaviours $m more"
