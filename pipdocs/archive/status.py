"""``archive status``: every record in a directory, how long it stays verifiable, and the
date by which it must be refreshed (policy ``refresh_margin_days`` before that)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

from pipdocs.core.errors import PipdocsError
from pipdocs.core.i18n import N_, tr
from pipdocs.core.policy import Policy
from pipdocs.core.text import display_width

State = Literal["ok", "refresh_due", "lapsed", "invalid", "unreadable"]


@dataclass(frozen=True)
class RecordStatus:
    path: Path
    state: State
    level: str | None
    verifiable_until: datetime | None
    refresh_by: datetime | None
    note: str = ""


def record_status(path: Path, policy: Policy, trust: Sequence[Path],
                  at: datetime | None = None) -> RecordStatus:
    """One record's state: verify it, then compare its verifiable-until date with today."""
    from pipdocs.verification.verify import verify_pdf

    now = at or datetime.now(timezone.utc)
    try:
        report = verify_pdf(path, list(trust), True, policy, validation_time=now)
    except PipdocsError as exc:
        return RecordStatus(path, "unreadable", None, None, None, str(exc))
    lt = report.long_term
    until = lt.verifiable_until if lt else None
    refresh_by = until - timedelta(days=policy.refresh_margin_days) if until else None
    codes = {p.code for p in report.problems}
    if "evidence_expired" in codes or "timestamp_lapsed" in codes:
        state: State = "lapsed"
    elif not report.ok:
        state = "invalid"
    elif refresh_by is not None and now >= refresh_by:
        state = "refresh_due"
    else:
        state = "ok"
    note = report.problems[0].message if report.problems and state != "ok" else ""
    return RecordStatus(path, state, lt.level if lt else None, until, refresh_by, note)


def directory_status(paths: Sequence[Path], policy: Policy, trust: Sequence[Path],
                     at: datetime | None = None) -> list[RecordStatus]:
    from pipdocs.archive.refresh import pdf_files

    return [record_status(p, policy, trust, at) for p in pdf_files(paths)]


#: The state column's words (the JSON keeps the codes).
STATE_WORDS = {"ok": N_("ok"), "refresh_due": N_("refresh due"), "lapsed": N_("lapsed"),
               "invalid": N_("invalid"), "unreadable": N_("unreadable")}


def render_rows(rows: Sequence[RecordStatus]) -> str:
    """A table in the message language: state, level, verifiable until, refresh by, file."""
    table = [[tr("state"), tr("level"), tr("verifiable until"), tr("refresh by"), tr("file")]]
    for r in rows:
        note = f"  {r.note}" if r.note else ""
        table.append([tr(STATE_WORDS[r.state]), r.level or "-",
                      f"{r.verifiable_until:%Y-%m-%d}" if r.verifiable_until else "-",
                      f"{r.refresh_by:%Y-%m-%d}" if r.refresh_by else "-", f"{r.path}{note}"])
    widths = [max(display_width(line[i]) for line in table) + 2 for i in range(4)]
    return "\n".join("".join(cell + " " * (width - display_width(cell))
                              for cell, width in zip(line[:4], widths, strict=True)) + line[4]
                      for line in table)

