#!/usr/bin/env python3
"""Check that files are Chrome trace event JSON as kqreplay perfetto promises.

The structure ui.perfetto.dev and chrome://tracing read: an object with a
traceEvents array; every event has a known phase, a name, integer pid and
tid; complete slices ("X") have ts and a non-negative dur; every process
and kqueue track is named by a metadata event; every flow start ("s") has
exactly one finish ("f") with the same id, later or at the same time, and
each lands inside a slice on its track (flows bind to enclosing slices).
Also: each trace's steps appear as system-call slices, one per step (fewer
when the run stopped part way, which a "stop" event then says).
Usage: validate_perfetto.py EXPECTED_STEPS FILE [EXPECTED_STEPS FILE ...]
"""
import json
import sys

PHASES = {"X", "i", "s", "f", "M"}


def problems(doc, steps):
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        yield "no traceEvents array"
        return
    events = doc["traceEvents"]
    named_pids, named_tracks = set(), set()
    slices = {}
    flows = {}
    syscalls = 0
    for i, e in enumerate(events):
        where = f"event {i}"
        if e.get("ph") not in PHASES:
            yield f"{where}: unknown phase {e.get('ph')!r}"
            continue
        if not isinstance(e.get("name"), str) or not e["name"]:
            yield f"{where}: no name"
        if not isinstance(e.get("pid"), int) or not isinstance(e.get("tid"), int):
            yield f"{where}: pid and tid must be integers"
            continue
        track = (e["pid"], e["tid"])
        if e["ph"] == "M":
            if e["name"] == "process_name":
                named_pids.add(e["pid"])
            if e["name"] == "thread_name":
                named_tracks.add(track)
            if not isinstance(e.get("args", {}).get("name"), str):
                yield f"{where}: metadata without args.name"
            continue
        if not isinstance(e.get("ts"), (int, float)):
            yield f"{where}: no ts"
            continue
        if e["ph"] == "X":
            if not isinstance(e.get("dur"), (int, float)) or e["dur"] < 0:
                yield f"{where}: a slice needs dur >= 0"
                continue
            slices.setdefault(track, []).append((e["ts"], e["ts"] + e["dur"]))
            if e.get("cat") == "syscall":
                syscalls += 1
        if e["ph"] in ("s", "f"):
            flows.setdefault(e.get("id"), []).append(e)
        if e["pid"] not in named_pids:
            yield f"{where}: process {e['pid']} has no process_name before it"
        if track not in named_tracks:
            yield f"{where}: track {track} has no thread_name before it"

    def inside(track, ts):
        return any(a <= ts <= b for a, b in slices.get(track, []))

    for fid, pair in flows.items():
        phases = sorted(p["ph"] for p in pair)
        if phases != ["f", "s"]:
            yield f"flow {fid}: phases {phases}, want one s and one f"
            continue
        start = next(p for p in pair if p["ph"] == "s")
        end = next(p for p in pair if p["ph"] == "f")
        if end["ts"] < start["ts"]:
            yield f"flow {fid}: finishes before it starts"
        for p in (start, end):
            if not inside((p["pid"], p["tid"]), p["ts"]):
                yield f"flow {fid}: its {p['ph']} is not inside a slice of its track"
    stopped = any(e.get("cat") == "stop" for e in events)
    if stopped and not 0 < syscalls < steps:
        yield f"a run that stopped has {syscalls} system-call slices, want fewer than its {steps} steps"
    if not stopped and syscalls != steps:
        yield f"{syscalls} system-call slices for {steps} steps"


def main() -> int:
    args = sys.argv[1:]
    failed = 0
    for steps, path in zip(args[::2], args[1::2]):
        with open(path) as f:
            doc = json.load(f)
        found = list(problems(doc, int(steps)))
        for p in found:
            print(f"{path}: {p}")
        flows = sum(1 for e in doc.get("traceEvents", []) if e.get("ph") == "s")
        print(f"{path}: {len(doc.get('traceEvents', []))} events, {flows} deliveries, {len(found)} problems")
        failed += bool(found)
    return 1 if failed or not args else 0


if __name__ == "__main__":
    sys.exit(main())
