#!/usr/bin/env python3
"""Random programs on a real FreeBSD kernel: a kqcheck campaign recorded in the VM.

    tools/vm/campaign.py --kqcheck K --kqreplay R --release 15.1 --count 2000 [--seed 1]

Program i of the campaign is `kqcheck generate --seed SEED --index i` (the same
programs `kqcheck random --seed SEED` runs); they are recorded on the kernel by
tools/vm/kqvm.py, --batch programs per boot, then diffed against the model of
the same release. Prints (and writes to --summary) how many matched, diverged
or used something the model or the host cannot run, the first divergences
grouped by step kind and category with an example program each, and the speed:
programs per second of wall clock and boots. Divergent programs are kept in
the work folder for `kqreplay explain`; they are not shrunk (see docs/vm.md).
"""
import argparse
import collections
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import kqvm  # noqa: E402


# Steps a real host cannot do: the aio daemons cannot be driven, and the
# recording directory is not a mount point. Programs using them are skipped
# (the generator has no real-host mode yet) and counted.
HOST_IMPOSSIBLE = {"aio_run", "unmount"}


def generate(kqcheck, seed, count, steps, dest):
    """The first `count` programs of the campaign a real host can run, and how
    many were skipped on the way."""
    dest.mkdir(parents=True, exist_ok=True)
    kept, skipped, i = [], 0, 0
    while len(kept) < count:
        text = subprocess.run([kqcheck, "generate", "--seed", str(seed), "--index", str(i), "--steps", str(steps)],
                              check=True, stdout=subprocess.PIPE, text=True).stdout
        if {s["op"] for s in json.loads(text)["steps"]} & HOST_IMPOSSIBLE:
            skipped += 1
        else:
            f = dest / f"p{i:05d}.json"
            f.write_text(text)
            kept.append(f)
        i += 1
    return kept, skipped


def record_batches(programs, release, out, batch, build_dir, report_dir):
    boots = 0
    for start in range(0, len(programs), batch):
        chunk = programs[start:start + batch]
        boots += 1
        cmd = [sys.executable, str(HERE / "kqvm.py"), "record", "--build-dir", build_dir,
               "--kernel", str(kqvm.DEFAULT_KERNELS[release]), "--out", str(out),
               "--report", str(report_dir / f"boot{boots}.json"), "--trace-limit", "30"] + [str(p) for p in chunk]
        rc = subprocess.run(cmd).returncode
        if rc >= 2:
            raise SystemExit(f"campaign: the VM run for programs {start}-{start + len(chunk) - 1} failed ({rc})")
    return boots


def summarize(kqreplay, out, dialect):
    r = subprocess.run([kqreplay, "diff", str(out), "--dialect", dialect, "--json"],
                       stdout=subprocess.PIPE, text=True)
    doc = json.loads(r.stdout)
    groups = collections.Counter()
    example = {}
    for t in doc["traces"]:
        first = [d for d in t.get("divergences", []) if d.get("known") is None]
        if t["status"] != "divergent" or not first:
            continue
        fd = first[0]
        key = f"{fd.get('category')}: {str(fd.get('observed') or fd.get('expected'))[:60]}" if fd.get("category") == "unsupported" \
            else f"{fd.get('category')} at {fd.get('op', '?')}"
        groups[key] += 1
        example.setdefault(key, t["path"])
    return doc["summary"], groups, example


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kqcheck", required=True)
    ap.add_argument("--kqreplay", required=True)
    ap.add_argument("--release", choices=sorted(kqvm.DEFAULT_KERNELS), required=True)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--batch", type=int, default=1000, help="programs per boot")
    ap.add_argument("--build-dir", default=str(kqvm.REPO / "build"))
    ap.add_argument("--dialect", help="the model's profile to diff against (default freebsd-RELEASE)")
    ap.add_argument("--summary", help="write the result here (JSON)")
    a = ap.parse_args()
    work = Path(a.build_dir).resolve() / "vm" / f"campaign-{a.release}-seed{a.seed}"
    t0 = time.time()
    shutil.rmtree(work, ignore_errors=True)
    programs, skipped = generate(a.kqcheck, a.seed, a.count, a.steps, work / "programs")
    t_gen = time.time() - t0
    out = work / "recorded"
    (work / "reports").mkdir(parents=True, exist_ok=True)
    t1 = time.time()
    boots = record_batches(programs, a.release, out, a.batch, a.build_dir, work / "reports")
    t_rec = time.time() - t1
    summary, groups, example = summarize(a.kqreplay, out, a.dialect or f"freebsd-{a.release}")
    result = {"release": a.release, "seed": a.seed, "programs": len(programs),
              "skipped_host_impossible": skipped, "dialect": a.dialect or f"freebsd-{a.release}", "steps_per_program": a.steps,
              "boots": boots, "generate_seconds": round(t_gen, 1), "record_seconds": round(t_rec, 1),
              "programs_per_second": round(len(programs) / t_rec, 2), "diff": summary,
              "first_divergences": [{"kind": k, "programs": n, "example": example[k]} for k, n in groups.most_common()]}
    print(json.dumps(result, indent=2))
    if a.summary:
        Path(a.summary).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
