"""`pipdocs bulk` end to end: real openpyxl workbooks, real LibreOffice, the real CLI.

One mixed sheet (good rows and the usual mistakes) is used throughout; the first run's output
is shared by the resume tests so LibreOffice converts as few documents as possible.
"""

from __future__ import annotations

import copy
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers import pdf_text, pids_with, soffice_pids

from pipdocs.bulk.sheet import COLUMNS, LABELS_ZH, as_text, column_letter
from pipdocs.bulk.workbook import EXAMPLES, plan_to_row

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("soffice") is None,
                                reason="LibreOffice (soffice) is not installed")


def cell(key: str, row: int) -> str:
    return f"{column_letter(COLUMNS.index(key))}{row}"


def plan(lang: str, plan_id: str, name: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLES[lang])
    data["plan_id"], data["employee"]["name"] = plan_id, name
    values = plan_to_row(data)
    values.update(changes)
    return values


# Sheet row -> values (None: a blank row). Good rows: 2, 3, 9.
MIXED: list[dict[str, Any] | None] = [
    plan("en", "PIP-T-001", "Avery Stone"),  # 2: Excel date cells
    plan("zh", "PIP-T-002", "李娜", **{"period.start": 46357, "goals.1.deadline": 46418,
                                      "period.days": "90"}),  # 3: serial numbers, days as text
    plan("en", "PIP-T-003", "Bad Email", **{"employee.email": "dana.example.com"}),  # 4
    None,  # 5: blank row, ignored
    plan("en", "PIP-T-004", "Late Goal", **{"goals.1.deadline": date(2028, 1, 1)}),  # 6
    plan("en", "PIP-T-005", "No Role", role="marketing"),  # 7
    plan("en", "PIP-T-001", "Same Id"),  # 8: duplicate of row 2
    plan("en", "PIP-T-006", "Casey Wu", **{"period.start": "2026/12/01"}),  # 9: text date
]
GOOD = {"PIP-T-001": "Avery Stone", "PIP-T-002": "李娜", "PIP-T-006": "Casey Wu"}
BAD_CELLS = {
    4: (cell("employee.email", 4), "'dana.example.com' is not an e-mail address"),
    6: (cell("goals.1.deadline", 6), "2028-01-01 is outside the plan period"),
    7: (cell("role", 7), "role must be one of"),
    8: (cell("plan_id", 8), "plan id PIP-T-001 is already used on row 2"),
}


def write_xlsx(path: Path, rows: list[dict[str, Any] | None]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for values in rows:
        sheet.append([None] * len(COLUMNS) if values is None else
                     [values.get(k) for k in COLUMNS])
    book.save(path)
    return path


def bulk(*args: str | Path, env: dict[str, str] | None = None, **kw: Any) -> Any:
    cmd = [sys.executable, "-m", "pipdocs", "bulk", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})}, **kw)


