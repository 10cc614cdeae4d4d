#!/usr/bin/env python3
"""kqvm: record kqsim traces on a real FreeBSD kernel booted under QEMU.

    tools/vm/kqvm.py record --kernel KERNEL --out DIR [TRACE_OR_DIR...]
    tools/vm/kqvm.py build                  # only cross-compile the recorder

It cross-compiles kqrecord and the guest's init for FreeBSD with clang and lld
against a FreeBSD sysroot, puts them and the traces on a memory-disk root file
system, boots the kernel under QEMU once for all the traces, and writes each
recording (relative to the trace's corpus folder) under --out, with every
trace's exit status, time and stderr in a report. See docs/vm.md.

Exit codes: 0 every trace recorded; 1 some recorder runs failed (the report says
which and why); 2 bad usage or a missing tool; 3 the VM failed (no boot,
timeout before the end, QEMU error).
"""
import argparse
import base64
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED_FREEBSD = REPO.parent / "shared" / "freebsd"
DEFAULT_SYSROOT = SHARED_FREEBSD / "sysroot-13.2-amd64.tar.xz"
DEFAULT_KERNELS = {"13.2": SHARED_FREEBSD / "kernel-13.2-KQTEST.xz", "15.1": SHARED_FREEBSD / "kernel-15.1-KQTEST.xz"}
GRUB_SOURCE = Path("/usr/lib/grub/i386-pc")
# What the recorder's binary is built from: any change here rebuilds it.
RECORDER_SOURCES = ["CMakeLists.txt", "model", "traces", "sim", "tools/record", "tools/common", "tools/replay/exit_codes.hpp", "tools/vm/cross",
                    "tools/vm/guest", "tools/vm/freebsd-toolchain.cmake"]
SOURCE_SUFFIXES = {".cpp", ".hpp", ".h", ".c", ".txt", ".cmake", ".in"}  # not the corpora under traces/
TOOLS = {  # program -> Debian package
    "qemu-system-x86_64": "qemu-system-x86", "grub-mkrescue": "grub-common", "xorriso": "xorriso",
    "mformat": "mtools", "makefs": "makefs", "clang-14": "clang-14", "clang++-14": "clang-14",
    "ld.lld": "lld", "cmake": "cmake", "xz": "xz-utils", "tar": "tar",
}

EXIT_OK, EXIT_TRACE_FAILED, EXIT_USAGE, EXIT_VM = 0, 1, 2, 3


class VmError(Exception):
    def __init__(self, message, code=EXIT_VM):
        super().__init__(message)
        self.code = code


def log(msg):
    print(f"kqvm: {msg}", file=sys.stderr, flush=True)


def check_tools():
    missing = {p: pkg for p, pkg in TOOLS.items() if shutil.which(p) is None}
    if missing:
        pkgs = " ".join(sorted(set(missing.values())))
        raise VmError(f"missing {', '.join(sorted(missing))}; on Debian: apt-get install {pkgs}", EXIT_USAGE)
    if not (GRUB_SOURCE / "bsd.mod").is_file():
        raise VmError(f"no GRUB i386-pc modules in {GRUB_SOURCE}; on Debian: apt-get install grub-pc-bin", EXIT_USAGE)


def file_key(path):
    """A cache key for an input file: its path, size and modification time."""
    st = path.stat()
    return hashlib.sha256(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:16]


