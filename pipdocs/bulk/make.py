"""Pass two of ``pipdocs bulk``: render, convert and prepare the rows pass one accepted.

A renderer thread reads the sheet again and writes each plan's .docx (and its canonical JSON)
to a private work directory inside the output directory, submitting it to the conversion pool
at once, so LibreOffice starts on the first plan while the next ones render. The main thread
takes converted PDFs as they come, prepares them for signing
(``pipdocs.document.pipeline.prepare_file``:
exactly what ``pipdocs pdf`` does) and writes each atomically to ``<plan_id>.pdf``. Plans are
never held in memory beyond the few in flight; their JSON waits on disk.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipdocs.bulk.records import BulkOptions, RowOutcome, RunState
from pipdocs.bulk.sheet import read_sheet
from pipdocs.core.errors import InputError, PipdocsError
from pipdocs.core.settings import Settings, configure, current

if TYPE_CHECKING:
    from pipdocs.conversion.pool import Pool
    from pipdocs.core.plan import Plan
    from pipdocs.core.policy import Policy
    from pipdocs.signing.seal import Sealer

Todo = dict[int, tuple[str, str]]


@dataclass(frozen=True)
class PrepareTerms:
    """What every prepared document follows: the policy (by its file, so the preparing
    processes read the same one) and the organisation's sealer, if documents are sealed."""

    policy_path: str | None = None
    seal: Sealer | None = None

    @classmethod
    def of(cls, policy: Policy | None, seal: Sealer | None) -> PrepareTerms:
        return cls(policy.source or None if policy else None, seal)

    def policy(self) -> Policy | None:
        from pipdocs.core.policy import load_policy

        return load_policy(self.policy_path) if self.policy_path else None


def _plans(sheet: Path, todo: Todo, stop: threading.Event) -> Iterator[tuple[int, Plan | str]]:
    """The rows to make, validated again (cheap): a plan, or why the row changed meanwhile."""
    from pipdocs.core.plan import plan_from_data

    for row in read_sheet(sheet):
        if stop.is_set():
            return
        if row.number not in todo:
            continue
        try:
            plan = plan_from_data(row.data)
        except PipdocsError:
            yield row.number, "the row changed during the run; run again"
            continue
        if plan.plan_id != todo[row.number][0]:
            yield row.number, "the row changed during the run; run again"
            continue
        yield row.number, plan


def make_documents(opts: BulkOptions, state: RunState, todo: Todo, pool: Pool | None,
                   terms: PrepareTerms | None = None) -> None:
    """Make every row of ``todo`` (PDFs through the started ``pool``); outcomes go to
    ``state``."""
    if opts.fmt == "docx" or pool is None:
        _make_docx(opts, state, todo)
        return
    from pipdocs.conversion.pool import Job

    state.summary.engine = pool.engine
    templates_dir = opts.templates_dir
    work = Path(tempfile.mkdtemp(prefix=f".pipdocs-work-{os.getpid()}-", dir=opts.out_dir))
    stop = threading.Event()
    failure: list[BaseException] = []

    def render() -> None:
        from pipdocs.document.render import render_docx_bytes

        try:
            for number, plan in _plans(opts.sheet, todo, stop):
                docx, pdf = work / f"{number}.docx", work / f"{number}.pdf"
                job = Job(str(number), docx, pdf)
                if isinstance(plan, str):
                    pool.reject(job, plan)
                    continue
                try:
                    docx.write_bytes(render_docx_bytes(plan, templates_dir))
                except PipdocsError as exc:
                    pool.reject(job, f"not rendered: {exc}")
                    continue
                (work / f"{number}.json").write_bytes(plan.to_json_bytes())
                pool.submit(job)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the main thread
            failure.append(exc)
        finally:
            pool.close_input()

    renderer = threading.Thread(target=render, name="pipdocs-render", daemon=True)
    try:
        renderer.start()
        _collect(pool, work, opts.out_dir, todo, state, terms or PrepareTerms())
        if failure:
            raise failure[0]
    finally:
        stop.set()
        pool.shutdown()
        renderer.join(timeout=60)
        state.summary.restarts = pool.restarts
        state.summary.fatal = pool.dead
        shutil.rmtree(work, ignore_errors=True)


def _prepare_job(pdf: str, plan_json: str, out: str, terms: PrepareTerms) -> str:
    """In a helper process: prepare (and seal) one converted PDF and write it; '' or the error."""
    from pipdocs.core.plan import plan_from_json_bytes
    from pipdocs.document.pipeline import prepare_file

    try:
        plan = plan_from_json_bytes(Path(plan_json).read_bytes())
        prepare_file(Path(pdf), plan, Path(out), terms.policy(), terms.seal)
        warnings = _warnings(plan)
        return f"ok: {warnings}" if warnings else "ok"
    except (PipdocsError, OSError) as exc:
        return f"not prepared: {exc}"


