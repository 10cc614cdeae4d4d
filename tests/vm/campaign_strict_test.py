#!/usr/bin/env python3
"""tools/vm/campaign.py --strict (CI's vm/campaign-on-freebsd): which campaign
results fail, on hand-made summaries (no VM)."""
import contextlib
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "vm"))
import campaign  # noqa: E402

R11 = ("kernel panic during this program: page fault in soreceive <- dofileread - known: R11, "
       "reproducer tools/vm/panics/shutdown-rd-rcvlowat-read-panics-15.1.json")
failures = []


def check(name, result, expect_failing):
    with contextlib.redirect_stderr(io.StringIO()) as err:
        found = campaign.strict_findings(result)
    if len(found) != expect_failing:
        failures.append(f"{name}: {len(found)} finding(s), expected {expect_failing}: {found}")
    if len(err.getvalue().splitlines()) != expect_failing:
        failures.append(f"{name}: printed {err.getvalue()!r}")


clean = {"divergences": [], "not_recorded": {}}
check("nothing found", clean, 0)
check("a known panic", {"divergences": [], "not_recorded": {"p00034.json": R11}}, 0)
check("an unknown panic", {"divergences": [], "not_recorded": {
    "p00007.json": "kernel panic during this program: page fault in foo - not a known panic"}}, 1)
check("a hang", {"divergences": [], "not_recorded": {"p00008.json": "timeout - waited 8 s"}}, 1)
check("an unexplained divergence, reproduced", {"divergences": [
    {"kind": "ret recv", "programs": 2, "examples": ["p00001.json", "p00002.json"], "shrunk": None}],
    "not_recorded": {"p00034.json": R11}}, 1)

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("campaign --strict: 5 cases ok")
