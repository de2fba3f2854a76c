"""Reading the cells of a spreadsheet file, row by row, as (value, number format) pairs.

``.xlsx`` through openpyxl's streaming reader (first sheet, cached formula values); CSV in
whatever encoding Excel wrote it (UTF-8 with or without BOM, UTF-16 "Unicode text", or GB18030
from Excel on Chinese Windows), with the delimiter Excel used (comma, semicolon or tab).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipdocs.core.errors import InputError

Cells = Iterator[tuple[int, list[tuple[Any, str]]]]


def xlsx_rows(path: Path) -> Cells:
    from openpyxl import load_workbook

    from pipdocs.core.ziplimits import XLSX_LIMITS, check_zip

    check_zip(path, "workbook", XLSX_LIMITS)  # before openpyxl holds a part or a cell
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc}); save it again "
                         "from Excel as .xlsx") from exc
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong size; read what is there
        for number, row in enumerate(sheet.iter_rows(), 1):
            yield number, [(c.value, getattr(c, "number_format", "") or "") for c in row]
    finally:
        book.close()


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-16 (BOM), utf-8, else gb18030 (Excel on Chinese Windows); whole file
    checked in chunks, never held in memory."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 16):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        fh.seek(0)
        gb = codecs.getincrementaldecoder("gb18030")()
        try:
            while chunk := fh.read(1 << 16):
                gb.decode(chunk)
            return "gb18030"
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: neither UTF-8 nor GB18030 text; save it from Excel as "
                             "'CSV UTF-8' or as .xlsx") from exc


def csv_rows(path: Path) -> Cells:
    encoding = detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as fh:
        sample = fh.read(1 << 15)
        fh.seek(0)
        if "\0" in sample:
            raise InputError(f"{path}: not a text file; use .xlsx or a CSV saved from Excel")
        first = sample.split("\n", 1)[0]
        delimiter = max(",;\t|", key=first.count) if first else ","
        if not first.count(delimiter):
            delimiter = ","
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            for number, record in enumerate(reader, 1):
                yield number, [(value, "") for value in record]
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):  # the csv module's own bound
                raise InputError(
                    f"{path}: a cell on line {reader.line_num} is longer than"
                    f" {csv.field_size_limit():,} characters; a plan's cell is far shorter"
                    " (Excel allows 32,767)") from exc
            raise InputError(f"{path}: broken CSV ({exc}); save it again from Excel") from exc
