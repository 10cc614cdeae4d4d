#!/usr/bin/env bash
# The committed libkqueue divergence report stays current (docs/emulators.md):
#   report REPO KQREPLAY         regenerated from the committed traces and notes,
#                                docs/emulators/libkqueue-2.7.0.md and
#                                libkqueue-2.7.0-past-known.md are unchanged
#   probe  REPO PKG_CONFIG_DIR   the hand-check probe, built against libkqueue,
#                                still prints docs/emulators/libkqueue-2.7.0.probe.txt
#                                (exit 77 without a libkqueue)
set -euo pipefail
mode=$1 repo=$2
case $mode in
  report)
    exec "$repo/tools/emulators/libkqueue-report.sh" check "$3"
    ;;
  probe)
    if [[ -z ${3:-} || ! -f $3/libkqueue.pc ]]; then
      echo "no libkqueue built (see docs/emulators.md): skipping the probe" >&2
      exit 77
    fi
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    "$repo/tools/emulators/libkqueue-probe.sh" "$3" "$out/probe" > "$out/probe.txt"
    if ! diff -u "$repo/docs/emulators/libkqueue-2.7.0.probe.txt" "$out/probe.txt"; then
      echo "libkqueue's answers changed: re-check the report's notes, then commit the new probe output" >&2
      exit 1
    fi
    echo "probe output unchanged"
    ;;
esac
