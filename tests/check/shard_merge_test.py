#!/usr/bin/env python3
"""kqcheck random --shard I/N, then kqcheck merge, gives the whole campaign's result.

For N = 1, 2 and 7, the N shards' --json results merged are the very document
`kqcheck random --json` prints without --shard: programs, steps, failures,
distinct failures, categories and the shrunk traces - for a campaign that finds
failures in many programs (a seeded model bug, --max-failures 0), for one cut
short by --max-failures (the cut falls inside a shard), for a clean one, and
for a differential one with --known (programs diverging in known behaviours
only counted apart).
The same for a swarm explore in shards (members, figures, violation).
Also: merge refuses a missing shard, a repeated one and shards of another
campaign - another seed, other known behaviours, other options that shape
the programs or results (exit 2), and a bad --shard is refused (exit 2).
Usage: shard_merge_test.py KQCHECK
"""
import json
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "common"))
import script_checks as checks  # noqa: E402
from script_checks import fail  # noqa: E402

kqcheck = sys.argv[1]


def run(args, want):
    return checks.run([kqcheck, *args], want=tuple(want), timeout=600)


def campaign(tmp, args, n, want):
    out = tmp / "failures"  # every run writes the same shrunk traces here
    whole = run(["random", "--json", "--out", out, *args], want)
    whole_doc = json.loads(whole.stdout)
    files = []
    for i in range(n):
        p = run(["random", "--json", "--out", out, "--shard", f"{i}/{n}", *args], want=(0, 1))
        f = tmp / f"shard-{n}-{i}.json"
        f.write_bytes(p.stdout)
        files.append(f)
    merged = run(["merge", "--json", *reversed(files)], want)
    merged_doc = json.loads(merged.stdout)
    checks.checked += 1
    if merged_doc != whole_doc:
        fail(f"{' '.join(args)} in {n} shards: merged {json.dumps(merged_doc['summary'])} "
             f"({len(merged_doc['traces'])} traces), whole {json.dumps(whole_doc['summary'])} ({len(whole_doc['traces'])} traces)")
    text = run(["merge", *files], want)
    if text.stdout.decode().strip() != whole.stderr.decode().strip().splitlines()[-1]:
        fail(f"{' '.join(args)} in {n} shards: merge prints {text.stdout!r}, the campaign's last line is {whole.stderr.decode().splitlines()[-1]!r}")
    return whole_doc, files


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    buggy = ["--seed", "7", "--count", "140", "--mutate", "oneshot-not-deleted", "--max-failures", "0"]
    for n in (1, 2, 7):
        doc, files = campaign(tmp, buggy, n, want=(1,))
    if doc["summary"]["failures"] < 10 or doc["summary"]["distinct"] < 1:
        fail(f"the seeded bug was found in too few programs to test the merge: {doc['summary']}")
    for n in (2, 7):
        doc, _ = campaign(tmp, ["--seed", "7", "--count", "140", "--mutate", "oneshot-not-deleted", "--max-failures", "5"], n, want=(1,))
    if doc["summary"]["failures"] != 5 or doc["summary"]["traces"] >= 140:
        fail(f"--max-failures 5 did not cut the campaign short: {doc['summary']}")
    for n in (1, 7):
        campaign(tmp, ["--seed", "3", "--count", "70"], n, want=(0,))
    # Differential, looking past a known behaviour of the seeded bug: programs
    # that diverge in it alone are counted apart (summary.known_only), also
    # when --max-failures cuts the campaign inside a shard.
    known = tmp / "known.json"
    known.write_text(json.dumps({"notes": [{"behaviour": "missing-event|EVFILT_WRITE", "checked": "the seeded bug"}]}))
    past_known = ["--seed", "7", "--count", "140", "--against", "model", "--mutate", "oneshot-not-deleted", "--known", known]
    for n in (2, 7):
        doc, _ = campaign(tmp, [*past_known, "--max-failures", "0"], n, want=(1,))
    if doc["summary"].get("known_only", 0) < 2 or doc["summary"]["failures"] < 2:
        fail(f"--known: too few programs diverged in the known behaviour only, or past it: {doc['summary']}")
    # Cut at the campaign's second failure (program 60). In 7 shards the
    # cut falls in shard 3, which ran on (its own second failure is 64) past
    # a known-only program (62) the whole campaign never reached: the merge
    # must leave it out.
    for n in (2, 7):
        doc, files = campaign(tmp, [*past_known, "--max-failures", "2"], n, want=(1,))
    cut = doc["summary"]["traces"] - 1
    beyond = [p for f in files for p in json.loads(f.read_text())["summary"]["shard"].get("known_only", []) if p > cut]
    if not beyond:
        fail(f"--known --max-failures 2 in 7 shards: no shard ran past the cut ({cut}) to a known-only program")
    # Shards run with and without the known behaviours are not one campaign.
    plain = tmp / "plain-1.json"
    plain.write_bytes(run(["random", "--json", "--out", tmp / "failures", "--shard", "1/7",
                           *[a for a in past_known if a not in ("--known", known)], "--max-failures", "2"], want=(0, 1)).stdout)
    run(["merge", files[0], files[2], plain, *files[3:]], want=(2,))
    if doc["summary"]["failures"] != 2 or doc["summary"]["traces"] >= 140:
        fail(f"--known --max-failures 2 did not cut the campaign short: {doc['summary']}")

    # A swarm explore in shards: the same members, figures and violation.
    scenario = pathlib.Path(__file__).resolve().parents[2] / "traces/scenarios/three-threads-pipe-and-user.json"
    swarm = ["explore", scenario, "--json", "--swarm", "5", "--swarm-seed", "3", "--max-states", "200"]
    whole = json.loads(run(swarm, want=(5,)).stdout)
    for n in (1, 2):
        swarm_files = []
        for i in range(n):
            f = tmp / f"swarm-{n}-{i}.json"
            f.write_bytes(run([*swarm, "--shard", f"{i}/{n}"], want=(5,)).stdout)
            swarm_files.append(f)
        merged = json.loads(run(["merge", "--json", *swarm_files], want=(5,)).stdout)
        checks.checked += 1
        if n == 1 and merged != whole:
            fail("swarm in 1 shard: merged document differs from the whole run's")
        w, m = whole["summary"]["swarm"], merged["summary"]["swarm"]
        if m["member_results"] != w["member_results"] or merged["traces"] != whole["traces"] or \
                {k: v for k, v in merged["summary"].items() if k != "swarm"} != {k: v for k, v in whole["summary"].items() if k != "swarm"}:
            fail(f"swarm in {n} shards: members or figures differ from the whole run's")
        if n == 2 and (m["covered"] is not None or len(m["covered_by_shard"]) != 2):
            fail(f"swarm in 2 shards: covered {m['covered']}, covered_by_shard {m.get('covered_by_shard')}")

    # Bad merges: one clear error, exit 2.
    run(["merge", swarm_files[0]], want=(2,))  # half a swarm
    run(["merge", *files[:-1]], want=(2,))
    run(["merge", files[0], *files], want=(2,))
    other = tmp / "other.json"
    other.write_bytes(run(["random", "--json", "--seed", "8", "--count", "140", "--shard", "6/7"], want=(0, 1)).stdout)
    run(["merge", *files[:-1], other], want=(2,))
    # The same seed and count with another program-shaping option (steps,
    # a generator switch, the dialect, the full checks) is another campaign too;
    # a switch given as =false is the switch left off.
    last = json.loads(files[-1].read_text())["summary"]["shard"]
    for extra in (["--steps", "51"], ["--with-reopens"], ["--dialect", "freebsd-13.2"], ["--full-checks"]):
        shaped = tmp / "shaped.json"
        shaped.write_bytes(run(["random", *past_known, "--max-failures", "2", "--json", "--out", tmp / "failures",
                                "--shard", f"{last['index']}/{last['count']}", *extra], want=(0, 1)).stdout)
        p = run(["merge", *files[:-1], shaped], want=(2,))
        if b"options are" not in p.stderr:
            fail(f"merge of a shard run with {extra}: {p.stderr!r} does not name the options")
    off = tmp / "off.json"
    off.write_bytes(run(["random", *past_known, "--max-failures", "2", "--json", "--out", tmp / "failures",
                         "--shard", f"{last['index']}/{last['count']}", "--with-reopens=false"], want=(0, 1)).stdout)
    if json.loads(run(["merge", "--json", *files[:-1], off], want=(1,)).stdout) != doc:
        fail("merge with a shard run with --with-reopens=false differs from the campaign without it")
    whole = tmp / "whole.json"
    whole.write_bytes(run(["random", "--json", "--seed", "3", "--count", "5"], want=(0,)).stdout)
    p = run(["merge", whole], want=(2,))
    if b"shard" not in p.stderr:
        fail(f"merge of an unsharded result: {p.stderr!r} does not name the missing shard field")
    for bad in ("2/2", "1/0", "x/3", "1", "-1/2"):
        run(["random", "--count", "5", "--shard", bad], want=(2,))

sys.exit(checks.finish("merged campaigns compared"))
