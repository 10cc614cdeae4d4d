#!/usr/bin/env python3
"""Validate every trace under a folder against the kqsim trace JSON Schema.

Also enforces the corpus rule the schema cannot: a trace in a conformance/
folder names at least one source for its expected values.
Usage: validate_traces.py SCHEMA TRACES_DIR
"""
import json
import pathlib
import sys

import jsonschema


def main() -> int:
    schema = json.loads(pathlib.Path(sys.argv[1]).read_text())
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0
    files = sorted(pathlib.Path(sys.argv[2]).rglob("*.json"))
    files = [f for f in files if not {"schema", "scenarios", "histories"} & set(f.parts)]
    for path in files:
        try:
            doc = json.loads(path.read_text())
        except json.JSONDecodeError as e:
            print(f"{path}: malformed JSON: {e}")
            failures += 1
            continue
        for err in validator.iter_errors(doc):
            where = "/".join(str(p) for p in err.absolute_path) or "(top)"
            print(f"{path}: {where}: {err.message[:300]}")
            failures += 1
        if "conformance" in path.parts and not doc.get("sources"):
            print(f"{path}: a conformance trace must name its sources")
            failures += 1
    print(f"{len(files)} traces checked, {failures} problems")
    return 1 if failures or not files else 0


if __name__ == "__main__":
    sys.exit(main())
