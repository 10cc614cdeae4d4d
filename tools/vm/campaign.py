#!/usr/bin/env python3
"""Random programs on a real FreeBSD kernel: a kqcheck campaign recorded in the VM, its divergences shrunk.

    tools/vm/campaign.py --kqcheck K --kqreplay R --release 15.1 --count 2000 [--seed 1]

Program i of the campaign is `kqcheck generate --real-host --dialect
freebsd-RELEASE --seed SEED --index i`: the generator's real-host mode never
emits what a real kernel cannot do (aio_run, unmount), so nothing is skipped.
The programs are recorded on the kernel by tools/vm/kqvm.py, --batch programs
per boot, then diffed against the model of the same release with
tools/vm/expectations/campaign-freebsd-RELEASE.json (when it exists).

Divergent programs are grouped by their first unexpected divergence
(category, step kind, filter), and one program of each group is shrunk on the
kernel in passes: each pass records, in one boot, candidates with chunks of
steps removed from every group's current program (halves, quarters, ... down
to single steps), and keeps each group's shortest candidate that still shows
the group's divergence. It stops when no candidate of a group diverges so, or
after --shrink-passes boots. See docs/vm.md.

Before shrinking, every program left unexplained is recorded once more in a
fresh boot (--no-recheck skips it): one whose second recording has no
unexplained divergence is listed as not reproduced instead of as a finding -
a divergence that depends on what earlier programs of the boot left behind
(the pipe_map of R12 and R16 in docs/observed-real-kernels.md) or on timing
no rule knows, which a shrinking boot could not reproduce either.

Prints (and writes to --summary) the outcome counts, the groups with an
example program and the shrunk program each, and the speed: programs per
second of wall clock and boots.
"""
import argparse
import json
import math
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import kqvm  # noqa: E402
from campaign_sorting import by_name, finding_signatures, groups_of, outcomes, split_reproduced  # noqa: E402

# What --real-host must never emit; checked on every program, so a generator
# change that lets one through stops the campaign instead of polluting it.
# unmount is possible with --with-unmount: kqvm.py gives each program that
# unmounts a fresh file system of its own.
HOST_IMPOSSIBLE = {"aio_run", "unmount"}
BINARIES = None  # the recorder's folder, set once by main()


# The generator's on/off options a campaign passes through to `kqcheck
# generate`, in the order they are written (a folder's generator-flags.json
# is compared as written: --skip-record), with their help. Each is off by
# default, so that seeds run before it existed generate the same programs.
SWITCHES = [
    ("--with-extra-calls", "programs also call poll, select, fcntl, recv, send and utimes"),
    ("--with-tcp", "half the listeners are loopback TCP ones, and steps that send a segment are followed by a "
                   "50 ms sleep"),
    ("--tcp-teardown", "with --with-tcp: shutdowns, closes, reads and writes aim at TCP connections, so that "
                       "half-closes and teardown are reached"),
    ("--stable-timers", "timers of ten minutes and more, which never fire while a program runs: no step races a "
                        "timer, so the comparison stays strict around them"),
    ("--with-cponfork", "half the kqueues are KQUEUE_CPONFORK ones, copied into fork children, which call kevent "
                        "on their copies (15.1 only: ignored for 13.2)"),
    ("--with-process-deaths", "children exit with a status, main kills children with SIGTERM or SIGKILL, and "
                              "EVFILT_SIGNAL watches SIGCHLD"),
    ("--with-pdfork-deaths", "main kills pdfork children with SIGTERM or SIGKILL, so EVFILT_PROCDESC sees NOTE_EXIT"),
    ("--with-kevent-corners", "NOTE_ABSTIME timers, EV_KEEPUDATA, filters -14/-15, invalid timeouts, SIGPIPE "
                              "watched"),
    ("--with-existing-files", "path calls on files the program created, ftruncate/lseek on opened files, so that "
                              "they succeed and post vnode notes"),
    ("--with-forced-unmounts", "with --with-unmount: forced unmounts about three times as often and no FIFO "
                               "opened, so that knotes outlive their vnodes"),
    ("--with-reopens", "files a descriptor holds are opened again, read and closed, and half the vnode masks name "
                       "NOTE_CLOSE(_WRITE), so that knotes hear another open file's close"),
    ("--with-aio-sigevent-fds", "aio and lio_listio sigevents now and then name a descriptor that is not a kqueue"),
    ("--with-poll-waits", "with --with-extra-calls: polls and selects wait, some on a kqueue whose 5 ms one-shot "
                          "timer wakes them"),
    ("--with-fixed-ports", "with --with-tcp: TCP listeners and their clients bind the program's own fixed ports, "
                           "some with SO_REUSEADDR, so that binds meet held ports and connects taken four-tuples"),
]


