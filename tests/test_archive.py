"""Zip files from people (.xlsx workbooks, .docx templates) are bounded before they are read:
every member's unpacked size from the zip's directory, every text run while streaming."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from test_limits import cli_lines, example, sheet_row, write_csv

from pipdocs.bulk.run import run_bulk
from pipdocs.bulk.sheet import COLUMNS
from pipdocs.core.errors import InputError, TemplateError
from pipdocs.core.plan import plan_from_data


def lie_about(src: Path, dst: Path, member: str, size: int = 1 << 30) -> Path:
    """A copy of zip ``src`` whose directory says ``member`` unpacks to ``size`` bytes, and whose
    data for it is not deflate at all: only a check made before decompressing can name its size
    (decompressing it would fail with a different error)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == member:
                zout.writestr(info.filename, b"not deflate", compress_type=zipfile.ZIP_STORED)
                zout.getinfo(member).file_size = size
            else:
                zout.writestr(info.filename, zin.read(info.filename))
    return dst


def test_a_workbook_member_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(list(COLUMNS))
    book.active.append([sheet_row("PIP-Z-1").get(k) for k in COLUMNS])
    book.save(tmp_path / "plain.xlsx")
    sheet = lie_about(tmp_path / "plain.xlsx", tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml")
    assert sheet.stat().st_size < 20_000
    with pytest.raises(InputError, match=r"xl/worksheets/sheet1.xml unpacks to 1,024 MB"):
        run_bulk(sheet, tmp_path / "out", fmt="docx")
    code, lines = cli_lines("bulk", str(sheet), "-o", str(tmp_path / "out2"), "--format", "docx")
    assert code == 2 and len(lines) == 1 and "unpacks to 1,024 MB" in lines[0], lines


def test_a_cell_too_long_is_refused_before_openpyxl_holds_it(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(list(COLUMNS))
    book.active.append([sheet_row("PIP-Z-2").get(k) for k in COLUMNS])
    book.active.cell(2, 1 + COLUMNS.index("diagnosis.summary"), "LONGCELL")
    book.save(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as zin, \
            zipfile.ZipFile(tmp_path / "long.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():  # openpyxl itself cuts a cell at Excel's 32,767 characters
            zout.writestr(info, zin.read(info).replace(b"LONGCELL", b"A" * 300_000))
    with pytest.raises(InputError, match="holds a text of more than 256 KB") as caught:
        run_bulk(tmp_path / "long.xlsx", tmp_path / "out", fmt="docx")
    assert "32,767 characters" in str(caught.value)


def template_dir(tmp_path: Path) -> Path:
    root = tmp_path / "tpl"
    (root / "en").mkdir(parents=True)
    return root


def test_a_template_member_too_large_is_refused(tmp_path: Path) -> None:
    from pipdocs.document.render import render_docx_bytes
    from pipdocs.document.templates import check_template, find_template

    root = template_dir(tmp_path)
    bomb = lie_about(find_template("en", "sales"), root / "en" / "sales.docx",
                     "word/document.xml")
    with pytest.raises(TemplateError, match=r"word/document.xml unpacks to 1,024 MB"):
        check_template(bomb)
    with pytest.raises(TemplateError, match=r"word/document.xml unpacks to 1,024 MB"):
        render_docx_bytes(plan_from_data(example()), root)
    code, lines = cli_lines("templates", "check", str(bomb))
    assert code == 2 and len(lines) == 1 and "unpacks to 1,024 MB" in lines[0], lines


def test_a_template_paragraph_too_long_is_refused(tmp_path: Path) -> None:
    from pipdocs.document.templates import check_template

    document = docx.Document()
    document.add_paragraph("{{ employee.name }}" + "x" * (2 << 20))
    document.save(tmp_path / "long.docx")
    with pytest.raises(TemplateError, match="word/document.xml holds a text of more than 1 MB"):
        check_template(tmp_path / "long.docx")


def test_a_csv_cell_too_long_is_refused_while_reading(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "plans.csv", [sheet_row("PIP-C-1"),
                                               sheet_row("PIP-C-2", **{"support": "x" * 200_000})])
    with pytest.raises(InputError, match=r"a cell on line \d+ is longer than 131,072 characters"):
        run_bulk(sheet, tmp_path / "out", fmt="docx")


def test_a_real_workbook_bomb_is_refused_with_little_memory(tmp_path: Path) -> None:
    """One 110 MB cell of one letter, deflated to half a megabyte: refused from the zip's
    directory, so the process never holds the cell (its peak memory stays far below it)."""
    book = openpyxl.Workbook()
    book.active.append(list(COLUMNS))
    book.active.append([sheet_row("PIP-Z-3").get(k) for k in COLUMNS])
    book.active.cell(2, 1 + COLUMNS.index("diagnosis.summary"), "LONGCELL")
    book.save(tmp_path / "plain.xlsx")
    sheet = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as zin, \
            zipfile.ZipFile(sheet, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if b"LONGCELL" not in data:
                zout.writestr(info.filename, data)
                continue
            head, tail = data.split(b"LONGCELL")
            with zout.open(info.filename, "w") as fh:
                fh.write(head)
                for _ in range(110):
                    fh.write(b"A" * (1 << 20))
                fh.write(tail)
    assert sheet.stat().st_size < 2 << 20
    code = ("import sys\n"
            "from pipdocs.bulk.run import run_bulk\n"
            "from pipdocs.core.errors import InputError\n"
            "try:\n"
            f"    run_bulk({str(sheet)!r}, {str(tmp_path / 'out')!r}, fmt='docx')\n"
            "except InputError as exc:\n"
            "    print(exc)\n"
            # VmHWM: this process's own peak (ru_maxrss would include pytest's, kept over exec)
            "print(next(line.split()[1] for line in open('/proc/self/status')"
            " if line.startswith('VmHWM:')))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=True)
    message, peak_kb = proc.stdout.strip().splitlines()
    assert "unpacks to 110 MB, more than the 100 MB a workbook may hold" in message, message
    assert int(peak_kb) < 100 * 1024, peak_kb  # the cell alone would be 110 MB


def test_a_long_text_is_found_across_the_scan_chunks() -> None:
    from pipdocs.core.ziplimits import MB, ZipLimits, check_zip

    def zipped(xml: bytes) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("x.xml", xml)
        return buf.getvalue()

    limits = ZipLimits(member=8 * MB, total=8 * MB, text_run=100_000)
    tags = b"<a>" * ((MB - 50_000) // 3)
    check_zip(zipped(tags + b"x" * 99_990 + b"<b/>" + tags), "test", limits)  # "a>" + text
    with pytest.raises(InputError, match="x.xml holds a text of more than"):
        check_zip(zipped(tags + b"x" * 100_001 + b"<b/>" + tags), "test", limits)
    with pytest.raises(InputError, match="x.xml holds a text of more than"):
        check_zip(zipped(tags + b"x" * 100_001), "test", limits)




def test_archive_status_table_in_the_message_language() -> None:
    """The text table says each state in words of the chosen language and lines up its
    columns; the JSON (not shown here) keeps the codes."""
    from datetime import datetime, timezone

    from pipdocs.archive.status import RecordStatus, render_rows
    from pipdocs.core.i18n import in_language

    until = datetime(2036, 11, 28, tzinfo=timezone.utc)
    rows = [RecordStatus(Path("a/计划.pdf"), "refresh_due", "B-LTA", until, until),
            RecordStatus(Path("b.pdf"), "unreadable", None, None, None, "not a PDF")]
    with in_language("zh"):
        zh = render_rows(rows).splitlines()
    assert zh[0].split() == ["状态", "级别", "可验证至", "最迟更新日期", "文件"]
    assert zh[1].split() == ["需要更新", "B-LTA", "2036-11-28", "2036-11-28", "a/计划.pdf"]
    assert zh[2].split()[:2] == ["无法读取", "-"] and zh[2].endswith("b.pdf  not a PDF")
    assert zh[1].index("a/计划.pdf") == zh[2].index("b.pdf")  # the columns line up
    with in_language("en"):
        assert render_rows(rows).splitlines()[1].startswith("refresh due  B-LTA")
