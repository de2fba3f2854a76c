"""Word -> PDF with LibreOffice, one document (``pipdocs pdf``) or a pool of warm workers (bulk).

Facts this module is built on (measured with LibreOffice 7.4): two soffice processes sharing a
user profile do not run side by side (the second hands its work to the first, or waits), so
every process gets its own profile, cached between runs and claimed with an exclusive lock;
soffice started with ``--convert-to`` and no file never exits, and a call with a few hundred
files silently drops some, so calls are kept small and every expected output is checked;
LibreOffice writes each PDF to a temporary name and renames it, so a PDF that appears in the
output directory is complete. Fonts are embedded by the PDF export's defaults.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pipdocs.core.errors import ConversionError
from pipdocs.core.files import check_output, read_input
from pipdocs.core.limits import SINGLE_DOC_TIMEOUT, WORKER_STOP_TIMEOUT
from pipdocs.core.settings import current

MISSING = ("LibreOffice is not installed: run `make setup` or "
           "apt-get install libreoffice-writer-nogui")
_CANDIDATES = ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
               "/opt/libreoffice/program/soffice",
               "/Applications/LibreOffice.app/Contents/MacOS/soffice")


def find_soffice(forced: str | None = None) -> str:
    """The soffice executable: ``forced``, else the configured one (``PIPDOCS_SOFFICE``), then
    PATH, then the usual install places."""
    forced = forced or current().soffice
    if forced:
        if shutil.which(forced):
            return str(shutil.which(forced))
        raise ConversionError(f"PIPDOCS_SOFFICE={forced} is not an executable; {MISSING}")
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for cand in _CANDIDATES:
        if os.access(cand, os.X_OK):
            return cand
    raise ConversionError(MISSING)


def cache_dir() -> Path:
    """Where LibreOffice profiles are kept: the configured directory (``PIPDOCS_CACHE_DIR``,
    else $XDG_CACHE_HOME/pipdocs) or ~/.cache/pipdocs."""
    return current().profiles()


@contextlib.contextmanager
def profile_slot() -> Iterator[Path]:
    """A LibreOffice user profile no other process uses while we hold it.

    Profiles are reused (creating one costs about a second) and locked with flock, which the
    kernel releases if we die, so a crash never leaves a profile claimed.
    """
    base = cache_dir()
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = base
    except OSError:
        probe = Path(tempfile.gettempdir()) / f"pipdocs-{os.getuid()}"
        probe.mkdir(parents=True, exist_ok=True, mode=0o700)
    for slot in range(256):
        lock_path = probe / f"lo-profile-{slot}.lock"
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        try:
            profile = probe / f"lo-profile-{slot}"
            profile.mkdir(exist_ok=True, mode=0o700)
            (profile / ".lock").unlink(missing_ok=True)  # stale: we hold the only claim
            yield profile
        finally:
            os.close(fd)
        return
    raise ConversionError(f"no free LibreOffice profile slot in {probe}: too many conversions "
                          "running at once; wait for some to finish")


def soffice_command(soffice: str, profile: Path, extra: Sequence[str]) -> list[str]:
    """The soffice command line shared by every mode: headless, own profile, no recovery."""
    return [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
            "--nologo", "--norestore", "--nodefault", "--nolockcheck", *extra]


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill a process started with its own session, and everything it started."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def die_with(pid: int) -> None:
    """In a helper process: end this process as soon as process ``pid`` ends.

    For bulk's preparing helpers, which a fork server starts (so ``pid``, the bulk run, is not
    their parent and PR_SET_PDEATHSIG cannot name it): a daemon thread waits on a pidfd of
    ``pid`` (Linux 5.3+), or polls it where there is none.
    """

    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            os._exit(1)  # already gone
        except (OSError, AttributeError):
            while True:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    os._exit(1)
                except PermissionError:
                    pass
                time.sleep(0.5)
        select.select([fd], [], [])
        os._exit(1)

    threading.Thread(target=watch, name="pipdocs-die-with", daemon=True).start()


class ProcessGuard:
    """A ``guard.py`` child that kills the registered process groups if this process dies.

    ``start`` it from a thread that lives as long as the pool (the main thread): the kernel's
    parent-death signal follows the *thread* that started a process. ``close`` ends it (after
    the pool stopped its processes). A pipdocs killed with SIGKILL runs none of its own cleanup,
    so without the guard its LibreOffice processes would live on, holding memory and profile
    locks.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        with self._lock:
            if self._proc is None and not self._closed:
                script = Path(__file__).with_name("guard.py")
                self._proc = subprocess.Popen(  # own session: Ctrl-C is for pipdocs, not it
                    [sys.executable, "-I", "-S", str(script), str(os.getpid())],
                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, start_new_session=True)

    def _send(self, line: str) -> None:
        with self._lock:
            if self._closed or self._proc is None:
                return
            assert self._proc.stdin is not None
            with contextlib.suppress(OSError):
                self._proc.stdin.write(line.encode() + b"\n")
                self._proc.stdin.flush()

    def add(self, pgid: int) -> None:
        """Kill group ``pgid`` if this process dies before ``discard``."""
        self._send(f"+{pgid}")

    def discard(self, pgid: int) -> None:
        self._send(f"-{pgid}")

    def close(self) -> None:
        """End the guard (it kills whatever is still registered on its way out)."""
        with self._lock:
            self._closed = True
            proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                assert proc.stdin is not None
                proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=WORKER_STOP_TIMEOUT)


