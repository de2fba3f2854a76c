"""`case verify --report X.pdf`: one timestamped record for a whole case, read by a labour
arbitrator. Made from the committed example case (examples/case-zh, real signatures) and sealed
by the session's TSA over HTTP; its text is read back with pdftotext and the record itself is
verified by `pipdocs verify`."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ENV

from pipdocs.cli.main import cli
from pipdocs.demo.case import case_inputs

CASE = case_inputs("zh")
pytestmark = pytest.mark.skipif(not shutil.which("soffice"),
                                reason="LibreOffice converts the record")

#: Latin words a Chinese record may hold: standards, units and the tool's name.
ALLOWED_LATIN = {"SHA", "UTC", "PAdES", "LTA", "OCSP", "CRL", "PIP", "CASE", "pdf", "pipdocs"}


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env=ENV)
    return result.exit_code, result.output


def english_words(text: str) -> set[str]:
    """Latin words of three letters or more that are not data (digests, e-mails, file names)."""
    from pipdocs.core.plan import load_plan

    plan = load_plan(CASE / "plan-v1-zh.yaml")
    data = [plan.person(role).email for role in ("employee", "manager", "hr")]
    spaced = re.sub(r"[\w-]+\.pdf", "", " ".join(text.split()))
    data += re.findall(r"[0-9a-f]{8,}", spaced)  # digests, serials, fingerprints
    return {w for w in re.findall(r"[A-Za-z]{3,}", spaced)  # e-mails wrap inside their cells
            if not any(w in d for d in data)} - ALLOWED_LATIN


def test_case_record_in_chinese_covers_the_whole_case_and_verifies(
        tsa: object, ca_dir: Path, records_ca: Path, tmp_path: Path,
        pdf_text: Callable[..., str]) -> None:
    record = tmp_path / "案卷记录.pdf"
    code, out = run("case", "verify", CASE, "--trust", CASE / "root.pem", "--report", record,
                    "--tsa", tsa.url, "--seal", records_ca)  # type: ignore[attr-defined]
    assert code == 0, out
    text = pdf_text(record, "-layout")  # a table row stays on its line
    flat = "".join(text.split())
    for expected in ("绩效改进计划案卷核验记录", "杭州云途网络科技有限公司", "赵磊", "E1187",
                     "支付平台研发部", "PIP-2026-0103-CASE", "2025-10-08至2026-01-05",
                     "现行计划版本第2版", "成立。案卷中的6份文件均已有效签署",
                     "所有文件属于同一计划编号和同一批当事人符合",
                     "回顾面谈和最终评估依据的是当时有效的计划版本符合",
                     "计划变更（第2版）", "第2版第3个节点", "孙浩", "吴静", "直接上级",
                     "人力资源", "员工已知悉本绩效改进计划", "直接上级批准本次计划变更",
                     "附录：技术细节", "本记录已由档案机构加盖组织印章"):
        assert expected in flat, expected
    pdfs = sorted(CASE.glob("*.pdf"))
    for pdf in pdfs:  # each document by its name and digest, never a local path
        assert pdf.name in flat and hashlib.sha256(pdf.read_bytes()).hexdigest() in flat
    assert str(CASE) not in flat and "/tmp" not in flat and "examples/" not in flat
    pairs = re.findall(r"(\d{4}-\d\d-\d\d\d\d:\d\d):\d\d（UTC(\d{4}-\d\d-\d\d\d\d:\d\d):\d\d）",
                       flat)
    assert len(pairs) >= 32  # every signature of the six documents, in the timeline and per
    # document, Beijing time and UTC
    assert "日期文件签署时间内容" in flat  # the timeline: each signature's time beside the date
    rows = [line for line in text.splitlines() if "绩效改进计划（第 1 版）" in line]
    assert any("员工 2025-10-08" in row for row in rows), rows  # the first signer's time
    for local, utc in pairs:
        fmt = "%Y-%m-%d%H:%M"
        assert datetime.strptime(local, fmt) - datetime.strptime(utc, fmt) == timedelta(hours=8)
    english = english_words(pdf_text(record))
    assert not english, english  # no "Timestamp Authority", "Root CA", library text
    code, out = run("verify", record, "--trust", ca_dir / "root.pem", "--trust",
                    records_ca / "root.pem")
    assert code == 0 and "验证记录有效" in out and "PIP-2026-0103-CASE 案卷" in out, out
    assert "“有效”" in out


def test_a_broken_case_gets_a_record_that_says_it_fails_and_why(
        tsa: object, ca_dir: Path, records_ca: Path, tmp_path: Path,
        pdf_text: Callable[..., str]) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    for pdf in CASE.glob("*.pdf"):
        if pdf.name != "03-checkin-2.pdf":  # the second check-in is missing
            shutil.copyfile(pdf, folder / pdf.name)
    record = tmp_path / "record.pdf"
    code, out = run("case", "verify", folder, "--trust", CASE / "root.pem", "--report", record,
                    "--tsa", tsa.url, "--seal", records_ca)  # type: ignore[attr-defined]
    assert code == 1 and "第 1 版的检查节点 2" in out, out
    flat = "".join(pdf_text(record, "-layout").split())
    assert "不成立。案卷存在下列1个问题" in flat
    assert "第1版的检查节点2(2025-11-05)没有回顾面谈记录" in flat
    assert "计划的每个已到期检查节点都有回顾面谈记录不符合" in flat
    assert "成立。案卷中的" not in flat
    code, out = run("verify", record, "--trust", ca_dir / "root.pem", "--trust",
                    records_ca / "root.pem")
    assert code == 0 and "验证记录有效" in out and "“无效”" in out, out


def test_a_case_record_without_the_seal_says_it_proves_only_when_it_was_made(
        tsa: object, ca_dir: Path, tmp_path: Path, pdf_text: Callable[..., str]) -> None:
    record = tmp_path / "record.pdf"
    code, out = run("case", "verify", CASE, "--trust", CASE / "root.pem", "--report", record,
                    "--tsa", tsa.url)  # type: ignore[attr-defined]
    assert code == 0 and ("will not be sealed" in out or "不会加盖组织印章" in out), out
    flat = "".join(pdf_text(record).split())
    assert flat.count("注意：本记录未加盖组织印章，仅由时间戳服务加盖时间戳。") == 2, flat[:400]
    code, out = run("verify", record, "--trust", ca_dir / "root.pem")
    assert code == 1 and "未经认证：该验证记录仅有时间戳" in out and "验证记录有效" not in out


def test_a_case_record_needs_a_pdf_or_html_name(tmp_path: Path) -> None:
    code, out = run("case", "verify", CASE, "--trust", CASE / "root.pem", "--report",
                    tmp_path / "record.docx")
    assert code == 2 and ".pdf" in out and not (tmp_path / "record.docx").exists()
