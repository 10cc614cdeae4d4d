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
import collections
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

# What --real-host must never emit; checked on every program, so a generator
# change that lets one through stops the campaign instead of polluting it.
HOST_IMPOSSIBLE = {"aio_run", "unmount"}
BINARIES = None  # the recorder's folder, set once by main()


def generate(kqcheck, seed, count, steps, dialect, dest):
    dest.mkdir(parents=True, exist_ok=True)
    programs = []
    for i in range(count):
        text = subprocess.run([kqcheck, "generate", "--real-host", "--dialect", dialect, "--seed", str(seed),
                               "--index", str(i), "--steps", str(steps)],
                              check=True, stdout=subprocess.PIPE, text=True).stdout
        bad = {s["op"] for s in json.loads(text)["steps"]} & HOST_IMPOSSIBLE
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
        not_run = [i for i, t in enumerate(entries) if t["status"].startswith("not run")]
        if rc == kqvm.EXIT_VM and not_run:
            # The kernel died (a panic, docs/vm.md) in the program that was
            # running - the first not run, as a record is sent when a program
            # ends. It is kept as a finding; the ones after it get a boot.
            failed[entries[not_run[0]]["trace"]] = panic_note(rep.get("panic"), release)
            rest = [chunk[i] for i in not_run[1:]]
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


def panic_note(panic, release):
    """What the summary says of the program a boot died in."""
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
        died_in = next((t["trace"] for t in rep["traces"] if t["status"].startswith("not run")), None)
        for t in rep["traces"]:
            if not (out / t["trace"]).exists() and t["trace"] not in failed:
                failed[t["trace"]] = panic_note(rep.get("panic"), release) if t["trace"] == died_in \
                    else t["status"]
    return len(reports), failed


