#!/usr/bin/env bash
# kqreplay report replays each trace as its own dialect, and says so: a
# behaviour's "FreeBSD" answer names the dialect its example was replayed as
# (a 13.2 recording's answer is 13.2's, not main's), and a report over mixed
# dialects lists them all in its opening paragraph.
#   kqreplay_report_dialect_test.sh KQREPLAY REPO
set -u
kqreplay=$1
dir=$2/traces/recorded/linux-libkqueue-2.7.0/conformance/kevent
t132=$dir/kevent-non-kqueue-fd-ebadf-13.2.json  # dialect freebsd-13.2
tmain=$dir/add-bad-fd-ebadf.json                # no dialect: freebsd-main
failed=0
fail() { echo "FAIL: $*"; failed=1; }

json=$("$kqreplay" report "$t132" "$tmain" --json 2>&1)
python3 - "$json" <<'PY' || failed=1
import json, sys
doc = json.loads(sys.argv[1])
got = {b["signature"]: b["freebsd"]["dialect"] for b in doc["behaviours"]}
want = {"errno|kevent|EBADF|ENOENT": "freebsd-13.2", "errno|kevent|EBADF|EFAULT": "freebsd-main"}
if got != want:
    print("FAIL: dialects per behaviour", got, "want", want)
    sys.exit(1)
PY

md=$("$kqreplay" report "$t132" "$tmain" 2>&1)
[[ "$md" == *"as each trace's own dialect (\`freebsd-13.2\`, \`freebsd-main\`)"* ]] ||
  fail "mixed dialects are not listed"$'\n'"$md"
[[ "$md" == *"from the kqsim model (freebsd-13.2)"* ]] || fail "the 13.2 example is not named as 13.2"

# --dialect replays every trace as the one named: one dialect, named once.
md=$("$kqreplay" report --dialect freebsd-15.1 "$t132" "$tmain" 2>&1)
[[ "$md" == *"compared with the kqsim model as \`freebsd-15.1\`."* ]] || fail "--dialect: not named"$'\n'"$md"
[[ "$md" != *"(freebsd-13.2)"* && "$md" != *"(freebsd-main)"* ]] || fail "--dialect: a trace's own dialect is named"
exit $failed
