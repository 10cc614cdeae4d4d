#!/usr/bin/env python3
"""The trace JSON Schema accepts exactly what kqsim's trace parser accepts.

Feeds every trace of the corpus, every kqreplay CLI case (tests/cli/cases)
and the bad traces in tests/schema/parity_cases to both: the parser (through
PARSE_VERDICT, which prints "ok PATH" or "bad PATH: why") and the schema
(with duplicate keys and numbers no double holds refused first, as JSON
itself leaves them open). Every file where the two disagree is printed.
Usage: schema_parity_test.py PARSE_VERDICT SCHEMA FILE_OR_DIR...
"""
import json
import math
import pathlib
import subprocess
import sys

import jsonschema


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def finite(text):
    value = float(text)
    if math.isinf(value):
        raise ValueError("number overflows a double")
    return value


def schema_verdict(validator, path):
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"), object_pairs_hook=no_duplicates,
                         parse_float=finite, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except (ValueError, UnicodeDecodeError) as e:
        return f"not JSON: {e}"
    errors = list(validator.iter_errors(doc))
    if not errors:
        return None
    e = errors[0]
    return "/".join(str(p) for p in e.absolute_path) + ": " + e.message[:200]


def main() -> int:
    verdict_tool, schema_path, *roots = sys.argv[1:]
    # kqsim reads an integer only when it is written as one: 1.0 and 1e3 are
    # numbers with a fraction or exponent, refused where an integer is due.
    checker = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, v: isinstance(v, int) and not isinstance(v, bool))
    strict = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=checker)
    validator = strict(json.loads(pathlib.Path(schema_path).read_text()))
    files = []
    for root in map(pathlib.Path, roots):
        found = sorted(root.rglob("*.json")) if root.is_dir() else [root]
        files += [f for f in found if not {"schema", "scenarios", "histories"} & set(f.relative_to(root).parts)]
    out = subprocess.run([verdict_tool, *map(str, files)], capture_output=True, text=True, check=True).stdout
    parser = {}
    for line in out.splitlines():
        verdict, rest = line.split(" ", 1)
        path = rest.split(": ", 1)[0] if verdict == "bad" else rest
        parser[path] = None if verdict == "ok" else rest
    disagreements = 0
    for f in files:
        p, s = parser[str(f)], schema_verdict(validator, f)
        if (p is None) != (s is None):
            disagreements += 1
            print(f"{f}: parser {'accepts' if p is None else 'refuses (' + p + ')'}, "
                  f"schema {'accepts' if s is None else 'refuses (' + s + ')'}")
    print(f"{len(files)} files, {disagreements} disagreements")
    return 1 if disagreements or not files else 0


if __name__ == "__main__":
    sys.exit(main())
