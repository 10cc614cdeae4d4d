#!/usr/bin/env bash
# Runs kqreplay diff on each bad trace in CASES and checks its exit code and
# that its output names the file, the step and the field. Prints one line
# per case and a closing "N passed, N failed".
set -u
kqreplay=$1
cases=$2
passed=0
failed=0
while read -r file code text; do
  [[ -z "$file" || "$file" == \#* ]] && continue
  out=$("$kqreplay" diff "$cases/$file" 2>&1)
  rc=$?
  if [[ $rc -eq $code && "$out" == *"$text"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $file: exit $rc (want $code); output: $out"
  fi
  # The JSON report must end the same way, and never crash.
  "$kqreplay" diff --json "$cases/$file" >/dev/null 2>&1
  rc=$?
  if [[ $rc -eq $code ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL --json $file: exit $rc (want $code)"; fi
done < "$cases/expectations.txt"
# Usage errors are bad input too.
"$kqreplay" frob >/dev/null 2>&1; rc=$?
if [[ $rc -eq 2 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL unknown subcommand: exit $rc"; fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
