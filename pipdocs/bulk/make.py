"""Pass two of ``pipdocs bulk``: render, convert and prepare the rows pass one accepted.

The rows go to the document factory's batch form (:func:`pipdocs.document.factory_batch.
make_batch`): its renderer thread reads the sheet again (each row validated again, cheaply) and
renders each plan while LibreOffice converts the ones before; converted PDFs are prepared for
signing exactly as ``pipdocs pdf`` does, in helper processes, and written atomically to
``<plan_id>.pdf``. Plans are never held in memory beyond the few in flight.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pipdocs.bulk.records import BulkOptions, RowOutcome, RunState
from pipdocs.bulk.sheet import read_sheet
from pipdocs.core.errors import InputError, PipdocsError

if TYPE_CHECKING:
    from pipdocs.conversion.pool import Pool
    from pipdocs.core.plan import Plan
    from pipdocs.document.factory_batch import Item, Outcome, PrepareTerms

Todo = dict[int, tuple[str, str]]
#: How a failed step reads in report.csv (a row refused while rendering reads as it is).
STEP_WORDS = {"render": "not rendered: ", "convert": "not converted: ",
              "prepare": "not prepared: ", "refused": ""}


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


def _items(opts: BulkOptions, todo: Todo) -> Iterator[Item]:
    """The factory's items: one plan document per row to make (in the renderer thread)."""
    from pipdocs.document.factory import Blueprint
    from pipdocs.document.factory_batch import Item

    for number, plan in _plans(opts.sheet, todo, threading.Event()):
        out = opts.out_dir / f"{todo[number][0]}.pdf"
        if isinstance(plan, str):
            yield Item(str(number), plan, out)
        else:
            yield Item(str(number), Blueprint.of_plan(plan), out, _warnings(plan))


def make_documents(opts: BulkOptions, state: RunState, todo: Todo, pool: Pool | None,
                   terms: PrepareTerms | None = None) -> None:
    """Make every row of ``todo`` (PDFs through the started ``pool``); outcomes go to
    ``state``."""
    if opts.fmt == "docx" or pool is None:
        _make_docx(opts, state, todo)
        return
    from pipdocs.document.factory_batch import make_batch

    state.summary.engine = pool.engine
    work = Path(tempfile.mkdtemp(prefix=f".pipdocs-work-{os.getpid()}-", dir=opts.out_dir))

    def done(outcome: Outcome) -> None:
        number = int(outcome.key)
        plan_id, digest = todo[number]
        if outcome.ok:
            state.manifest.add(plan_id, digest, outcome.out)
            state.finish(RowOutcome(number, plan_id, "ok", outcome.out.name, outcome.note))
        else:
            state.finish(RowOutcome(number, plan_id, "error", "",
                                    STEP_WORDS[outcome.step] + outcome.message))

    try:
        make_batch(_items(opts, todo), pool, work, done, terms=terms,
                   templates_dir=opts.templates_dir, expected=len(todo))
    finally:
        state.summary.restarts = pool.restarts
        state.summary.fatal = pool.dead
        shutil.rmtree(work, ignore_errors=True)


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