def run_batch(soffice: str, profile: Path, docs: Sequence[Path], outdir: Path,
              doc_timeout: float, on_output: Callable[[Path, Path], None] | None = None,
              track: Callable[[subprocess.Popen[bytes], bool], None] | None = None,
              ) -> tuple[list[Path], str]:
    """Convert ``docs`` (distinct stems) into ``outdir`` with one soffice call.

    Calls ``on_output(doc, pdf)`` as each PDF appears. The call is killed when no new PDF
    appears for ``doc_timeout`` seconds. Returns the documents without a PDF and a reason.
    """
    if not docs:
        return [], ""
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = soffice_command(soffice, profile, ["--convert-to", "pdf:writer_pdf_Export",
                                             "--outdir", str(outdir), *map(str, docs)])
    pending = {d.stem + ".pdf": d for d in docs}
    with tempfile.TemporaryFile() as log:
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=log, start_new_session=True)
        except OSError as exc:
            raise ConversionError(f"{MISSING} ({soffice}: {exc.strerror})") from exc
        if track:
            track(proc, True)
        last = time.monotonic()
        reason = ""
        try:
            while pending:
                done = proc.poll() is not None
                for name in [n for n in pending if (outdir / n).exists()]:
                    doc = pending.pop(name)
                    last = time.monotonic()
                    if on_output:
                        on_output(doc, outdir / name)
                if done:
                    break
                if time.monotonic() - last > doc_timeout:
                    reason = f"LibreOffice did not finish a document in {doc_timeout:g} s"
                    break
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                kill_group(proc)
            if track:
                track(proc, False)
        if pending and not reason:
            log.seek(0)
            lines = [ln for ln in log.read().decode("utf-8", "replace").splitlines()
                     if ln.strip() and "javaldx" not in ln]
            code = proc.returncode
            why = f"exit code {code}" if code else "no output"
            reason = f"LibreOffice failed ({why}{': ' + lines[-1].strip() if lines else ''})"
    missing = [d for d in docs if d.stem + ".pdf" in pending]
    return missing, reason


def convert_docx_to_pdf(docx: Path, out_pdf: Path, timeout: float = SINGLE_DOC_TIMEOUT) -> Path:
    """Convert one Word document; ``out_pdf`` is written atomically. Raises ConversionError."""
    docx, out_pdf = Path(docx), Path(out_pdf)
    data = read_input(docx, "Word document")
    parent = check_output(out_pdf)
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix=".pipdocs-convert-", dir=parent) as tmp, \
            profile_slot() as profile:
        # A private copy with a safe name: soffice names the PDF after the input's stem.
        src = Path(tmp) / "in" / "document.docx"
        src.parent.mkdir()
        src.write_bytes(data)
        missing, reason = run_batch(soffice, profile, [src], Path(tmp) / "out", timeout)
        if missing:
            raise ConversionError(f"{docx}: {reason}; check that it opens in Word or "
                                  "LibreOffice, then try again")
        os.replace(Path(tmp) / "out" / "document.pdf", out_pdf)
    return out_pdf