def generator_flags(with_unmount, switches=(), tcp_clients=1):
    """`kqcheck generate`'s flags for a real host: `switches` are flags of SWITCHES."""
    on = set(switches)
    unknown = on - {flag for flag, _ in SWITCHES}
    assert not unknown, f"generator_flags: not a generator switch: {sorted(unknown)}"
    flags = ["--real-host"] + (["--with-unmount"] if with_unmount else [])
    for flag, _ in SWITCHES:
        if flag in on:
            flags.append(flag)
        if flag == "--with-tcp" and flag in on and tcp_clients != 1:
            flags += ["--tcp-clients", str(tcp_clients)]
    return flags


def recording_spec(release, seed, count, steps, flags):
    """What a campaign folder's recordings were made from (generator-flags.json)."""
    return {"release": release, "seed": seed, "count": count, "steps": steps, "generator": flags}


def skip_record_mismatch(recorded, wanted):
    """--skip-record: why the recordings in a folder are not of the programs
    this run would generate (None: they are). `recorded` is the folder's
    generator-flags.json: a spec (recording_spec), or from campaigns before
    the spec, the generator flags alone."""
    if isinstance(recorded, list):
        recorded = {"generator": recorded}
    differ = [f"{k} {recorded[k]!r}, not {wanted[k]!r}" for k in wanted if k in recorded and recorded[k] != wanted[k]]
    return "; ".join(differ) or None


def generate(kqcheck, seed, count, steps, dialect, dest, flags):
    """Programs `kqcheck generate FLAGS` makes (FLAGS from generator_flags)."""
    dest.mkdir(parents=True, exist_ok=True)
    programs = []
    impossible = HOST_IMPOSSIBLE - ({"unmount"} if "--with-unmount" in flags else set())
    for i in range(count):
        text = subprocess.run([kqcheck, "generate", *flags, "--dialect", dialect,
                               "--seed", str(seed), "--index", str(i), "--steps", str(steps)],
                              check=True, stdout=subprocess.PIPE, text=True).stdout
        bad = {s["op"] for s in json.loads(text)["steps"]} & impossible
        if bad:
            raise SystemExit(f"campaign: kqcheck generate --real-host emitted {sorted(bad)} (program {i})")
        f = dest / f"p{i:05d}.json"
        f.write_text(text)
        programs.append(f)
    return programs


