"""Small helpers shared by several test modules."""

from __future__ import annotations

import time
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


def process_ended(pid: int, within: float = 10.0) -> bool:
    """The process is gone, or a zombie waiting for init to reap it (its orphaned soffice.bin)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


def free_port() -> int:
    """A loopback port free right now (for a CA whose certificates must name its server's URL
    before the server starts)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