def tree_hash(paths):
    h = hashlib.sha256()
    for rel in paths:
        p = REPO / rel
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in SOURCE_SUFFIXES) if p.is_dir() else [p]
        for f in files:
            h.update(str(f.relative_to(REPO)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if r.returncode != 0:
        tail = "\n".join(r.stdout.splitlines()[-30:])
        raise VmError(f"{' '.join(str(c) for c in cmd[:3])} ... failed ({r.returncode}):\n{tail}", EXIT_VM)
    return r.stdout


# --- sysroot, recorder -------------------------------------------------------

@contextlib.contextmanager
def cache_lock(cache):
    """Held while the cache's shared parts (sysroot, header folder, recorder,
    kernels, GRUB's modules) are checked and made: two runs started at once
    on a fresh build folder (a campaign on each release) would otherwise
    make them over each other. Released before the boot."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".prepare.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def prepare_sysroot(spec, cache):
    """A sysroot folder: given as one, or extracted once from a tarball (the
    project's sysroot-*.tar.xz, or a FreeBSD release's base.txz)."""
    spec = Path(spec)
    if spec.is_dir():
        return spec.resolve()
    if not spec.is_file():
        raise VmError(f"no sysroot at {spec} (a folder or a .tar.xz/.txz)", EXIT_USAGE)
    dest = cache / f"sysroot-{file_key(spec)}"
    if not (dest / ".complete").exists():
        log(f"extracting sysroot {spec} ...")
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        # From a release's base.txz only headers and libraries are needed.
        members = ["./usr/include", "./usr/lib", "./lib"] if spec.name == "base.txz" else []
        run(["tar", "-xJf", str(spec), "-C", str(dest)] + members)
        (dest / ".complete").touch()
    return dest


HEADER_ONLY_DEPS = (("nlohmann", "nlohmann-json3-dev"), ("CLI", "libcli11-dev"), ("fmt", "libfmt-dev"),
                    ("rapidjson", "rapidjson-dev"))


def header_only_deps(cache):
    """nlohmann-json, CLI11, fmt and RapidJSON headers in a private folder:
    the cross compiler must never see Linux's /usr/include."""
    dest = cache / "deps-include"
    complete = (dest / ".complete").exists() and all((dest / name).is_dir() for name, _ in HEADER_ONLY_DEPS)
    if not complete:
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        for name, pkg in HEADER_ONLY_DEPS:
            src = Path("/usr/include") / name
            if not src.is_dir():
                raise VmError(f"no {src}; on Debian: apt-get install {pkg}", EXIT_USAGE)
            shutil.copytree(src, dest / name)
        (dest / ".complete").touch()
    return dest


def build_recorder(sysroot, cache, jobs):
    """kqrecord and kqvm-init for FreeBSD, cached by the hash of their sources."""
    key = tree_hash(RECORDER_SOURCES) + "-" + hashlib.sha256(str(sysroot).encode()).hexdigest()[:8]
    out = cache / "bin" / key
    if (out / "kqrecord").is_file() and (out / "init").is_file():
        log(f"recorder {key} is cached")
        return out
    deps = header_only_deps(cache)
    bdir = cache / f"cross-{hashlib.sha256(str(sysroot).encode()).hexdigest()[:8]}"
    log(f"cross-compiling kqrecord for FreeBSD into {bdir} (several minutes the first time) ...")
    t0 = time.time()
    run(["cmake", "-S", str(REPO / "tools/vm/cross"), "-B", str(bdir), "-DCMAKE_BUILD_TYPE=Release",
         f"-DCMAKE_TOOLCHAIN_FILE={REPO / 'tools/vm/freebsd-toolchain.cmake'}", f"-DCMAKE_SYSROOT={sysroot}",
         f"-DKQVM_DEPS_INCLUDE={deps}"])
    run(["cmake", "--build", str(bdir), "-j", str(jobs), "--target", "kqrecord", "kqvm-init"])
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy2(bdir / "record" / "kqrecord", out / "kqrecord")
    shutil.copy2(bdir / "kqvm-init", out / "init")
    strip = shutil.which("llvm-strip-14") or shutil.which("strip")
    if strip:  # a smaller root image boots faster
        run([strip, str(out / "kqrecord"), str(out / "init")])
    log(f"recorder built in {time.time() - t0:.0f} s")
    return out


# --- kernel, boot loader, image ---------------------------------------------

def prepare_kernel(spec, cache):
    """An ELF kernel file: given as one, xz-compressed, or inside a release's kernel.txz."""
    spec = Path(spec)
    if not spec.is_file():
        raise VmError(f"no kernel at {spec}", EXIT_USAGE)
    dest = cache / f"kernel-{file_key(spec)}"
    if dest.is_file():
        return dest
    tmp = dest.with_suffix(".part")
    try:
        unpack_kernel(spec, cache, tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if tmp.read_bytes()[:4] != b"\x7fELF":
        tmp.unlink()
        raise VmError(f"{spec} is not a kernel (no ELF file inside)", EXIT_USAGE)
    tmp.rename(dest)
    return dest


def unpack_kernel(spec, cache, tmp):
    if spec.name.endswith(".txz") or spec.name.endswith(".tar.xz"):
        xdir = cache / "kernel-txz"
        shutil.rmtree(xdir, ignore_errors=True)
        xdir.mkdir(parents=True)
        run(["tar", "-xJf", str(spec), "-C", str(xdir), "./boot/kernel/kernel"])
        shutil.move(xdir / "boot/kernel/kernel", tmp)
        shutil.rmtree(xdir)
    elif spec.suffix == ".xz":
        with open(tmp, "wb") as f:
            subprocess.run(["xz", "-dc", str(spec)], stdout=f, check=True)
    else:
        shutil.copy2(spec, tmp)


def patched_grub(cache):
    """Debian's i386-pc GRUB modules with the two patches FreeBSD kernels need
    under QEMU (found by hand, see docs/vm.md): relocator.mod's byte 0x3AD from
    0x00 to 0x04 (without it the kernel never starts) and bsd.mod accepting an
    amd64 kernel as "elf kernel" (needed from FreeBSD 14 on)."""
    dest = cache / "grub-i386-pc"
    if (dest / ".complete").exists():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(GRUB_SOURCE, dest)
    reloc = bytearray((dest / "relocator.mod").read_bytes())
    bsd = bytearray((dest / "bsd.mod").read_bytes())
    at = bsd.find(b"elf64 kernel\0")
    if len(reloc) <= 0x3AD or reloc[0x3AD] != 0x00 or at < 0:
        raise VmError("this GRUB's modules are not the ones the patches were made for "
                      "(grub-pc-bin 2.06-13+deb12u2); see docs/vm.md", EXIT_USAGE)
    reloc[0x3AD] = 0x04
    bsd[at:at + 13] = b"elf kernel\0\0\0"
    (dest / "relocator.mod").write_bytes(bytes(reloc))
    (dest / "bsd.mod").write_bytes(bytes(bsd))
    (dest / ".complete").touch()
    return dest


def corpus_name(trace):
    """Where a trace's recording goes under --out: its path below traces/ when
    it is in the repo's corpus, else its file name."""
    p = trace.resolve()
    try:
        return str(p.relative_to(REPO / "traces"))
    except ValueError:
        return p.name


def collect_traces(args):
    out = []
    for a in args:
        p = Path(a)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*.json") if f.is_file())
        elif p.is_file():
            out.append(p)
        else:
            raise VmError(f"no trace or folder {a}", EXIT_USAGE)
    names = [corpus_name(t) for t in out]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise VmError(f"two traces would be recorded as {sorted(dup)[0]}", EXIT_USAGE)
    return list(zip(out, names))


def dir_bytes(d):
    return sum(f.stat().st_size for f in d.rglob("*") if f.is_file())


# What one recording leaves on the root image: its folder with tmp/ and
# sock/, stderr and out.json (15 KB on average in the campaigns of
# 2026-12-04; a 2,000-program boot ran out of room at program 1,823 when the
# room did not grow with the number of traces).
RECORDING_KB = 32
RECORDING_INODES = 10


def image_size(content_bytes, n_traces, headroom_mb):
    """The root image's size in MB and its inode count: the content plus
    room for each recording and `headroom_mb` more. GRUB copies the whole
    image into memory, slowly under TCG (about 0.2 s per MB), so no bigger."""
    size_mb = content_bytes // (1 << 20) + headroom_mb + (n_traces * RECORDING_KB + 1023) // 1024
    return size_mb, 6000 + n_traces * RECORDING_INODES


# A trace that unmounts its file system gets one of its own: a blank UFS1
# image (makefs's UFS2 images failed to mount here with ENOENT) the loader
# preloads as a memory disk (md1, after the root's md0). kqvm-init writes the
# blank image (a copy on the root, /kq/fs.img) over the disk again before each
# such trace and mounts it where the recorder runs the program, so any number
# of traces in a boot get a fresh one (a campaign of 2,000 programs made with
# --with-unmount has some 60).
TRACE_FS_MB = 4
TRACE_FS_DISK = "md1"


def vm_budget_s(traces):
    """The whole boot's time limit for collect_traces' (path, name) pairs:
    three minutes for the boot itself and 2 s for every 100 steps of each
    trace (at least 2 s a trace). A flat 2 s a trace cut 13.2's run of 175
    300-step programs short at 530 s (campaign 13.2 seed 44): longer programs
    take longer."""
    total = 180
    for trace, _ in traces:
        try:
            steps = json.loads(Path(trace).read_text()).get("steps", [])
        except (OSError, ValueError, AttributeError):
            steps = []
        total += max(2, 2 * len(steps) // 100) if isinstance(steps, list) else 2
    return total


def unmounts(trace):
    """Whether the trace has an unmount step (it needs a mount point of its own)."""
    try:
        steps = json.loads(Path(trace).read_text()).get("steps", [])
    except (OSError, ValueError, AttributeError):
        return False  # the recorder reports what is wrong with it
    return isinstance(steps, list) and any(isinstance(s, dict) and s.get("op") == "unmount" for s in steps)


def make_trace_fs_image(iso, root):
    """The blank image: preloaded from the ISO, and its pristine copy on the root."""
    empty = iso / "fs-empty"
    empty.mkdir()
    run(["makefs", "-t", "ffs", "-o", "version=1", "-s", f"{TRACE_FS_MB}m", "-f", "256",
         str(iso / "boot/fs1.img"), str(empty)])
    empty.rmdir()
    shutil.copy2(iso / "boot/fs1.img", root / "kq/fs.img")


def build_image(work, bins, kernel, grub, traces, limit_s, step_timeout_ms, headroom_mb):
    root = work / "root"
    shutil.rmtree(root, ignore_errors=True)
    for d in ("sbin", "dev", "tmp", "kq/traces"):
        (root / d).mkdir(parents=True)
    shutil.copy2(bins / "init", root / "sbin/init")
    shutil.copy2(bins / "kqrecord", root / "kq/kqrecord")
    iso = work / "iso"
    shutil.rmtree(iso, ignore_errors=True)
    (iso / "boot/grub").mkdir(parents=True)
    own_fs = {i for i, (trace, _) in enumerate(traces) if unmounts(trace)}
    if own_fs:
        make_trace_fs_image(iso, root)
    lines = [f"{limit_s} {step_timeout_ms}"]
    for i, (trace, name) in enumerate(traces):
        # Under its corpus name, so the recorder's messages name the trace.
        (root / "kq/traces" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(trace, root / "kq/traces" / name)
        lines.append(f"t{i:04d} {name} {TRACE_FS_DISK}" if i in own_fs else f"t{i:04d} {name}")
    (root / "kq/manifest").write_text("\n".join(lines) + "\n")
    size_mb, inodes = image_size(dir_bytes(root), len(traces), headroom_mb)
    run(["makefs", "-t", "ffs", "-o", "version=1", "-s", f"{size_mb}m", "-f", str(inodes),
         str(iso / "boot/root.img"), str(root)])
    shutil.copy2(kernel, iso / "boot/kernel")
    # Seeds the kernel's random device as loader(8) does from /boot/entropy:
    # unseeded, the first arc4random (mkdtemp in the first recording) waits ~10 s.
    (iso / "boot/entropy").write_bytes(os.urandom(4096))
    (iso / "boot/grub/grub.cfg").write_text(
        "serial --speed=115200 --unit=0\nterminal_input serial\nterminal_output serial\n"
        "set timeout=0\n"
        "kfreebsd /boot/kernel -h\nkfreebsd_module /boot/root.img type=mfs_root\n"
        + ("kfreebsd_module /boot/fs1.img type=md_image\n" if own_fs else "")
        + "kfreebsd_module /boot/entropy type=boot_entropy_cache\n"
        "set kFreeBSD.vfs.root.mountfrom=ufs:/dev/md0\nboot\n")
    run(["grub-mkrescue", "-d", str(grub), "-o", str(work / "boot.iso"), str(iso)])
    return work / "boot.iso", size_mb


# --- boot and collect ---------------------------------------------------------

def boot(work, iso, timeout_s, memory_mb, cpus):
    console, data = work / "console.log", work / "data.log"
    for f in (console, data):
        f.unlink(missing_ok=True)
    cmd = ["qemu-system-x86_64", "-m", str(memory_mb), "-smp", str(cpus), "-display", "none",
           "-no-reboot", "-monitor", "none", "-cdrom", str(iso), "-boot", "d",
           "-serial", f"file:{console}", "-serial", f"file:{data}"]
    t0 = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        return None, time.time() - t0, out
    return proc.returncode, time.time() - t0, out


def tail(path, n=25):
    try:
        text = path.read_text(errors="replace").replace("\r", "")
    except FileNotFoundError:
        return "(no serial output at all)"
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)  # GRUB's terminal escapes
    lines = [l for l in text.splitlines() if l.strip()]
    return "\n".join("    " + l for l in lines[-n:])


# Frames of the kernel's own panic and trap handling, the same in every
# backtrace; what is left says where the kernel died.
PANIC_MACHINERY = {"kdb_backtrace", "vpanic", "panic", "trap", "trap_pfault", "trap_fatal", "calltrap",
                   "dblfault_handler", "Xdblfault"}


def parse_panic(console):
    """The panic the serial console shows, or None: its message and the
    functions of its backtrace (`KDB: stack backtrace`), innermost first,
    without the panic machinery."""
    try:
        text = console.read_text(errors="replace").replace("\r", "")
    except FileNotFoundError:
        return None
    message, frames, in_trace = None, [], False
    for line in text.splitlines():
        m = re.match(r"\s*panic: (.*\S)", line)
        if m and message is None:
            message = m.group(1)
        m = re.match(r"\s*#\d+ 0x[0-9a-f]+ at ([A-Za-z_][A-Za-z0-9_.]*)\+0x[0-9a-f]+", line)
        if m and message is not None:
            in_trace = True
            if m.group(1) not in PANIC_MACHINERY:
                frames.append(m.group(1))
        elif in_trace:
            break  # the first backtrace only
    return {"message": message, "frames": frames} if message else None


def parse_records(data_log):
    """The records kqvm-init sent on the data port: {id: {...}}, the kernel's
    uname line, and whether the run reached its end."""
    text = data_log.read_text(errors="replace").replace("\r", "") if data_log.exists() else ""
    records, hello, done = {}, None, False
    cur, part = None, None
    for line in text.split("\n"):
        if line.startswith("@@KQVM HELLO "):
            hello = line[len("@@KQVM HELLO "):]
        elif line.startswith("@@KQVM WARN "):  # the guest's setup failed (lo0): say so before the traces' errors
            log(f"guest: {line[len('@@KQVM WARN '):]}")
        elif line == "@@KQVM DONE":
            done = True
        elif m := re.match(r"@@KQVM BEGIN (\S+) ms=(\d+) status=(.*)$", line):
            cur = {"ms": int(m.group(2)), "status": m.group(3), "out": [], "err": []}
            records[m.group(1)] = cur
        elif m := re.match(r"@@KQVM (OUT|ERR) (-?\d+)$", line):
            part = m.group(1).lower()
            cur[part + "_size"] = int(m.group(2))
        elif line.startswith("@@KQVM END "):
            cur["complete"] = True
            cur, part = None, None
        elif cur is not None and part is not None and line:
            cur[part].append(line)
    for r in records.values():
        for part in ("out", "err"):
            try:
                blob = base64.b64decode("".join(r[part]), validate=True)
            except ValueError:
                blob = None
            if blob is not None and r.get(part + "_size", -1) >= 0 and len(blob) != r[part + "_size"]:
                blob = None
            r[part] = blob
    return records, hello, done


def record(args):
    check_tools()
    cache = Path(args.build_dir).resolve() / "vm"
    cache.mkdir(parents=True, exist_ok=True)
    traces = collect_traces(args.traces or [REPO / "traces/conformance", REPO / "traces/regressions"])
    if not traces:
        raise VmError("no traces to record", EXIT_USAGE)
    if args.binaries:  # fixed for a campaign's boots, whatever the sources become meanwhile
        bins = Path(args.binaries)
        if not (bins / "kqrecord").is_file() or not (bins / "init").is_file():
            raise VmError(f"no kqrecord and init in {bins} (the folder `kqvm.py build` prints)", EXIT_USAGE)
    else:
        with cache_lock(cache):
            bins = build_recorder(prepare_sysroot(args.sysroot, cache), cache, args.jobs)
    with cache_lock(cache):
        kernel = prepare_kernel(args.kernel, cache)
        grub = patched_grub(cache)
    # Runs on one kernel share a folder unless named apart (campaign passes).
    work = cache / (f"run-{args.run_name}" if args.run_name else f"run-{file_key(Path(args.kernel))}")
    work.mkdir(parents=True, exist_ok=True)
    iso, size_mb = build_image(work, bins, kernel, grub, traces, args.trace_limit, args.step_timeout_ms,
                               args.headroom_mb)
    timeout_s = args.timeout or vm_budget_s(traces)
    log(f"booting {args.kernel} with {len(traces)} traces ({size_mb} MB root; at most {timeout_s} s) ...")
    rc, secs, qemu_out = boot(work, iso, timeout_s, args.memory_mb, args.cpus)
    # The image is made anew for every boot: only the logs are worth keeping
    # (a campaign's run folders would otherwise keep ~90 MB each).
    shutil.rmtree(work / "iso", ignore_errors=True)
    shutil.rmtree(work / "root", ignore_errors=True)
    iso.unlink(missing_ok=True)
    records, hello, done = parse_records(work / "data.log")
    console = work / "console.log"
    if hello is None:
        why = "QEMU failed" if rc not in (None, 0) else (
            f"no sign of init after {secs:.0f} s (timeout)" if rc is None else "the VM stopped before init ran")
        raise VmError(f"the kernel did not boot to kqvm-init: {why}.\n{qemu_out.strip()}\n"
                      f"  serial console ({console}), last lines:\n{tail(console)}")
    log(f"{hello}: {len(records)} of {len(traces)} traces ran, VM up {secs:.0f} s")

    out_dir = Path(args.out)
    report = {"kernel": hello, "kernel_file": str(args.kernel), "boot_seconds": round(secs, 1),
              "root_image_mb": size_mb, "traces": []}
    failed = 0
    for i, (trace, name) in enumerate(traces):
        r = records.get(f"t{i:04d}")
        entry = {"trace": name}
        if r is None or not r.get("complete"):
            entry["status"] = "not run (the VM stopped first)" if r is None else "cut off (the VM stopped)"
        else:
            entry.update(status=r["status"], ms=r["ms"])
            if r["err"]:
                entry["stderr"] = r["err"].decode(errors="replace")
            if r["out"] is None or r["err"] is None:
                entry["status"] += "; transfer corrupted"
            elif r["out_size"] >= 0:
                dest = out_dir / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(r["out"])
                entry["recorded"] = True
        if not entry.get("recorded"):
            failed += 1
        report["traces"].append(entry)
        if entry["status"] != "exit 0" or not entry.get("recorded"):
            first = (entry.get("stderr") or "").strip().splitlines()[:1]
            log(f"  {name}: {entry['status']}{' - ' + first[0] if first else ''}")
    if not done:
        report["panic"] = parse_panic(console)
        # Why QEMU ended: a boot cut at its time limit did not crash.
        report["stop"] = f"time limit ({timeout_s} s)" if rc is None else f"QEMU exit {rc}"
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(json.dumps(report, indent=2) + "\n")
    log(f"{len(traces) - failed} of {len(traces)} recorded into {out_dir}")
    if not done:
        raise VmError(f"the VM stopped before the last trace ({'timeout' if rc is None else f'QEMU exit {rc}'})"
                      f"; serial console, last lines:\n{tail(console)}")
    return EXIT_TRACE_FAILED if failed else EXIT_OK


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("record", "build"):
        p = sub.add_parser(name)
        p.add_argument("--sysroot", default=str(DEFAULT_SYSROOT),
                       help="FreeBSD sysroot: a folder, a .tar.xz of one, or a release's base.txz")
        p.add_argument("--build-dir", default=str(REPO / "build"), help="caches go in BUILD_DIR/vm")
        p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    rec = sub.choices["record"]
    rec.add_argument("--kernel", default=str(DEFAULT_KERNELS["15.1"]),
                     help="FreeBSD amd64 kernel: ELF file, .xz of one, or a release's kernel.txz")
    rec.add_argument("--out", required=True, help="folder for the recordings")
    rec.add_argument("--report", help="write each trace's status, time and stderr here (JSON)")
    rec.add_argument("--trace-limit", type=int, default=60, help="seconds one trace may take in the guest")
    rec.add_argument("--step-timeout-ms", type=int, default=8000, help="kqrecord --step-timeout-ms")
    rec.add_argument("--timeout", type=int, default=0, help="hard limit for the whole VM run, seconds (default: 180 + 2 per 100 steps of each trace, at least 2 a trace)")
    rec.add_argument("--memory-mb", type=int, default=2048)
    rec.add_argument("--cpus", type=int, default=2)
    rec.add_argument("--binaries", help="use the kqrecord and init in this folder (as `build` prints) instead of building")
    rec.add_argument("--run-name", help="work folder BUILD_DIR/vm/run-NAME (default: one per kernel file)")
    rec.add_argument("--headroom-mb", type=int, default=24, help="free space on the root image beyond the room each recording gets")
    rec.add_argument("traces", nargs="*", help="traces or folders (default: conformance and regressions)")
    args = ap.parse_args()
    try:
        if args.cmd == "build":
            check_tools()
            cache = Path(args.build_dir).resolve() / "vm"
            cache.mkdir(parents=True, exist_ok=True)
            with cache_lock(cache):
                print(build_recorder(prepare_sysroot(args.sysroot, cache), cache, args.jobs))
            return EXIT_OK
        return record(args)
    except VmError as e:
        log(str(e))
        return e.code
    except KeyboardInterrupt:
        return EXIT_VM


if __name__ == "__main__":
    sys.exit(main())
