"""``pipdocs bulk``: one signable PDF (or .docx) per spreadsheet row, nothing lost on the way.

Two passes over the sheet, each streaming one row at a time (memory does not grow with the
sheet): the first validates every row and decides what to do (error, skip, make), so every
problem is known before any work starts; the second renders the rows to make, in a thread that
feeds the conversion pool while the main thread prepares each converted PDF exactly as
``pipdocs pdf`` does and writes it atomically. A manifest of input hashes lets a second run skip
rows whose output exists and whose input is unchanged. report.csv lists every row.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pipdocs.bulk.records import (
    INTERRUPTED,
    REPORT,
    BulkOptions,
    BulkProgress,
    BulkSummary,
    Manifest,
    RowOutcome,
    RunState,
    claim,
    input_hash,
    write_report,
)
from pipdocs.bulk.sheet import SheetRow, read_sheet
from pipdocs.core.errors import ConversionError, InputError, PlanInvalid, Problem
from pipdocs.core.files import case_twin, directory_names
from pipdocs.core.i18n import plan_language, tr
from pipdocs.core.limits import DOC_TIMEOUT
from pipdocs.document.factory_batch import PrepareTerms

if TYPE_CHECKING:
    from pipdocs.conversion.pool import Pool
    from pipdocs.core.plan import Plan
    from pipdocs.core.policy import Policy
    from pipdocs.signing.seal import Sealer

def _row_problems(row: SheetRow, exc: PlanInvalid | None) -> list[Problem]:
    problems = list(row.problems)
    for problem in exc.problems if exc else []:
        located = row.locate(problem)
        if located is not None and located not in problems:
            problems.append(located)
    return problems


def run_bulk(sheet: Path, out_dir: Path, *, workers: int | None = None, fmt: str = "pdf",
             force: bool = False, converter: str | None = None,
             templates_dir: Path | None = None, progress: BulkProgress | None = None,
             doc_timeout: float = DOC_TIMEOUT, policy: Policy | None = None,
             seal: Sealer | None = None) -> BulkSummary:
    """Make one document per good row of ``sheet`` in ``out_dir``; see the module docstring.

    Raises InputError when the sheet is unusable, ConversionError when LibreOffice is.
    """
    if fmt not in ("pdf", "docx"):
        raise InputError(f"--format {fmt}: use pdf or docx")
    progress = progress or BulkProgress()
    began = time.monotonic()
    sheet, out_dir = Path(sheet), Path(out_dir)
    rows = read_sheet(sheet)  # fails now (exit 2) when the sheet is unusable
    first = next(rows, None)
    summary = BulkSummary(report=out_dir / REPORT)
    todo: dict[int, tuple[str, str]] = {}
    pools: list[Pool] = []
    broken: list[ConversionError] = []

    def warm_up() -> None:
        """LibreOffice starts (seconds) while the rest of the sheet is validated."""
        if fmt == "pdf" and not pools and not broken:
            from pipdocs.conversion.factory import make_pool

            try:
                pools.append(make_pool(converter, workers, doc_timeout).start())
            except ConversionError as exc:  # raised once every row is checked and reported
                broken.append(exc)

    unfinished = INTERRUPTED
    opts = BulkOptions(sheet, out_dir, fmt, force, templates_dir)
    with claim(out_dir):
        manifest = Manifest(out_dir)
        state = RunState(manifest, summary, progress)
        try:
            todo = _validate(opts, state, itertools.chain([first] if first else [], rows),
                             warm_up)
            progress.started(len(todo), summary.skipped, summary.failed)
            if broken:
                raise broken[0]
            if todo:
                from pipdocs.bulk.make import make_documents

                make_documents(opts, state, todo, pools[0] if pools else None,
                               PrepareTerms.of(policy, seal))
        except ConversionError as exc:
            unfinished = f"not made: {exc}"
            raise
        finally:
            for pool in pools:
                pool.shutdown()
            done = {o.row for o in summary.rows}
            for number, (plan_id, _) in todo.items():
                if number not in done:
                    summary.failed += 1
                    summary.rows.append(RowOutcome(number, plan_id, "error", "", unfinished))
            manifest.close()
            write_report(out_dir / REPORT, summary.rows)
    summary.seconds = time.monotonic() - began
    if summary.fatal:
        raise ConversionError(f"{summary.fatal}; {summary.failed} row(s) not made, see "
                              f"{summary.report}")
    return summary


def _check_row(sheet: Path, row: SheetRow, plan_id: str, seen: dict[str, int],
               output: tuple[Path, str, dict[str, str]]) -> tuple[Plan | None, str, list[Problem]]:
    """One row validated: its plan (None if invalid), plan id and problems by cell.

    ``output`` is (directory, format, names already there), to refuse a plan id that differs
    only in case from an earlier output.
    """
    from pipdocs.core.plan import plan_from_data

    plan: Plan | None
    try:
        plan = plan_from_data(row.data, source=f"{sheet.name} row {row.number}")
        plan_id = plan.plan_id or ""
        problems = _row_problems(row, None)
    except PlanInvalid as exc:
        plan, problems = None, _row_problems(row, exc)
    except (ValueError, ArithmeticError, RecursionError, MemoryError) as exc:
        # A value no check foresaw: this row's problem, never the end of the run.
        plan, problems = None, [Problem(tr("row {number}").format(number=row.number),
                                        f"cannot be read as a plan ({type(exc).__name__});"
                                        " check its cells")]
    key = plan_id.casefold()
    if key and key in seen:
        where = row.cell("plan_id") if "plan_id" in row.data else ""
        message = tr("plan id {plan_id} is already used on row {row}; every row needs its own"
                     " plan_id").format(plan_id=plan_id, row=seen[key])
        problems.append(Problem(where, message) if where else Problem(
            tr("row {number}").format(number=row.number), message + tr(
                " (derived from employee.id and period.start: give this row a plan_id)")))
    elif key:
        seen[key] = row.number
        out_dir, fmt, existing = output
        twin = case_twin(out_dir / f"{plan_id}.{fmt}", existing)
        if twin:
            where = row.cell("plan_id") or tr("row {number}").format(number=row.number)
            problems.append(Problem(where, f"plan id {plan_id} differs only in case from"
                                    f" {twin}, made earlier for another plan; on many disks"
                                    " one file would overwrite the other: give another"
                                    " plan_id, or remove that file"))
    return plan, plan_id, problems


def _validate(opts: BulkOptions, state: RunState, rows: Iterator[SheetRow],
              on_first: Callable[[], None]) -> dict[int, tuple[str, str]]:
    """Pass one: every row checked; returns row -> (plan id, input hash) of rows to make."""
    sheet, out_dir, fmt, summary = opts.sheet, opts.out_dir, opts.fmt, state.summary
    todo: dict[int, tuple[str, str]] = {}
    seen: dict[str, int] = {}
    existing = directory_names(out_dir)  # outputs of earlier runs, listed once
    for row in rows:
        plan_id = str(row.data.get("plan_id") or "")
        if row.example:
            summary.skipped += 1
            with plan_language(row.data.get("language")):
                note = tr("example row from the template: not made into a document (clear its"
                          " example cell to make it)")
            summary.rows.append(RowOutcome(row.number, plan_id, "skipped", "", note))
            continue
        with plan_language(row.data.get("language")):
            plan, plan_id, problems = _check_row(sheet, row, plan_id, seen,
                                                 (out_dir, fmt, existing))
        if problems or plan is None:
            summary.failed += 1
            summary.rows.append(RowOutcome(row.number, plan_id, "error", "",
                                           "; ".join(map(str, problems))))
            state.progress.problems(row.number, problems)
            continue
        out = out_dir / f"{plan_id}.{fmt}"
        digest = input_hash(plan.to_json_bytes(), fmt, plan.language, plan.role,
                            opts.templates_dir)
        if not opts.force and state.manifest.unchanged(plan_id, digest, out):
            summary.skipped += 1
            with plan_language(plan.language):
                note = tr("unchanged since the last run (--force remakes it)")
            summary.rows.append(RowOutcome(row.number, plan_id, "skipped", out.name, note))
            continue
        if not todo:
            on_first()
        todo[row.number] = (plan_id, digest)
    return todo

