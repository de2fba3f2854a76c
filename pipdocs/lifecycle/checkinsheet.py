"""``pipdocs bulk SHEET --plans DIR``, the lifecycle's side: what each row of a check-in sheet
becomes.

The sheet, the run (lock, manifest, formula-safe ``report.csv``) and the batch on the conversion
pool are bulk's (:mod:`pipdocs.bulk.checkins`); here each row is checked against the folder of
signed plans (read once: the version in force, refusals, extensions) and becomes a check-in
draft exactly as ``pipdocs checkin`` makes one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

from pipdocs.bulk.checkins import (
    RowPlan,
    RowRefused,
    SheetResult,
    checkin_rows,
    depends,
    row_data,
    run_checkin_rows,
)
from pipdocs.core.errors import InputError, PipdocsError
from pipdocs.core.i18n import plan_language, tr
from pipdocs.document.factory import Blueprint
from pipdocs.lifecycle.checkin import checkin_draft
from pipdocs.lifecycle.facts import read_folder
from pipdocs.lifecycle.make import Options, blueprint
from pipdocs.lifecycle.models import CheckinInput, input_from_data
from pipdocs.lifecycle.records import Document


def plans_folder(folder: Path) -> list[Document]:
    """The PIP documents in the folder of signed plans (read, not verified)."""
    if not folder.is_dir():
        raise InputError(tr("--plans {folder}: not a folder; give the folder of signed"
                            " plans").format(folder=folder))
    return read_folder(folder)[0]


def plans_in_force(documents: list[Document]) -> dict[str, Document]:
    """plan id -> the latest version (plan or revision) among ``documents``."""
    found: dict[str, Document] = {}
    for doc in documents:
        if doc.kind in ("plan", "revision") and doc.plan.plan_id:
            best = found.get(doc.plan.plan_id)
            if best is None or doc.version > best.version:
                found[doc.plan.plan_id] = doc
    return found


def run_checkin_sheet(sheet: Path, plans: Path, out_dir: Path, options: Options,
                      progress: Callable[[str], None] = lambda _: None,
                      converter: str | None = None, workers: int | None = None,
                      force: bool = False) -> SheetResult:
    """Make one check-in record per row; ``out_dir/report.csv`` says what became of each.

    A row that fails (input, plan, rendering, conversion) is reported and costs no other row."""
    from pipdocs.document.factory_batch import PrepareTerms

    documents = plans_folder(plans)  # read once: the plans in force, refusals, extensions
    options = replace(options, case_documents=documents)
    rows = _rows(sheet, plans, plans_in_force(documents), out_dir, options)
    return run_checkin_rows(rows, out_dir, progress=progress, converter=converter,
                            workers=workers, force=force, templates_dir=options.templates_dir,
                            terms=PrepareTerms.of(options.policy, None))


def _rows(sheet: Path, plans: Path, in_force: dict[str, Document], out_dir: Path,
          options: Options) -> Iterator[RowPlan | RowRefused]:
    """Each row checked against its plan in force (the cheap checks; the parent is verified
    when the row is made)."""
    outputs: dict[Path, int] = {}
    for number, cells in checkin_rows(sheet):
        plan_id = cells.get("plan_id", "")
        parent = in_force.get(plan_id)
        language = parent.plan.language if parent else None
        with plan_language(language):
            source = f"{sheet.name}: " + tr("row {number}").format(number=number)
            try:
                data = row_data(cells)
                inp = input_from_data(CheckinInput, data, source)
                if parent is None:
                    raise InputError(tr("{source}: no signed plan {plan_id} in {folder}").format(
                        source=source, plan_id=plan_id or tr("(no plan_id)"), folder=plans))
                out = out_dir / f"{plan_id}-checkin-{inp.date.isoformat()}.pdf"
                if out in outputs:
                    raise InputError(tr("{source}: the same plan and date as row {row}; one"
                                        " check-in per plan and day").format(
                                            source=source, row=outputs[out]))
                outputs[out] = number
            except PipdocsError as exc:
                yield RowRefused(number, plan_id, language, exc)
                continue
        yield RowPlan(number, plan_id, out, depends(data, parent.sha256), language,
                      partial(_draft, parent.path, inp, source, out, options))


def _draft(parent_pdf: Path, inp: CheckinInput, source: str, out: Path,
           options: Options) -> tuple[Blueprint, list[str]]:
    """Every check of a check-in against its parent, as ``pipdocs checkin`` makes them, and
    what the document factory makes of it."""
    draft = checkin_draft(parent_pdf, inp, source, out, options)
    return blueprint(draft), draft.warnings
