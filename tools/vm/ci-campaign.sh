#!/usr/bin/env bash
# CI on real kernels, beyond the corpus: a small random campaign on FreeBSD
# 13.2 and 15.1 (one boot each; another after a panic, and one to recheck a
# divergence in a fresh boot). The programs are fixed - the first 60 of a
# seed, which matched on these kernels when this test was made (docs/vm.md)
# - so that a model or generator change that breaks agreement with a real
# kernel on any of them fails CI, and a flaky kernel does not.
#
#   tools/vm/ci-campaign.sh KQCHECK KQREPLAY [BUILD_DIR]
#
# Fails when a program diverges unexplained in the campaign boot and again in
# a fresh boot, or was not recorded but for a known panic (campaign.py
# --strict). Needs ../shared/freebsd beside the repository; exits 77 (skipped)
# with a message when it is absent. Summaries go to BUILD_DIR/vm/ci/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/vm/ci-kit.sh
. "$here/ci-kit.sh"
kqcheck=${1:?usage: ci-campaign.sh KQCHECK KQREPLAY [BUILD_DIR]}
kqreplay=${2:?usage: ci-campaign.sh KQCHECK KQREPLAY [BUILD_DIR]}
build=${3:-$repo/build}
require_freebsd_kit ci-campaign "run a campaign"

# release:seed - 13.2 seed 48 and 15.1 seed 50, with the generator options
# of session 28 (docs/vm.md: the seeds' campaigns of 700, none unexplained;
# 15.1 seed 50 without --with-forced-unmounts, which came after it). Before
# them CI ran 13.2 seed 31 and 15.1 seed 33 with the first five options only.
count=60
common=(--with-unmount --with-extra-calls --with-tcp --tcp-clients 4 --tcp-teardown --stable-timers
        --with-pdfork-deaths --with-kevent-corners --with-existing-files)
start=$SECONDS
status=0
mkdir -p "$build/vm/ci"
for run in 13.2:48 15.1:50; do
  release=${run%%:*}
  seed=${run##*:}
  extra=()
  [ "$release" = 13.2 ] && extra=(--with-forced-unmounts)
  echo "ci-campaign: FreeBSD $release, seed $seed, $count programs of 150 steps ..."
  summary="$build/vm/ci/campaign-$release.json"
  rm -f "$summary"
  if ! python3 "$here/campaign.py" --kqcheck "$kqcheck" --kqreplay "$kqreplay" --release "$release" \
       --count "$count" --steps 150 --batch "$count" --seed "$seed" \
       "${common[@]}" "${extra[@]}" \
       --shrink-passes 0 --strict --build-dir "$build" --work-dir "$build/vm/ci/campaign-$release" \
       --summary "$summary" > "$build/vm/ci/campaign-$release.log" 2>&1; then
    # What failed it (--strict's lines), then the end of the log.
    grep '^campaign: --strict:' "$build/vm/ci/campaign-$release.log" || true
    tail -40 "$build/vm/ci/campaign-$release.log"
    status=1
  fi
  if [ ! -f "$summary" ]; then
    echo "ci-campaign: FreeBSD $release: no summary (the campaign stopped early; see above)"
    status=1
    continue
  fi
  python3 - "$summary" <<'PY' || status=1
import json, sys
d = json.load(open(sys.argv[1]))
o = d["outcomes"]
print(f"ci-campaign: FreeBSD {d['release']}: {o['matched_exactly']} matched exactly, {o['timing_only']} timing only, "
      f"{d['not_explained']} unexplained; not reproduced {len((d['not_reproduced'] or {}).get('programs', []))}, "
      f"not recorded {len(d['not_recorded'])}, {d['boots']} boot(s), {d['record_seconds']} s recording")
PY
done
echo "ci-campaign: done in $((SECONDS - start)) s, status $status"
exit $status
