"""``case status``: where each case stands today, for HR's follow-up.

Reads the documents without verifying them (``case verify`` does that) and answers: which plan
version is in force, the next checkpoint due, the check-ins overdue, and whether the final
evaluation is due. A folder holding PDFs is one case; a folder of such folders is many.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from pydantic import BaseModel

from pipdocs.core.errors import InputError
from pipdocs.core.i18n import N_, tr
from pipdocs.core.names import EvaluationState
from pipdocs.core.text import display_width
from pipdocs.lifecycle.casereport import CheckpointState
from pipdocs.lifecycle.facts import read_folder
from pipdocs.lifecycle.findings import Entry, Findings
from pipdocs.lifecycle.rules import EVALUATION_GRACE_DAYS
from pipdocs.lifecycle.timeline import check_checkpoints, extended_until, final_evaluation


class CaseStatus(BaseModel):
    folder: str
    plan_id: str | None
    employee: str | None
    version: int | None
    period_end: date | None
    next_checkpoint: CheckpointState | None
    overdue: list[CheckpointState]
    evaluation: EvaluationState
    unreadable: list[str]
    language: str | None = None  # the plan's: the table is in it unless --lang says otherwise


def case_folders(paths: Sequence[Path]) -> list[Path]:
    """Each folder that holds PDFs directly; a folder of such folders gives each of them."""
    out = []
    for path in map(Path, paths):
        if not path.is_dir():
            raise InputError(tr("{path}: not a folder; give a case folder or a folder of"
                                " cases").format(path=path))
        if any(p.suffix.lower() == ".pdf" for p in path.iterdir()):
            out.append(path)
        else:
            out += sorted(p for p in path.iterdir() if p.is_dir() and any(
                q.suffix.lower() == ".pdf" for q in p.iterdir()))
    if not out:
        raise InputError(tr("no PDFs in {paths}: give the case folders").format(
            paths=", ".join(map(str, paths))))
    return out


def case_status(folder: Path, today: date) -> CaseStatus:
    docs, unreadable = read_folder(folder)
    entries = [Entry(doc, "unverified", [], [], []) for doc in docs]
    plans = [e.doc for e in entries if e.doc.kind == "plan"]
    if not plans:
        return CaseStatus(folder=str(folder), plan_id=None, employee=None, version=None,
                          period_end=None, next_checkpoint=None, overdue=[],
                          evaluation="no_plan", unreadable=unreadable)
    plan_id = plans[0].plan.plan_id
    entries = [e for e in entries if e.doc.plan.plan_id == plan_id]
    states = check_checkpoints(entries, Findings(), today)
    current = max((e.doc for e in entries if e.doc.kind in ("plan", "revision")),
                  key=lambda d: d.version)
    end = max(current.plan.period.end, extended_until(entries) or current.plan.period.end)
    final = final_evaluation(entries)
    evaluation: EvaluationState
    if final is not None and final.record and final.record.data.get("decision") != "extend":
        evaluation = "done"
    elif today > end + timedelta(days=EVALUATION_GRACE_DAYS):
        evaluation = "overdue"
    elif today >= max((s.date for s in states), default=end) or today >= end:
        evaluation = "due"
    else:
        evaluation = "not_due"
    upcoming = [s for s in states if s.state == "not_due"]
    return CaseStatus(
        folder=str(folder), plan_id=plan_id, employee=current.plan.employee.name,
        version=current.version, period_end=end,
        next_checkpoint=min(upcoming, key=lambda s: s.date) if upcoming else None,
        overdue=[s for s in states if s.state == "missing"], evaluation=evaluation,
        unreadable=unreadable, language=current.plan.language,
    )


#: The evaluation column's words.
EVALUATION = {"done": N_("done"), "due": N_("due"), "overdue": N_("overdue"),
              "not_due": N_("not due"), "no_plan": N_("no plan")}


def render_status(rows: list[CaseStatus], today: date) -> str:
    """A plain table, one line per case, in the message language; columns as wide as their
    widest cell, and the folder last, so two folders of one plan id are told apart."""
    table = [[tr("plan"), tr("employee"), "v", tr("next checkpoint"), tr("overdue check-ins"),
              tr("evaluation"), tr("folder")]]
    for row in rows:
        nxt = (f"#{row.next_checkpoint.number} {row.next_checkpoint.date.isoformat()}"
               if row.next_checkpoint else "-")
        late = ", ".join(f"#{s.number} {s.date.isoformat()}" for s in row.overdue) or "-"
        state = EVALUATION.get(row.evaluation)
        table.append([row.plan_id or tr("(no plan: {folder})").format(folder=row.folder),
                      row.employee or "-", str(row.version or "-"), nxt, late,
                      tr(state) if state else row.evaluation, str(row.folder)])
    widths = [max(display_width(line[i]) for line in table) + 2 for i in range(len(table[0]) - 1)]
    lines = [tr("as of {date}").format(date=today.isoformat())]
    for line in table:
        cells = [cell + " " * (width - display_width(cell))
                 for cell, width in zip(line[:-1], widths, strict=True)]
        lines.append("".join(cells) + line[-1])
    return "\n".join(lines)
