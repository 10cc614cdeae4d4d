#!/usr/bin/env python3
"""Injected deviations are found, shrunk and reported; the faithful C API is not.

The model-backed kqueue C API (sim/posix) takes known bugs from
KQSIM_DEVIATIONS. For each one:
  - record -> diff -> report: conformance programs recorded by kqrecord-model
    with the bug; kqreplay diff must fail with the bug's category, and
    kqreplay report must list a behaviour of that category whose minimal
    trace has at most 6 steps;
  - a random campaign (kqcheck random --against host) must fail, write a
    failure trace of at most 6 steps whose first divergence is of the bug's
    category, which replays as a failure with kqreplay diff.
With no deviation, the same recordings diff clean, the report lists nothing
and the campaign passes: no false alarm.
Usage: deviations_test.py KQRECORD_MODEL KQREPLAY KQCHECK SOURCE_DIR
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

kqrecord, kqreplay, kqcheck, source = sys.argv[1:5]
source = pathlib.Path(source)
failures = 0
passed = 0

# deviation, categories its record->diff->report must show, the campaign's first
# divergence category (None: any), extra options for diff/report/campaign.
CASES = [
    ("ev-add-kept", {"flags"}, "flags", []),
    ("error-records-uncounted", {"error-record"}, None, []),
    ("close-keeps-knotes", {"errno"}, None, []),
    ("never-fires=EVFILT_READ", {"missing-event"}, None, []),
    ("crash-on=dup2", {"crash"}, "crash", []),
    # Internal descriptors only show as numbers: compared by name they are
    # no divergence (the faithful run below checks that), by number they are.
    ("extra-fds", {"ret"}, None, ["--raw-fds"]),
]


def check(name, ok, detail=""):
    global failures, passed
    if ok:
        passed += 1
    else:
        failures += 1
        print(f"FAIL {name} {detail}")


def run(args, env=None, timeout=300):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, errors="replace",
                          env={**os.environ, "KQSIM_DEVIATIONS": env or ""}, timeout=timeout)


programs = []
for folder in ["kevent", "pipe", "user", "descriptors"]:
    programs += sorted((source / "traces/conformance" / folder).glob("*.json"))


def record_all(dest, deviation):
    dest.mkdir()
    for t in programs:
        p = run([kqrecord, t, "-o", dest / t.name], env=deviation)
        check(f"record {t.name} with '{deviation}'", p.returncode == 0, p.stderr[-300:])


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    record_all(tmp / "faithful", "")
    p = run([kqreplay, "diff", tmp / "faithful"])
    check("faithful recordings diff clean", p.returncode == 0, p.stdout[-500:])
    p = run([kqreplay, "report", "--json", tmp / "faithful"])
    check("faithful report is empty", p.returncode == 0 and json.loads(p.stdout)["behaviours"] == [], p.stdout[-500:])
    p = run([kqcheck, "random", "--seed", "3", "--count", "300", "--against", "host", "--out", tmp / "faithful-failures"])
    check("faithful campaign passes", p.returncode == 0, p.stdout[-500:])

    for i, (deviation, categories, first_category, options) in enumerate(CASES):
        rec = tmp / f"rec{i}"
        record_all(rec, deviation)
        p = run([kqreplay, "diff", "--json", *options, rec])
        found = {d["category"] for t in json.loads(p.stdout)["traces"] for d in t["divergences"]} if p.stdout else set()
        check(f"{deviation}: diff finds {sorted(categories)}", p.returncode == 1 and categories <= found,
              f"exit {p.returncode}, categories {sorted(found)}")
        p = run([kqreplay, "report", "--json", *options, rec])
        behaviours = json.loads(p.stdout)["behaviours"] if p.stdout else []
        small = [b for b in behaviours if b["category"] in categories and len(b["example"]["trace"]["steps"]) <= 6]
        check(f"{deviation}: report lists it with a trace of <= 6 steps", p.returncode == 1 and small,
              f"exit {p.returncode}, {[(b['category'], len(b['example']['trace']['steps'])) for b in behaviours]}")
        p = run([kqreplay, "report", *options, rec])
        check(f"{deviation}: Markdown report", "## kqueue divergences" in p.stdout and "Minimal trace" in p.stdout, p.stdout[:300])

        if deviation == "ev-add-kept":
            # A whole category accepted with a reason; an entry matching nothing is listed.
            known = tmp / "known.json"
            known.write_text(json.dumps({"expectations": [
                {"category": "flags", "flag": "EV_ADD", "reason": "returned flags keep EV_ADD"},
                {"category": "errno", "filter": "EVFILT_TIMER", "reason": "stale entry"}]}))
            p = run([kqreplay, "diff", "--expectations", known, rec])
            check("expectations: a flag predicate accepts the whole category", p.returncode == 0, p.stdout[-400:])
            check("expectations: the entry that matched nothing is listed", "entry 1 matched nothing: stale entry" in p.stdout,
                  p.stdout[-400:])
            p = run([kqreplay, "report", "--json", "--expectations", known, rec])
            doc = json.loads(p.stdout)
            check("report: known behaviours only, unmatched entry listed",
                  p.returncode == 0 and all(b["known"] for b in doc["behaviours"]) and len(doc["unmatched_expectations"]) == 1,
                  p.stdout[-400:])
        out = tmp / f"failures{i}"
        # --shrink-seconds: through workers shrinking stops after 2 s of wall time by default, which a
        # sanitizer build on a loaded machine can need for this shrink alone; the bound here is a
        # safety net, so the shrunk size does not depend on the machine's speed.
        p = run([kqcheck, "random", "--json", "--seed", "1", "--count", "300", "--against", "host", "--shrink-seconds", "240",
                 *options, "--out", out],
                env=deviation)
        doc = json.loads(p.stdout) if p.stdout.strip() else {"traces": []}
        entries = doc["traces"]
        check(f"{deviation}: campaign fails", p.returncode == 1 and len(entries) == 1, f"exit {p.returncode}: {p.stderr[-400:]}")
        if not entries:
            continue
        e = entries[0]
        first = e["divergences"][0]["category"] if e["divergences"] else None
        check(f"{deviation}: campaign failure shrunk to <= 6 steps", e["steps"] <= 6, f"{e['steps']} steps")
        check(f"{deviation}: campaign failure category", first_category is None or first == first_category, f"{first}")
        # The same failure at the same step: the replay's first divergence is
        # the campaign's (a counterexample without a mutation).
        p = run([kqreplay, "diff", "--json", *options, e["path"]])
        replayed = json.loads(p.stdout)["traces"][0]["divergences"] if p.stdout.strip() else []
        want = [(d["step"], d["category"]) for d in e["divergences"][:1]]
        got = [(d["step"], d["category"]) for d in replayed[:1]]
        check(f"{deviation}: the failure replays as the same failure at the same step",
              p.returncode == 1 and want and got == want, f"exit {p.returncode}: campaign {want}, replay {got}")

print(f"{passed} passed, {failures} failed")
sys.exit(1 if failures else 0)
