#!/usr/bin/env python3
"""Real outputs of every comparing command validate against the result schema.

Runs kqreplay diff --json, diff --against --json, kqcheck random --json (whole and
sharded), kqcheck merge --json and kqcheck explore --json on inputs with known divergences (recordings of the
model-backed C API with injected deviations) and checks each document against
traces/schema/kqsim-result-1.schema.json; also that a folder holding bad files
gives one bad-input entry per bad file (exit 2, never 4) and that
--against names a missing side as "not found".
Usage: validate_results.py SCHEMA KQRECORD_MODEL KQREPLAY KQCHECK SOURCE_DIR
"""
import json
import os
import pathlib
import sys
import tempfile

import jsonschema

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "common"))
import script_checks as checks  # noqa: E402
from script_checks import fail, run  # noqa: E402

schema_path, kqrecord, kqreplay, kqcheck, source = sys.argv[1:6]
validator = jsonschema.Draft202012Validator(json.loads(pathlib.Path(schema_path).read_text()))
trace_validator = jsonschema.Draft202012Validator(json.loads(pathlib.Path(schema_path).with_name("kqsim-trace-1.schema.json").read_text()))


def validate(name, p):
    try:
        doc = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        fail(f"{name}: not JSON: {e}")
        return None
    for err in validator.iter_errors(doc):
        where = "/".join(str(x) for x in err.absolute_path) or "(top)"
        fail(f"{name}: {where}: {err.message[:300]}")
    checks.checked += 1
    return doc


