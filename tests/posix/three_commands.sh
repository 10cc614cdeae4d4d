#!/usr/bin/env bash
# docs/capi.md's "three commands", as written there, with docs/examples/prog.c
# as prog.c and a fresh $HOME: the first command's configure and build are
# this build tree's (checked word for word, then its install step runs on
# it); the second and third run exactly. The program's output must show its
# three events and the trace must replay.
# Usage: three_commands.sh REPO_ROOT BUILD_DIR
set -u
repo=$1
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
commands=$(awk '/^## A newcomer/{on=1} on && /^```sh$/{grab=1; next} grab && /^```$/{exit} grab' "$repo/docs/capi.md")
[ "$(printf '%s\n' "$commands" | wc -l)" -eq 3 ] || { echo "FAIL: docs/capi.md does not show three commands"; printf '%s\n' "$commands"; exit 1; }
first=$(printf '%s\n' "$commands" | sed -n 1p)
expected_first='cmake -S . -B build -DKQSIM_BUILD_TESTS=OFF && cmake --build build -j && cmake --install build --prefix "$HOME/kqsim"'
[ "$first" = "$expected_first" ] || { echo "FAIL: the first command changed; update this test: $first"; exit 1; }
export HOME=$tmp/home
mkdir -p "$HOME" "$tmp/newcomer"
cp "$repo/docs/examples/prog.c" "$tmp/newcomer/prog.c"
cmake --install "$build" --prefix "$HOME/kqsim" >"$tmp/install.log" || { cat "$tmp/install.log"; echo "FAIL: install"; exit 1; }
cd "$tmp/newcomer" || exit 1
printf '%s\n' "$commands" | sed -n 2p >"$tmp/second.sh"
printf '%s\n' "$commands" | sed -n 3p >"$tmp/third.sh"
bash -e "$tmp/second.sh" || { echo "FAIL: the second command (compile)"; exit 1; }
bash -e "$tmp/third.sh" >"$tmp/out" 2>&1 || { cat "$tmp/out"; echo "FAIL: the third command (run and replay)"; exit 1; }
cat "$tmp/out"
grep -q "^pipe readable: 5 bytes" "$tmp/out" && grep -q "^child exited: status 0x700" "$tmp/out" &&
  grep -q "^file touched: NOTE_ATTRIB yes" "$tmp/out" || { echo "FAIL: the program's events"; exit 1; }
echo "the three commands of docs/capi.md work as written"
