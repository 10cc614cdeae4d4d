#!/usr/bin/env python3
"""Each seed keeps its programs: kqcheck generate writes, for five option sets
(the defaults, a real-host campaign's every switch, --host-os linux, 13.2 with
--with-extra-calls), the same 40 programs each as the generator of commit
55551d2 wrote them - the hashes below are of that generator's output, taken
before --with-reopens and --with-aio-sigevent-fds were added - and a fifth set
with --with-poll-waits and --with-fixed-ports (session 32). A generator
option is added off by default so that earlier campaigns (docs/vm.md's seeds,
CI's campaign, the committed failures) can be run again; a change that alters
the programs of options already there breaks that promise and this test.

If the trace format's text changed on purpose (a field written differently),
the programs may be the same while the text is not: check with the generator
before the change that the programs are, and take the new hashes from it.
Usage: generator_stability_test.py KQCHECK
"""
import hashlib
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "common"))
import script_checks as checks  # noqa: E402
from script_checks import fail  # noqa: E402

kqcheck = sys.argv[1]
PROGRAMS = 40
SETS = {
    "default": (["--seed", "11"], "628bf651d432572f2590c3b3aaacd3b9274b5234256959e65d3be725596c130a"),
    "campaign": (["--seed", "12", "--steps", "150", "--real-host", "--with-unmount", "--with-extra-calls", "--with-tcp",
                  "--tcp-clients", "4", "--tcp-teardown", "--stable-timers", "--with-cponfork", "--with-process-deaths",
                  "--with-pdfork-deaths", "--with-kevent-corners", "--with-existing-files", "--with-forced-unmounts"],
                 "6056c8619f94139e45cfda001a2a56749250f5c37024dffbc1bc17456a6984f4"),
    "linux": (["--seed", "13", "--steps", "100", "--host-os", "linux"],
              "162a299bc746a9bda73da6cce7896abfc058ac72b4b6bcd35323f79c300cad6e"),
    "freebsd-13.2": (["--seed", "14", "--steps", "100", "--dialect", "freebsd-13.2", "--real-host", "--with-extra-calls"],
                     "0fb754bf3190566b1ec8026b4340fd0774ca5980cdfa6a475a207d6afbbd2cf2"),
    # Session 32's switches, as its last generator wrote them (the 15.1 seed
    # 55 and 13.2 seed 53 campaigns' generator lacked only the settling
    # sleep after a fork that follows a wake timer).
    "poll-waits-fixed-ports": (["--seed", "15", "--steps", "150", "--real-host", "--with-extra-calls", "--with-tcp",
                                "--tcp-clients", "4", "--tcp-teardown", "--with-poll-waits", "--with-fixed-ports"],
                               "33072c6dd92a7038ccb53fa08a4278dafdeb936fd4f6f72714da9c7ec051fad5"),
}

for name, (args, want) in SETS.items():
    h = hashlib.sha256()
    for i in range(PROGRAMS):
        p = subprocess.run([kqcheck, "generate", "--index", str(i), *args], capture_output=True, timeout=60)
        if p.returncode != 0:
            fail(f"{name}: kqcheck generate --index {i} exited {p.returncode}: {p.stderr.decode()[:300]}")
        h.update(p.stdout)
    checks.checked += 1
    if h.hexdigest() != want:
        fail(f"{name}: the {PROGRAMS} programs of `kqcheck generate {' '.join(args)}` are not those of before "
             f"(sha256 {h.hexdigest()}, want {want})")

sys.exit(checks.finish("option sets generate the programs they did"))
