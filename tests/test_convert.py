"""LibreOffice conversion: one document, and the pool (warm uno workers and soffice batches).

Real LibreOffice throughout; documents are made with python-docx so these tests do not depend
on the templates. Kept small: a handful of short documents per test.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from docx import Document
from helpers import pdf_text, process_ended, soffice_pids

from pipdocs.conversion.factory import LocalPool
from pipdocs.conversion.pool import Job, Pool
from pipdocs.conversion.soffice import MISSING, convert_docx_to_pdf
from pipdocs.core.errors import ConversionError
from pipdocs.core.settings import configure, current

pytestmark = pytest.mark.skipif(
    subprocess.run(["sh", "-c", "command -v soffice"], capture_output=True).returncode != 0,
    reason="LibreOffice (soffice) is not installed")


def make_docx(path: Path, text: str) -> Path:
    doc = Document()
    doc.add_heading(text, 0)
    doc.add_paragraph(f"{text} 员工需要在九十天内提高代码质量。")
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("docs")
    return [make_docx(base / f"d{i}.docx", f"Plan number {i}") for i in range(4)]


@pytest.fixture
def own_cache(tmp_path: Path) -> Iterator[Path]:
    """A private profile cache, so the test can find (and kill) exactly its own workers."""
    cache = tmp_path / "cache"
    previous = configure(current(), cache_dir=cache)
    yield cache
    configure(previous)


@pytest.fixture
def office() -> Iterator[Callable[..., object]]:
    """Settings for this test only, as the command line would configure them."""
    previous = current()
    yield lambda **changes: configure(previous, **changes)
    configure(previous)


def test_single_document_text_and_embedded_fonts(docs: list[Path], tmp_path: Path) -> None:
    out = convert_docx_to_pdf(docs[0], tmp_path / "one.pdf")
    assert out == tmp_path / "one.pdf"
    text = pdf_text(out)
    assert "Plan number 0" in text and "九十天" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts  # every font embedded
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.pdf"]  # no temp files left


def test_missing_libreoffice_is_one_clear_line(monkeypatch: pytest.MonkeyPatch,
                                               docs: list[Path], tmp_path: Path,
                                               office: Callable[..., object]) -> None:
    office(soffice=str(tmp_path / "no-soffice"))
    with pytest.raises(ConversionError) as info:
        convert_docx_to_pdf(docs[0], tmp_path / "x.pdf")
    assert MISSING in str(info.value) and "\n" not in str(info.value)
    office(soffice=None)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("pipdocs.conversion.soffice._CANDIDATES", ())
    with pytest.raises(ConversionError, match="make setup"):
        convert_docx_to_pdf(docs[0], tmp_path / "x.pdf")


def test_hung_soffice_is_killed_with_its_children(docs: list[Path], tmp_path: Path,
                                                  office: Callable[..., object]) -> None:
    fake = tmp_path / "soffice"
    marker = tmp_path / "child.pid"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {marker}\nwait\n")
    fake.chmod(0o755)
    office(soffice=str(fake))
    with pytest.raises(ConversionError, match="did not finish a document in 1 s"):
        convert_docx_to_pdf(docs[0], tmp_path / "x.pdf", timeout=1)
    child = int(marker.read_text())
    assert process_ended(child), "the hung process's child survived"
    assert not (tmp_path / "x.pdf").exists()


def _run_pool(pool: Pool, docs: list[Path], out: Path) -> dict[str, str]:
    out.mkdir()
    with pool:
        for i, doc in enumerate(docs):
            pool.submit(Job(str(i), doc, out / f"{i}.pdf"))
        pool.close_input()
        return {r.job.key: r.error for r in pool.results()}


@pytest.mark.parametrize("engine", ["uno", "cli"])
def test_pool_converts_every_document(engine: str, docs: list[Path], tmp_path: Path,
                                      own_cache: Path) -> None:
    pool = LocalPool(2, engine=engine)
    assert pool.engine == engine
    errors = _run_pool(pool, docs, tmp_path / "out")
    assert errors == {str(i): "" for i in range(len(docs))}
    for i in range(len(docs)):
        assert f"Plan number {i}" in pdf_text(tmp_path / "out" / f"{i}.pdf")
    assert soffice_pids(own_cache) == []  # workers stopped with the pool


@pytest.mark.parametrize("sig", [signal.SIGSTOP, signal.SIGKILL], ids=["hung", "crashed"])
def test_pool_survives_a_hung_or_crashed_worker(sig: int, docs: list[Path], tmp_path: Path,
                                                own_cache: Path) -> None:
    """A worker that stops answering (or dies) is killed after the timeout and restarted, and
    its document is retried; every document is converted."""
    out = tmp_path / "out"
    out.mkdir()
    with LocalPool(1, engine="uno", doc_timeout=4) as pool:
        results = pool.results()
        pool.submit(Job("0", docs[0], out / "0.pdf"))
        assert next(results).error == ""  # the worker is warm and has converted one
        (pid,) = soffice_pids(own_cache)
        os.kill(pid, sig)
        for i in (1, 2):
            pool.submit(Job(str(i), docs[i], out / f"{i}.pdf"))
        pool.close_input()
        assert {r.job.key: r.error for r in results} == {"1": "", "2": ""}
    assert pool.restarts == 1
    assert "Plan number 2" in pdf_text(out / "2.pdf")
    assert process_ended(pid) and soffice_pids(own_cache) == []


def test_pool_reports_a_broken_document_after_one_retry(docs: list[Path],
                                                        tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 this is not a Word document")
    errors = _run_pool(LocalPool(1, engine="uno"), [docs[0], broken], tmp_path / "out")
    assert errors["0"] == ""
    assert errors["1"].startswith("LibreOffice could not convert it")
