"""Spreadsheet reading and the bulk template: real openpyxl workbooks and real CSV bytes."""

from __future__ import annotations

import copy
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from pipdocs.bulk.sheet import COLUMNS, LABELS_ZH, as_text, column_key, parse_date, read_sheet
from pipdocs.bulk.workbook import EXAMPLES, plan_to_row, write_template
from pipdocs.core.errors import InputError, PlanInvalid
from pipdocs.core.plan import plan_from_data


def _csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> Path:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _row_values(plan: dict, keys: tuple[str, ...] = COLUMNS) -> list[str]:
    values = plan_to_row(plan)
    return [as_text(values.get(k)) for k in keys]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2026/12/1", date(2026, 12, 1)),
        ("2026.12.01", date(2026, 12, 1)),
        ("2026年12月1日", date(2026, 12, 1)),
        ("２０２６－１２－０１", date(2026, 12, 1)),  # full-width digits from a Chinese IME
        ("20261201", date(2026, 12, 1)),
        ("46357", date(2026, 12, 1)),  # an Excel serial typed or exported as text
        ("12/1/2026", date(2026, 12, 1)),  # US-English Excel CSV
        ("25/12/2026", date(2026, 12, 25)),
        ("1.12.2026", date(2026, 12, 1)),
        ("1 Dec 2026", date(2026, 12, 1)),
        ("December 1, 2026", date(2026, 12, 1)),
        ("2026-12-01 00:00:00", date(2026, 12, 1)),
        ("next week", None),
        ("2026-13-01", None),
    ],
)
def test_parse_date_text(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_parse_date_cells() -> None:
    assert parse_date(46357) == date(2026, 12, 1)
    assert parse_date(46357.75) == date(2026, 12, 1)
    assert parse_date(datetime(2026, 12, 1, 0, 0)) == date(2026, 12, 1)
    assert parse_date(True) is None


def test_cell_text() -> None:
    assert as_text(1024.0) == "1024"
    assert as_text(0.12, "0%") == "12%"
    assert as_text(" a\r\nb ") == "a\nb"
    assert as_text(datetime(2027, 1, 31)) == "2027-01-31"


def test_headers_by_key_label_and_variant() -> None:
    assert column_key("employee.email") == "employee.email"
    assert column_key(" Employee.Email ") == "employee.email"
    assert column_key("员工邮箱") == "employee.email"
    assert column_key("目标2-截止日期") == "goals.2.deadline"
    assert column_key("goals[3].target") == "goals.3.target"
    assert column_key("remarks") is None


def test_xlsx_dates_numbers_blank_rows_and_empty_goals(tmp_path: Path) -> None:
    """Excel date cells, bare serial numbers, numbers typed as text, blank rows, goal 2 empty."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    values = plan_to_row(EXAMPLES["en"])
    row = [values.get(k) for k in COLUMNS]
    serial = list(row)
    serial[COLUMNS.index("period.start")] = 46357  # 2026-12-01 as a plain number
    serial[COLUMNS.index("goals.1.deadline")] = 46418.0  # 2027-01-31
    serial[COLUMNS.index("period.days")] = "90"  # number stored as text
    serial[COLUMNS.index("employee.id")] = 1024  # text column holding a number
    serial[COLUMNS.index("plan_id")] = "PIP-SERIAL"
    sheet.append(row)
    sheet.append([None] * len(COLUMNS))  # blank row: ignored
    sheet.append(serial)
    path = tmp_path / "plans.xlsx"
    book.save(path)

    rows = list(read_sheet(path))
    assert [r.number for r in rows] == [2, 4]
    plans = [plan_from_data(r.data) for r in rows]
    assert plans[0].period.start == plans[1].period.start == date(2026, 12, 1)
    assert plans[1].goals[0].deadline == date(2027, 1, 31)
    assert plans[1].period.days == 90 and plans[1].employee.id == "1024"
    assert len(plans[0].goals) == 1  # goals.2.* and goals.3.* empty: no such goals
    assert [a.weeks for a in plans[0].actions] == ["1-4", "5-8"]


def test_gb18030_csv_with_chinese_headers(tmp_path: Path) -> None:
    plan = copy.deepcopy(EXAMPLES["zh"])
    header = [LABELS_ZH[k] for k in COLUMNS]
    path = _csv(tmp_path / "plans.csv", header, [[], _row_values(plan)], "gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    (row,) = read_sheet(path)
    loaded = plan_from_data(row.data)
    assert loaded.employee.name == "赵磊" and loaded.diagnosis.root_causes[0].startswith("单元")


def test_utf8_bom_csv_semicolons_and_chinese_values(tmp_path: Path) -> None:
    plan = copy.deepcopy(EXAMPLES["en"])
    values = _row_values(plan)
    values[COLUMNS.index("role")] = "研发"
    values[COLUMNS.index("language")] = "English"
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows([list(COLUMNS), values])
    path = tmp_path / "plans.csv"
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    (row,) = read_sheet(path)
    loaded = plan_from_data(row.data)
    assert (loaded.role, loaded.language) == ("engineering", "en")


def test_problems_point_at_cells(tmp_path: Path) -> None:
    plan = copy.deepcopy(EXAMPLES["en"])
    plan["employee"]["email"] = "dana.example.com"
    plan["goals"].append(dict(plan["goals"][0], deadline=date(2028, 1, 1)))
    values = _row_values(plan)
    values[COLUMNS.index("checkpoints")] = "2026-12-15: Coverage\nsoon"
    path = _csv(tmp_path / "bad.csv", list(COLUMNS), [values], "utf-8")
    (row,) = read_sheet(path)
    with pytest.raises(PlanInvalid) as info:
        plan_from_data(row.data)
    located = [row.locate(p) for p in info.value.problems]
    found = {str(p) for p in located + row.problems if p is not None}
    email = f"{_letter('employee.email')}2"
    deadline = f"{_letter('goals.2.deadline')}2"
    assert any(s.startswith(f"{email}: 'dana.example.com' is not an e-mail") for s in found)
    assert any(s.startswith(f"{deadline}: 2028-01-01 is outside the plan period") for s in found)
    assert any(s.startswith(f"{_letter('checkpoints')}2: line 2: 'soon'") for s in found)


def _letter(key: str) -> str:
    from pipdocs.bulk.sheet import column_letter

    return column_letter(COLUMNS.index(key))


def test_unusable_sheets(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "noheader.csv").write_text("a,b,c\n1,2,3\n")
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip")
    (tmp_path / "plans.pdf").write_bytes(b"%PDF-1.7")
    for name, words in [("missing.xlsx", "not found"), ("empty.csv", "empty"),
                        ("noheader.csv", "not a header row"), ("fake.xlsx", "not a readable"),
                        ("plans.pdf", "not a spreadsheet")]:
        with pytest.raises(InputError, match=words):
            list(read_sheet(tmp_path / name))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bulk_template(tmp_path: Path, lang: str) -> None:
    out = write_template(tmp_path / f"t-{lang}.xlsx", lang)
    book = openpyxl.load_workbook(out)
    sheet, guide = book.worksheets
    header = [c.value for c in sheet[1]]
    assert header == [LABELS_ZH[k] if lang == "zh" else k for k in COLUMNS]
    assert sheet.freeze_panes == "A2"
    lists = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation
             if dv.type == "list"}
    language = _letter("language")
    assert lists[f'"{"中文,英文" if lang == "zh" else "zh,en"}"'].startswith(f"{language}2:")
    assert lists['"30,60,90"'].startswith(f"{_letter('period.days')}2:")
    start = sheet.cell(2, COLUMNS.index("period.start") + 1)
    assert start.is_date and start.number_format == "yyyy-mm-dd"
    assert sheet.cell(2, COLUMNS.index("actions") + 1).alignment.wrap_text
    keys = [guide.cell(r, 1).value for r in range(2, len(COLUMNS) + 2)]
    assert keys == list(COLUMNS)
    assert guide.cell(2, 3).value and guide.cell(2, 4).value  # zh and en explanations
    (row,) = read_sheet(out)  # the example row is a valid plan
    assert plan_from_data(row.data).language == lang


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_example_workbooks_match_the_example_plans(lang: str) -> None:
    """examples/bulk-<lang>.xlsx holds the same plans as examples/*-<lang>.yaml; if this fails,
    regenerate them: .venv/bin/python -m pipdocs.bulk.workbook examples"""
    from pipdocs.core.plan import load_plan

    examples = Path(__file__).resolve().parent.parent / "examples"
    plans = {p.plan_id: p for p in map(load_plan, examples.glob(f"*-{lang}.yaml"))}
    rows = [plan_from_data(r.data) for r in read_sheet(examples / f"bulk-{lang}.xlsx")]
    assert sorted(p.plan_id for p in rows) == sorted(plans)
    for row in rows:
        assert row.to_json_bytes() == plans[row.plan_id].to_json_bytes()


def test_missing_column_names_the_row_and_a_likely_typo(tmp_path: Path) -> None:
    header = [("employe.email" if k == "employee.email" else k) for k in COLUMNS]
    path = _csv(tmp_path / "typo.csv", header, [_row_values(EXAMPLES["en"])], "utf-8")
    (row,) = read_sheet(path)
    with pytest.raises(PlanInvalid) as info:
        plan_from_data(row.data)
    (problem,) = [row.locate(p) for p in info.value.problems]
    assert problem is not None and problem.path == "row 2"
    assert problem.message == ("employee.email is required (the sheet has no employee.email "
                               "column; is column 'employe.email' meant to be employee.email?)")
