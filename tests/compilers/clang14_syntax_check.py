#!/usr/bin/env python3
"""Compile-check every C and C++ file of a build with clang 14, warnings as errors.

Issue 13 asks the project to build warning-free with clang 14 (the compiler of FreeBSD 13.2's
base system) as well as with g++ and the newest clang; CI keeps two full builds (g++ plain,
clang 19 ASan+UBSan), so clang 14 only parses and checks each translation unit
(-fsyntax-only) with the flags the plain build used, read from its compile_commands.json.

usage: clang14_syntax_check.py BUILD_DIR    exit 0 clean, 1 a diagnostic, 77 no clang 14
"""
import concurrent.futures
import json
import os
import shlex
import shutil
import subprocess
import sys

GNU_ONLY = {"-Wno-restrict"}  # CMakeLists.txt adds it for g++ only


def clang_command(entry, cxx, cc):
    argv = shlex.split(entry["command"])
    compiler = cxx if entry["file"].endswith((".cpp", ".cc")) else cc
    out, skip = [compiler, "-fsyntax-only", "-Werror"], False
    for arg in argv[1:]:
        if skip:
            skip = False
        elif arg == "-o":
            skip = True
        elif arg not in GNU_ONLY and not arg.startswith("-fsanitize"):
            out.append(arg)
    return out, entry["directory"]


def check(job):
    argv, cwd = job
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    return argv[-1], result.returncode, result.stderr


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    cxx, cc = shutil.which("clang++-14"), shutil.which("clang-14")
    if not cxx or not cc:
        print("SKIP: clang++-14 is not installed (Debian package clang-14; ./dev test-deps)")
        return 77
    db = os.path.join(sys.argv[1], "compile_commands.json")
    with open(db, encoding="utf-8") as f:
        jobs = [clang_command(e, cxx, cc) for e in json.load(f)]
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for name, rc, err in pool.map(check, jobs):
            if rc != 0 or err.strip():
                failed += 1
                print(f"clang 14: {name}\n{err}", file=sys.stderr)
    print(f"clang 14 -fsyntax-only -Werror: {len(jobs) - failed} of {len(jobs)} translation units clean")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
