"""The document factory's batch form: many documents through one conversion pool.

A renderer thread takes the items (a lazy iterator: the caller's per-document checks run in
that thread too) and writes each Word document to a private work directory, with what
finishing it needs (``<key>.json``: plan, signers, record, title), submitting it to the pool at
once, so LibreOffice starts on the first document while the next ones render. The calling
thread takes converted PDFs as they come and hands each to a preparing process (forked from a
fork server with pyHanko loaded), which finishes it exactly as :func:`make_document` does and
writes it atomically. What a document needs waits on disk, never in memory, beyond the few in
flight. Each document's outcome goes to ``done`` as it is known.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipdocs.core.errors import PipdocsError
from pipdocs.core.settings import Settings, configure, current
from pipdocs.document.factory import Blueprint, Seal, finish_file, write_docx

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from pipdocs.conversion.pool import Pool, Result
    from pipdocs.core.policy import Policy

#: Imported once by the fork server, so each helper starts with them loaded (pyHanko, pypdf).
HELPER_PRELOAD = ["pipdocs.document.factory", "pipdocs.document.prepare"]


@dataclass(frozen=True)
class PrepareTerms:
    """What every prepared document follows: the policy (by its file, so the preparing
    processes read the same one) and the organisation's sealer, if documents are sealed."""

    policy_path: str | None = None
    seal: Seal | None = None

    @classmethod
    def of(cls, policy: Policy | None, seal: Seal | None) -> PrepareTerms:
        return cls(policy.source or None if policy else None, seal)

    def policy(self) -> Policy | None:
        from pipdocs.core.policy import load_policy

        return load_policy(self.policy_path) if self.policy_path else None


@dataclass(frozen=True)
class Item:
    """One document of a batch: ``key`` (unique in the batch, a file-name stem), what to make,
    or why it cannot be made (a message), where to write it; ``note`` comes back with its
    outcome (a warning for the user)."""

    key: str
    what: Blueprint | str
    out: Path
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    """What became of one item: ``step`` is "" when it was made, else where it failed:
    "refused" (the item's own message), "render", "convert" or "prepare"."""

    key: str
    out: Path
    step: str = ""
    message: str = ""
    note: str = ""

    @property
    def ok(self) -> bool:
        return not self.step


@dataclass
class _Flight:
    """Shared by the renderer thread and the caller: what is in flight, and how it failed."""

    items: dict[str, tuple[Path, str]] = field(default_factory=dict)  # key -> (out, note)
    failed: dict[str, tuple[str, str]] = field(default_factory=dict)
    errors: list[BaseException] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


def make_batch(items: Iterable[Item], pool: Pool, work: Path, done: Callable[[Outcome], None],
               *, terms: PrepareTerms | None = None, templates_dir: Path | None = None,
               expected: int = 0, helpers: bool = True) -> None:
    """Make every item through the started ``pool`` (see the module docstring); ``work`` is a
    private directory for intermediate files; ``expected``: how many items (fewer preparing
    processes for a few). ``helpers=False`` finishes in this thread instead: for a caller
    whose process has pyHanko loaded already and few documents, starting the preparing
    processes costs more than it saves. The pool is shut down on return."""
    flight = _Flight()
    renderer = threading.Thread(target=_render, name="pipdocs-render", daemon=True,
                                args=(items, pool, work, flight, templates_dir))
    try:
        renderer.start()
        count = max(1, min(os.cpu_count() or 1, expected or os.cpu_count() or 1))
        _collect(pool, work, flight, done, terms or PrepareTerms(), count if helpers else 0)
        if flight.errors:
            raise flight.errors[0]
    finally:
        flight.stop.set()
        pool.shutdown()
        renderer.join(timeout=60)


def _render(items: Iterable[Item], pool: Pool, work: Path, flight: _Flight,
            templates_dir: Path | None) -> None:
    """Renderer thread: each item's Word document and finishing data, submitted at once."""
    from pipdocs.conversion.pool import Job

    try:
        for item in items:
            if flight.stop.is_set():
                return
            job = Job(item.key, work / f"{item.key}.docx", work / f"{item.key}.pdf")
            flight.items[item.key] = (item.out, item.note)  # not the plan: it waits on disk
            if isinstance(item.what, str):
                flight.failed[item.key] = ("refused", item.what)
                pool.reject(job, item.what)
                continue
            try:
                write_docx(item.what, job.docx, templates_dir)
            except PipdocsError as exc:
                flight.failed[item.key] = ("render", str(exc))
                pool.reject(job, str(exc))
                continue
            (work / f"{item.key}.json").write_bytes(spec_bytes(item.what))
            pool.submit(job)
    except BaseException as exc:  # noqa: BLE001 - re-raised by the calling thread
        flight.errors.append(exc)
    finally:
        pool.close_input()


def spec_bytes(what: Blueprint) -> bytes:
    """What finishing a converted document needs, as JSON (the plan's own bytes kept exact)."""
    if what.plan is None:
        raise ValueError(f"a {what.kind} document cannot be made in a batch")
    return json.dumps({
        "kind": what.kind, "plan": what.plan.to_json_bytes().decode("utf-8"),
        "order": list(what.order) if what.order else None,
        "record": what.record.decode("utf-8") if what.record is not None else None,
        "title": what.title}).encode("utf-8")


