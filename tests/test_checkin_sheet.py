"""`pipdocs bulk SHEET --plans DIR` runs as a plan sheet does: the same header matcher, one run
per output directory (the lock), the manifest, and a second run that skips what it made."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipdocs.bulk.records import LOCK, MANIFEST, REPORT
from pipdocs.cli.main import cli
from pipdocs.core.errors import InputError
from pipdocs.lifecycle.checkinsheet import run_checkin_sheet
from pipdocs.lifecycle.make import Options

INPUTS = Path(__file__).resolve().parent.parent / "examples" / "case-zh"


def invoke(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def test_headers_are_matched_as_a_plan_sheets_are(tmp_path: Path) -> None:
    """Spacing, case and separators ignored (plan sheets' column_key); the check-in sheet's own
    matcher refused these headers."""
    (tmp_path / "plans").mkdir()
    sheet = tmp_path / "week.csv"
    sheet.write_text("Plan ID,Date,Goal1 Progress,目标1 状态,Manager-Feedback,next steps\n"
                     "PIP-NOPE,2025-12-03,x,按计划推进,ok,go on\n", encoding="utf-8")
    result = run_checkin_sheet(sheet, tmp_path / "plans", tmp_path / "out", Options())
    assert (result.made, result.failed) == (0, 1)
    assert "no signed plan PIP-NOPE" in result.rows[0].message
    with pytest.raises(InputError, match="unknown columns: goals.0.progress"):
        sheet.write_text("plan_id,date,goals.0.progress\nPIP-NOPE,2025-12-03,x\n",
                         encoding="utf-8")
        run_checkin_sheet(sheet, tmp_path / "plans", tmp_path / "out", Options())


def test_one_run_per_output_directory(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    out = tmp_path / "out"
    out.mkdir()
    sheet = tmp_path / "week.csv"
    sheet.write_text("plan_id,date,manager_feedback\nPIP-NOPE,2025-12-03,ok\n", encoding="utf-8")
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another bulk run holds it
        code, output = invoke("bulk", sheet, "--plans", tmp_path / "plans", "-o", out)
    finally:
        os.close(fd)
    assert code == 2 and "another pipdocs bulk is writing there" in output
    assert not (out / REPORT).exists()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice converts the records")
def test_a_second_run_skips_what_the_first_made_and_force_remakes_it(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("01-plan.pdf", "04-revision.pdf"):
        shutil.copyfile(INPUTS / name, plans / name)
    sheet = tmp_path / "week.csv"
    sheet.write_text("计划编号,面谈日期,目标1进展,目标1状态,目标2进展,目标2状态,目标3进展,目标3状态,"
                     "已提供的支持,直接上级反馈\n"
                     "PIP-2026-0103-CASE,2025-12-03,a,按计划推进,b,存在风险,c,按计划推进,1,好\n",
                     encoding="utf-8")
    out = tmp_path / "out"
    trust = ("--trust", INPUTS / "root.pem")
    code, output = invoke("bulk", sheet, "--plans", plans, "-o", out, *trust)
    assert code == 0 and "1 made, 0 skipped, 0 failed" in output, output
    made = out / "PIP-2026-0103-CASE-checkin-2025-12-03.pdf"
    manifest = (out / MANIFEST).read_text(encoding="utf-8")
    assert '"output": "PIP-2026-0103-CASE-checkin-2025-12-03.pdf"' in manifest
    first = made.read_bytes()
    code, output = invoke("bulk", sheet, "--plans", plans, "-o", out, *trust)
    assert code == 0 and "0 made, 1 skipped, 0 failed" in output, output
    assert "与上次运行相比未变化" in (out / REPORT).read_text(encoding="utf-8-sig")
    assert made.read_bytes() == first
    code, output = invoke("bulk", sheet, "--plans", plans, "-o", out, "--force", *trust)
    assert code == 0 and "1 made, 0 skipped, 0 failed" in output, output
    assert [p.name for p in out.iterdir() if p.name.startswith(".pipdocs-work")] == []
