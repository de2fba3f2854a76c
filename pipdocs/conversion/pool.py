"""The conversion pool for bulk: many documents through several LibreOffice workers at once.

Rendering and conversion overlap: the caller submits jobs as it renders them and collects
results as they finish, in any order. Two local engines (see LocalPool) and a remote one
(``pipdocs.conversion.remote``) share the queue and retry logic of ``Pool``.
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import shutil
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipdocs.conversion.soffice import find_soffice, kill_group, profile_slot, run_batch
from pipdocs.core.errors import ConversionError


@dataclass
class Job:
    """One document to convert: ``docx`` (its stem unique in the pool) to ``pdf``."""

    key: str
    docx: Path
    pdf: Path
    attempts: int = 0


@dataclass
class Result:
    """A finished job: ``error`` is empty when the PDF is at ``job.pdf``."""

    job: Job
    error: str = ""


class Pool:
    """Jobs in, results out, in any order; engines supply the worker threads.

    A job whose conversion fails, hangs or crashes its worker is retried once; the second
    failure is reported as that job's error. ``shutdown`` kills every process the pool started.
    """

    def __init__(self, workers: int, doc_timeout: float = 120.0) -> None:
        self.workers = max(1, workers)
        self.doc_timeout = doc_timeout
        self._cond = threading.Condition()
        self._queue: deque[Job] = deque()
        self._closed = False
        self._stopping = False
        self._outstanding = 0
        self._results: queue.Queue[Result] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._procs: set[subprocess.Popen[bytes]] = set()
        self._alive = self.workers
        self._dead = ""
        self.restarts = 0

    def start(self) -> Pool:
        for index in range(self.workers):
            thread = threading.Thread(target=self._guarded, args=(index,), daemon=True,
                                      name=f"pipdocs-convert-{index}")
            thread.start()
            self._threads.append(thread)
        return self

    def __enter__(self) -> Pool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def submit(self, job: Job) -> None:
        with self._cond:
            self._outstanding += 1
            if not self._dead:
                self._queue.append(job)
                self._cond.notify()
                return
        self._report(job, self._dead)

    def reject(self, job: Job, reason: str) -> None:
        """Report ``job`` as failed without converting it (it could not be rendered)."""
        with self._cond:
            self._outstanding += 1
            self._results.put(Result(job, reason))

    @property
    def dead(self) -> str:
        """Why every worker stopped for good, or '' while the pool works."""
        return self._dead

    def close_input(self) -> None:
        """No more jobs: workers finish the queue and stop."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def results(self) -> Iterator[Result]:
        """Yield results until every submitted job is reported (call close_input first)."""
        while True:
            with self._cond:
                if self._closed and self._outstanding == 0 and self._results.empty():
                    return
            try:
                yield self._results.get(timeout=0.2)
            except queue.Empty:
                continue

    def shutdown(self) -> None:
        """Stop the workers: gracefully when all work is done, by killing them otherwise."""
        with self._cond:
            finished = self._closed and self._outstanding == 0
            self._closed = True
            self._stopping = not finished
            self._cond.notify_all()
            procs = [] if finished else list(self._procs)
        for proc in procs:
            kill_group(proc)
        for thread in self._threads:
            thread.join(timeout=30)

    # -- for workers --

    def _take(self, most: int = 1, least: int = 1) -> list[Job]:
        """Block until ``least`` jobs are queued (fewer once input is closed); [] means stop."""
        with self._cond:
            while True:
                if self._stopping:
                    return []
                if self._queue and (len(self._queue) >= least or self._closed):
                    share = -(-len(self._queue) // self.workers)  # leave the others their part
                    count = min(most, len(self._queue), max(least, share))
                    return [self._queue.popleft() for _ in range(count)]
                if self._closed and not self._queue:
                    return []
                self._cond.wait(0.5)

    def _report(self, job: Job, error: str = "") -> None:
        with self._cond:  # queued before the count drops: results() never ends early
            self._results.put(Result(job, error))
            self._outstanding -= 1

    def _failed(self, job: Job, reason: str) -> None:
        """A conversion attempt failed: retry once, then report the error."""
        job.attempts += 1
        if job.attempts >= 2 or self._stopping:
            self._report(job, reason)
            return
        with self._cond:
            self._queue.appendleft(job)
            self._cond.notify()

    def _requeue(self, jobs: Sequence[Job]) -> None:
        """Jobs a failed batch never reached: back to the front, no attempt counted."""
        with self._cond:
            self._queue.extendleft(reversed(jobs))
            self._cond.notify_all()

    def _track(self, proc: subprocess.Popen[bytes], alive: bool) -> None:
        with self._cond:
            (self._procs.add if alive else self._procs.discard)(proc)
            stopping = self._stopping
        if alive and stopping:
            kill_group(proc)

    def _guarded(self, index: int) -> None:
        """Run a worker; when the last one breaks for good, fail what is left, never hang."""
        reason = ""
        try:
            self._worker(index)
        except Exception as exc:  # noqa: BLE001 - turned into per-job errors
            reason = str(exc) if isinstance(exc, ConversionError) else (
                f"conversion worker failed: {type(exc).__name__}: {exc}")
        with self._cond:
            self._alive -= 1
            if self._alive or self._stopping:
                return
            if not reason and not self._queue:
                return  # finished normally
            self._dead = reason or "the conversion workers stopped"
            left = list(self._queue)
            self._queue.clear()
        for job in left:
            self._report(job, self._dead)

    def _worker(self, index: int) -> None:
        raise NotImplementedError


def uno_python(soffice: str) -> str | None:
    """A Python that can ``import uno`` (for warm workers): PIPDOCS_UNO_PYTHON, LibreOffice's
    own, or the system python3. None when there is none."""
    forced = os.environ.get("PIPDOCS_UNO_PYTHON")
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


class _Warm:
    """One running ``worker.py`` (and its soffice), spoken to line by line."""

    def __init__(self, proc: subprocess.Popen[bytes], log: Any, pipe: str) -> None:
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


class LocalPool(Pool):
    """``workers`` LibreOffice processes on this machine, each with its own profile.

    Engine ``uno`` (default when a Python with ``uno`` exists): each worker keeps one soffice
    running and converts document by document as they are rendered, restarting it after
    ``recycle_after`` documents to bound its memory. Engine ``cli``: each worker runs
    ``soffice --convert-to pdf`` on batches of up to ``batch_size`` documents (every batch is
    a fresh process). Either way a document that hangs for ``doc_timeout`` seconds or
    crashes its worker gets the worker killed and restarted and is retried once.
    """

    def __init__(self, workers: int | None = None, doc_timeout: float = 120.0,
                 recycle_after: int = 200, engine: str | None = None,
                 batch_size: int = 50) -> None:
        super().__init__(workers or os.cpu_count() or 1, doc_timeout)
        self.soffice = find_soffice()
        engine = engine or os.environ.get("PIPDOCS_LO_ENGINE") or "auto"
        if engine not in ("auto", "uno", "cli"):
            raise ConversionError(f"unknown LibreOffice engine {engine!r}: use uno or cli")
        self.python = uno_python(self.soffice) if engine != "cli" else None
        if engine == "uno" and not self.python:
            raise ConversionError("no Python with the uno module for warm LibreOffice workers: "
                                  "apt-get install python3-uno, or set PIPDOCS_LO_ENGINE=cli")
        self.engine = "uno" if self.python else "cli"
        self.recycle_after, self.batch_size = max(1, recycle_after), max(1, batch_size)

    def _worker(self, index: int) -> None:
        with profile_slot() as profile:
            if self.engine == "cli":
                self._cli_worker(index, profile)
            else:
                self._uno_worker(index, profile)

    # -- engine uno --

    def _start(self, index: int, profile: Path) -> _Warm:
        """Start a warm worker; three failed starts in a row stop this worker for good."""
        assert self.python is not None
        helper = Path(__file__).with_name("worker.py")
        why = ""
        for _ in range(3):
            log = tempfile.TemporaryFile()
            pipe = f"pipdocs-{os.getpid()}-{index}-{os.urandom(4).hex()}"
            (profile / ".lock").unlink(missing_ok=True)
            proc = subprocess.Popen([self.python, str(helper), self.soffice, profile.as_uri(),
                                     pipe], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=log, start_new_session=True)
            self._track(proc, True)
            warm = _Warm(proc, log, pipe)
            answer = warm.ask(None, 120)
            if answer == "ready":
                return warm
            why = warm.last_log_line() or (answer or "no answer in 120 s").removeprefix("dead ")
            self._stop(warm, graceful=False)
        raise ConversionError(f"LibreOffice would not start ({why}); check `soffice --version`")

    def _stop(self, warm: _Warm, graceful: bool = True) -> None:
        if graceful and warm.proc.poll() is None:
            with contextlib.suppress(OSError):
                assert warm.proc.stdin is not None
                warm.proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                warm.proc.wait(timeout=20)
        kill_group(warm.proc)
        # a killed soffice leaves its pipe's socket file behind
        for tmp in {tempfile.gettempdir(), os.environ.get("TMPDIR") or "/tmp"}:
            with contextlib.suppress(OSError):
                (Path(tmp) / f"OSL_PIPE_{os.getuid()}_{warm.pipe}").unlink()
        for stream in (warm.proc.stdin, warm.proc.stdout, warm.log):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        self._track(warm.proc, False)

    def _uno_worker(self, index: int, profile: Path) -> None:
        warm: _Warm | None = None
        try:
            while True:
                if warm is None:
                    warm = self._start(index, profile)  # before taking work: overlaps rendering
                jobs = self._take()
                if not jobs:
                    break
                job = jobs[0]
                answer = warm.ask(f"{os.path.abspath(job.docx)}\t{os.path.abspath(job.pdf)}",
                                  self.doc_timeout)
                if answer == "ok" and job.pdf.is_file():
                    self._report(job)
                    warm.served += 1
                elif answer is not None and answer.startswith("err "):
                    self._failed(job, f"LibreOffice could not convert it: {answer[4:]}")
                else:  # hung (no answer in time) or dead: kill, restart, retry the job once
                    self._stop(warm, graceful=False)
                    warm = None
                    self.restarts += 1
                    self._failed(job, f"LibreOffice hung for {self.doc_timeout:g} s on it"
                                 if answer is None else "LibreOffice crashed while converting it")
                    continue
                if warm.served >= self.recycle_after:
                    self._stop(warm)
                    warm = None
        finally:
            if warm is not None:
                self._stop(warm, graceful=not self._stopping)

    # -- engine cli --

    def _cli_worker(self, index: int, profile: Path) -> None:
        while jobs := self._take(most=self.batch_size, least=min(8, self.batch_size)):
            by_stem = {job.docx.stem: job for job in jobs}

            def got(doc: Path, pdf: Path, by_stem: dict[str, Job] = by_stem) -> None:
                job = by_stem[doc.stem]
                os.replace(pdf, job.pdf)
                self._report(job)

            with tempfile.TemporaryDirectory(prefix=".pipdocs-batch-",
                                             dir=jobs[0].pdf.parent) as outdir:
                missing, reason = run_batch(self.soffice, profile, [j.docx for j in jobs],
                                            Path(outdir), self.doc_timeout, got, self._track)
            if missing:
                self.restarts += 1
                self._failed(by_stem[missing[0].stem], reason)
                self._requeue([by_stem[d.stem] for d in missing[1:]])
