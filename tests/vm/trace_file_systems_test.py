#!/usr/bin/env python3
"""tools/vm/kqvm.py gives each trace with an unmount step a file system of its
own. Checked here: which traces count as unmounting (malformed ones do not),
and that the ISO carries the blank image while the root carries an identical
pristine copy (kqvm-init writes it over the disk before each such trace; the
boot itself is covered by vm/record-corpus-on-freebsd). Needs makefs (a
dependency of kqvm.py) for the image part; no VM."""
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "vm"))
import kqvm  # noqa: E402


def trace(folder, name, doc):
    path = folder / f"{name}.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


failures = []
with tempfile.TemporaryDirectory() as tmp:
    d = Path(tmp)
    cases = {
        "plain": ({"steps": [{"op": "kqueue"}, {"op": "kevent"}]}, False),
        "unmounts": ({"steps": [{"op": "kqueue"}, {"op": "unmount"}]}, True),
        "bad-json": ("{ not json", False),
        "steps-not-a-list": ({"steps": {"op": "unmount"}}, False),
        "step-not-an-object": ({"steps": ["unmount"]}, False),
    }
    for name, (doc, want) in cases.items():
        if kqvm.unmounts(trace(d, name, doc)) != want:
            failures.append(f"{name}: unmounts() is {not want}")
    if shutil.which("makefs") is None:
        print("makefs not installed (apt-get install makefs): skipping the image part")
    else:
        iso, root = d / "iso", d / "root"
        (iso / "boot").mkdir(parents=True)
        (root / "kq").mkdir(parents=True)
        kqvm.make_trace_fs_image(iso, root)
        image, copy = iso / "boot/fs1.img", root / "kq/fs.img"
        if not image.is_file() or image.stat().st_size != kqvm.TRACE_FS_MB << 20:
            failures.append(f"no {kqvm.TRACE_FS_MB} MB image at {image}")
        elif not copy.is_file() or copy.read_bytes() != image.read_bytes():
            failures.append("the root's copy differs from the preloaded image")
        if (iso / "fs-empty").exists():
            failures.append("the empty source folder was left in the ISO tree")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("trace file systems: ok")
