#!/usr/bin/env python3
"""Compile-check every C and C++ file of a build with clang 14, warnings as errors.

Issue 13 asks the project to build warning-free with clang 14 (the compiler of FreeBSD 13.2's
base system) as well as with g++ and the newest clang; CI keeps two full builds (g++ plain,
clang 19 ASan+UBSan), so clang 14 only parses and checks each translation unit
(-fsyntax-only) with the flags the plain build used, read from its compile_commands.json.

--skip DIR (repeatable) leaves out the units under SOURCE/DIR: CI skips tests/, a third of the
check's CPU time (about 160 of 445 s here), which no FreeBSD build step builds and which g++ and
clang 19 compile with -Werror in every CI run anyway.

clang14_syntax_check.py BUILD_DIR [--skip DIR]...   exit 0 clean, 1 a diagnostic, 77 no clang 14
"""
import argparse
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
    parser = argparse.ArgumentParser(usage=__doc__.strip().splitlines()[-1], description=__doc__.split("\n\n")[0])
    parser.add_argument("build_dir")
    parser.add_argument("--skip", action="append", default=[], metavar="DIR")
    args = parser.parse_args()
    cxx, cc = shutil.which("clang++-14"), shutil.which("clang-14")
    if not cxx or not cc:
        print("SKIP: clang++-14 is not installed (Debian package clang-14; ./dev test-deps)")
        return 77
    source = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    skipped = tuple(os.path.join(source, d.strip("/")) + os.sep for d in args.skip)
    db = os.path.join(args.build_dir, "compile_commands.json")
    with open(db, encoding="utf-8") as f:
        entries = json.load(f)
    jobs = [clang_command(e, cxx, cc) for e in entries if not (skipped and e["file"].startswith(skipped))]
    if not jobs:
        print(f"no translation units left to check in {db}", file=sys.stderr)
        return 1
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for name, rc, err in pool.map(check, jobs):
            if rc != 0 or err.strip():
                failed += 1
                print(f"clang 14: {name}\n{err}", file=sys.stderr)
    note = f" ({len(entries) - len(jobs)} under {', '.join(args.skip)} skipped)" if args.skip else ""
    print(f"clang 14 -fsyntax-only -Werror: {len(jobs) - failed} of {len(jobs)} translation units clean{note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
