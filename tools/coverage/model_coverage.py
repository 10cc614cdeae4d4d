#!/usr/bin/env python3
"""Which of the model's code the traces checked against real kernels reach.

    tools/coverage/model_coverage.py --build-dir build-cov --out build-cov/coverage [--count 2000] [--seed 1]

Every line of model/ that no trace makes the model execute is behaviour no
real kernel has confirmed. Two sources of traces are checked against real
FreeBSD kernels (docs/vm.md):

- the corpus (traces/conformance and traces/regressions, each in its own
  dialect), which CI records on FreeBSD 13.2 and 15.1 and diffs against the
  model (vm/record-corpus-on-freebsd), and the committed recordings of it
  (traces/recorded/freebsd-RELEASE, each replayed as its release: the paths
  only one release takes);
- generated programs with every option real-kernel campaigns pass
  (tools/vm/campaign.py's SWITCHES, --with-unmount, four TCP clients), and
  with all of them but --with-forced-unmounts (which opens no FIFO), in equal
  parts for each release: the programs such campaigns record and diff.

The build directory must be a coverage build of kqreplay and kqcheck
(`./dev coverage` makes one: gcc --coverage). Each source is run with the
counters zeroed, summarised by gcovr as JSON (corpus.json, generated.json in
--out), and the two are compared line by line in model-coverage.md: per file
the lines each source reaches, then the functions neither enters, then the
unreached stretches of lines with the function they are in. Exit codes: 0
report written, 2 bad command line or not a coverage build, 4 a tool failed.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tools" / "vm"))
from campaign import SWITCHES, generator_flags  # noqa: E402

sys.path.insert(0, str(HERE))
from coverage_report import SUPPORT, render, summarise  # noqa: E402

CORPUS = ["traces/conformance", "traces/regressions"]
RELEASES = ["13.2", "15.1"]


def fail(code, message):
    print(f"model_coverage: {message}", file=sys.stderr)
    sys.exit(code)


def zero_counters(build_dir):
    for f in build_dir.rglob("*.gcda"):
        f.unlink()


def run(cmd, ok=(0,)):
    try:
        r = subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        fail(4, f"{cmd[0]}: {e.strerror}")
    if r.returncode not in ok:
        fail(4, f"{' '.join(map(str, cmd))} exited {r.returncode}: {r.stderr.strip()[-2000:]}")


def gcovr_json(build_dir, dest):
    run(["gcovr", "-r", str(REPO), "--object-directory", str(build_dir), "--filter", "model/",
         "--json", str(dest)])
    return json.loads(dest.read_text())


def run_corpus(build_dir):
    # kqreplay diff exits 1 when a trace diverges; the corpus's divergences are
    # expected ones, and coverage is what is measured here.
    kqreplay = build_dir / "tools/replay/kqreplay"
    run([kqreplay, "diff", *CORPUS], ok=(0, 1))
    for release in RELEASES:
        recorded = REPO / "traces" / "recorded" / f"freebsd-{release}"
        if recorded.is_dir():
            run([kqreplay, "diff", recorded, "--dialect", f"freebsd-{release}"], ok=(0, 1))


def generator_configs():
    """(release, flags) of the generated programs: every option, and every option but
    --with-forced-unmounts, which opens no FIFO (campaigns ran both ways)."""
    every = [flag for flag, _ in SWITCHES]
    fifos = [flag for flag in every if flag != "--with-forced-unmounts"]
    return [(release, generator_flags(True, switches, tcp_clients=4))
            for release in RELEASES for switches in (every, fifos)]


def run_generated(build_dir, seed, count, steps, scratch):
    configs = generator_configs()
    for i, (release, flags) in enumerate(configs):
        run([build_dir / "tools/check/kqcheck", "random", *flags, "--dialect", f"freebsd-{release}",
             "--seed", str(seed), "--count", str(count // len(configs)), "--steps", str(steps),
             "--out", str(scratch / str(i))], ok=(0, 1))
    return configs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", required=True, type=Path, help="a coverage build (./dev coverage)")
    ap.add_argument("--out", required=True, type=Path, help="where the JSON summaries and the report go")
    ap.add_argument("--count", type=int, default=2000, help="generated programs, split between the releases")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=150, help="steps per generated program (campaigns: 150)")
    a = ap.parse_args()
    build_dir = a.build_dir.resolve()
    if not any(build_dir.rglob("*.gcno")):
        fail(2, f"{build_dir} has no .gcno files: not a coverage build (./dev coverage makes one)")
    if a.count < len(generator_configs()):
        fail(2, f"--count {a.count}: at least {len(generator_configs())}, one program per generator configuration")
    a.out.mkdir(parents=True, exist_ok=True)

    zero_counters(build_dir)
    run_corpus(build_dir)
    corpus = gcovr_json(build_dir, a.out / "corpus.json")
    zero_counters(build_dir)
    configs = run_generated(build_dir, a.seed, a.count, a.steps, a.out / "kqcheck-failures")
    generated = gcovr_json(build_dir, a.out / "generated.json")

    files = summarise(corpus, generated)
    sources = {"corpus": " and ".join(CORPUS) + ", and their recordings in traces/recorded/freebsd-13.2 and "
                         "freebsd-15.1 replayed as those releases",
               "generated": f"{a.count} programs of `kqcheck random --seed {a.seed} --steps {a.steps}` in "
                            f"{len(configs)} equal parts: " + "; ".join(
                                f"`--dialect freebsd-{r} {' '.join(flags)}`" for r, flags in configs)}
    (a.out / "model-coverage.md").write_text(render(files, sources))
    behaviour = [f for f in files if f.path not in SUPPORT]
    total = [sum(f.counts[k] for f in behaviour) for k in ("lines", "corpus", "generated", "either")]
    print(f"model/ behaviour: {total[0]} lines; the corpus reaches {total[1]}, generated programs {total[2]}, "
          f"either {total[3]}; report: {a.out / 'model-coverage.md'}")


if __name__ == "__main__":
    main()
