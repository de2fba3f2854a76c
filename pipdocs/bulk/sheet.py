"""Spreadsheet rows -> plan data, with every problem tied to the Excel cell a person must fix.

A sheet is a ``.csv`` (UTF-8 with or without BOM, GB18030 as Excel on Chinese Windows saves
it, or UTF-16 "Unicode text") or the first sheet of an ``.xlsx``. The first non-empty row names
the columns, by key (``employee.email``) or by Chinese label (``员工邮箱``). Rows are read one
at a time, so a sheet of any length takes the same memory. Cells arrive as Excel stores them
(dates, serial numbers, numbers typed as text) and leave as the plain values a plan file holds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pipdocs.bulk.columns import (
    COLUMNS as COLUMNS,
)
from pipdocs.bulk.columns import (
    DATE_KEYS as DATE_KEYS,
)
from pipdocs.bulk.columns import (
    EXAMPLE_MARKS as EXAMPLE_MARKS,
)
from pipdocs.bulk.columns import (
    FREQUENCY_LABELS_ZH as FREQUENCY_LABELS_ZH,
)
from pipdocs.bulk.columns import (
    FREQUENCY_VALUES as FREQUENCY_VALUES,
)
from pipdocs.bulk.columns import (
    GOAL_COUNT as GOAL_COUNT,
)
from pipdocs.bulk.columns import (
    GOAL_FIELDS as GOAL_FIELDS,
)
from pipdocs.bulk.columns import (
    LABELS_ZH as LABELS_ZH,
)
from pipdocs.bulk.columns import (
    LANGUAGE_LABELS_ZH as LANGUAGE_LABELS_ZH,
)
from pipdocs.bulk.columns import (
    LANGUAGE_VALUES as LANGUAGE_VALUES,
)
from pipdocs.bulk.columns import (
    LIST_KEYS as LIST_KEYS,
)
from pipdocs.bulk.columns import (
    OPTIONAL as OPTIONAL,
)
from pipdocs.bulk.columns import (
    ROLE_LABELS_ZH as ROLE_LABELS_ZH,
)
from pipdocs.bulk.columns import (
    ROLE_VALUES as ROLE_VALUES,
)
from pipdocs.bulk.columns import (
    TEXT_LISTS as TEXT_LISTS,
)
from pipdocs.bulk.columns import (
    column_key as column_key,
)
from pipdocs.bulk.columns import (
    column_letter as column_letter,
)
from pipdocs.core.dates import YMD
from pipdocs.core.errors import InputError, Problem
from pipdocs.core.i18n import N_, is_zh, plan_language, tr

_EXCEL_EPOCH = date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*[-/.]\s*(\d{4})$")
_WORD_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y",
                 "%d-%b-%Y", "%d-%b-%y", "%Y-%b-%d")
_DAYS = re.compile(r"^(\d{1,3})(?:\.0+)?\s*(?:天|日|days?|d)?$", re.IGNORECASE)
_ACTION = re.compile(r"^(?:第|weeks?)?\s*(\d{1,2}(?:\s*[-–~至到]\s*\d{1,2})?)\s*(?:周)?\s*[:：]\s*"
                     r"(.+)$", re.IGNORECASE | re.DOTALL)
_BULLET = re.compile(r"^(?:[•·▪●]\s*|[-*]\s+)")

# --- cell values -----------------------------------------------------------------------------


def as_text(value: Any, number_format: str = "") -> str:
    """A cell as the text a person sees: 1024.0 -> '1024', 0.12 with a % format -> '12%'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else (
            value.isoformat(sep=" "))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if "%" in number_format:
            return f"{value * 100:.10g}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return f"{value:.15g}" if isinstance(value, float) else str(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_date(value: Any) -> date | None:
    """A date from an Excel date, an Excel serial number or a text date; None if it is none.

    Text: 2026-12-01, 2026/12/1, 2026.12.01, 2026年12月1日, 20261201, 1 Dec 2026,
    Dec 1, 2026, 1.12.2026 (day first), and n/n/yyyy: day first when the first number is over
    12, otherwise month first, as Excel writes dates in US-English CSV files.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(float(value))
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    text = re.split(r"[ T](?=\d{1,2}:\d{2})", text)[0].strip()  # drop a time of day
    if not text:
        return None
    try:
        if m := YMD.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if re.fullmatch(r"\d{8}", text):
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if re.fullmatch(r"\d{1,7}(?:\.\d+)?", text):
            return _serial(float(text))
        if m := _DMY.match(text):
            first, second, year = int(m[1]), int(m[3]), int(m[4])
            if m[2] == "." or first > 12:
                return date(year, second, first)
            return date(year, first, second)
    except ValueError:
        return None
    for fmt in _WORD_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _serial(number: float) -> date | None:
    if not 1 <= number < 2958466:
        return None
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _lines(text: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        line = _BULLET.sub("", line.strip()).strip()
        if line:
            out.append(line)
    return out


# --- rows -------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One plan row: ``data`` for ``plan_from_data`` and what is needed to point at cells."""

    number: int
    data: dict[str, Any]
    problems: list[Problem]
    header: Header
    goal_numbers: list[int] = field(default_factory=list)  # goals[i] came from goals.N.*
    bad_keys: set[str] = field(default_factory=set)
    example: bool = False  # the template's sample row: reported, never made

    def cell(self, key: str) -> str:
        index = self.header.index.get(key)
        return f"{column_letter(index)}{self.number}" if index is not None else ""

    def problem(self, key: str, message: str) -> Problem:
        """A problem in column ``key`` of this row, pointing at its cell."""
        cell = self.cell(key)
        if cell:
            return Problem(cell, message)
        from difflib import get_close_matches

        near = get_close_matches(key, self.header.unknown, n=1, cutoff=0.7) or \
            get_close_matches(LABELS_ZH[key], self.header.unknown, n=1, cutoff=0.5)
        label = LABELS_ZH[key] if is_zh() else key  # the name the user's sheet would show
        hint = tr("; is column '{near}' meant to be {key}?").format(
            near=near[0], key=label) if near else ""
        if not message.startswith(key):
            message = f"{label}: {message}"
        return Problem(tr("row {number}").format(number=self.number), tr(
            "{message} (the sheet has no {key} column{hint})").format(
                message=message, key=label, hint=hint))

    def locate(self, problem: Problem) -> Problem | None:
        """A plan problem (path ``goals[1].deadline``) as a cell problem (``W7: ...``).

        None when a problem from reading the same cell already says it better.
        """
        path, message = problem.path, problem.message
        key, prefix = path, ""
        goal = re.match(r"^goals\[(\d+)\](?:\.(\w+))?", path)
        if goal:
            index = int(goal[1]) - 1
            number = self.goal_numbers[index] if index < len(self.goal_numbers) else index + 1
            key = f"goals.{number}.{goal[2]}" if goal[2] else self._first(f"goals.{number}.")
        else:
            for base in LIST_KEYS:
                item = re.match(rf"^{re.escape(base)}\[(\d+)\]", path)
                if item:
                    key, prefix = base, f"line {item[1]}: "
        if key not in COLUMNS:
            key = self._first(f"{key}.") if key else "plan_id"
        if key in self.bad_keys:
            return None
        name = self.header.names.get(key, key)
        if re.match(r"^(is|must|needs|has)\b", message):
            message = f"{name} {message}"
        elif is_zh() and not message.startswith(name):
            message = f"{name}：{message}"  # "HR邮箱：与员工的邮箱相同"
        return self.problem(key, prefix + message)

    def _first(self, prefix: str) -> str:
        keys = [k for k in COLUMNS if k.startswith(prefix)]
        present = [k for k in keys if k in self.header.index]
        return (present or keys or ["plan_id"])[0]


