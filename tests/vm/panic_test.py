#!/usr/bin/env python3
"""tools/vm: a kernel panic on the guest's serial console is read into its
message and backtrace (kqvm.parse_panic) and named when it is a known one
(campaign.known_panic, tools/vm/panics/known.json). The console text is the
real one of FreeBSD 15.1's R11 panic, met again by the 15.1 campaign of seed 7
(program 415)."""
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "vm"))
import campaign  # noqa: E402
import kqvm  # noqa: E402

failures = []


def expect(name, got, want):
    if got != want:
        failures.append(f"{name}: {got!r}, expected {want!r}")


console = ROOT / "tests" / "vm" / "data" / "console-panic-soreceive-15.1.txt"
panic = kqvm.parse_panic(console)
expect("parsed", panic, {"message": "page fault",
                         "frames": ["soreceive", "dofileread", "sys_read", "amd64_syscall", "fast_syscall_common"]})
expect("known on 15.1", (campaign.known_panic(panic, "15.1") or {}).get("id"), "R11")
expect("not known on 13.2", campaign.known_panic(panic, "13.2"), None)
other = {"message": "page fault", "frames": ["sowakeup", "soreceive", "dofileread", "sys_read"]}
expect("another place", campaign.known_panic(other, "15.1"), None)
expect("another message", campaign.known_panic(dict(panic, message="general protection fault"), "15.1"), None)
note = campaign.panic_note(panic, "15.1")
expect("note", note.startswith("kernel panic during this program: page fault in soreceive <- dofileread")
       and "known: R11" in note, True)
# R43 (15.1 seed 46, --with-cponfork): kqueue_close inside another kqueue's
# drain at a process's exit; known by its first five frames.
cpf_panic = kqvm.parse_panic(ROOT / "tests" / "vm" / "data" / "console-panic-kqueue-close-cponfork-15.1.txt")
expect("parsed kqueue_close", (cpf_panic or {}).get("frames", [])[:5],
       ["kqueue_close", "_fdrop", "knote_drop_detached", "kqueue_drain", "kqueue_close"])
expect("known R43", (campaign.known_panic(cpf_panic, "15.1") or {}).get("id"), "R43")
expect("a single kqueue_close is not R43",
       campaign.known_panic({"message": "page fault", "frames": ["kqueue_close", "_fdrop", "closef"]}, "15.1"), None)
# The same bug through recv(2) (15.1 seed 15, program 516): its own entry,
# the recvfrom path, with a reproducer of its own.
recv_panic = kqvm.parse_panic(ROOT / "tests" / "vm" / "data" / "console-panic-soreceive-recvfrom-15.1.txt")
expect("parsed recvfrom", (recv_panic or {}).get("frames", [])[:3], ["soreceive", "kern_recvit", "sys_recvfrom"])
expect("recvfrom known on 15.1", (campaign.known_panic(recv_panic, "15.1") or {}).get("reproducer"),
       "shutdown-rd-rcvlowat-recv-panics-15.1.json")
expect("note of an unknown panic", campaign.panic_note(other, "15.1").endswith("not a known panic"), True)
expect("note without a console", campaign.panic_note(None, "15.1").startswith("the VM stopped"), True)
expect("note of a boot cut at its time limit", campaign.panic_note(None, "15.1", "time limit (480 s)"),
       "the VM reached its time limit (480 s) during this program (no panic on the console; a hang? see the console log)")
expect("note of a panic at the time limit", campaign.panic_note(panic, "15.1", "time limit (480 s)") == note, True)

with tempfile.TemporaryDirectory() as tmp:
    quiet = Path(tmp) / "console.log"
    quiet.write_text("Booting...\n@@ all traces ran\n#0 0xffffffff80587e6d at kdb_backtrace+0x5d\n")
    expect("no panic", kqvm.parse_panic(quiet), None)
    expect("no console", kqvm.parse_panic(Path(tmp) / "missing.log"), None)
    twice = Path(tmp) / "twice.log"
    twice.write_text(console.read_text() + "panic: another\n#0 0xffffffff80587e6d at sowakeup+0x5d\n")
    expect("the first backtrace only", kqvm.parse_panic(twice), panic)

# --skip-record names the program a boot died in from the boot's report, as
# the recording run did; the programs after it were recorded by the next boot.
with tempfile.TemporaryDirectory() as tmp:
    reports, out = Path(tmp) / "reports", Path(tmp) / "recorded"
    reports.mkdir()
    out.mkdir()
    (out / "p0.json").write_text("{}")
    (out / "p2.json").write_text("{}")
    (reports / "campaign-boot1.json").write_text(json.dumps({"panic": panic, "traces": [
        {"trace": "p0.json", "status": "exit 0", "recorded": True},
        {"trace": "p1.json", "status": "not run (the VM stopped first)"},
        {"trace": "p2.json", "status": "not run (the VM stopped first)"}]}))
    (reports / "campaign-after1-boot1.json").write_text(json.dumps({"traces": [
        {"trace": "p2.json", "status": "exit 0", "recorded": True}]}))
    boots, failed = campaign.previous_boots(reports, out, "15.1")
    expect("boots of the recording run", boots, 2)
    expect("the program the boot died in", list(failed), ["p1.json"])
    expect("named as known", "known: R11" in failed.get("p1.json", ""), True)

for k in json.loads((ROOT / "tools" / "vm" / "panics" / "known.json").read_text())["panics"]:
    if not (ROOT / "tools" / "vm" / "panics" / k["reproducer"]).is_file():
        failures.append(f"known panic {k['id']}: no reproducer {k['reproducer']}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("panics: all cases as expected")
