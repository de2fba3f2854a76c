"""The conversion pool interface: many documents through several converters at once.

Rendering and conversion overlap: the caller submits jobs as it renders them and collects
results as they finish, in any order. ``Pool`` holds what every engine shares (the queue, the
retry rule, the results, the processes to kill); each engine is one subclass that supplies the
worker threads: ``warm.WarmPool`` (LibreOffice kept running, fed through uno),
``batch.BatchPool`` (``soffice --convert-to`` on batches) and ``remote.RemotePool`` (unoserver).
``factory.make_pool`` picks one.
"""

from __future__ import annotations

import queue
import subprocess
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipdocs.conversion.soffice import ProcessGuard, kill_group
from pipdocs.core.errors import ConversionError
from pipdocs.core.limits import DOC_TIMEOUT, THREAD_JOIN_TIMEOUT


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

    #: Which engine this is, for reports: "uno", "cli" or "unoserver".
    engine = ""
    #: Whether workers start local processes (then a guard kills them if pipdocs dies).
    starts_processes = True

    def __init__(self, workers: int, doc_timeout: float = DOC_TIMEOUT) -> None:
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
        self._guard = ProcessGuard()
        self.restarts = 0

    def start(self) -> Pool:
        """Start the worker threads (call from the thread that will shut the pool down)."""
        if self.starts_processes:
            self._guard.start()
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
        """Report ``job`` as failed without converting it (it could not be rendered). Nothing
        is outstanding for it: counting it would keep ``results`` waiting for ever."""
        with self._cond:
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
            thread.join(timeout=THREAD_JOIN_TIMEOUT)
        self._guard.close()

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
        """Remember (or forget) a process group the pool started, so shutdown and the guard
        (which outlives a killed pipdocs) can kill it."""
        (self._guard.add if alive else self._guard.discard)(proc.pid)
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
        """One worker thread's loop: take jobs (``_take``), convert, ``_report``/``_failed``."""
        raise NotImplementedError


