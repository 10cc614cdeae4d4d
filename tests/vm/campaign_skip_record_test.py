#!/usr/bin/env python3
"""tools/vm/campaign.py --skip-record: recordings are reused only for the
programs they were made from (same release, seed, count, steps and generator
flags); a folder from before the spec was written holds the flags alone."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "vm"))
import campaign  # noqa: E402

flags = campaign.generator_flags(True, ["--with-extra-calls", "--with-tcp", "--stable-timers"], tcp_clients=4)
# The order kqcheck's flags are written in, which older folders' generator-flags.json hold.
assert flags == ["--real-host", "--with-unmount", "--with-extra-calls", "--with-tcp", "--tcp-clients", "4",
                 "--stable-timers"], flags
wanted = campaign.recording_spec("15.1", 38, 700, 150, flags)
failures = []


def check(name, recorded, expect_words):
    why = campaign.skip_record_mismatch(recorded, wanted)
    if expect_words is None and why is not None:
        failures.append(f"{name}: refused ({why}), expected reused")
    if expect_words is not None and (why is None or any(w not in why for w in expect_words)):
        failures.append(f"{name}: {why!r}, expected a reason naming {expect_words}")


check("the same spec", dict(wanted), None)
check("another seed", {**wanted, "seed": 37}, ["seed 37, not 38"])
check("fewer programs and longer ones", {**wanted, "count": 60, "steps": 50}, ["count 60", "steps 50"])
check("another release", {**wanted, "release": "13.2"}, ["release '13.2'"])
check("other generator flags", {**wanted, "generator": campaign.generator_flags(True)}, ["generator"])
check("an older folder: the same flags", list(flags), None)
check("an older folder: other flags", campaign.generator_flags(False), ["generator"])

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("campaign --skip-record: 7 cases ok")
