#!/usr/bin/env bash
# Builds tools/emulators/libkqueue-probe.c against a libkqueue and runs it:
# libkqueue's own answers to the calls of the report's entries, without
# kqsim's recorder in between (docs/emulators.md, "Checking an entry").
# Usage: tools/emulators/libkqueue-probe.sh PKG_CONFIG_DIR [OUT_BINARY]
#   PKG_CONFIG_DIR: where libkqueue.pc is (tools/emulators/libkqueue.sh prints it)
#   exit 77 when there is no libkqueue.pc there (callers skip)
set -euo pipefail
pc=${1:?usage: tools/emulators/libkqueue-probe.sh PKG_CONFIG_DIR [OUT_BINARY]}
if [[ ! -f $pc/libkqueue.pc ]]; then
  echo "libkqueue-probe: no libkqueue.pc in $pc; skipping" >&2
  exit 77
fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${2:-$(mktemp -d)/libkqueue-probe}
libdir=$(PKG_CONFIG_PATH=$pc pkg-config --variable=libdir libkqueue)
# shellcheck disable=SC2046 # pkg-config's flags are words
cc -Wall -Werror -O1 -o "$out" "$repo/tools/emulators/libkqueue-probe.c" \
  $(PKG_CONFIG_PATH=$pc pkg-config --cflags --libs libkqueue) -Wl,-rpath,"$libdir"
timeout 30 "$out"
