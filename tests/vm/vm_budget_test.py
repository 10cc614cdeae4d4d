#!/usr/bin/env python3
"""tools/vm/kqvm.py gives a boot a time limit that grows with its traces'
steps: 175 programs of 300 steps outgrew the flat 2 s a trace (13.2 seed 44,
2026-12-06: the VM was stopped at 530 s with 20 programs not run, at 3.4 s
a program), while the corpus's short traces keep 2 s each.
No VM needed."""
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "vm"))
import kqvm  # noqa: E402

failures = []


def traces(folder, count, steps):
    """As `kqvm.py record` hands them over: collect_traces' (path, name) pairs."""
    d = Path(folder) / f"s{steps}"
    d.mkdir()
    for i in range(count):
        (d / f"t{i}.json").write_text(json.dumps({"steps": [{"op": "sleep", "ns": 0}] * steps}))
    return kqvm.collect_traces([d])


with tempfile.TemporaryDirectory() as tmp:
    long_ones = traces(tmp, 175, 300)
    observed_s = 175 * 530 / 155  # that boot's rate (155 programs in 530 s), for all 175
    if kqvm.vm_budget_s(long_ones) < observed_s * 1.5:
        failures.append(f"175 x 300 steps: {kqvm.vm_budget_s(long_ones)} s, under 1.5x the {observed_s:.0f} s they took")
    short = traces(tmp, 160, 20)
    if kqvm.vm_budget_s(short) != 180 + 2 * 160:
        failures.append(f"160 short traces: {kqvm.vm_budget_s(short)} s, not the 2 s a trace they always had")
    broken = Path(tmp) / "broken.json"
    broken.write_text("{")
    if kqvm.vm_budget_s(kqvm.collect_traces([broken])) != 182:
        failures.append("an unreadable trace does not count as 2 s")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("vm budget: all cases as expected")
