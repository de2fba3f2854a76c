"""Hostile sizes and values: each is one clear problem of its plan or row, never a crash."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from pipdocs.bulk.records import REPORT
from pipdocs.bulk.run import run_bulk
from pipdocs.bulk.sheet import COLUMNS, column_letter
from pipdocs.bulk.workbook import EXAMPLES, plan_to_row
from pipdocs.cli.main import cli
from pipdocs.core.errors import PlanInvalid
from pipdocs.core.plan import plan_from_data

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sales-en.yaml"
HUGE = "9" * 5000


def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def write_plan(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    return path


def cli_lines(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output.strip().splitlines()


# --- plan files -----------------------------------------------------------------------------


@pytest.mark.parametrize("change,path,words", [
    (lambda d: d["period"].update(start="9999-12-31"), "period.start", "9999-12-31"),
    (lambda d: d["period"].update(days=HUGE), "period.days", "is not a whole number"),
    (lambda d: d["goals"][0].update(deadline=HUGE), "goals[1].deadline", "is not a date"),
    (lambda d: d.update(role=HUGE), "role", "must be one of"),
])
def test_overflows_and_huge_numbers_are_problems_of_the_plan(
        tmp_path: Path, change: Any, path: str, words: str) -> None:
    data = example()
    change(data)
    with pytest.raises(PlanInvalid) as caught:
        plan_from_data(data)
    problems = {p.path: p.message for p in caught.value.problems}
    assert path in problems and words in problems[path], problems
    assert all(len(m) < 300 for m in problems.values()), problems  # the input is shortened
    plan_file = write_plan(tmp_path / "plan.json", data)
    for command in (["validate"], ["pdf", "-o", str(tmp_path / "x.pdf")]):
        code, lines = cli_lines(*command, str(plan_file))
        assert code == 1, lines
        assert any(f"{path}: " in line and words in line for line in lines), lines
        assert not any("unexpected" in line for line in lines), lines


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("suffix,text", [
    (".json", '{"plan_id": "X", "employee": {"name": ' + nested(100_000) + "}}"),
    (".yaml", "plan_id: X\nemployee:\n  name: " + nested(100_000) + "\n"),
    (".json", '{"plan_id": "X", "support": ' + nested(50) + "}"),
])
def test_deep_nesting_is_a_problem_of_the_plan(tmp_path: Path, suffix: str, text: str) -> None:
    plan_file = tmp_path / f"plan{suffix}"
    plan_file.write_text(text, encoding="utf-8")
    for command in (["validate"], ["pdf", "-o", str(tmp_path / "x.pdf")]):
        code, lines = cli_lines(*command, str(plan_file))
        assert code == 1, lines
        assert any("nested" in line and "levels deep" in line for line in lines), lines
        assert not any("unexpected" in line or "Recursion" in line for line in lines), lines


def test_deep_nesting_in_data_is_refused_by_the_model() -> None:
    data = example()
    inner: list[Any] = []
    data["support"] = inner
    for _ in range(10_000):
        inner.append([])
        inner = inner[0]
    with pytest.raises(PlanInvalid) as caught:
        plan_from_data(data)
    assert [p.path for p in caught.value.problems] == ["support"]
    assert "nested more than" in caught.value.problems[0].message


# --- bulk -----------------------------------------------------------------------------------


def cell(key: str, row: int) -> str:
    return f"{column_letter(COLUMNS.index(key))}{row}"


def sheet_row(plan_id: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLES["en"])
    data["plan_id"] = plan_id
    values = plan_to_row(data)
    values.update(changes)
    return values


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for values in rows:
            writer.writerow(["" if values.get(k) is None else values.get(k) for k in COLUMNS])
    return path


def report(out: Path) -> dict[int, dict[str, str]]:
    with (out / REPORT).open(encoding="utf-8-sig", newline="") as fh:
        return {int(r["row"]): r for r in csv.DictReader(fh)}


def test_one_bad_row_never_aborts_a_bulk_run(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "plans.csv", [
        sheet_row("PIP-L-1"),
        sheet_row("PIP-L-2", **{"period.start": "9999-12-31"}),
        sheet_row("PIP-L-3", **{"period.days": HUGE}),
        sheet_row("PIP-L-4", **{"goals.1.target": HUGE}),
        sheet_row("PIP-L-5", **{"employee.id": HUGE}),
        sheet_row("PIP-L-6"),
    ])
    out = tmp_path / "out"
    summary = run_bulk(sheet, out, fmt="docx")
    rows = report(out)
    assert summary.made == 2 and summary.failed == 4
    assert [rows[n]["status"] for n in range(2, 8)] == ["ok", "error", "error", "error",
                                                       "error", "ok"]
    assert rows[3]["message"].startswith(f"{cell('period.start', 3)}: ")
    assert rows[4]["message"].startswith(f"{cell('period.days', 4)}: ")
    assert rows[5]["message"].startswith(f"{cell('goals.1.target', 5)}: ")
    assert rows[6]["message"].startswith(f"{cell('employee.id', 6)}: ")
    assert all(len(rows[n]["message"]) < 400 for n in rows), rows
    assert (out / "PIP-L-1.docx").is_file() and (out / "PIP-L-6.docx").is_file()