def categories(doc):
    return {d["category"] for t in doc["traces"] for d in t["divergences"]}


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    programs = sorted((pathlib.Path(source) / "traces/conformance/kevent").glob("*.json"))[:12]
    programs += sorted((pathlib.Path(source) / "traces/conformance/user").glob("*.json"))[:6]
    for label, dev in [("faithful", ""), ("buggy", "ev-add-kept,error-records-uncounted,never-fires=EVFILT_USER")]:
        (tmp / label).mkdir()
        for t in programs:
            run([kqrecord, t, "-o", tmp / label / t.name], env={"KQSIM_DEVIATIONS": dev}, want=0)

    doc = validate("diff --json", run([kqreplay, "diff", "--json", tmp / "buggy"], want=1))
    if doc and not {"flags", "error-record", "missing-event"} <= categories(doc):
        fail(f"diff --json: categories {sorted(categories(doc))} lack flags, error-record or missing-event")
    if doc:
        flags = [d for t in doc["traces"] for d in t["divergences"] if d["category"] == "flags"]
        if flags and not all(isinstance(d["observed"], list) and "EV_ADD" in d["observed"] for d in flags):
            fail("diff --json: a flags divergence's observed value is not the flag-name array with EV_ADD")
    validate("diff --json (clean)", run([kqreplay, "diff", "--json", tmp / "faithful"], want=0))
    # A real recording kqreplay follows across the kqueue_task race (R21).
    raced = pathlib.Path(source) / "traces/recorded/freebsd-15.1/regressions/exec-close-watcher-sees-count-between-closes.json"
    doc = validate("diff --json (a race followed)", run([kqreplay, "diff", "--json", raced], want=0))
    if doc and not doc["traces"][0].get("task_races_followed"):
        fail("diff --json (a race followed): no task_races_followed")
    doc = validate("diff --against --json", run([kqreplay, "diff", "--json", tmp / "faithful", "--against", tmp / "buggy"], want=1))
    if doc and "flags" not in categories(doc):
        fail("diff --against --json: no flags divergence")

    doc = validate("random --json", run([kqcheck, "random", "--json", "--seed", "1", "--count", "30", "--against", "host",
                                         "--out", tmp / "failures"], env={"KQSIM_DEVIATIONS": "ev-add-kept"}, want=1))
    if doc and "flags" not in categories(doc):
        fail("random --json: the ev-add-kept failure is not a flags divergence")
    validate("random --json (properties)", run([kqcheck, "random", "--json", "--seed", "1", "--count", "5"], want=0))
    shards = []
    for i in range(2):
        p = run([kqcheck, "random", "--json", "--seed", "7", "--count", "40", "--mutate", "oneshot-not-deleted",
                 "--max-failures", "0", "--shard", f"{i}/2", "--out", tmp / "shards"])
        validate(f"random --shard {i}/2 --json", p)
        shards.append(tmp / f"shard-{i}.json")
        shards[-1].write_bytes(p.stdout)
    validate("merge --json", run([kqcheck, "merge", "--json", *shards], want=1))
    scenario = pathlib.Path(source) / "tests/check/oneshot-with-bystander.json"
    validate("explore --json", run([kqcheck, "explore", "--json", scenario]))
    validate("explore --json (violation)", run([kqcheck, "explore", "--json", "--mutate", "oneshot-not-deleted", scenario]))
    validate("explore --swarm --json (violation)",
             run([kqcheck, "explore", "--json", "--swarm", "3", "--mutate", "oneshot-not-deleted", scenario], want=1))
    for i in range(2):
        (tmp / f"swarm-{i}.json").write_bytes(run([kqcheck, "explore", "--json", "--swarm", "4", "--shard", f"{i}/2", scenario]).stdout)
    validate("merge --json (swarm)", run([kqcheck, "merge", "--json", tmp / "swarm-0.json", tmp / "swarm-1.json"], want=0))

    # A reference worker that exits (status 127: it could not run) instead of
    # being killed: a crash divergence "exit 127", in a result and a shrunk
    # trace both schemas accept, and kqreplay replays that trace as the crash.
    worker = tmp / "exits-127.sh"
    worker.write_text("#!/bin/sh\nexit 127\n")
    worker.chmod(0o755)
    doc = validate("random --json (worker exits 127)",
                   run([kqcheck, "random", "--json", "--count", "1", "--against", "native", "--native-worker", worker,
                        "--out", tmp / "exits"], want=1))
    if doc and categories(doc) != {"crash"}:
        fail(f"random (worker exits 127): categories {sorted(categories(doc))}, want crash")
    shrunk = sorted((tmp / "exits").glob("*.json"))
    if len(shrunk) != 1:
        fail(f"random (worker exits 127): {len(shrunk)} traces written, want 1")
    else:
        trace = json.loads(shrunk[0].read_text())
        if trace["steps"][-1].get("observed", {}).get("crash") != "exit 127":
            fail(f"random (worker exits 127): the trace's last step is {trace['steps'][-1]}")
        for err in trace_validator.iter_errors(trace):
            fail(f"random (worker exits 127): the trace: {err.message[:300]}")
        p = run([kqreplay, "diff", shrunk[0]], want=1)
        if b"crash" not in p.stdout:
            fail(f"kqreplay diff of the exit-127 trace: {p.stdout[-400:]!r} names no crash")

    # A folder with bad files: one bad-input entry each, the good trace still replayed.
    bad = tmp / "bad"
    bad.mkdir()
    good = programs[0]
    (bad / "good.json").write_bytes(good.read_bytes())
    (bad / "bad-content.json").write_bytes(b'{"format": "kqsim-trace/1", "name": "\xff\xfe", "steps": []}')
    (bad / os.fsdecode(b"bad-name-\xff.json")).write_bytes(good.read_bytes())
    (bad / "dangling.json").symlink_to(bad / "nowhere.json")
    p = run([kqreplay, "diff", "--json", bad], want=2)
    doc = validate("diff --json (bad files)", p)
    if doc:
        statuses = sorted(t["status"] for t in doc["traces"])
        if len(doc["traces"]) != 4 or statuses.count("bad-input") != 2 or statuses.count("matched") != 2:
            fail(f"diff --json (bad files): statuses {statuses}, want 2 matched (one under a non-UTF-8 name) and 2 bad-input")
    p = run([kqreplay, "diff", bad], want=2)
    if b"good.json" not in p.stdout:
        fail("diff (bad files): the good trace got no line")
    p = run([kqreplay, "report", bad], want=2)
    if b"could not be replayed" not in p.stdout or b"bad-content.json" not in p.stdout:
        fail("report (bad files): the bad files are not listed as traces that could not be replayed")
    p = run([kqreplay, "diff", good, "--against", "/nonexistent"], want=2)
    if b"not found" not in p.stderr:
        fail(f"diff --against /nonexistent: {p.stderr!r} does not say 'not found'")

sys.exit(checks.finish("result documents validated"))
