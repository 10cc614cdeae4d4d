#!/usr/bin/env bash
# fuzz/run_fuzzers.sh on stand-in targets (shell scripts, no libFuzzer): two
# run at a time, the summaries come out in the targets' order, and one
# target's finding fails the whole run with its report shown.
#   run_fuzzers_test.sh SOURCE_DIR
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/build/fuzz"
# A stand-in target: notes when it starts and ends, sleeps a little, and
# fails (as libFuzzer does on a finding) when its name is in FAIL_TARGET.
# A second long, so that two started together overlap on a loaded machine.
for t in trace trace_reader scenario history expectations; do
  cat >"$tmp/build/fuzz/${t}_fuzz" <<STANDIN
#!/usr/bin/env bash
echo "start \$(date +%s%N) $t" >>"$tmp/events"
sleep 1
echo "stat::number_of_executed_units: 42"
echo "end \$(date +%s%N) $t" >>"$tmp/events"
if [[ "\${FAIL_TARGET:-}" == $t ]]; then echo "==1==ERROR: AddressSanitizer: stand-in"; exit 1; fi
exit 0
STANDIN
  chmod +x "$tmp/build/fuzz/${t}_fuzz"
done
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; fi; }

out=$(KQSIM_FUZZ_JOBS=2 "$src/fuzz/run_fuzzers.sh" "$tmp/build" 1 "$tmp/work1")
rc=$?
check "a clean run exits 0 (rc $rc)" '[[ $rc -eq 0 ]]'
order=$(sed -E 's/^fuzz ([a-z_]+):.*/\1/' <<<"$out" | tr '\n' ' ')
check "summaries in the targets' order, got: $order" '[[ "$order" == "trace trace_reader scenario history expectations " ]]'
check "each summary counts the inputs" '[[ $(grep -c "exit 0, 42 inputs" <<<"$out") -eq 5 ]]'
# At most two at once, and at some point two at once.
most=$(sort -k2,2n "$tmp/events" | awk '$1=="start"{n++} $1=="end"{n--} n>m{m=n} END{print m}')
check "at most two targets at once and some overlap, got $most" '[[ $most -eq 2 ]]'

out=$(FAIL_TARGET=scenario KQSIM_FUZZ_JOBS=2 "$src/fuzz/run_fuzzers.sh" "$tmp/build" 1 "$tmp/work2")
rc=$?
check "a finding exits 1 (rc $rc)" '[[ $rc -eq 1 ]]'
check "the finding's report is shown" 'grep -q "fuzz scenario: exit 1" <<<"$out" && grep -q "AddressSanitizer: stand-in" <<<"$out"'
check "the other targets still ran" '[[ $(grep -c ": exit 0," <<<"$out") -eq 4 ]]'
[[ $fail -eq 0 ]] && echo "run_fuzzers.sh: parallel runs, ordered summaries, findings fail the run"
exit $fail