def build(build_dir):
    """The recorder's binaries, built (or found cached) once: every boot of the
    campaign uses them even if the sources change while it runs."""
    r = subprocess.run([sys.executable, str(HERE / "kqvm.py"), "build", "--build-dir", build_dir],
                       stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit(f"campaign: building the recorder failed ({r.returncode})")
    return r.stdout.strip().splitlines()[-1]


def not_run(entries):
    """The indexes of a boot's programs it did not run, in order. When the
    kernel died (a panic, docs/vm.md), the first is the program that was
    running: a record is sent when a program ends."""
    return [i for i, t in enumerate(entries) if t["status"].startswith("not run")]


def record(files, release, out, batch, build_dir, report_dir, run_name, tag):
    """Records `files` on the kernel, `batch` per boot; the boots made and the
    files the VM did not record (with the recorder's status)."""
    boots, failed = 0, {}
    for start in range(0, len(files), batch):
        chunk = files[start:start + batch]
        boots += 1
        report = report_dir / f"{tag}-boot{boots}.json"
        cmd = [sys.executable, str(HERE / "kqvm.py"), "record", "--build-dir", build_dir,
               "--kernel", str(kqvm.DEFAULT_KERNELS[release]), "--out", str(out), "--run-name", run_name,
               "--binaries", BINARIES,
               "--report", str(report), "--trace-limit", "30"] + [str(p) for p in chunk]
        rc = subprocess.run(cmd).returncode
        if rc >= 2 and not report.exists():
            raise SystemExit(f"campaign: the VM run for {tag} {start}-{start + len(chunk) - 1} failed ({rc})")
        rep = json.loads(report.read_text())
        entries = rep["traces"]
        for t in entries:
            if t.get("recorded") or t["status"].startswith("not run"):
                continue
            failed[t["trace"]] = t["status"] + (" - " + t["stderr"].strip().splitlines()[0] if t.get("stderr") else "")
        missing = not_run(entries)
        if rc == kqvm.EXIT_VM and missing:
            # The program the kernel died in is kept as a finding; the ones
            # after it get a boot.
            failed[entries[missing[0]]["trace"]] = panic_note(rep.get("panic"), release, rep.get("stop"))
            rest = [chunk[i] for i in missing[1:]]
            if rest:
                b, f = record(rest, release, out, batch, build_dir, report_dir, run_name, f"{tag}-after{boots}")
                boots += b
                failed.update(f)
            continue
        if rc >= 2:
            raise SystemExit(f"campaign: the VM run for {tag} {start}-{start + len(chunk) - 1} failed ({rc})")
    return boots, failed


def known_panic(panic, release, known=None):
    """The entry of tools/vm/panics/known.json this panic is (same release and
    message, its backtrace starting with the entry's frames), or None."""
    if not panic:
        return None
    if known is None:
        known = json.loads((HERE / "panics" / "known.json").read_text())["panics"]
    for k in known:
        if k["release"] == release and k["message"] == panic.get("message") \
                and panic.get("frames", [])[:len(k["frames"])] == k["frames"]:
            return k
    return None


def panic_note(panic, release, stop=None):
    """What the summary says of the program a boot died in; `stop`, the
    boot report's reason QEMU ended (kqvm.py), tells a time limit apart."""
    if not panic and stop and stop.startswith("time limit"):
        return f"the VM reached its {stop} during this program (no panic on the console; a hang? see the console log)"
    if not panic:
        return "the VM stopped during this program (kernel panic? see the console log)"
    where = " <- ".join(panic["frames"][:4]) or "?"
    k = known_panic(panic, release)
    return f"kernel panic during this program: {panic['message']} in {where}" + \
        (f" - known: {k['id']}, reproducer tools/vm/panics/{k['reproducer']}" if k else " - not a known panic")


def previous_boots(report_dir, out, release):
    """--skip-record: the boots of the recording run (its reports) and the
    programs they did not record (the one a boot died in named as record()
    names it)."""
    reports = sorted(report_dir.glob("campaign*.json"))
    failed = {}
    for r in reports:
        rep = json.loads(r.read_text())
        missing = not_run(rep["traces"])
        died_in = rep["traces"][missing[0]]["trace"] if missing else None
        for t in rep["traces"]:
            if not (out / t["trace"]).exists() and t["trace"] not in failed:
                failed[t["trace"]] = panic_note(rep.get("panic"), release, rep.get("stop")) if t["trace"] == died_in \
                    else t["status"]
    return len(reports), failed


def diff(kqreplay, out, dialect, expectations, timers_fire=True):
    """kqreplay diff's document, each trace marked with whether its program's
    timers may fire (not with --stable-timers: campaign_sorting.unexpected)."""
    cmd = [kqreplay, "diff", str(out), "--dialect", dialect, "--json"]
    if expectations is not None and expectations.is_file():
        cmd += ["--expectations", str(expectations)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    doc = json.loads(r.stdout)
    for t in doc.get("traces", []):
        t["timers_fire"] = timers_fire
    return doc


def recheck(groups, programs_dir, a, work, dialect, expectations):
    """Records the groups' programs again, in boots of their own (--batch per
    boot; with --skip-record only the ones not recorded again yet), and
    splits them by the result (split_reproduced); the boots made."""
    out = work / "recheck-recorded"
    names = sorted({n for v in groups.values() for n in v})
    missing = [programs_dir / n for n in names if not (out / n).exists()]
    boots = 0
    if missing:
        boots, _ = record(missing, a.release, out, a.batch, a.build_dir, work / "reports",
                          f"{a.vm_run}-recheck", "recheck")
    rerun = diff(a.kqreplay, out, dialect, expectations, not a.stable_timers) if out.exists() else None
    kept, gone = split_reproduced(groups, rerun)
    return kept, gone, boots


def removals(n, finest):
    """Which step ranges to drop from an n-step program: halves, quarters, ...,
    down to n/finest steps (single steps at the finest), each range once."""
    seen, out = set(), []
    k = 2
    while k <= finest:
        size = max(1, math.ceil(n / k))
        for lo in range(0, n, size):
            r = (lo, min(n, lo + size))
            if r not in seen and r != (0, n):
                seen.add(r)
                out.append(r)
        if size == 1:
            break
        k *= 2
    return out


def shrink(groups, programs_dir, a, work, dialect, expectations):
    """Shrinks one program of each group on the kernel, a pass (one boot) at a time."""
    current = {}
    for sig, names in list(groups.items())[:a.shrink_groups]:
        current[sig] = json.loads((programs_dir / names[0]).read_text())
    # Each group's finest cut: 1/16th of the program, finer when no cut of it
    # kept the divergence (one boot per level instead of all levels at once).
    finest = {sig: 16 for sig in current}
    done, boots, passes = set(), 0, 0
    for p in range(a.shrink_passes):
        cand_dir = work / "shrink" / f"pass{p}"
        shutil.rmtree(cand_dir, ignore_errors=True)
        cand_dir.mkdir(parents=True)
        owner = {}
        for gi, (sig, trace) in enumerate(current.items()):
            if sig in done:
                continue
            for ci, (lo, hi) in enumerate(removals(len(trace["steps"]), finest[sig])):
                c = dict(trace, steps=trace["steps"][:lo] + trace["steps"][hi:])
                f = cand_dir / f"g{gi:02d}-p{p}-c{ci:03d}.json"
                f.write_text(json.dumps(c, indent=1) + "\n")
                owner[f.name] = sig
        if not owner:
            break
        passes += 1
        out = work / "shrink" / f"pass{p}-recorded"
        shutil.rmtree(out, ignore_errors=True)
        b, _ = record(sorted(cand_dir.iterdir()), a.release, out, 100000, a.build_dir, work / "reports",
                      f"{a.vm_run}-shrink", f"shrink{p}")
        boots += b
        results = by_name(diff(a.kqreplay, out, dialect, expectations, not a.stable_timers)) if out.exists() else {}
        best = {}
        for name, sig in owner.items():
            t = results.get(name)
            if t is None or sig not in finding_signatures(t):
                continue
            steps = json.loads((cand_dir / name).read_text())["steps"]
            if sig not in best or len(steps) < len(best[sig]["steps"]):
                best[sig] = json.loads((cand_dir / name).read_text())
        for sig in current:
            if sig in done:
                continue
            if sig in best:
                current[sig] = best[sig]
            elif finest[sig] < len(current[sig]["steps"]):
                finest[sig] *= 4
            else:
                done.add(sig)
        print(f"campaign: shrink pass {p}: {len(owner)} candidates; steps now "
              f"{ {s[:30]: len(t['steps']) for s, t in current.items()} }", file=sys.stderr, flush=True)
    shrunk_dir = work / "shrunk"
    shutil.rmtree(shrunk_dir, ignore_errors=True)
    shrunk_dir.mkdir(parents=True)
    paths = {}
    for gi, (sig, trace) in enumerate(current.items()):
        f = shrunk_dir / f"g{gi:02d}.json"
        f.write_text(json.dumps(trace, indent=1) + "\n")
        paths[sig] = str(f)
    return paths, boots, passes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kqcheck", required=True)
    ap.add_argument("--kqreplay", required=True)
    ap.add_argument("--release", choices=sorted(kqvm.DEFAULT_KERNELS), required=True)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--with-unmount", action="store_true",
                    help="programs may unmount their file system (kqcheck generate --with-unmount); each such "
                         "program gets one of its own in the VM. Off by default, so that seeds run before it "
                         "existed generate the same programs")
    for flag, text in SWITCHES:
        ap.add_argument(flag, action="store_true", help=f"{text} (kqcheck generate {flag})")
    ap.add_argument("--tcp-clients", type=int, default=1, choices=range(1, 5), metavar="N",
                    help="with --with-tcp: how many clients may connect to one TCP listener (kqcheck generate "
                         "--tcp-clients; 1 to 4, default 1), so that a later one may find the listen queue full")
    ap.add_argument("--batch", type=int, default=1000, help="programs per boot")
    ap.add_argument("--build-dir", default=str(kqvm.REPO / "build"))
    ap.add_argument("--dialect", help="the model's profile to diff against (default freebsd-RELEASE)")
    ap.add_argument("--expectations", help="known differences (default tools/vm/expectations/campaign-DIALECT.json; none with --stable-timers)")
    ap.add_argument("--shrink-groups", type=int, default=12, help="shrink one program of at most this many groups")
    ap.add_argument("--shrink-passes", type=int, default=8, help="at most this many shrinking boots")
    ap.add_argument("--skip-record", action="store_true", help="reuse the recordings of a previous run (diff and shrink only)")
    ap.add_argument("--no-recheck", action="store_true",
                    help="do not record the unexplained programs again in a fresh boot before shrinking")
    ap.add_argument("--summary", help="write the result here (JSON)")
    ap.add_argument("--binaries", help="the recorder's folder (as `kqvm.py build` prints) instead of building it")
    ap.add_argument("--work-dir", help="the campaign's folder (default BUILD_DIR/vm/campaign-RELEASE-seedSEED)")
    ap.add_argument("--strict", action="store_true",
                    help="exit 1 when a program diverges unexplained in a fresh boot too, or was not recorded "
                         "for a reason other than a known panic (CI: tools/vm/ci-campaign.sh)")
    a = ap.parse_args()
    if a.tcp_clients != 1 and not a.with_tcp:
        ap.error("--tcp-clients needs --with-tcp")
    if a.tcp_teardown and not a.with_tcp:
        ap.error("--tcp-teardown needs --with-tcp")
    if a.with_forced_unmounts and not a.with_unmount:
        ap.error("--with-forced-unmounts needs --with-unmount")
    dialect = a.dialect or f"freebsd-{a.release}"
    # The default expectations are a real clock's timer timing, which
    # --stable-timers programs cannot meet: none for them.
    expectations = Path(a.expectations) if a.expectations else \
        None if a.stable_timers else HERE / "expectations" / f"campaign-{dialect}.json"
    work = Path(a.work_dir).resolve() if a.work_dir else \
        Path(a.build_dir).resolve() / "vm" / f"campaign-{a.release}-seed{a.seed}"
    # The VMs' run folders: one per campaign folder, so that a CI campaign, one
    # by hand, or two seeds on one release at once never share them.
    a.vm_run = f"{work.parent.name}-{work.name}" if a.work_dir else work.name
    out = work / "recorded"
    switches = [flag for flag, _ in SWITCHES if getattr(a, flag[2:].replace("-", "_"))]
    flags = generator_flags(a.with_unmount, switches, a.tcp_clients)
    spec = recording_spec(a.release, a.seed, a.count, a.steps, flags)
    flags_file = work / "generator-flags.json"
    if a.skip_record and flags_file.is_file():
        why = skip_record_mismatch(json.loads(flags_file.read_text()), spec)
        if why:
            ap.error(f"--skip-record: {work} holds recordings of other programs: {why}")
    global BINARIES
    BINARIES = a.binaries or build(a.build_dir)
    t0 = time.time()
    if not a.skip_record:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
        flags_file.write_text(json.dumps(spec))
    programs = generate(a.kqcheck, a.seed, a.count, a.steps, dialect, work / "programs", flags)
    t_gen = time.time() - t0
    (work / "reports").mkdir(parents=True, exist_ok=True)
    t1 = time.time()
    if a.skip_record:
        boots, failed = previous_boots(work / "reports", out, a.release)
    else:
        boots, failed = record(programs, a.release, out, a.batch, a.build_dir, work / "reports",
                               a.vm_run, "campaign")
    t_rec = time.time() - t1
    doc = diff(a.kqreplay, out, dialect, expectations, not a.stable_timers)
    groups = groups_of(doc)
    unexplained = sum(len(v) for v in groups.values())
    not_reproduced, recheck_boots = [], 0
    if groups and not a.no_recheck:
        groups, not_reproduced, recheck_boots = recheck(groups, work / "programs", a, work, dialect, expectations)
    t2 = time.time()
    shrunk, shrink_boots, passes = shrink(groups, work / "programs", a, work, dialect, expectations) if groups else ({}, 0, 0)
    result = {"release": a.release, "seed": a.seed, "programs": len(programs), "dialect": dialect,
              "steps_per_program": a.steps, "generator": "kqcheck generate " + " ".join(flags),
              "expectations": str(expectations) if expectations is not None and expectations.is_file() else None,
              "boots": boots, "generate_seconds": round(t_gen, 1), "record_seconds": round(t_rec, 1),
              "programs_per_second": round(len(programs) / t_rec, 2) if t_rec > 1 else None,
              "not_recorded": failed, "diff": doc["summary"],
              "outcomes": outcomes(doc),
              "unexplained_in_campaign_boot": unexplained,
              "not_reproduced": None if a.no_recheck else {"boots": recheck_boots, "programs": not_reproduced},
              "not_explained": sum(len(v) for v in groups.values()),
              "shrink": {"boots": shrink_boots, "passes": passes, "seconds": round(time.time() - t2, 1)},
              "divergences": [{"kind": k, "programs": len(v), "examples": v[:5], "shrunk": shrunk.get(k)}
                              for k, v in sorted(groups.items(), key=lambda kv: -len(kv[1]))]}
    print(json.dumps(result, indent=2), flush=True)  # before --strict's lines on stderr
    if a.summary:
        Path(a.summary).write_text(json.dumps(result, indent=2) + "\n")
    return 1 if a.strict and strict_findings(result) else 0


def strict_findings(result):
    """--strict: what fails a campaign - the programs that diverged, unexplained,
    in a fresh boot too, and those not recorded but for a known panic."""
    found = [f"{d['programs']} program(s) diverge unexplained: {d['kind']} (e.g. {', '.join(d['examples'])})"
             for d in result["divergences"]]
    found += [f"{p} not recorded: {why}" for p, why in sorted(result["not_recorded"].items()) if " - known: " not in why]
    for line in found:
        print(f"campaign: --strict: {line}", file=sys.stderr)
    return found


if __name__ == "__main__":
    sys.exit(main())
