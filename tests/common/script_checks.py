"""What the Python test scripts share: running a command with an expected
exit code, counting the problems, and the verdict line and exit status.

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "common"))
    import script_checks as checks
    checks.run([tool, "diff", path], want=1)
    checks.checked += 1
    sys.exit(checks.finish("documents validated"))
"""
import os
import subprocess

failures = 0
checked = 0


def fail(what):
    global failures
    failures += 1
    print("FAIL", what)


def run(args, want=None, env=None, timeout=300):
    """Runs args (paths allowed); want: an exit code or a tuple of them, None for any."""
    args = [str(a) for a in args]
    p = subprocess.run(args, capture_output=True, env={**os.environ, **(env or {})}, timeout=timeout)
    wanted = want if isinstance(want, tuple) else (want,)
    if want is not None and p.returncode not in wanted:
        fail(f"{' '.join(args)}: exit {p.returncode}, want {want}: {p.stderr.decode(errors='replace')[-400:]}")
    return p


def finish(what):
    """Prints "N WHAT, M problems"; the exit status: 1 on a problem or when nothing was checked."""
    print(f"{checked} {what}, {failures} problems")
    return 1 if failures or checked == 0 else 0
