#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 60), seeded from the
# repository's corpora, on a build configured with -DKQSIM_FUZZ=ON (clang,
# ASan+UBSan), as many targets at a time as there are cores (KQSIM_FUZZ_JOBS
# to choose). A crash, leak, timeout or sanitizer report fails the run and
# leaves the input in WORK/<target>/crashes: copy it into
# fuzz/regressions/<target>/ once fixed, so ctest replays it forever.
#   fuzz/run_fuzzers.sh BUILD_DIR [SECONDS] [WORK_DIR]
set -u
build=$1
seconds=${2:-60}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${3:-$(mktemp -d)}
jobs=${KQSIM_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
declare -A seeds=(
  [trace]="$repo/traces/conformance $repo/traces/regressions $repo/tests/cli/cases"
  [trace_reader]="$repo/fuzz/seeds/trace_reader $repo/traces/conformance $repo/tests/cli/cases"
  [scenario]="$repo/traces/scenarios"
  [history]="$repo/traces/histories"
  [expectations]="$repo/fuzz/seeds/expectations"
)
targets=(trace trace_reader scenario history expectations)

# fuzz_one TARGET: one target's run; its summary goes to WORK/TARGET/summary,
# and the exit status says whether it found something.
fuzz_one() {
  local t=$1 dirs=() d start rc execs
  mkdir -p "$work/$t/corpus" "$work/$t/crashes"
  for d in ${seeds[$t]} "$repo/fuzz/regressions/$t"; do [[ -d $d ]] && dirs+=("$d"); done
  start=$(date +%s)
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
    "$build/fuzz/${t}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$work/$t/crashes/" "$work/$t/corpus" "${dirs[@]}" \
      >"$work/$t/log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t/log" | grep -o '[0-9]*$')
  {
    echo "fuzz $t: exit $rc, ${execs:-?} inputs in $(( $(date +%s) - start )) s"
    [[ $rc -eq 0 ]] || grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$work/$t/log" | head -20
  } >"$work/$t/summary"
  return $rc
}

# At most `jobs` targets at once; the summaries are printed in the targets'
# order whatever order they finish in.
running=0
for t in "${targets[@]}"; do
  if (( running >= jobs )); then
    wait -n
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
wait
status=0
for t in "${targets[@]}"; do
  cat "$work/$t/summary"
  grep -q ': exit 0,' "$work/$t/summary" || status=1
done
exit $status
