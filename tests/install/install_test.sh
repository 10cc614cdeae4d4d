#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds and runs a C
# program against it twice: through pkg-config (shared libkqsim) and through
# a CMake project using find_package(kqsim) (shared and static). Also checks
# that the tools were installed and run. Prints what failed; exits non-zero
# on any failure.
set -eu
build=$1
consumer=$2
cc=${3:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log"
for tool in kqreplay kqcheck kqrecord-model; do
  "$prefix/bin/$tool" --version | grep -q "^${tool%-model} " || { echo "FAIL: $tool --version"; exit 1; }
done

libdir=$(dirname "$(find "$prefix" -name kqsim.pc)")/..
export PKG_CONFIG_PATH=$libdir/pkgconfig
"$cc" "$consumer/main.c" -o "$tmp/via-pkg-config" $(pkg-config --cflags --libs kqsim) -Wl,-rpath,"$libdir"
"$tmp/via-pkg-config"

cmake -S "$consumer" -B "$tmp/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
      -DCMAKE_BUILD_TYPE=Release >"$tmp/configure.log"
cmake --build "$tmp/consumer-build" >"$tmp/build.log" || { cat "$tmp/build.log"; exit 1; }
"$tmp/consumer-build/consumer_shared"
"$tmp/consumer-build/consumer_static"
echo "install test passed"