def report(out: Path) -> dict[int, dict[str, str]]:
    with (out / "report.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {int(r["row"]): r for r in csv.DictReader(fh)}


def assert_no_partial_files(out: Path) -> None:
    leftovers = [p.name for p in out.iterdir()
                 if p.name.endswith((".part", ".tmp")) or p.name.startswith(".pipdocs-work-")]
    assert leftovers == []


@pytest.fixture(scope="module")
def mixed_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xlsx(tmp_path_factory.mktemp("sheet") / "plans.xlsx", MIXED)


@pytest.fixture(scope="module")
def first_run(mixed_xlsx: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("first") / "out"
    return out, bulk(mixed_xlsx, "-o", out, "--workers", "2")


def test_mixed_sheet_good_pdfs_bad_rows_by_cell(first_run: tuple[Path, Any]) -> None:
    out, proc = first_run
    assert proc.returncode == 1, proc.stderr
    rows = report(out)
    assert sorted(rows) == [2, 3, 4, 6, 7, 8, 9]  # the blank row 5 is not a plan
    for number, (where, words) in BAD_CELLS.items():
        assert rows[number]["status"] == "error" and rows[number]["output"] == ""
        assert f"{where}: " in rows[number]["message"] and words in rows[number]["message"]
        assert f"{where}: " in proc.stderr
    for number in (2, 3, 9):
        assert rows[number]["status"] == "ok", rows[number]
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        *(f"{pid}.pdf" for pid in sorted(GOOD)), "report.csv"]
    assert_no_partial_files(out)
    for pid, name in GOOD.items():
        text = pdf_text(out / f"{pid}.pdf")
        assert name in text and pid in text
    dates = pdf_text(out / "PIP-T-002.pdf").replace(" ", "")
    assert "2026年12月1日至2027年2月28日" in dates  # Excel serial 46357, 90 days as text
    assert "完成期限：2027年1月31日" in dates  # Excel serial 46418
    from pypdf import PdfReader

    fields = PdfReader(out / "PIP-T-006.pdf").get_fields() or {}
    assert {"sig_employee", "sig_manager", "sig_hr"} <= set(fields)  # ready to sign
    assert "bulk: 3 made, 0 skipped, 4 failed" in proc.stdout


def test_resume_skips_unchanged_rows_and_force_remakes(first_run: tuple[Path, Any],
                                                       tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(first_run[0], out)
    made = {p: (out / f"{p}.pdf").stat().st_mtime_ns for p in GOOD}
    sheet = tmp_path / "plans.xlsx"

    write_xlsx(sheet, MIXED)
    proc = bulk(sheet, "-o", out)
    assert proc.returncode == 1  # the bad rows are still bad
    assert {r["status"] for n, r in report(out).items() if n in (2, 3, 9)} == {"skipped"}
    assert {p: (out / f"{p}.pdf").stat().st_mtime_ns for p in GOOD} == made

    changed = copy.deepcopy(MIXED)
    assert changed[7] is not None
    changed[7]["employee.title"] = "Staff Engineer"
    write_xlsx(sheet, changed)
    proc = bulk(sheet, "-o", out)
    rows = report(out)
    assert [rows[n]["status"] for n in (2, 3, 9)] == ["skipped", "skipped", "ok"]
    assert "Staff Engineer" in pdf_text(out / "PIP-T-006.pdf")

    proc = bulk(sheet, "-o", out, "--force")
    assert [report(out)[n]["status"] for n in (2, 3, 9)] == ["ok", "ok", "ok"]
    assert (out / "PIP-T-001.pdf").stat().st_mtime_ns != made["PIP-T-001"]
    assert_no_partial_files(out)


def test_gb18030_csv_with_chinese_headers(tmp_path: Path,
                                          first_run: tuple[Path, Any]) -> None:
    """The same rows as Excel on Chinese Windows saves them: GB18030, labels as headers."""
    sheet = tmp_path / "plans.csv"
    with sheet.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([LABELS_ZH[k] for k in COLUMNS])
        for values in MIXED:
            writer.writerow([as_text(values.get(k)) if values else "" for k in COLUMNS])
    out = tmp_path / "out"
    proc = bulk(sheet, "-o", out, "--format", "docx")
    assert proc.returncode == 1, proc.stderr
    rows, expected = report(out), report(first_run[0])
    assert {n: r["status"] for n, r in rows.items()} == {
        n: r["status"] for n, r in expected.items()}
    for number, (where, _) in BAD_CELLS.items():
        assert rows[number]["message"].startswith(f"{where}: ")
    from docx import Document

    doc = Document(str(out / "PIP-T-002.docx"))
    texts = [p.text for p in doc.paragraphs] + [
        c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert any("李娜" in t for t in texts)


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise(mixed_xlsx: Path,
                                                             tmp_path: Path) -> None:
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "pipdocs", "bulk", str(mixed_xlsx), "-o",
                             str(tmp_path / "tty"), "--format", "docx"],
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=120)
    os.close(master)
    assert proc.returncode == 1
    assert "━".encode() in seen and b"plans/s" in seen  # rich's bar
    plain = bulk(mixed_xlsx, "-o", tmp_path / "plain", "--format", "docx")
    assert "━" not in plain.stderr and "bulk: 3/3 done, 0 failed" in plain.stderr


def test_unusable_sheets_exit_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello\nworld\n")
    for sheet in (tmp_path / "missing.xlsx", tmp_path / "notes.txt"):
        proc = bulk(sheet, "-o", tmp_path / "out")
        assert proc.returncode == 2 and proc.stderr.startswith("error: "), proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_bulk_template_command_and_its_example_row(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    proc = subprocess.run([sys.executable, "-m", "pipdocs", "bulk-template", str(out),
                           "--lang", "zh"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["计划", "说明"]
    header = [c.value for c in book["计划"][1]]
    row = {name: c.value for name, c in zip(header, book["计划"][2], strict=True)}
    assert row["示例行"] == "示例" and row["岗位类别"] == "技术岗"  # the document's own word
    proc = bulk(out, "-o", tmp_path / "docs", "--format", "docx")
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "docs" / "PIP-2026-0002.docx").exists()  # the sample is never made
    outcome = report(tmp_path / "docs")[2]
    assert outcome["status"] == "skipped" and "示例" in outcome["message"], outcome
    # cleared, the same row is a plan like any other
    book["计划"].cell(2, header.index("示例行") + 1).value = None
    book.save(out)
    proc = bulk(out, "-o", tmp_path / "docs2", "--format", "docx")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "docs2" / "PIP-2026-0002.docx").is_file()


@pytest.fixture(scope="module")
def six_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows: list[dict[str, Any] | None] = [
        plan("en" if i % 2 else "zh", f"PIP-K-{i}", f"Worker Test {i}") for i in range(6)]
    return write_xlsx(tmp_path_factory.mktemp("six") / "six.xlsx", rows)


@pytest.fixture(scope="module")
def many_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough rows that an interruption at the first PDF always lands mid-run."""
    rows: list[dict[str, Any] | None] = [
        plan("en" if i % 2 else "zh", f"PIP-K-{i}", f"Worker Test {i}") for i in range(24)]
    return write_xlsx(tmp_path_factory.mktemp("many") / "many.xlsx", rows)


def _watch_and(out: Path, pattern: str, proc: subprocess.Popen[str],
               action: Any) -> threading.Thread:
    """Run ``action`` once ``pattern`` matches in ``out``, while ``proc`` still runs."""
    def watch() -> None:
        while proc.poll() is None:
            if out.is_dir() and any(out.glob(pattern)):
                action()
                return
            time.sleep(0.02)

    thread = threading.Thread(target=watch)
    thread.start()
    return thread


def test_worker_killed_mid_run_the_run_completes(six_rows: Path, tmp_path: Path) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipdocs", "bulk", str(six_rows), "-o",
                             str(out), "--workers", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PIPDOCS_CACHE_DIR": str(cache)})
    killed: list[int] = []

    def kill() -> None:
        for pid in soffice_pids(cache):
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    watcher = _watch_and(out, ".pipdocs-work-*/*.pdf", proc, kill)  # one converted
    stdout, stderr = proc.communicate(timeout=600)
    watcher.join()
    assert killed, "no worker was running to kill"
    assert proc.returncode == 0, stderr
    assert {r["status"] for r in report(out).values()} == {"ok"}
    for i in range(6):
        assert f"Worker Test {i}" in pdf_text(out / f"PIP-K-{i}.pdf")
    assert_no_partial_files(out)
    assert soffice_pids(cache) == []


def test_killed_run_leaves_no_partial_file_and_the_next_run_finishes(many_rows: Path,
                                                                     tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipdocs", "bulk", str(many_rows), "-o",
                             str(out), "--workers", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    watcher = _watch_and(out, "*.pdf", proc, lambda: proc.send_signal(signal.SIGTERM))
    _, stderr = proc.communicate(timeout=600)
    watcher.join()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert_no_partial_files(out)
    rows = report(out)
    done = [r["plan_id"] for r in rows.values() if r["status"] == "ok"]
    assert done and len(done) < 24
    assert {r["message"] for r in rows.values() if r["status"] == "error"} == {
        "not made: the run was interrupted; run the same command again to finish"}
    for pid in done:  # each finished PDF is whole: its employee's name is in it
        assert f"Worker Test {pid.rsplit('-', 1)[1]}" in pdf_text(out / f"{pid}.pdf")

    again = bulk(many_rows, "-o", out, "--workers", "1")
    assert again.returncode == 0, again.stderr
    statuses = {r["plan_id"]: r["status"] for r in report(out).values()}
    assert all(statuses[p] == "skipped" for p in done)
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(f"PIP-K-{i}.pdf"
                                                               for i in range(24))


@pytest.mark.parametrize("engine", ["uno", "cli"])
def test_sigkilled_run_takes_its_libreoffice_along(engine: str, many_rows: Path,
                                                    tmp_path: Path) -> None:
    """A bulk run killed with SIGKILL runs no cleanup of its own: its workers, their
    soffice/soffice.bin and the guard must still be gone within seconds (issue 10 item 8)."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipdocs", "bulk", str(many_rows), "-o",
                             str(out), "--workers", "2"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, text=True,  # orphans may hold pipes
                            env={**os.environ, "PIPDOCS_CACHE_DIR": str(cache),
                                 "PIPDOCS_LO_ENGINE": engine})
    seen: dict[int, str] = {}

    def kill() -> None:
        if not _wait_for(lambda: soffice_pids(cache), 60):
            return
        for pid in pids_with(str(cache)) + pids_with("guard.py"):
            if "guard.py" not in _cmdline(pid) or str(proc.pid) in _cmdline(pid):
                seen[pid] = _cmdline(pid)
        proc.kill()

    watcher = _watch_and(out, ".pipdocs-work-*/*.docx", proc, kill)
    proc.wait(timeout=600)
    watcher.join()
    assert proc.returncode == -signal.SIGKILL
    names = {cmd.split("\0")[0].rsplit("/", 1)[-1] for cmd in seen.values()}
    assert "soffice.bin" in names and any("guard.py" in c for c in seen.values()), seen
    alive = lambda: [p for p in seen if p in pids_with("")]  # noqa: E731
    assert _wait_for(lambda: not alive(), 20), {p: seen[p] for p in alive()}


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def _wait_for(condition: Any, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def unoservers(tmp_path_factory: pytest.TempPathFactory) -> Any:
    python = ROOT / ".venv-uno" / "bin" / "python"
    if not python.exists():
        pytest.skip("no .venv-uno (make setup) to run the unoserver server")
    base = tmp_path_factory.mktemp("uno")
    procs, ports = [], []
    for i in range(2):
        port, uno_port = _free_port(), _free_port()
        procs.append(subprocess.Popen(
            [str(python), "-m", "unoserver.server", "--interface", "127.0.0.1", "--port",
             str(port), "--uno-port", str(uno_port), "--user-installation", str(base / str(i))],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        ports.append(port)
    import xmlrpc.client

    try:
        for port in ports:
            for _ in range(600):
                try:
                    xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}").info()
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"unoserver on port {port} did not start")
        yield f"unoserver://127.0.0.1:{ports[0]},127.0.0.1:{ports[1]}"
    finally:
        for p in procs:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def test_two_unoservers_share_the_work(unoservers: str, mixed_xlsx: Path,
                                       tmp_path: Path) -> None:
    from pipdocs.conversion.pool import Job
    from pipdocs.conversion.unoserver import RemotePool

    out = tmp_path / "out"
    proc = bulk(mixed_xlsx, "-o", out, "--converter", unoservers)
    assert proc.returncode == 1, proc.stderr
    for pid, name in GOOD.items():
        assert name in pdf_text(out / f"{pid}.pdf")
    assert_no_partial_files(out)

    from docx import Document

    docs = []
    for i in range(4):
        doc = Document()
        doc.add_paragraph(f"Remote document {i}")
        doc.save(str(tmp_path / f"r{i}.docx"))
        docs.append(tmp_path / f"r{i}.docx")
    with RemotePool(unoservers) as pool:
        for i, doc in enumerate(docs):
            pool.submit(Job(str(i), doc, tmp_path / f"r{i}.pdf"))
        pool.close_input()
        errors = [r.error for r in pool.results()]
    assert errors == [""] * 4
    assert all(n > 0 for n in pool.converted), pool.converted  # spread across both
    assert "Remote document 3" in pdf_text(tmp_path / "r3.pdf")


def test_unreachable_unoserver_is_exit_2(mixed_xlsx: Path, tmp_path: Path) -> None:
    proc = bulk(mixed_xlsx, "-o", tmp_path / "out", "--converter",
                f"unoserver://127.0.0.1:{_free_port()}")
    assert proc.returncode == 2
    assert "is not reachable" in proc.stderr.splitlines()[-1]
    assert report(tmp_path / "out")[2]["status"] == "error"  # the report is still written


def test_without_libreoffice_rows_are_still_checked_and_exit_is_2(mixed_xlsx: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = bulk(mixed_xlsx, "-o", out, env={"PIPDOCS_SOFFICE": str(tmp_path / "none")})
    assert proc.returncode == 2
    assert "LibreOffice is not installed" in proc.stderr.splitlines()[-1]
    rows = report(out)
    assert rows[4]["message"].startswith(f"{BAD_CELLS[4][0]}: ")
    assert rows[2]["status"] == "error" and "LibreOffice is not installed" in rows[2]["message"]
    assert not list(out.glob("*.pdf"))