@dataclass
class Header:
    """Where each column is: key -> 0-based index, and the header text the sheet uses."""

    index: dict[str, int]
    names: dict[str, str]
    row: int
    unknown: list[str]


def _header(values: list[Any], row: int) -> Header | None:
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    unknown = []
    for i, value in enumerate(values):
        text = as_text(value)
        key = column_key(text)
        if key and key not in index:
            index[key], names[key] = i, text
        elif text:
            unknown.append(text)
    if len(index) < 3:
        return None
    return Header(index, names, row, unknown)


def build_row(header: Header, number: int, cells: list[tuple[Any, str]]) -> SheetRow | None:
    """Turn one row's cells (value, number format) into plan data; None for a blank row.

    Problems are worded in the row's language (a Chinese plan gets Chinese messages).
    """
    index = header.index.get("language")
    cell = as_text(cells[index][0]) if index is not None and index < len(cells) else ""
    with plan_language(LANGUAGE_VALUES.get(cell.lower())):
        return _build_row(header, number, cells)


def _build_row(header: Header, number: int, cells: list[tuple[Any, str]]) -> SheetRow | None:
    raw: dict[str, tuple[Any, str]] = {}
    for key, i in header.index.items():
        if i < len(cells):
            value, fmt = cells[i]
            if as_text(value, fmt) != "":
                raw[key] = (value, fmt)
    if not raw:
        return None
    row = SheetRow(number, {}, [], header)
    data = row.data

    def put(key: str, value: Any) -> None:
        parts = key.split(".")
        target = data
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value

    for key, (value, fmt) in raw.items():
        if key.startswith("goals.") or key in LIST_KEYS:
            continue
        text = as_text(value, fmt)
        if key == "example":
            row.example = text.strip().lower() in EXAMPLE_MARKS
            continue
        if key in DATE_KEYS:
            when = parse_date(value)
            if when is None:
                row.bad_keys.add(key)
                row.problems.append(row.problem(key, _not_a_date(text)))
            put(key, when.isoformat() if when else text)
        elif key == "period.days":
            match = _DAYS.match(text)
            put(key, int(match[1]) if match else text)
        elif key == "language":
            put(key, LANGUAGE_VALUES.get(text.lower(), text))
        elif key == "checkin_frequency":
            put(key, FREQUENCY_VALUES.get(text.lower().strip(), text))
        elif key == "role":
            put(key, ROLE_VALUES.get(re.sub(r"[\s_-]+", " ", text.lower().strip()), text))
        else:
            put(key, text)
    goals = _goals(row, raw)
    if goals:
        data["goals"] = goals
    for key in LIST_KEYS:
        if key in raw:
            put(key, _list_cell(row, key, as_text(*raw[key])))
    return row


