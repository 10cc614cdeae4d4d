#!/usr/bin/env bash
# kqreplay report --past-notes: a divergence that comes after noted ones only
# (every behaviour key of each earlier divergence of the trace in a --notes
# file) counts as a trace's first, as kqcheck --known looks past known
# behaviours; without the flag only the trace's very first divergence does.
# The notes are written here from the report itself: every behaviour of the
# trace but its last is noted.
#   kqreplay_report_past_notes_test.sh KQREPLAY REPO
set -u
kqreplay=$1
trace=$2/traces/campaigns/linux-libkqueue-2.7.0/past-known/random-12164343777457847396.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

"$kqreplay" report "$trace" --json > "$tmp/plain.json"
python3 - "$tmp" <<'PY' || failed=1
import json, pathlib, sys
tmp = pathlib.Path(sys.argv[1])
behaviours = json.loads((tmp / "plain.json").read_text())["behaviours"]
if len(behaviours) < 2:
    sys.exit(f"FAIL: the trace shows {len(behaviours)} behaviour(s), want at least 2")
if behaviours[-1]["first_in_trace"] != 0:
    sys.exit(f"FAIL: without notes the last behaviour counts as first: {behaviours[-1]}")
noted = [b["signature"] for b in behaviours[:-1]]
(tmp / "notes.json").write_text(json.dumps({"notes": [{"behaviour": k, "checked": "test"} for k in noted]}))
(tmp / "all-but-first.json").write_text(json.dumps({"notes": [{"behaviour": k, "checked": "test"} for k in noted[1:]]}))
(tmp / "last").write_text(behaviours[-1]["signature"])
PY
last=$(cat "$tmp/last" 2>/dev/null)

first_of() {  # first_in_trace of the last behaviour in the report of "$@"
  "$kqreplay" report "$trace" --json "$@" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
print(next(b["first_in_trace"] for b in doc["behaviours"] if b["signature"] == sys.argv[1]), doc.get("past_notes", False))' "$last"
}
[ "$(first_of --notes "$tmp/notes.json")" = "0 False" ] || fail "with --notes alone the last behaviour counts as first"
[ "$(first_of --notes "$tmp/notes.json" --past-notes)" = "1 True" ] ||
  fail "with --past-notes the last behaviour, after noted ones only, does not count as first"
# One earlier behaviour not noted: the last one comes after it, not first.
[ "$(first_of --notes "$tmp/all-but-first.json" --past-notes)" = "0 True" ] ||
  fail "with the first behaviour not noted, --past-notes still counts the last as first"
md=$("$kqreplay" report "$trace" --notes "$tmp/notes.json" --past-notes)
[[ "$md" == *"the first divergence of a trace (or after noted ones only) 1 time(s)"* ]] ||
  fail "the Markdown does not say what first means with --past-notes"$'\n'"$md"
# Looking past notes does not count a note as matched: a note whose
# behaviour only an --examples trace shows stays unmatched.
other=$2/traces/campaigns/linux-libkqueue-2.7.0/past-known/random-1002481139307341895.json
unmatched_of() {
  "$kqreplay" report "$other" --examples "$trace" --json "$@" | python3 -c 'import json, sys; print(json.load(sys.stdin)["unmatched_notes"])'
}
printf '{"notes": [{"behaviour": "%s", "checked": "test"}]}' "$last" > "$tmp/last-only.json"
[ "$(unmatched_of --notes "$tmp/last-only.json")" = "$(unmatched_of --notes "$tmp/last-only.json" --past-notes)" ] ||
  fail "--past-notes changes which notes are unmatched"
"$kqreplay" report "$trace" --past-notes > /dev/null 2>&1
[ $? -eq 2 ] || fail "--past-notes without --notes is not refused with exit 2"
[ $failed -eq 0 ] && echo "kqreplay report --past-notes: ok"
exit $failed
