#!/usr/bin/env python3
"""tools/vm/kqvm.py sizes the guest's root image for the number of traces it
records: a boot of 2,000 campaign programs once ran out of room at program
1,823 (15.1, seed 5, 2026-12-04), the recordings averaging 15.25 KB each, when
the image had a fixed 24 MB of headroom and 6,000 inodes. No VM needed."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "vm"))
import kqvm  # noqa: E402

MB = 1 << 20
OBSERVED_RECORDING_BYTES = 15_616  # 15.25 KiB: 30,424,993 bytes for 1,995 recordings
FILES_PER_RECORDING = 7            # its folder, tmp/, sock/, stderr, out.json, and a little the program leaves

failures = []
content = 9 * MB  # kqrecord, init and a campaign's traces, as in those boots
for n in (1, 200, 1000, 2000, 5000):
    size_mb, inodes = kqvm.image_size(content, n, 24)
    room = size_mb * MB - content
    if room < n * OBSERVED_RECORDING_BYTES + 24 * MB:
        failures.append(f"{n} traces: {room // MB} MB of room, less than the recordings and the headroom need")
    if inodes < n * FILES_PER_RECORDING:
        failures.append(f"{n} traces: {inodes} inodes, fewer than {n * FILES_PER_RECORDING}")
    if n <= 200 and size_mb > 40:
        failures.append(f"{n} traces: a {size_mb} MB image (GRUB copies it slowly under TCG)")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("kqvm image size: room for every recording")
