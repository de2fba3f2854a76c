"""Small helpers shared by several test modules."""

from __future__ import annotations

from pathlib import Path


def soffice_pids(cache: Path) -> list[int]:
    """soffice.bin processes running with a profile under ``cache``."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        if args[0].endswith("soffice.bin") and any(str(cache) in a for a in args):
            pids.append(int(proc.name))
    return pids
