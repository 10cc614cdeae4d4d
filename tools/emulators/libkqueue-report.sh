#!/usr/bin/env bash
# The committed libkqueue divergence report (docs/emulators/libkqueue-2.7.0.md)
# and the traces it is made from (docs/emulators.md, "The committed report").
#
#   libkqueue-report.sh check KQREPLAY
#       Regenerates the report from the committed traces and notes; exit 1 when
#       the committed one differs (stale), 0 when it is current.
#   libkqueue-report.sh write KQREPLAY
#       Regenerates it in place.
#   libkqueue-report.sh import KQREPLAY KQCHECK CAMPAIGN_DIR
#       Takes a campaign's failure traces (kqcheck random --against native
#       --host-os linux --out CAMPAIGN_DIR), shrinks on libkqueue the examples
#       the report would cut from recordings (kqcheck shrink), and writes both
#       folders and the report.
#   libkqueue-report.sh import-past-known KQREPLAY CAMPAIGN_DIR...
#       Takes the failure traces of campaigns run with --known (the notes
#       files below, as they were then) and writes the second report, of what
#       such campaigns find past the known behaviours
#       (docs/emulators/libkqueue-2.7.0-past-known.md, with the notes of both
#       files and --past-notes: the behaviours found past the known ones have
#       theirs in libkqueue-2.7.0-past-known.notes.json).
# check and write handle both reports.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
name=linux-libkqueue-2.7.0
recorded=traces/recorded/$name
failures=traces/campaigns/$name/failures
shrunk=traces/campaigns/$name/shrunk-examples
past_known=traces/campaigns/$name/past-known
notes=docs/emulators/libkqueue-2.7.0.notes.json
past_known_notes=docs/emulators/libkqueue-2.7.0-past-known.notes.json
report=docs/emulators/libkqueue-2.7.0.md
past_known_report=docs/emulators/libkqueue-2.7.0-past-known.md

# The reports of the committed traces, on stdout (exit 1 means "divergences listed").
generate() {
  "$1" report "$recorded" "$failures" --examples "$shrunk" --notes "$notes" --corpus traces/conformance || [[ $? -eq 1 ]]
}
generate_past_known() {
  "$1" report "$past_known" --notes "$notes" --notes "$past_known_notes" --past-notes --corpus traces/conformance || [[ $? -eq 1 ]]
}

# check_one REPORT GENERATOR KQREPLAY
check_one() {
  local fresh
  fresh=$(mktemp)
  # Called where set -e is off (status=... || ...): a failing kqreplay is checked here.
  if ! "$2" "$3" > "$fresh"; then
    rm -f "$fresh"
    echo "libkqueue-report: kqreplay report failed for $1" >&2
    return 1
  fi
  if ! diff -u "$1" "$fresh"; then
    rm -f "$fresh"
    echo "libkqueue-report: $1 is stale: run tools/emulators/libkqueue-report.sh write KQREPLAY" >&2
    return 1
  fi
  rm -f "$fresh"
  echo "libkqueue-report: $1 is current"
}

case ${1:-} in
  check)
    status=0
    check_one "$report" generate "$2" || status=1
    check_one "$past_known_report" generate_past_known "$2" || status=1
    exit $status
    ;;
  write)
    generate "$2" > "$report"
    generate_past_known "$2" > "$past_known_report"
    ;;
  import-past-known)
    [[ $# -ge 3 ]] || { echo "usage: libkqueue-report.sh import-past-known KQREPLAY CAMPAIGN_DIR..." >&2; exit 2; }
    rm -rf "$past_known"
    mkdir -p "$past_known"
    for campaign in "${@:3}"; do cp "$campaign"/*.json "$past_known"/; done
    generate_past_known "$2" > "$past_known_report"
    ;;
  import)
    kqreplay=$2 kqcheck=$3 campaign=$4
    rm -rf "$failures" "$shrunk"
    mkdir -p "$failures" "$shrunk"
    cp "$campaign"/*.json "$failures"/
    examples=$(mktemp -d)
    trap 'rm -rf "$examples"' EXIT
    "$kqreplay" report "$recorded" "$failures" --corpus traces/conformance --json --out "$examples" > "$examples/report.json" || true
    # The examples cut from recordings: shrunk on libkqueue itself.
    python3 - "$examples/report.json" "$examples" > "$examples/list" <<'PY'
import json, os, sys
doc = json.load(open(sys.argv[1]))
for i, b in enumerate(doc["behaviours"], 1):
    if b["example"]["kind"].startswith("a recording") and b["section"] == "kqueue":
        print(os.path.join(sys.argv[2], f"{i}-{b['example']['trace']['name']}.json"))
PY
    mapfile -t todo < "$examples/list"
    if [[ ${#todo[@]} -gt 0 ]]; then
      "$kqcheck" shrink "${todo[@]}" --against native --shrink-seconds 20 --out "$shrunk" || true
    fi
    generate "$kqreplay" > "$report"
    ;;
  *)
    echo "usage: libkqueue-report.sh check|write KQREPLAY | import KQREPLAY KQCHECK CAMPAIGN_DIR | import-past-known KQREPLAY CAMPAIGN_DIR..." >&2
    exit 2
    ;;
esac
