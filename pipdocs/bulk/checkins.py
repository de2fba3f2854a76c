"""``pipdocs bulk SHEET --plans DIR``: a week's check-in records from one spreadsheet.

One row per check-in, keyed by plan id; the signed plans (and revisions) are in ``DIR``, and each
row is recorded against the version in force there. Columns (each also under its Chinese label,
matched as plan sheets' are, by ``columns.column_key``): ``plan_id, date, number,
goals.N.progress, goals.N.status, goals.N.evidence (N = 1, 2, 3...), support_given,
manager_feedback, employee_comment, next_steps``; list cells hold one item per line
(``support_given`` also ``1, 2``).

This module is the sheet side: reading rows, and the run, which is a plan sheet's (one run per
output directory, the manifest, the formula-safe ``report.csv``, the document factory's batch
form on the conversion pool). What a row becomes is the lifecycle's business
(``pipdocs.lifecycle.checkinsheet``), handed in as ``RowPlan``s. A bad row is reported and never
costs the good ones; a check-in already made (same output name) is skipped unless ``force``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipdocs.bulk.columns import column_key
from pipdocs.bulk.records import (
    INTERRUPTED,
    REPORT,
    Manifest,
    RowOutcome,
    claim,
    input_hash,
    write_report,
)
from pipdocs.core.errors import ConversionError, InputError, PipdocsError, PlanInvalid
from pipdocs.core.i18n import plan_language, tr

if TYPE_CHECKING:
    from pipdocs.conversion.pool import Pool
    from pipdocs.document.factory import Blueprint
    from pipdocs.document.factory_batch import Item, Outcome, PrepareTerms

STATUS_WORDS = {"按计划推进": "on_track", "正常": "on_track", "存在风险": "at_risk",
                "风险": "at_risk", "偏离目标": "off_track", "偏离": "off_track"}
#: Up to this many rows, converted check-ins are prepared in this process (pyHanko is loaded
#: already, for the parents' verification), not in helper processes that would start for them.
IN_PROCESS_ROWS = 24
_GOAL = re.compile(r"^goals\.(\d{1,2})\.(progress|status|evidence)$")


@dataclass
class SheetResult:
    made: int = 0
    skipped: int = 0
    failed: int = 0
    report: Path | None = None
    rows: list[RowOutcome] = field(default_factory=list)


@dataclass(frozen=True)
class RowPlan:
    """A row that passed the sheet's checks: where its check-in goes, what it depends on
    (``depends``: canonical bytes of its input and parent, for the manifest), its language,
    and how to make it (``make``: the slow checks and the factory's blueprint and warnings;
    it runs while earlier rows convert)."""

    number: int
    plan_id: str
    out: Path
    depends: bytes
    language: str | None
    make: Callable[[], tuple[Blueprint, list[str]]]


@dataclass(frozen=True)
class RowRefused:
    """A row that cannot be made, with why (in its plan's language)."""

    number: int
    plan_id: str
    language: str | None
    error: PipdocsError


def checkin_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column key: cell text}) for every non-blank row after the header."""
    from pipdocs.bulk.reader import csv_rows, xlsx_rows
    from pipdocs.bulk.sheet import as_text

    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        raise InputError(tr("{file}: not a spreadsheet; use a .xlsx or .csv file").format(
            file=path))
    cells = xlsx_rows(path) if suffix.startswith(".xls") else csv_rows(path)
    keys: list[str | None] | None = None
    for number, row in cells:
        texts = [as_text(v, fmt) for v, fmt in row]
        if not any(texts):
            continue
        if keys is None:
            keys = [column_key(t, "checkins") if t else None for t in texts]
            unknown = [t for t, k in zip(texts, keys, strict=True) if t and k is None]
            if "plan_id" not in keys or "date" not in keys or unknown:
                extra = tr("; unknown columns: {names}").format(
                    names=", ".join(unknown)) if unknown else ""
                raise InputError(tr("{file}: row {number} is not a check-in header (plan_id,"
                                    " date, goals.1.progress, ...)").format(
                                        file=path, number=number) + extra)
            continue
        yield number, {k: t for k, t in zip(keys, texts, strict=False) if k and t}


def _lines(text: str) -> list[str]:
    return [line.strip(" -•·") for line in text.split("\n") if line.strip(" -•·")]


def row_data(cells: dict[str, str]) -> dict[str, Any]:
    """A row as a check-in input (the shape of checkin.yaml)."""
    from pipdocs.bulk.sheet import parse_date

    data: dict[str, Any] = {}
    goals: dict[int, dict[str, str]] = {}
    for key, text in cells.items():
        if m := _GOAL.match(key):
            value = STATUS_WORDS.get(text, text) if m[2] == "status" else text
            goals.setdefault(int(m[1]), {"goal": m[1]})[m[2]] = value
        elif key == "date":
            when = parse_date(text)
            data["date"] = when.isoformat() if when else text
        elif key == "support_given":
            data[key] = [p for p in re.split(r"[\s,，;；、]+", text) if p]
        elif key == "next_steps":
            data[key] = _lines(text)
        elif key != "plan_id":
            data[key] = text
    data["goals"] = [goals[n] for n in sorted(goals)]
    return data


def error_lines(exc: PipdocsError) -> list[str]:
    """An error as the lines the user reads: each problem of an invalid input on its own."""
    if isinstance(exc, PlanInvalid):
        return [f"{exc.source}: {p}" if exc.source else str(p) for p in exc.problems]
    return [str(exc)]


@dataclass
class _Run:
    """One check-in sheet run: its output directory, manifest, result and listener."""

    out_dir: Path
    manifest: Manifest
    progress: Callable[[str], None]
    result: SheetResult
    todo: dict[int, tuple[RowPlan, str]] = field(default_factory=dict)

    def failed(self, number: int, plan_id: str, lines: list[str]) -> None:
        self.result.failed += 1
        self.result.rows.append(RowOutcome(number, plan_id, "error", "", "; ".join(lines)))
        for line in lines:
            self.progress(tr("error: {message}").format(message=line))

    def plan(self, row: RowPlan, force: bool, templates_dir: Path | None) -> None:
        """Pass one for a checked row: skip it (made already), or keep it to make."""
        digest = input_hash(row.depends, "pdf", row.language or "", "checkin", templates_dir)
        if row.out.exists() and not force:
            key = row.out.stem
            note = tr("unchanged since the last run (--force remakes it)") if (
                self.manifest.unchanged(key, digest, row.out)) else tr("already made")
            self.result.skipped += 1
            self.result.rows.append(RowOutcome(row.number, row.plan_id, "skipped",
                                               row.out.name, note))
            return
        self.todo[row.number] = (row, digest)


def run_checkin_rows(rows: Iterable[RowPlan | RowRefused], out_dir: Path, *,
                     progress: Callable[[str], None] = lambda _: None,
                     converter: str | None = None, workers: int | None = None,
                     force: bool = False, templates_dir: Path | None = None,
                     terms: PrepareTerms | None = None) -> SheetResult:
    """Make one check-in record per row; ``out_dir/report.csv`` says what became of each.

    Pass one takes every row (checked by the caller's iterator); LibreOffice starts at the first
    row to make. Pass two makes them through the document factory's batch form."""
    report = out_dir / REPORT
    result = SheetResult(report=report)
    with claim(out_dir):
        run = _Run(out_dir, Manifest(out_dir), progress, result)
        unfinished = INTERRUPTED
        pools: list[Pool | ConversionError] = []
        try:
            _first_pass(run, rows, force, templates_dir, (converter, workers), pools)
            if run.todo:
                _make(run, pools[0], terms, templates_dir)
        except ConversionError as exc:
            unfinished = f"not made: {exc}"
            raise
        finally:
            for pool in pools:
                if not isinstance(pool, ConversionError):
                    pool.shutdown()  # done already, unless the run was interrupted
            done = {o.row for o in result.rows}
            for number, (row, _) in run.todo.items():
                if number not in done:
                    run.failed(number, row.plan_id, [unfinished])
            run.manifest.close()
            write_report(report, result.rows)
    return result


def _first_pass(run: _Run, rows: Iterable[RowPlan | RowRefused], force: bool,
                templates_dir: Path | None, engine: tuple[str | None, int | None],
                pools: list[Pool | ConversionError]) -> None:
    """Every row taken, and reported or kept; the pool (or why it would not start) goes to
    ``pools`` at the first row to make, so LibreOffice starts while later rows are read."""
    from pipdocs.conversion.factory import make_pool

    for row in rows:
        with plan_language(row.language):
            if isinstance(row, RowRefused):
                run.failed(row.number, row.plan_id, error_lines(row.error))
                continue
            run.plan(row, force, templates_dir)
        if run.todo and not pools:
            try:
                pools.append(make_pool(*engine).start())
            except ConversionError as exc:  # every row to make fails with it, the rest stand
                pools.append(exc)


def _make(run: _Run, pool: Pool | ConversionError, terms: PrepareTerms | None,
          templates_dir: Path | None) -> None:
    """Pass two: the rows kept, through the document factory's batch form."""
    from pipdocs.document.factory_batch import make_batch

    if not isinstance(pool, ConversionError):
        work = Path(tempfile.mkdtemp(prefix=f".pipdocs-work-{os.getpid()}-", dir=run.out_dir))
        refused: dict[str, list[str]] = {}
        try:
            make_batch(_items(run, refused), pool, work, lambda o: _done(run, refused, o),
                       terms=terms, templates_dir=templates_dir, expected=len(run.todo),
                       helpers=len(run.todo) > IN_PROCESS_ROWS)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    for number, (row, _) in run.todo.items():
        with plan_language(row.language):
            run.failed(number, row.plan_id, [str(pool)])


def _items(run: _Run, refused: dict[str, list[str]]) -> Iterator[Item]:
    """In the renderer thread: each kept row's slow checks and blueprint, in its language."""
    from pipdocs.document.factory_batch import Item

    for number, (row, _) in list(run.todo.items()):
        with plan_language(row.language):
            try:
                what, warnings = row.make()
            except PipdocsError as exc:
                refused[str(number)] = error_lines(exc)
                yield Item(str(number), "; ".join(refused[str(number)]), row.out)
                continue
        yield Item(str(number), what, row.out, "; ".join(warnings))


def _done(run: _Run, refused: dict[str, list[str]], outcome: Outcome) -> None:
    row, digest = run.todo[int(outcome.key)]
    with plan_language(row.language):
        if not outcome.ok:
            run.failed(row.number, row.plan_id,
                       refused.pop(outcome.key, [outcome.message]))
            return
    run.manifest.add(outcome.out.stem, digest, outcome.out)
    run.result.made += 1
    run.result.rows.append(RowOutcome(row.number, row.plan_id, "ok", outcome.out.name,
                                      outcome.note))


def depends(data: dict[str, Any], parent_sha256: str) -> bytes:
    """Canonical bytes of what a check-in depends on: its row and the parent it follows."""
    return json.dumps({"row": data, "parent": parent_sha256}, sort_keys=True,
                      ensure_ascii=False).encode("utf-8")