#: Imported once by the fork server, so each helper starts with them loaded (pyHanko, pypdf).
HELPER_PRELOAD = ["pipdocs.document.pipeline", "pipdocs.document.prepare"]


def _warm_up(run: int, settings: Settings) -> None:
    """Helper start-up: die with the run (a killed bulk must not leave helpers behind) and take
    its settings (the fork server never saw them); the heavy imports are already there
    (HELPER_PRELOAD, forked from the fork server)."""
    from pipdocs.conversion.soffice import die_with

    configure(settings)
    die_with(run)
    import pipdocs.document.pipeline  # noqa: F401  (already loaded when forked)


def _nothing() -> None:
    """A first task, so the helpers start now (their initializer does the work)."""


def _collect(pool: Pool, work: Path, out_dir: Path, todo: Todo, state: RunState,
             terms: PrepareTerms) -> None:
    """Main thread: hand each converted PDF to a preparing process, record what comes back.

    Preparing (finding the signature boxes, adding fields and plan.json) is CPU work in
    Python; in helper processes it runs beside rendering instead of queueing behind it. On an
    interrupt the PDFs being prepared are finished and recorded, the rest are dropped.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    helpers = max(1, min(os.cpu_count() or 1, len(todo)))
    # A fork server (one clean, single-threaded process) imports the heavy libraries once; each
    # helper is forked from it with them loaded. Forking this process instead would copy its
    # threads' locks; spawning would import everything once per helper.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(HELPER_PRELOAD)
    pending: dict[Future[str], tuple[int, Path, list[Path]]] = {}

    def start() -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(helpers, initializer=_warm_up,
                                       initargs=(os.getpid(), current()), mp_context=context)
        for _ in range(helpers):  # start them now, not when the first PDF is ready
            executor.submit(_nothing)
        return executor

    def record(future: Future[str]) -> None:
        number, out, files = pending.pop(future)
        plan_id, digest = todo[number]
        try:
            answer = future.result()
        except Exception as exc:  # noqa: BLE001 - a helper died: this row failed
            answer = f"not prepared: the preparing process failed ({type(exc).__name__})"
        if answer.startswith("ok"):
            state.manifest.add(plan_id, digest, out)
            outcome = RowOutcome(number, plan_id, "ok", out.name, answer[4:])
        else:
            outcome = RowOutcome(number, plan_id, "error", "", answer)
        _cleanup(files)
        state.finish(outcome)

    def drain(block: bool) -> None:
        if pending:
            done, _ = wait(list(pending), timeout=None if block else 0,
                           return_when=FIRST_COMPLETED)
            for future in done:
                record(future)

    executor = start()
    try:
        for result in pool.results():
            number = int(result.job.key)
            plan_id, _ = todo[number]
            files = [result.job.docx, result.job.pdf, work / f"{number}.json"]
            if result.error:
                _cleanup(files)
                state.finish(RowOutcome(number, plan_id, "error", "",
                                        f"not converted: {result.error}"))
            else:
                out = out_dir / f"{plan_id}.pdf"
                args = (str(result.job.pdf), str(files[2]), str(out), terms)
                try:
                    future = executor.submit(_prepare_job, *args)
                except BrokenProcessPool:
                    executor.shutdown(wait=False)
                    executor = start()
                    future = executor.submit(_prepare_job, *args)
                pending[future] = (number, out, files)
            drain(block=False)
        while pending:
            drain(block=True)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        for future in [f for f in pending if f.done() and not f.cancelled()]:
            record(future)


def _cleanup(files: list[Path]) -> None:
    for path in files:
        with contextlib.suppress(OSError):
            path.unlink()


def _warnings(plan: Plan) -> str:
    return "; ".join(f"warning: {w}" for w in plan.warnings())


def _make_docx(opts: BulkOptions, state: RunState, todo: Todo) -> None:
    from pipdocs.document.render import render_docx

    for number, plan in _plans(opts.sheet, todo, threading.Event()):
        plan_id, digest = todo[number]
        out = opts.out_dir / f"{plan_id}.docx"
        if isinstance(plan, str):
            state.finish(RowOutcome(number, plan_id, "error", "", plan))
            continue
        try:
            render_docx(plan, out, opts.templates_dir)
            state.manifest.add(plan_id, digest, out)
            outcome = RowOutcome(number, plan_id, "ok", out.name, _warnings(plan))
        except (PipdocsError, OSError) as exc:
            if isinstance(exc, InputError):
                raise
            outcome = RowOutcome(number, plan_id, "error", "", f"not rendered: {exc}")
        state.finish(outcome)
