"""Compare two gcovr JSON summaries of model/ line by line (model_coverage.py's report).

`summarise(corpus, generated)` gives one FileCoverage per source file: its
code lines, the lines each summary reached, and its functions with the sum
of both summaries' entry counts. `render(files, sources)` writes the Markdown
report. Only gcovr's JSON format (files -> lines, functions) is read.
"""
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
MAX_STRETCHES_PER_FILE = 60  # keeps a report of a poorly reached file readable

# Files of model/ that are not kernel behaviour: what a trace reaches in them says nothing about
# agreement with a kernel. Their lines are counted in a table of their own.
SUPPORT = {
    "model/kernel_encode.cpp": "the explorer's state encoding",
    "model/invariants.cpp": "invariant checks (their failure branches run only when the model is wrong)",
    "model/mutations.cpp": "deliberate bugs for mutation testing",
    "model/errno_code.cpp": "names",
    "model/kevent_names.cpp": "names",
    "model/aio_names.cpp": "names",
    "model/vfs_names.cpp": "names",
}
# A stretch whose first line says the model stops there is a limit of the model (a call it does
# not model, a call that would block, an assertion), not a behaviour a kernel could confirm.
LIMIT_MARKS = ("unsupported", "not modelled", "blocked(", "assert(")


def _is_name_table(function):
    return "_name(" in function or "_name[" in function


@dataclass
class FileCoverage:
    path: str
    code: set = field(default_factory=set)
    corpus: set = field(default_factory=set)
    generated: set = field(default_factory=set)
    functions: dict = field(default_factory=dict)  # (line, name) -> entries in both summaries

    @property
    def unreached(self):
        return self.code - self.corpus - self.generated

    @property
    def counts(self):
        return {"lines": len(self.code), "corpus": len(self.corpus), "generated": len(self.generated),
                "either": len(self.corpus | self.generated)}


def _add(files, summary, source):
    for f in summary["files"]:
        cov = files.setdefault(f["file"], FileCoverage(f["file"]))
        for line in f["lines"]:
            if line.get("gcovr/noncode") or line.get("gcovr/excluded"):
                continue
            cov.code.add(line["line_number"])
            if line["count"] > 0:
                getattr(cov, source).add(line["line_number"])
        for fn in f.get("functions", []):
            key = (fn["lineno"], fn["name"])
            cov.functions[key] = cov.functions.get(key, 0) + fn["execution_count"]


def summarise(corpus, generated):
    files = {}
    _add(files, corpus, "corpus")
    _add(files, generated, "generated")
    return sorted(files.values(), key=lambda f: (-len(f.unreached), f.path))


def stretches(lines):
    """Runs of consecutive line numbers in `lines`, as (first, last)."""
    runs = []
    for n in sorted(lines):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [tuple(r) for r in runs]


def enclosing(functions, line):
    """The function starting last at or before `line` (None before the first)."""
    best = None
    for start, name in functions:
        if start <= line and (best is None or start > best[0]):
            best = (start, name)
    return best


def _source_line(path, n):
    try:
        text = (REPO / path).read_text().splitlines()
    except OSError:
        return ""
    return text[n - 1] if 0 < n <= len(text) else ""


def _pct(part, whole):
    return f"{100 * part / whole:.0f} %" if whole else "-"


def _table(files):
    out = ["| file | code lines | corpus | generated | either | unreached |", "|---|---|---|---|---|---|"]
    total = {"lines": 0, "corpus": 0, "generated": 0, "either": 0}
    for f in files:
        c = f.counts
        for k in total:
            total[k] += c[k]
        out.append(f"| `{f.path}` | {c['lines']} | {_pct(c['corpus'], c['lines'])} | "
                   f"{_pct(c['generated'], c['lines'])} | {_pct(c['either'], c['lines'])} | {len(f.unreached)} |")
    out.append(f"| all | {total['lines']} | {_pct(total['corpus'], total['lines'])} | "
               f"{_pct(total['generated'], total['lines'])} | {_pct(total['either'], total['lines'])} | "
               f"{total['lines'] - total['either']} |")
    return out


def unreached_stretches(f, source_line=None):
    """(behaviour, limits): the unreached stretches of lines in functions that are entered, as
    (span text, function name, first line's source); a stretch in a function never entered is
    listed with that function instead. `source_line(path, n)` reads a line (default: the repo's)."""
    source_line = source_line or _source_line
    behaviour, limits = [], []
    for first, last in stretches(f.unreached):
        fn = enclosing(f.functions, first)
        if fn is None or f.functions[fn] == 0 or _is_name_table(fn[1]):
            continue
        source = source_line(f.path, first).strip()[:90]
        span = f"{first}" if first == last else f"{first}-{last}"
        (limits if any(m in source for m in LIMIT_MARKS) else behaviour).append((span, fn[1], source))
    return behaviour, limits


def _listed(files, pick):
    out = []
    for f in files:
        rows = [f"- `{f.path}:{span}` in {name}: `{source}`" for span, name, source in pick(f)]
        out += rows[:MAX_STRETCHES_PER_FILE]
        if len(rows) > MAX_STRETCHES_PER_FILE:
            out.append(f"- ... {len(rows) - MAX_STRETCHES_PER_FILE} more in `{f.path}`")
    return out


def render(files, sources):
    behaviour = [f for f in files if f.path not in SUPPORT]
    support = [f for f in files if f.path in SUPPORT]
    out = ["# What the model's code traces checked on real kernels reach", "",
           "Written by `tools/coverage/model_coverage.py` (docs/model-coverage.md explains it). A line no trace",
           "reaches is model behaviour no real kernel has confirmed.", "",
           f"- corpus: {sources['corpus']}", f"- generated: {sources['generated']}", "",
           "## Kernel behaviour", ""] + _table(behaviour)
    out += ["", "## Not kernel behaviour", ""] + _table(support) + [""]
    out += [f"- `{f.path}`: {SUPPORT[f.path]}" for f in support]
    out += ["", "## Functions no trace enters", ""]
    for f in behaviour:
        out += [f"- `{f.path}:{line}` {name}" for (line, name), n in sorted(f.functions.items()) if n == 0]
    out += ["", "## Unreached lines of behaviour, in functions that are entered", ""]
    out += _listed(behaviour, lambda f: unreached_stretches(f)[0])
    out += ["", "## Unreached limits of the model (a call not modelled, a call that would block, an assertion)",
            ""]
    out += _listed(behaviour, lambda f: unreached_stretches(f)[1])
    return "\n".join(out) + "\n"
