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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipdocs.core.errors import InputError, PipdocsError, PlanInvalid
from pipdocs.lifecycle.facts import case_files
from pipdocs.lifecycle.make import Options
from pipdocs.lifecycle.models import CheckinInput, input_from_data
from pipdocs.lifecycle.records import Document, read_document

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


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column key: cell text}) for every non-blank row after the header."""
    from pipdocs.bulk.reader import csv_rows, xlsx_rows
    from pipdocs.bulk.sheet import as_text

    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        raise InputError(f"{path}: not a spreadsheet; use a .xlsx or .csv file")
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
                raise InputError(f"{path}: row {number} is not a check-in header (plan_id, date,"
                                 " goals.1.progress, ...)" + (f"; unknown columns: "
                                                              f"{', '.join(unknown)}" if unknown
                                                              else ""))
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


def plans_in_force(folder: Path) -> dict[str, Document]:
    """plan id -> the latest version (plan or revision) among the PDFs in ``folder``."""
    if not folder.is_dir():
        raise InputError(f"--plans {folder}: not a folder; give the folder of signed plans")
    found: dict[str, Document] = {}
    for path in case_files([folder]):
        try:
            doc = read_document(path)
        except InputError:
            continue
        if doc.kind in ("plan", "revision") and doc.plan.plan_id:
            best = found.get(doc.plan.plan_id)
            if best is None or doc.version > best.version:
                found[doc.plan.plan_id] = doc
    return found


def run_checkin_sheet(sheet: Path, plans: Path, out_dir: Path, options: Options,
                      progress: Callable[[str], None] = lambda _: None) -> SheetResult:
    """Make one check-in record per row; ``out_dir/report.csv`` says what became of each."""
    from pipdocs.core.files import write_atomic
    from pipdocs.lifecycle.checkin import checkin_from_input

    in_force = plans_in_force(plans)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = SheetResult()
    for number, cells in _rows(sheet):
        plan_id = cells.get("plan_id", "")
        source = f"{sheet.name}: row {number}"
        try:
            inp = input_from_data(CheckinInput, row_data(cells), source)
            parent = in_force.get(plan_id)
            if parent is None:
                raise InputError(f"{source}: no signed plan {plan_id or '(no plan_id)'} in"
                                 f" {plans}")
            out = out_dir / f"{plan_id}-checkin-{inp.date.isoformat()}.pdf"
            if out.exists():
                result.skipped += 1
                result.rows.append((number, plan_id, "skipped", out.name, "already made"))
                continue
            made = checkin_from_input(parent.path, inp, source, out, options)
        except PipdocsError as exc:
            lines = [f"{exc.source}: {p}" if exc.source else str(p) for p in exc.problems] \
                if isinstance(exc, PlanInvalid) else [str(exc)]
            result.failed += 1
            result.rows.append((number, plan_id, "error", "", "; ".join(lines)))
            for line in lines:
                progress(f"error: {line}")
            continue
        result.made += 1
        result.rows.append((number, plan_id, "ok", made.path.name, "; ".join(made.warnings)))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "plan_id", "status", "output", "message"])
    writer.writerows(result.rows)
    result.report = write_atomic(out_dir / "report.csv", buffer.getvalue().encode("utf-8-sig"))
    return result
