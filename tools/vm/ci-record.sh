#!/usr/bin/env bash
# CI on real kernels: cross-compile kqrecord, boot FreeBSD 13.2 and 15.1
# under QEMU (one boot each), record the whole corpus, and diff each kernel's
# recordings against the model with that kernel's committed expectations.
#
#   tools/vm/ci-record.sh KQREPLAY [BUILD_DIR]
#
# Needs ../shared/freebsd beside the repository (kernels and sysroot); exits
# 77 (skipped) with a message when it is absent. Fresh recordings go to
# BUILD_DIR/vm/ci/freebsd-<release>/ (never over the committed ones); to
# update those, see docs/vm.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/vm/ci-kit.sh
. "$here/ci-kit.sh"
kqreplay=${1:?usage: ci-record.sh KQREPLAY [BUILD_DIR]}
build=${2:-$repo/build}
require_freebsd_kit ci-record "record"

start=$SECONDS
status=0
for release in 13.2 15.1; do
  out="$build/vm/ci/freebsd-$release"
  rm -rf "$out"
  mkdir -p "$out"
  echo "ci-record: FreeBSD $release: recording the corpus ..."
  rc=0
  python3 "$here/kqvm.py" record --build-dir "$build" --kernel "$shared/kernel-$release-KQTEST.xz" \
    --out "$out" --report "$build/vm/ci/freebsd-$release.report.json" || rc=$?
  # 1 = some traces not recorded: the diff below still runs on the others,
  # and the missing ones are counted against the committed corpus.
  if [ "$rc" -ge 2 ]; then echo "ci-record: FreeBSD $release: the VM run failed ($rc)"; status=1; continue; fi
  if [ ! -d "$repo/traces/recorded/freebsd-$release" ]; then
    echo "ci-record: FreeBSD $release: no committed recordings in traces/recorded/freebsd-$release"; status=1
  fi
  missing=$(cd "$repo/traces/recorded/freebsd-$release" 2>/dev/null && find . -name '*.json' | while read -r f; do
              [ -f "$out/$f" ] || echo "$f"; done)
  if [ -n "$missing" ]; then
    echo "ci-record: FreeBSD $release: committed recordings this run did not reproduce:"; echo "$missing"; status=1
  fi
  echo "ci-record: FreeBSD $release: diff against the model (freebsd-$release profile) ..."
  if ! "$kqreplay" diff "$out" --dialect "freebsd-$release" \
       --expectations "$repo/tools/vm/expectations/freebsd-$release.json" > "$build/vm/ci/freebsd-$release.diff.txt"; then
    grep -v ': ok$' "$build/vm/ci/freebsd-$release.diff.txt" | tail -60
    status=1
  fi
  tail -8 "$build/vm/ci/freebsd-$release.diff.txt"
done
echo "ci-record: done in $((SECONDS - start)) s, status $status"
exit $status
