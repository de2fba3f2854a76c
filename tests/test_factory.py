"""The document factory (pipdocs/document/factory.py) and its batch form on the conversion pool.

Every PDF pipdocs makes goes through ``make_document`` or ``make_batch``; the other tests
(test_pdf, test_bulk, test_case, test_caseevidence, test_seal) check the documents themselves.
Here: a document that cannot be made is reported and never keeps a batch waiting, and the
plan's public entry (``build_pdf``) is the factory's plan kind.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from pipdocs.conversion.pool import Job
from pipdocs.core.errors import InputError
from pipdocs.core.plan import load_plan
from pipdocs.document.factory import Blueprint, make_document
from pipdocs.document.factory_batch import Item, Outcome, make_batch

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
needs_soffice = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice")


@needs_soffice
def test_a_rejected_job_does_not_keep_the_results_waiting(tmp_path: Path) -> None:
    """A job that could not be rendered is reported once and the results end (before, it
    counted as outstanding for ever: a bulk row whose template broke hung the run)."""
    from pipdocs.conversion.batch import BatchPool

    pool = BatchPool(1).start()
    seen: list[str] = []

    def collect() -> None:
        pool.reject(Job("1", tmp_path / "1.docx", tmp_path / "1.pdf"), "not rendered")
        pool.close_input()
        seen.extend(r.error for r in pool.results())

    reader = threading.Thread(target=collect, daemon=True)
    try:
        reader.start()
        reader.join(timeout=60)
        assert not reader.is_alive(), "results() still waiting after the only job was rejected"
        assert seen == ["not rendered"]
    finally:
        pool.shutdown()


@needs_soffice
def test_a_batch_reports_what_it_cannot_make_and_ends(tmp_path: Path) -> None:
    """A refused item and one whose template is broken: both reported, by step, nothing
    written, and the batch returns."""
    from pipdocs.conversion.batch import BatchPool

    broken = tmp_path / "templates" / "en"
    broken.mkdir(parents=True)
    (broken / "sales.docx").write_bytes(b"not a zip")
    plan = load_plan(EXAMPLES / "sales-en.yaml")
    out = tmp_path / "out"
    out.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    items = [Item("1", "the row changed during the run; run again", out / "a.pdf"),
             Item("2", Blueprint.of_plan(plan), out / "b.pdf", "a note")]
    outcomes: list[Outcome] = []
    batch = threading.Thread(target=make_batch, daemon=True, args=(
        iter(items), BatchPool(1).start(), work, outcomes.append),
        kwargs={"templates_dir": tmp_path / "templates", "expected": 2})
    batch.start()
    batch.join(timeout=120)
    assert not batch.is_alive(), "the batch never ended"
    by_key = {o.key: o for o in outcomes}
    assert sorted(by_key) == ["1", "2"]
    assert (by_key["1"].step, by_key["1"].message) == (
        "refused", "the row changed during the run; run again")
    assert by_key["2"].step == "render" and "sales.docx" in by_key["2"].message
    assert by_key["2"].note == "a note" and not by_key["2"].ok
    assert list(out.iterdir()) == [] and list(work.iterdir()) == []


def test_make_document_checks_the_output_before_converting(tmp_path: Path) -> None:
    """An output in a missing directory fails at once, before LibreOffice or the builder runs."""
    called: list[Path] = []

    def build(path: Path) -> Path:
        called.append(path)
        return path

    with pytest.raises(InputError, match="does not exist"):
        make_document(Blueprint("evidence", docx=build), tmp_path / "nope" / "record.pdf")
    assert called == []
