# shellcheck shell=bash
# Sourced by tools/vm/ci-*.sh: where the repository and the FreeBSD kit
# (../shared/freebsd beside it: kernels and sysroot) are, and the skip when
# the kit is absent.
#   . ci-kit.sh; require_freebsd_kit NAME WHAT   (exits 77, ctest's "skipped")
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
shared=$(cd "$repo/.." && pwd)/shared/freebsd

require_freebsd_kit() {
  if [ ! -d "$shared" ]; then
    echo "$1: SKIPPED: no ../shared/freebsd beside the repository (FreeBSD kernels and sysroot);" \
         "see docs/vm.md to $2 on your own kernel"
    exit 77
  fi
}
