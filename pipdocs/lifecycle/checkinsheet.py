"""``pipdocs bulk SHEET --plans DIR``: a week's check-in records from one spreadsheet.

One row per check-in, keyed by plan id; the signed plans (and revisions) are in ``DIR``, and each
row is recorded against the version in force there. Columns (each also under its Chinese label):
``plan_id, date, number, goals.N.progress, goals.N.status, goals.N.evidence (N = 1, 2, 3...),
support_given, manager_feedback, employee_comment, next_steps``; list cells hold one item per
line (``support_given`` also ``1, 2``). A bad row is reported in ``report.csv`` and never costs
the good ones; a check-in already made (same output name) is skipped.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipdocs.core.errors import ConversionError, InputError, PipdocsError, PlanInvalid
from pipdocs.core.i18n import plan_language, tr
from pipdocs.lifecycle.facts import read_folder
from pipdocs.lifecycle.make import Draft, Options, finish, render_docx
from pipdocs.lifecycle.models import CheckinInput, input_from_data
from pipdocs.lifecycle.records import Document

if TYPE_CHECKING:
    from pipdocs.conversion.pool import Job, Pool, Result

LABELS = {"计划编号": "plan_id", "面谈日期": "date", "日期": "date", "检查节点": "number",
          "已提供的支持": "support_given", "直接上级反馈": "manager_feedback",
          "员工意见": "employee_comment", "下一步行动": "next_steps"}
GOAL_LABELS = {"进展": "progress", "状态": "status", "依据": "evidence"}
STATUS_WORDS = {"按计划推进": "on_track", "正常": "on_track", "存在风险": "at_risk",
                "风险": "at_risk", "偏离目标": "off_track", "偏离": "off_track"}
_GOAL = re.compile(r"^goals\.(\d{1,2})\.(progress|status|evidence)$")
_GOAL_ZH = re.compile(r"^目标(\d{1,2})(进展|状态|依据)$")


@dataclass
class SheetResult:
    made: int = 0
    skipped: int = 0
    failed: int = 0
    report: Path | None = None
    rows: list[tuple[int, str, str, str, str]] = field(default_factory=list)


def _key(header: str) -> str | None:
    text = "".join(header.split())
    if _GOAL.match(text) or text in ("plan_id", "date", "number", "support_given",
                                     "manager_feedback", "employee_comment", "next_steps"):
        return text
    if m := _GOAL_ZH.match(text):
        return f"goals.{m[1]}.{GOAL_LABELS[m[2]]}"
    return LABELS.get(text)


def sheet_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
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
            keys = [_key(t) for t in texts]
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


class _Converter:
    """The warm conversion pool ``pipdocs bulk`` uses for plans, started at the first document
    to convert (LibreOffice starts while later rows are checked); if it cannot start, every row
    to convert fails with that reason and the others are still reported."""

    def __init__(self, converter: str | None, workers: int | None) -> None:
        self.converter, self.workers = converter, workers
        self.pool: Pool | None = None
        self.broken: ConversionError | None = None

    def submit(self, job: Job) -> None:
        from pipdocs.conversion.factory import make_pool

        if self.broken is not None:
            raise self.broken
        if self.pool is None:
            try:
                self.pool = make_pool(self.converter, self.workers).start()
            except ConversionError as exc:
                self.broken = exc
                raise
        self.pool.submit(job)

    def results(self) -> Iterator[Result]:
        if self.pool is not None:
            self.pool.close_input()
            yield from self.pool.results()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


@dataclass
class _Queued:
    number: int
    plan_id: str
    out: Path
    draft: Draft


def _error_lines(exc: PipdocsError) -> list[str]:
    if isinstance(exc, PlanInvalid):
        return [f"{exc.source}: {p}" if exc.source else str(p) for p in exc.problems]
    return [str(exc)]


def run_checkin_sheet(sheet: Path, plans: Path, out_dir: Path, options: Options,
                      progress: Callable[[str], None] = lambda _: None,
                      converter: str | None = None, workers: int | None = None) -> SheetResult:
    """Make one check-in record per row; ``out_dir/report.csv`` says what became of each.

    Each row is checked and rendered in turn and handed to the conversion pool; converted
    PDFs are prepared and written as they come back. A row that fails (input, plan,
    rendering, conversion) is reported and costs no other row."""
    from pipdocs.core.files import write_atomic

    documents = plans_folder(plans)  # read once: the plans in force, refusals, extensions
    in_force = plans_in_force(documents)
    options = replace(options, case_documents=documents)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = SheetResult()

    def failed(number: int, plan_id: str, exc: PipdocsError) -> None:
        lines = _error_lines(exc)
        result.failed += 1
        result.rows.append((number, plan_id, "error", "", "; ".join(lines)))
        for line in lines:
            progress(tr("error: {message}").format(message=line))

    converter_pool = _Converter(converter, workers)
    with tempfile.TemporaryDirectory(prefix=".pipdocs-checkins-", dir=out_dir) as tmp:
        try:
            queued = _queue_rows(sheet, plans, in_force, out_dir, Path(tmp), options,
                                 converter_pool, result, failed)
            for done in converter_pool.results():
                item = queued.pop(done.job.key)
                with plan_language(item.draft.plan.language):
                    try:
                        if done.error:
                            raise ConversionError(done.error)
                        path = finish("checkin", item.draft.plan, done.job.pdf.read_bytes(),
                                      item.draft.record, item.out, options.policy)
                    except PipdocsError as exc:
                        failed(item.number, item.plan_id, exc)
                        continue
                result.made += 1
                result.rows.append((item.number, item.plan_id, "ok", path.name,
                                    "; ".join(item.draft.warnings)))
        finally:
            converter_pool.close()
    result.rows.sort()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "plan_id", "status", "output", "message"])
    writer.writerows(result.rows)
    result.report = write_atomic(out_dir / "report.csv", buffer.getvalue().encode("utf-8-sig"))
    return result


def _queue_rows(sheet: Path, plans: Path, in_force: dict[str, Document], out_dir: Path,
                work: Path, options: Options, pool: _Converter, result: SheetResult,
                failed: Callable[[int, str, PipdocsError], None]) -> dict[str, _Queued]:
    """Check and render every row, handing each to the pool; returns what is converting."""
    from pipdocs.conversion.pool import Job
    from pipdocs.lifecycle.checkin import checkin_draft

    queued: dict[str, _Queued] = {}
    outputs: dict[Path, int] = {}
    for number, cells in sheet_rows(sheet):
        plan_id = cells.get("plan_id", "")
        parent = in_force.get(plan_id)
        with plan_language(parent.plan.language if parent else None):
            source = f"{sheet.name}: " + tr("row {number}").format(number=number)
            try:
                inp = input_from_data(CheckinInput, row_data(cells), source)
                if parent is None:
                    raise InputError(tr("{source}: no signed plan {plan_id} in {folder}").format(
                        source=source, plan_id=plan_id or tr("(no plan_id)"), folder=plans))
                out = out_dir / f"{plan_id}-checkin-{inp.date.isoformat()}.pdf"
                if out in outputs:
                    raise InputError(tr("{source}: the same plan and date as row {row}; one"
                                        " check-in per plan and day").format(
                                            source=source, row=outputs[out]))
                outputs[out] = number
                if out.exists():
                    result.skipped += 1
                    result.rows.append((number, plan_id, "skipped", out.name,
                                        tr("already made")))
                    continue
                draft = checkin_draft(parent.path, inp, source, out, options)
                key = f"row{number}"
                docx = work / f"{key}.docx"
                docx.write_bytes(render_docx("checkin", draft.plan, draft.context,
                                             options.templates_dir))
                pool.submit(Job(key, docx, work / f"{key}.pdf"))
                queued[key] = _Queued(number, plan_id, out, draft)
            except PipdocsError as exc:
                failed(number, plan_id, exc)
    return queued
