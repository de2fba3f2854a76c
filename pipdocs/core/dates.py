"""Dates as people type them, read the same way in a plan file and in a spreadsheet.

2027-03-01 is the canonical form; 2027/3/1, 2027.3.1 and 2027年3月1日 are what Chinese
spreadsheets and HR staff write, so both inputs accept them. An impossible date (2027-04-31)
gets a message that says why (April has 30 days), not only that it is wrong.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def ymd_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a year-first date in any accepted form, not yet checked."""
    match = YMD.match(unicodedata.normalize("NFKC", text).strip())
    if not match:
        return None
    return int(match[1]), int(match[2]), int(match[3])


def parse_ymd(text: str) -> date | None:
    """2027-03-01, 2027/3/1, 2027.3.1 or 2027年3月1日 as a date; None if it is none."""
    parts = ymd_parts(text)
    if parts is None:
        return None
    try:
        return date(*parts)
    except ValueError:
        return None


def why_not_a_date(text: str) -> tuple[str, dict[str, int]] | None:
    """Why a year-first text is not a date: a message id and its values, or None if unknown.

    The message id is translated by the caller (core.i18n), so this stays free of wording.
    """
    parts = ymd_parts(text)
    if parts is None:
        return None
    year, month, day = parts
    if not 1 <= month <= 12:
        return "month", {"month": month}
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return "day", {"year": year, "month": month, "days": last}
    return None
