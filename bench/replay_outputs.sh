#!/bin/sh
# Writes what a kqreplay prints for every trace kqsim has - the corpora
# under traces/, the bad inputs of tests/cli/cases and the saved fuzz inputs
# of fuzz/ - into one folder, a file per trace and command (stdout, stderr
# and the exit code), so two builds can be compared with `diff -r`: a change
# to the replay path must leave every byte the same (issue 14).
#   bench/replay_outputs.sh KQREPLAY OUT_DIR [REPO]
set -eu
kqreplay=$1
out=$2
repo=${3:-.}
mkdir -p "$out"
cd "$repo"
find traces tests/cli/cases fuzz/regressions/trace fuzz/seeds/trace fuzz/seeds/trace_reader -name '*.json' 2>/dev/null | sort |
while IFS= read -r trace; do
  name=$(printf '%s' "$trace" | tr '/' '_')
  for cmd in "run --json" "diff" "diff --json" "run"; do
    tag=$(printf '%s' "$cmd" | tr ' ' '_')
    # shellcheck disable=SC2086 # cmd is a list of words
    rc=0
    "$kqreplay" $cmd "$trace" >"$out/$name.$tag.out" 2>"$out/$name.$tag.err" || rc=$?
    echo "$rc" >"$out/$name.$tag.rc"
  done
done
