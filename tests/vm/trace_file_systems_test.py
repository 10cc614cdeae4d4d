#!/usr/bin/env python3
"""tools/vm/kqvm.py gives each trace with an unmount step a file system of its
own (a preloaded memory disk kqvm-init mounts where the program runs), at most
MAX_TRACE_FILE_SYSTEMS per boot, and none to any other trace. Checks which
traces get one and the md names they are told; makefs must be installed (it
is a dependency of kqvm.py). No VM needed."""
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "vm"))
import kqvm  # noqa: E402


def trace(folder, name, ops):
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"format": "kqsim-trace/1", "name": name, "steps": [{"op": op} for op in ops]}))
    return (path, f"{name}.json")


failures = []
with tempfile.TemporaryDirectory() as tmp:
    d = Path(tmp)
    (d / "bad.json").write_text("{ not json")
    traces = [trace(d, "plain", ["kqueue", "kevent"]), trace(d, "unmounts", ["kqueue", "unmount"]),
              ((d / "bad.json"), "bad.json"), trace(d, "steps-not-a-list", [])]
    (d / "steps-not-a-list.json").write_text(json.dumps({"steps": {"op": "unmount"}}))
    traces += [trace(d, f"more{i}", ["unmount"]) for i in range(kqvm.MAX_TRACE_FILE_SYSTEMS)]
    if shutil.which("makefs") is None:
        print("makefs not installed (apt-get install makefs): skipping the image part")
        sys.exit(0)
    iso = d / "iso"
    (iso / "boot").mkdir(parents=True)
    disks = kqvm.add_trace_file_systems(iso, traces)
    # The trace with an unmount step first, then the first seven "moreN": eight in all.
    want = {1: "md1"} | {4 + i: f"md{i + 2}" for i in range(kqvm.MAX_TRACE_FILE_SYSTEMS - 1)}
    if disks != want:
        failures.append(f"disks {disks}, expected {want}")
    images = sorted(p.name for p in (iso / "boot").glob("fs*.img"))
    if len(images) != kqvm.MAX_TRACE_FILE_SYSTEMS:
        failures.append(f"{len(images)} images made: {images}")
    if (iso / "fs-empty").exists():
        failures.append("the empty source folder was left in the ISO tree")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("trace file systems: ok")
