"""Engine ``uno``: warm LibreOffice workers fed one document at a time.

Each worker thread keeps one ``worker.py`` running (a Python with the ``uno`` module, which
starts and drives its own soffice) and sends it documents as they are rendered, so conversion
starts on the first plan while the next ones render. A worker is recycled after
``recycle_after`` documents to bound LibreOffice's memory; one that hangs for ``doc_timeout``
seconds or crashes is killed and restarted, and its document retried once.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

from pipdocs.conversion.pool import Job, Pool
from pipdocs.conversion.soffice import find_soffice, kill_group, profile_slot
from pipdocs.core.errors import ConversionError
from pipdocs.core.limits import DOC_TIMEOUT, WORKER_START_TIMEOUT, WORKER_STOP_TIMEOUT
from pipdocs.core.settings import current

#: Documents a warm LibreOffice converts before it is restarted (bounds its memory growth).
RECYCLE_AFTER = 200
#: Failed starts in a row after which a worker gives up for good.
START_ATTEMPTS = 3


def uno_python(soffice: str, forced: str | None = None) -> str | None:
    """A Python that can ``import uno`` (for warm workers): ``forced``, else the configured one
    (PIPDOCS_UNO_PYTHON), else LibreOffice's own or the system python3. None when none can."""
    forced = forced or current().uno_python
    candidates = [forced] if forced else [
        str(Path(os.path.realpath(soffice)).parent / "python"), "/usr/bin/python3",
        shutil.which("python3")]
    for cand in candidates:
        if cand and os.access(cand, os.X_OK):
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                if subprocess.run([cand, "-c", "import uno"], capture_output=True,
                                  timeout=60).returncode == 0:
                    return cand
    return None


class WarmWorker:
    """One running ``worker.py`` (and its soffice), spoken to line by line."""

    def __init__(self, proc: subprocess.Popen[bytes], log: IO[bytes], pipe: str) -> None:
        self.proc, self.log, self.buf, self.served = proc, log, b"", 0
        self.pipe = pipe

    def ask(self, line: str | None, timeout: float) -> str | None:
        """Send ``line`` (if any) and return the answer: "dead" if the worker died, None if it
        gave no answer within ``timeout`` seconds."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if line is not None:
            try:
                self.proc.stdin.write(line.encode("utf-8") + b"\n")
                self.proc.stdin.flush()
            except OSError:
                return "dead"
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return "dead"
            self.buf += chunk
        answer, _, self.buf = self.buf.partition(b"\n")
        return answer.decode("utf-8", "replace")

    def last_log_line(self) -> str:
        self.log.seek(0)
        lines = [ln for ln in self.log.read().decode("utf-8", "replace").splitlines()
                 if ln.strip() and "javaldx" not in ln]
        return lines[-1].strip() if lines else ""


class WarmPool(Pool):
    """``workers`` warm LibreOffice processes on this machine, each with its own profile."""

    engine = "uno"

    def __init__(self, workers: int | None = None, doc_timeout: float = DOC_TIMEOUT,
                 recycle_after: int = RECYCLE_AFTER, python: str | None = None) -> None:
        super().__init__(workers or os.cpu_count() or 1, doc_timeout)
        self.soffice = find_soffice()
        found = python or uno_python(self.soffice)
        if not found:
            raise ConversionError("no Python with the uno module for warm LibreOffice workers: "
                                  "apt-get install python3-uno, or set PIPDOCS_LO_ENGINE=cli")
        self.python: str = found
        self.recycle_after = max(1, recycle_after)

    def _start(self, index: int, profile: Path) -> WarmWorker:
        """Start a warm worker; START_ATTEMPTS failed starts in a row stop this worker."""
        helper = Path(__file__).with_name("worker.py")
        why = ""
        for _ in range(START_ATTEMPTS):
            log = tempfile.TemporaryFile()
            pipe = f"pipdocs-{os.getpid()}-{index}-{os.urandom(4).hex()}"
            (profile / ".lock").unlink(missing_ok=True)
            proc = subprocess.Popen(
                [self.python, str(helper), self.soffice, profile.as_uri(), pipe,
                 f"{WORKER_START_TIMEOUT:g}", f"{WORKER_STOP_TIMEOUT:g}", str(os.getpid())],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                start_new_session=True)
            self._track(proc, True)
            warm = WarmWorker(proc, log, pipe)
            answer = warm.ask(None, WORKER_START_TIMEOUT)
            if answer == "ready":
                return warm
            why = warm.last_log_line() or (
                answer or f"no answer in {WORKER_START_TIMEOUT:g} s").removeprefix("dead ")
            self._stop(warm, graceful=False)
        raise ConversionError(f"LibreOffice would not start ({why}); check `soffice --version`")

    def _stop(self, warm: WarmWorker, graceful: bool = True) -> None:
        if graceful and warm.proc.poll() is None:
            with contextlib.suppress(OSError):
                assert warm.proc.stdin is not None
                warm.proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                warm.proc.wait(timeout=WORKER_STOP_TIMEOUT)
        kill_group(warm.proc)
        # a killed soffice leaves its pipe's socket file behind
        for tmp in {tempfile.gettempdir(), "/tmp"}:  # gettempdir() is $TMPDIR when usable
            with contextlib.suppress(OSError):
                (Path(tmp) / f"OSL_PIPE_{os.getuid()}_{warm.pipe}").unlink()
        for stream in (warm.proc.stdin, warm.proc.stdout, warm.log):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        self._track(warm.proc, False)

    def _worker(self, index: int) -> None:
        with profile_slot() as profile:
            warm: WarmWorker | None = None
            try:
                while True:
                    if warm is None:  # started before taking work: overlaps rendering
                        warm = self._start(index, profile)
                    jobs = self._take()
                    if not jobs:
                        break
                    if not self._convert(warm, jobs[0]):
                        self._stop(warm, graceful=False)
                        warm = None
                    elif warm.served >= self.recycle_after:
                        self._stop(warm)
                        warm = None
            finally:
                if warm is not None:
                    self._stop(warm, graceful=not self._stopping)

    def _convert(self, warm: WarmWorker, job: Job) -> bool:
        """Convert one job; False when the worker hung or died (kill and restart it)."""
        answer = warm.ask(f"{os.path.abspath(job.docx)}\t{os.path.abspath(job.pdf)}",
                          self.doc_timeout)
        if answer == "ok" and job.pdf.is_file():
            self._report(job)
            warm.served += 1
            return True
        if answer is not None and answer.startswith("err "):
            self._failed(job, f"LibreOffice could not convert it: {answer[4:]}")
            return True
        self.restarts += 1  # hung (no answer in time) or dead: retry the job once
        self._failed(job, f"LibreOffice hung for {self.doc_timeout:g} s on it"
                     if answer is None else "LibreOffice crashed while converting it")
        return False
