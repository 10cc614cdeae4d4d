#!/usr/bin/env python3
"""Every citation in the corpus and the docs resolves to something in this repository.

Checked:
- trace `sources` of kind `observed-real-kernels`: "docs/observed-real-kernels.md ID ..." where
  ID is an observation defined in that file (a table row starting `| ID |`);
- trace `sources` of kind `recording`: a path of a file in the repository;
- anywhere in traces and docs: a mention of `docs/observed-real-kernels.md ID` names a defined
  ID; a path under `traces/` ending in .json exists; nothing points outside the repository
  (`../shared/`, absolute machine paths);
- relative Markdown links in docs/ (subfolders included) and README.md point at existing files,
  and a link's `#anchor` into a Markdown file names one of its headings (GitHub's slugs: lower
  case, punctuation dropped, spaces to hyphens, a repeated heading suffixed -1, -2...).

A recording folder (traces/recorded/<kernel>/) that is absent from this tree as a whole is
reported and tolerated: the recordings are committed separately from the traces citing them.
Usage: check_citations.py REPO_ROOT
"""
import json
import pathlib
import re
import sys
import urllib.parse

OBS_DOC = "docs/observed-real-kernels.md"
OBS_REF = re.compile(r"docs/observed-real-kernels\.md ([A-Z][0-9]+)")
TRACE_PATH = re.compile(r"traces/(?:conformance|regressions|recorded|campaigns|histories|scenarios)/[A-Za-z0-9_./-]+\.json")
OUTSIDE = re.compile(r"\.\./shared/|/wor[k]/|/tmp/bash_[j]obs|/home/[a-z]")
MD_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
MD_ANCHOR = re.compile(r"\]\(([^)#\s]*)#([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"(#{1,6})\s+(.*?)\s*#*\s*$")


def defined_ids(root):
    text = (root / OBS_DOC).read_text()
    return set(re.findall(r"^\| ([A-Z][0-9]+) \|", text, re.M))


def check_path(root, rel, where, errors, pending):
    path = root / rel
    if path.exists():
        return
    parts = pathlib.PurePosixPath(rel).parts
    if len(parts) >= 3 and parts[:2] == ("traces", "recorded") and not (root / "traces/recorded" / parts[2]).exists():
        pending.add(f"traces/recorded/{parts[2]}")
        return
    errors.append(f"{where}: cites {rel}, which is not in the repository")


def check_text(root, text, where, ids, errors, pending):
    for m in OBS_REF.finditer(text):
        if m.group(1) not in ids:
            errors.append(f"{where}: cites {OBS_DOC} {m.group(1)}, which that file does not define")
    for m in TRACE_PATH.finditer(text):
        rel = m.group(0)
        if "*" in rel or "<" in rel or rel.endswith("/...json") or "..." in rel:
            continue
        check_path(root, rel, where, errors, pending)
    for m in OUTSIDE.finditer(text):
        errors.append(f"{where}: points outside the repository ({m.group(0)}...)")


def check_trace(root, path, ids, errors, pending):
    where = str(path.relative_to(root))
    text = path.read_text()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        errors.append(f"{where}: not JSON ({e})")
        return 0
    count = 0
    for source in doc.get("sources", []) if isinstance(doc, dict) else []:
        kind, ref = source.get("kind"), source.get("ref", "")
        if kind == "observed-real-kernels":
            count += 1
            m = re.match(r"docs/observed-real-kernels\.md ([A-Z][0-9]+)\b", ref)
            if not m:
                errors.append(f"{where}: observed-real-kernels source '{ref}' does not name {OBS_DOC} and an id")
            elif m.group(1) not in ids:
                errors.append(f"{where}: cites {OBS_DOC} {m.group(1)}, which that file does not define")
        elif kind == "recording" and ref.startswith("traces/"):
            count += 1
            check_path(root, ref.split()[0], where, errors, pending)
    check_text(root, text, where, ids, errors, pending)
    return count


def heading_slugs(path):
    """The anchors GitHub gives a Markdown file's headings (code blocks skipped)."""
    slugs, seen, fenced = set(), {}, False
    for line in path.read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        m = None if fenced else HEADING.match(line)
        if not m:
            continue
        title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", m.group(2)).lower()
        slug = re.sub(r"[^\w\- ]", "", title).replace(" ", "-")
        repeat = seen.get(slug, 0)
        seen[slug] = repeat + 1
        slugs.add(slug if repeat == 0 else f"{slug}-{repeat}")
    return slugs


def outside_code_blocks(text):
    """The text with fenced code blocks blanked: a link shown as code is no link."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            lines.append("")
            continue
        lines.append("" if fenced else line)
    return "\n".join(lines)


def check_anchors(path, text, where, errors):
    for m in MD_ANCHOR.finditer(outside_code_blocks(text)):
        target, anchor = m.group(1), urllib.parse.unquote(m.group(2))
        if re.match(r"[a-z]+:", target):
            continue
        linked = path if target == "" else path.parent / target
        if linked.suffix == ".md" and linked.exists() and anchor not in heading_slugs(linked):
            errors.append(f"{where}: links to {target}#{anchor}, a heading {linked.name} does not have")


def check_markdown(root, path, ids, errors, pending):
    where = str(path.relative_to(root))
    text = path.read_text()
    check_text(root, text, where, ids, errors, pending)
    for m in MD_LINK.finditer(text):
        target = m.group(1)
        if re.match(r"[a-z]+:", target):
            continue
        if not (path.parent / target).exists():
            errors.append(f"{where}: links to {target}, which does not exist")
    check_anchors(path, text, where, errors)


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    ids = defined_ids(root)
    errors, pending = [], set()
    sources = 0
    traces = [p for p in sorted((root / "traces").rglob("*.json"))
              if "recorded" not in p.relative_to(root / "traces").parts[:1] and "schema" not in p.parts]
    for path in traces:
        sources += check_trace(root, path, ids, errors, pending)
    docs = sorted((root / "docs").rglob("*.md")) + [root / "README.md"]
    for path in docs:
        check_markdown(root, path, ids, errors, pending)
    for folder in sorted(pending):
        print(f"note: {folder}/ is not in this tree yet; citations of recordings in it were not checked")
    errors = sorted(set(errors))
    for e in errors:
        print(e)
    print(f"{len(traces)} traces ({sources} real-kernel citations), {len(docs)} docs checked; "
          f"{len(ids)} observations defined; {len(errors)} unresolved")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