def diff(kqreplay, out, dialect, expectations):
    cmd = [kqreplay, "diff", str(out), "--dialect", dialect, "--json"]
    if expectations.is_file():
        cmd += ["--expectations", str(expectations)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    return json.loads(r.stdout)


def signature(d):
    """What makes two divergences the same finding: the category, the step
    kind and the event's filter (unsupported: what the model could not run)."""
    if d.get("category") == "unsupported":
        return f"unsupported: {str(d.get('observed') or d.get('expected') or d.get('detail'))[:60]}"
    ev = d.get("event") or {}
    return f"{d.get('category')} at {d.get('op', '?')}" + (f" {ev['filter']}" if ev.get("filter") else "")


# What an expected divergence at a kevent drags along at the same step: an
# extra or missing timer event changes the count, takes or frees a slot of
# nevents (so another event is missing or extra) and moves the others.
FOLLOWERS = {"ret", "missing-event", "extra-event", "order"}


def event_key(d):
    # By filter only: the two sides name an ident differently (the model's
    # number, the trace's name) in a missing and an extra event.
    return (d.get("event") or {}).get("filter")


def follows_timing(d, timed_steps, first_timed, displaced, timer_kqs=None):
    """The rule (its name) by which divergence d is a consequence of an
    expected (timing) divergence, or None: at the same kevent step, a count, slot or order divergence;
    at any later step, the same event delivered late or early (its slot was
    taken: `displaced`), anything about a timer (a oneshot timer that already
    fired is gone, so a later change to it meets no knote), an order that
    involves a timer, a kqueue's EVFILT_READ count of pending events (kqueue
    names start with "kq"), or the receipt of a change to a knote whose event
    was displaced. `timer_kqs` maps a kqueue's name to the first step that
    armed a timer on it: that kqueue's readability, seen from another kqueue,
    is the timer's timing even when nothing else diverged."""
    ev = d.get("event") or {}
    if ev.get("filter") == "EVFILT_READ" and d.get("step", -1) > (timer_kqs or {}).get(ev.get("ident"), 1 << 30):
        return "kqueue-with-timer"  # filt_kqueue: the watched kqueue's count includes its timers
    if d.get("category") == "order" and "EVFILT_TIMER" in json.dumps([d.get("expected"), d.get("observed")]):
        return "timer-order"  # when a timer activates, relative to the others, is timing itself
    if first_timed is None or d.get("step", -1) < first_timed:
        return None
    if d.get("op") == "kevent" and d.get("step") in timed_steps and d.get("category") in FOLLOWERS:
        return "same-kevent"
    if d.get("category") in ("missing-event", "extra-event") and event_key(d) in displaced:
        return "displaced"
    # A displaced event's knote is queued again at a different place (a
    # level-triggered knote goes back to the tail when delivered), so a later
    # scan lists it elsewhere; the other events keep their order (15.1 seed 5 p00408).
    if d.get("category") == "order" and displaced and \
            same_order_without(d, lambda e: e.split(" ")[0] in displaced):
        return "displaced-order"
    # kqueue_register zeroes a change's fflags and data only when it creates
    # the knote, so an EV_RECEIPT record tells whether a displaced oneshot
    # event's knote still existed on that side.
    if d.get("category") == "error-record" and event_key(d) in displaced:
        return "displaced-receipt"
    # An EV_CLEAR knote whose event was not taken on one side keeps gathering
    # fflags and data there until its next delivery (13.2 seed 5 p01803:
    # NOTE_OPEN|NOTE_READ|NOTE_ATTRIB on the kernel, NOTE_ATTRIB in the model).
    if d.get("category") in ("fflags", "data") and event_key(d) in displaced:
        return "displaced-accumulates"
    if ev.get("filter") == "EVFILT_TIMER" and d.get("step", -1) > first_timed:
        return "later-timer"
    if ev.get("filter") == "EVFILT_READ" and \
            (str(ev.get("ident", "")).startswith("kq") or ev.get("ident") in (timer_kqs or {})):
        return "kqueue-count"
    return None


def same_order_without(d, left_out):
    """Whether an order divergence's two sides (the kernel's `observed`, the
    `model`'s; each event as "FILTER ident NAME") list the same events in the
    same order once the events `left_out` picks are removed from both."""
    if not all(isinstance(d.get(k), list) for k in ("observed", "model")):
        return False
    sides = [[e for e in d[k] if not left_out(e)] for k in ("observed", "model")]
    return sides[0] == sides[1]


def recording_steps(path):
    """The steps of the recording at `path` ([] when it cannot be read)."""
    try:
        return json.loads(Path(path).read_text())["steps"]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def lio_members(steps):
    """Each aiocb name listed in a lio_listio call of the recording's steps,
    mapped to that call's step."""
    return {e["aiocb"]: i for i, s in enumerate(steps) if s.get("op") == "lio_listio"
            for e in s.get("entries") or [] if isinstance(e, dict) and e.get("aiocb")}


def lio_parallel(d, members):
    """An order divergence in which only EVFILT_AIO events of requests from
    one lio_listio call changed places among themselves: the aio daemons run
    a list's requests in parallel, so which finishes first is timing (R14 in
    docs/observed-real-kernels.md; 15.1 seed 5 p00498)."""
    if d.get("category") != "order" or not isinstance(d.get("observed"), list):
        return False

    def token(e):
        parts = e.split(" ")
        if parts[0] == "EVFILT_AIO" and len(parts) == 3 and parts[2] in members:
            return f"lio@{members[parts[2]]}"
        return e
    sides = [[token(e) for e in d.get(k) or []] for k in ("observed", "model")]
    return sides[0] == sides[1] and d.get("observed") != d.get("model")


def timer_with_error_flag(d, step_filters):
    """A timer's expiration seen on one side only (the timing the campaign
    expectations accept for EVFILT_TIMER), whose knote keeps EV_ERROR in its
    flags: a re-add that failed validation leaves it there (filt_timertouch),
    and every later event of the knote carries it, so kqreplay files the
    event as an error record. Only at a kevent call that changes no timer, so
    that it cannot be the record of a change (15.1 seed 6 p00506)."""
    ev = d.get("event") or {}
    return d.get("category") == "error-record" and ev.get("filter") == "EVFILT_TIMER" \
        and d.get("detail") in ("extra", "missing") and d.get("op") == "kevent" \
        and "EVFILT_TIMER" not in step_filters.get(d.get("step"), set())


def timer_facts(steps):
    """From a recording's steps: the first step that armed an EVFILT_TIMER on
    each kqueue (by every name the kqueue has, kqueue_names), the kevent
    steps with any change to a timer, and the filters each kevent step
    changes."""
    first, changing, filters = {}, set(), {}
    at, ever = kqueue_names(steps)
    for i, s in enumerate(steps):
        changes = s.get("changes") or [] if s.get("op") == "kevent" else []
        filters[i] = {c.get("filter") for c in changes}
        timer_changes = [c for c in changes if c.get("filter") == "EVFILT_TIMER"]
        if timer_changes:
            changing.add(i)
        if any("EV_ADD" in (c.get("flags") or []) for c in timer_changes):
            first.setdefault(at[i].get(s.get("kq"), s.get("kq")), i)
    return {name: first[kq] for name, kq in ever.items() if kq in first}, changing, filters


def kqueue_names(steps):
    """Which kqueue each name and descriptor number refers to, a kqueue being
    known by the name kqueue() gave it: `at`, one dict per step (before the
    step runs), and `ever`, every name or number that ever referred to a
    kqueue (the latest one). By descriptor number, because that is how the
    model's side of a divergence names a kqueue (13.2 seed 6 p01247), and
    because the generator keeps using a name after its descriptor was closed
    and given to a new kqueue: the recorder resolves the name to the number,
    and the kernel's side names the number's new kqueue (13.2 seed 8 p01749).
    dup and dup2 add names (13.2 seed 5 p01692); a name without a known
    number (no observed ret) keeps its kqueue by name."""
    number, holder, alias, at, ever = {}, {}, {}, [], {}

    def kqueue_of(ref):
        if isinstance(ref, str) and ref not in number:
            return alias.get(ref)
        return holder.get(number.get(ref, ref))

    def view():
        v = {name: holder[n] for name, n in number.items() if n in holder}
        v.update(alias)
        v.update(holder)
        return v
    for s in steps:
        at.append(view())
        op, ret = s.get("op"), (s.get("observed") or {}).get("ret")
        if op == "kqueue" and isinstance(s.get("as"), str):
            if isinstance(ret, int) and ret >= 0:
                number[s["as"]], holder[ret] = ret, s["as"]
            else:
                alias[s["as"]] = s["as"]
        elif op in ("dup", "dup2"):
            kq = kqueue_of(s.get("fd"))
            name = s.get("as") if op == "dup" else s.get("to")
            to = ret if op == "dup" else number.get(name, name)
            if isinstance(to, int) and to >= 0:
                if kq:
                    holder[to] = kq
                else:
                    holder.pop(to, None)  # dup2 onto a kqueue's number closes it
                if isinstance(name, str):
                    number[name] = to
            elif kq and isinstance(name, str):
                alias[name] = kq
        elif op == "close" and ret == 0:
            holder.pop(number.get(s.get("fd"), s.get("fd")), None)
            alias.pop(s.get("fd"), None)
        ever.update(view())
    return at, ever


def changes_gone_timer(d, first_timed, timer_steps):
    """A kevent call after a timing divergence that changes a timer: where a
    oneshot timer already fired on one side, the change meets no knote there
    (ENOENT), as an error record or, with no event slot left, as the call's
    own error (kqueue_kevent), so its count, errno and records follow."""
    return first_timed is not None and d.get("op") == "kevent" and d.get("step", -1) > first_timed \
        and d.get("step") in timer_steps and d.get("category") in ("ret", "errno", "error-record")


def changes_displaced(d, first_timed, displaced, step_filters):
    """A kevent call after a timing divergence that changes a knote of a
    filter whose event was displaced: a oneshot event delivered on one side
    only leaves its knote on the other, so kqueue_register finds it there
    (an EV_ADD modifies it, no f_attach) and creates it anew here (whose
    f_attach may refuse: EVFILT_AIO's EPERM), so the call's count, errno and
    records follow (13.2 seed 3 p01815)."""
    return first_timed is not None and d.get("op") == "kevent" and d.get("step", -1) > first_timed \
        and d.get("category") in ("ret", "errno", "error-record") \
        and bool(step_filters.get(d.get("step"), set()) & displaced)


def unexpected(t, rules=None):
    """The divergences no expectation explains, directly or as a consequence
    (follows_timing); other events' data, flags, fflags and udata stay compared.
    A kevent step where one divergence follows timing is perturbed itself: an
    error record there ends the call without a scan (kqueue_kevent) and an
    event delivered late takes a slot, so the step's count and other events
    follow too (repeated until nothing more follows). `rules`, a set, gets
    the names of the rules that explained something (the expectations as
    "expected")."""
    ds = t.get("divergences", [])
    steps = recording_steps(t["path"]) if t.get("path") else []
    timer_kqs, timer_steps, step_filters = timer_facts(steps)
    members = lio_members(steps)
    timed = {d.get("step") for d in ds if d.get("known") is not None}
    while True:
        first = min(timed) if timed else None
        out, displaced, perturbed, used = [], set(), set(), set()
        for d in ds:
            if d.get("known") is not None:
                continue
            # lio-parallel and timer-error-flag first: timing by themselves, needing no timed step before.
            rule = ("lio-parallel" if lio_parallel(d, members) else None) or \
                ("timer-error-flag" if timer_with_error_flag(d, step_filters) else None) or \
                follows_timing(d, timed, first, displaced, timer_kqs) or \
                ("gone-timer-change" if changes_gone_timer(d, first, timer_steps) else None) or \
                ("displaced-change" if changes_displaced(d, first, displaced, step_filters) else None)
            if rule:
                used.add(rule)
                if d.get("category") in ("missing-event", "extra-event"):
                    displaced.add(event_key(d))
                if d.get("op") == "kevent":
                    perturbed.add(d.get("step"))
                continue
            out.append(d)
        if perturbed <= timed:
            break
        timed |= perturbed
    # A kevent's count with nothing left beside it at its step follows too.
    steps_left = collections.Counter(d.get("step") for d in out)
    steps_all = collections.Counter(d.get("step") for d in ds)
    alone = [d for d in out if d.get("category") == "ret" and d.get("op") == "kevent"
             and steps_left[d.get("step")] == 1 and steps_all[d.get("step")] > 1]
    if rules is not None:
        rules.update(used)
        rules.update(["expected"] if any(d.get("known") is not None for d in ds) else [])
        rules.update(["count-alone"] if alone else [])
    return [d for d in out if d not in alone]


def first_finding(t):
    """The divergence a program is grouped by: its first unexpected one, but
    for a kevent's count the event divergence at the same step that causes it."""
    u = unexpected(t)
    if not u:
        return None
    if u[0].get("category") == "ret" and u[0].get("op") == "kevent":
        same = [d for d in u[1:] if d.get("step") == u[0].get("step") and d.get("event")]
        if same:
            return same[0]
    return u[0]


def by_name(doc):
    return {Path(t["path"]).name: t for t in doc["traces"]}


def outcomes(doc):
    """The programs that matched with no divergence at all, those that
    diverged only by timing (kqreplay counts those with only expected
    divergences as matched), and in how many of the latter each sorting rule
    (or the expectations: "expected") explained something."""
    exact, timing, rules = 0, 0, collections.Counter()
    for t in by_name(doc).values():
        used = set()
        if t["status"] == "matched" and not t.get("divergences"):
            exact += 1
        elif t["status"] in ("matched", "divergent") and not unexpected(t, used):
            timing += 1
            rules.update(used)
    return {"matched_exactly": exact, "timing_only": timing, "timing_rules": dict(sorted(rules.items()))}


def groups_of(doc):
    groups = collections.OrderedDict()
    for name, t in sorted(by_name(doc).items()):
        first = first_finding(t)
        if t["status"] == "divergent" and first:
            groups.setdefault(signature(first), []).append(name)
    return groups


def split_reproduced(groups, rerun):
    """Splits the groups' programs by their second recording (`rerun`, a diff
    result): a program whose rerun still has an unexplained divergence, or
    that was not recorded again, stays in its group; the others are returned
    as not reproduced."""
    again = by_name(rerun) if rerun else {}
    kept, gone = collections.OrderedDict(), []
    for sig, names in groups.items():
        for name in names:
            t = again.get(name)
            if t is not None and t["status"] in ("matched", "divergent") and not unexpected(t):
                gone.append(name)
            else:
                kept.setdefault(sig, []).append(name)
    return kept, sorted(gone)


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
                          f"campaign-{a.release}-recheck", "recheck")
    rerun = diff(a.kqreplay, out, dialect, expectations) if out.exists() else None
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
                      f"campaign-{a.release}-shrink", f"shrink{p}")
        boots += b
        results = by_name(diff(a.kqreplay, out, dialect, expectations)) if out.exists() else {}
        best = {}
        for name, sig in owner.items():
            t = results.get(name)
            if t is None or sig not in {signature(d) for d in unexpected(t)}:
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
    ap.add_argument("--batch", type=int, default=1000, help="programs per boot")
    ap.add_argument("--build-dir", default=str(kqvm.REPO / "build"))
    ap.add_argument("--dialect", help="the model's profile to diff against (default freebsd-RELEASE)")
    ap.add_argument("--expectations", help="known differences (default tools/vm/expectations/campaign-DIALECT.json)")
    ap.add_argument("--shrink-groups", type=int, default=12, help="shrink one program of at most this many groups")
    ap.add_argument("--shrink-passes", type=int, default=8, help="at most this many shrinking boots")
    ap.add_argument("--skip-record", action="store_true", help="reuse the recordings of a previous run (diff and shrink only)")
    ap.add_argument("--no-recheck", action="store_true",
                    help="do not record the unexplained programs again in a fresh boot before shrinking")
    ap.add_argument("--summary", help="write the result here (JSON)")
    ap.add_argument("--binaries", help="the recorder's folder (as `kqvm.py build` prints) instead of building it")
    a = ap.parse_args()
    global BINARIES
    BINARIES = a.binaries or build(a.build_dir)
    dialect = a.dialect or f"freebsd-{a.release}"
    expectations = Path(a.expectations) if a.expectations else HERE / "expectations" / f"campaign-{dialect}.json"
    work = Path(a.build_dir).resolve() / "vm" / f"campaign-{a.release}-seed{a.seed}"
    out = work / "recorded"
    t0 = time.time()
    if not a.skip_record:
        shutil.rmtree(work, ignore_errors=True)
    programs = generate(a.kqcheck, a.seed, a.count, a.steps, dialect, work / "programs")
    t_gen = time.time() - t0
    (work / "reports").mkdir(parents=True, exist_ok=True)
    t1 = time.time()
    if a.skip_record:
        boots, failed = previous_boots(work / "reports", out, a.release)
    else:
        boots, failed = record(programs, a.release, out, a.batch, a.build_dir, work / "reports",
                               f"campaign-{a.release}", "campaign")
    t_rec = time.time() - t1
    doc = diff(a.kqreplay, out, dialect, expectations)
    groups = groups_of(doc)
    unexplained = sum(len(v) for v in groups.values())
    not_reproduced, recheck_boots = [], 0
    if groups and not a.no_recheck:
        groups, not_reproduced, recheck_boots = recheck(groups, work / "programs", a, work, dialect, expectations)
    t2 = time.time()
    shrunk, shrink_boots, passes = shrink(groups, work / "programs", a, work, dialect, expectations) if groups else ({}, 0, 0)
    result = {"release": a.release, "seed": a.seed, "programs": len(programs), "dialect": dialect,
              "steps_per_program": a.steps, "generator": "kqcheck generate --real-host",
              "expectations": str(expectations) if expectations.is_file() else None,
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
    print(json.dumps(result, indent=2))
    if a.summary:
        Path(a.summary).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