def blueprint_of(spec: bytes) -> Blueprint:
    """The Blueprint (without its template context) ``spec_bytes`` wrote."""
    from pipdocs.core.plan import plan_from_json_bytes

    data = json.loads(spec)
    record = data["record"]
    return Blueprint(data["kind"], plan_from_json_bytes(data["plan"].encode("utf-8")),
                     order=tuple(data["order"]) if data["order"] else None,
                     record=record.encode("utf-8") if record is not None else None,
                     title=data["title"])


def finish_job(pdf: str, spec: str, out: str, terms: PrepareTerms) -> str:
    """In a helper process: finish (prepare, seal) one converted PDF and write it; '' or the
    error."""
    try:
        what = blueprint_of(Path(spec).read_bytes())
        finish_file(what, Path(pdf), Path(out), terms.policy(), terms.seal)
        return ""
    except (PipdocsError, OSError) as exc:
        return str(exc)


def _warm_up(run: int, settings: Settings) -> None:
    """Helper start-up: die with the run (a killed batch must not leave helpers behind) and take
    its settings (the fork server never saw them); the heavy imports are already there
    (HELPER_PRELOAD, forked from the fork server)."""
    from pipdocs.conversion.soffice import die_with

    configure(settings)
    die_with(run)
    import pipdocs.document.prepare  # noqa: F401  (already loaded when forked)


def _nothing() -> None:
    """A first task, so the helpers start now (their initializer does the work)."""


def _helpers(count: int) -> ProcessPoolExecutor:
    """Preparing processes, started now (not when the first PDF is ready).

    A fork server (one clean, single-threaded process) imports the heavy libraries once; each
    helper is forked from it with them loaded. Forking this process instead would copy its
    threads' locks; spawning would import everything once per helper."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(HELPER_PRELOAD)
    executor = ProcessPoolExecutor(count, initializer=_warm_up, initargs=(os.getpid(), current()),
                                   mp_context=context)
    for _ in range(count):
        executor.submit(_nothing)
    return executor


def _collect(pool: Pool, work: Path, flight: _Flight, done: Callable[[Outcome], None],
             terms: PrepareTerms, count: int) -> None:
    """Calling thread: hand each converted PDF to a preparing process, report what comes back.

    Preparing (finding the signature boxes, adding fields and attachments) is CPU work in
    Python; in helper processes it runs beside rendering instead of queueing behind it. On an
    interrupt the PDFs being prepared are finished and reported, the rest are dropped.
    """
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    if not count:
        _collect_here(pool, work, flight, done, terms)
        return
    pending: dict[Future[str], str] = {}

    def report(future: Future[str]) -> None:
        key = pending.pop(future)
        try:
            error = future.result()
        except Exception as exc:  # noqa: BLE001 - a helper died: this document failed
            error = f"the preparing process failed ({type(exc).__name__})"
        _finished(work, flight, key, ("prepare", error) if error else ("", ""), done)

    executor = _helpers(count)
    try:
        for result in pool.results():
            key = result.job.key
            if result.error:
                step = flight.failed.pop(key, ("convert", result.error))
                _finished(work, flight, key, step, done)
                continue
            args = _args(work, flight, result, terms)
            try:
                future = executor.submit(finish_job, *args)
            except BrokenProcessPool:
                executor.shutdown(wait=False)
                executor = _helpers(count)
                future = executor.submit(finish_job, *args)
            pending[future] = key
            finished, _ = wait(list(pending), timeout=0, return_when=FIRST_COMPLETED)
            for future in finished:
                report(future)
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in finished:
                report(future)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        for future in [f for f in pending if f.done() and not f.cancelled()]:
            report(future)


def _collect_here(pool: Pool, work: Path, flight: _Flight, done: Callable[[Outcome], None],
                  terms: PrepareTerms) -> None:
    """``_collect`` without preparing processes: each converted PDF finished in this thread."""
    for result in pool.results():
        if result.error:
            step = flight.failed.pop(result.job.key, ("convert", result.error))
        else:
            error = finish_job(*_args(work, flight, result, terms))
            step = ("prepare", error) if error else ("", "")
        _finished(work, flight, result.job.key, step, done)


def _args(work: Path, flight: _Flight, result: Result,
          terms: PrepareTerms) -> tuple[str, str, str, PrepareTerms]:
    key = result.job.key
    return (str(result.job.pdf), str(work / f"{key}.json"), str(flight.items[key][0]), terms)


def _finished(work: Path, flight: _Flight, key: str, step: tuple[str, str],
              done: Callable[[Outcome], None]) -> None:
    out, note = flight.items.pop(key)
    for suffix in (".docx", ".pdf", ".json"):
        with contextlib.suppress(OSError):
            (work / f"{key}{suffix}").unlink()
    done(Outcome(key, out, step[0], step[1], note))
