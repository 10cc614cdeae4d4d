#!/usr/bin/env python3
"""The schema and kqreplay's parser agree on what a flag list ("bits") may be.

Each case puts one value in a change's "fflags" (and "flags") of a small
trace; the schema must accept it exactly when `kqreplay diff` parses it
(exit 0; exit 2 is a refusal).
Usage: bits_agree.py SCHEMA KQREPLAY
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import jsonschema

CASES = [
    # (field, value, accepted)
    ("fflags", ["NOTE_FFOR", 1], True),
    ("fflags", ["NOTE_TRIGGER"], True),
    ("fflags", 16777216, True),
    ("fflags", [], True),
    ("fflags", [1, 2, "NOTE_FFAND"], True),
    ("fflags", "NOTE_TRIGGER", False),
    ("fflags", [-1], False),
    ("fflags", -1, False),
    ("fflags", [1.5], False),
    ("fflags", [True], False),
    ("fflags", [4294967296], False),
    ("flags", ["EV_ADD", 32], True),
    ("flags", "EV_ADD", False),
    ("flags", [None], False),
]


def trace(field, value):
    change = {"ident": 1, "filter": "EVFILT_USER", "flags": ["EV_ADD"]}
    change[field] = value
    return {"format": "kqsim-trace/1", "name": "bits", "steps": [
        {"op": "kqueue", "as": "kq"},
        {"op": "kevent", "kq": "kq", "changes": [change], "nevents": 0, "timeout": None}]}


def main() -> int:
    schema = json.loads(pathlib.Path(sys.argv[1]).read_text())
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for field, value, accepted in CASES:
            doc = trace(field, value)
            path = pathlib.Path(tmp) / "case.json"
            path.write_text(json.dumps(doc))
            schema_ok = validator.is_valid(doc)
            rc = subprocess.run([sys.argv[2], "diff", str(path)], capture_output=True).returncode
            parser_ok = rc == 0
            if schema_ok != accepted or parser_ok != accepted:
                print(f"FAIL {field}={json.dumps(value)}: want {'accepted' if accepted else 'refused'}, "
                      f"schema {'accepts' if schema_ok else 'refuses'}, parser exit {rc}")
                failures += 1
    print(f"{len(CASES)} cases, {failures} disagreements")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
