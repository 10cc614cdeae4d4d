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
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
name=linux-libkqueue-2.7.0
recorded=traces/recorded/$name
failures=traces/campaigns/$name/failures
shrunk=traces/campaigns/$name/shrunk-examples
notes=docs/emulators/libkqueue-2.7.0.notes.json
report=docs/emulators/libkqueue-2.7.0.md

# The report of the committed traces, on stdout (exit 1 means "divergences listed").
generate() {
  "$1" report "$recorded" "$failures" --examples "$shrunk" --notes "$notes" --corpus traces/conformance || [[ $? -eq 1 ]]
}

case ${1:-} in
  check)
    fresh=$(mktemp)
    trap 'rm -f "$fresh"' EXIT
    generate "$2" > "$fresh"
    if ! diff -u "$report" "$fresh"; then
      echo "libkqueue-report: $report is stale: run tools/emulators/libkqueue-report.sh write KQREPLAY" >&2
      exit 1
    fi
    echo "libkqueue-report: $report is current"
    ;;
  write)
    generate "$2" > "$report"
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
    echo "usage: libkqueue-report.sh check|write KQREPLAY | import KQREPLAY KQCHECK CAMPAIGN_DIR" >&2
    exit 2
    ;;
esac