def _goals(row: SheetRow, raw: dict[str, tuple[Any, str]]) -> list[dict[str, Any]]:
    """Goals 1-3 from their columns; a goal whose columns are all empty is no goal."""
    goals = []
    for n in range(1, GOAL_COUNT + 1):
        goal: dict[str, Any] = {}
        for name in GOAL_FIELDS:
            key = f"goals.{n}.{name}"
            if key not in raw:
                continue
            value, fmt = raw[key]
            if name == "deadline":
                when = parse_date(value)
                if when is None:
                    row.bad_keys.add(key)
                    row.problems.append(row.problem(key, _not_a_date(as_text(value, fmt))))
                goal[name] = when.isoformat() if when else as_text(value, fmt)
            else:
                goal[name] = as_text(value, fmt)
        if goal:  # an empty goal's columns mean: no such goal
            goals.append(goal)
            row.goal_numbers.append(n)
    return goals


def _not_a_date(text: str) -> str:
    """Why a cell is not a date, the same words as for a plan file (April has 30 days)."""
    from pipdocs.core.planmessages import date_message

    return date_message(text)


def _list_cell(row: SheetRow, key: str, text: str) -> list[Any]:
    lines = _lines(text)
    if key in TEXT_LISTS:
        return lines
    out: list[Any] = []
    for n, line in enumerate(lines, 1):
        if key == "actions":
            m = _ACTION.match(line)
            if m:
                weeks = re.sub(r"\s*[–~至到]\s*|\s*-\s*", "-", m[1])
                out.append({"weeks": weeks, "task": m[2].strip()})
                continue
            example = "'1-4: task'"
        else:
            m = re.match(r"^(.+?)\s*[:：]\s*(.*)$", line, re.DOTALL)
            when = parse_date(m[1]) if m else None
            if m and when and m[2].strip():
                out.append({"date": when.isoformat(), "focus": m[2].strip()})
                continue
            example = "'2026-12-15: focus'"
        row.bad_keys.add(key)
        row.problems.append(row.problem(key, tr(
            "line {n}: '{text}' is not in the form {example}").format(
                n=n, text=line[:60], example=example)))
    return out


# --- files ------------------------------------------------------------------------------------


_NO_HEADER = N_("{path}: row {row} is not a header row: the first row must name the columns "
              "(plan_id, language, role, employee.name, ...) or their Chinese labels; "
              "`pipdocs bulk-template` makes a sheet with the right header")


def read_sheet(path: Path) -> Iterator[SheetRow]:
    """Yield the plan rows of a .xlsx or .csv one by one (blank rows skipped).

    Raises InputError (exit 2) when the file is missing, not a spreadsheet or has no header.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(tr("{path}: file not found; check the path").format(path=path))
    from pipdocs.bulk.reader import csv_rows, xlsx_rows

    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = xlsx_rows(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        rows = csv_rows(path)
    elif suffix == ".xls":
        raise InputError(tr("{path}: old Excel 97 format; open it in Excel and save as .xlsx"
                            ).format(path=path))
    else:
        raise InputError(tr("{path}: not a spreadsheet; use a .xlsx or .csv file "
                            "(`pipdocs bulk-template` makes one)").format(path=path))
    header: Header | None = None
    first = 0
    for number, cells in rows:
        if header is None:
            if not any(as_text(v) for v, _ in cells):
                continue
            first = first or number
            header = _header([v for v, _ in cells], number)  # title rows above it are skipped
            if header is None and number - first >= 10:
                raise InputError(tr(_NO_HEADER).format(path=path, row=first))
            continue
        row = build_row(header, number, cells)
        if row is not None:
            yield row
    if header is None:
        if first:
            raise InputError(tr(_NO_HEADER).format(path=path, row=first))
        raise InputError(tr("{path}: the sheet is empty; it needs a header row and one row per"
                            " plan").format(path=path))
