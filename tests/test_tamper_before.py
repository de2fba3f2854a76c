"""Changes made before the first signature: each must fail, and ``sign`` must refuse to sign them.

The verdict rests on plan.json, so plan.json and the page must be what the signers saw: an
incremental update of the prepared PDF (a swapped plan.json naming Mallory as the manager, a
JavaScript /OpenAction, an extra text field, a page overlay) or the same changes written as one
clean file. The attacked copies are signed with pyHanko directly (tests/tamperkit.py), as an
attacker would; then ``pipdocs.signing.sign.sign_pdf`` is asked to sign the tampered document.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
import tamperkit as tk
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer

from pipdocs.core.errors import SigningRefused
from pipdocs.core.plan import SIGNATURE_FIELDS
from pipdocs.verification.verify import verify_pdf

EMP, MGR, HR = (SIGNATURE_FIELDS[r] for r in ("employee", "manager", "hr"))
MALLORY = ("Mallory", "mallory@example.com")
Kit = tk.Kit


@pytest.fixture(scope="session")
def kit() -> Kit:
    return tk.shared_kit()


def _swap_manager(w: generic.PdfHandler) -> None:
    """plan.json's manager becomes Mallory; the page still prints the real manager."""
    spec = w.root["/Names"]["/EmbeddedFiles"]["/Names"][1]
    plan = json.loads(spec["/EF"]["/F"].data)
    plan["manager"]["name"], plan["manager"]["email"] = MALLORY
    forged = json.dumps(plan, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    ref = w.add_object(embed.EmbeddedFileObject.from_file_data(w, forged,  # type: ignore[arg-type]
                                                               mime_type="application/json"))
    spec["/EF"] = generic.DictionaryObject({generic.pdf_name("/F"): ref,
                                            generic.pdf_name("/UF"): ref})
    if hasattr(w, "update_container"):
        w.update_container(spec)


def _open_action(w: generic.PdfHandler) -> None:
    js = generic.DictionaryObject({
        generic.pdf_name("/S"): generic.pdf_name("/JavaScript"),
        generic.pdf_name("/JS"): generic.TextStringObject("app.alert('signed');"),
    })
    w.root["/OpenAction"] = w.add_object(js)  # type: ignore[attr-defined]
    w.update_root()  # type: ignore[attr-defined]


def _text_field(w: generic.PdfHandler) -> None:
    page_ref, page = tk.first_page(w)  # type: ignore[arg-type]
    field = generic.DictionaryObject({
        generic.pdf_name("/FT"): generic.pdf_name("/Tx"),
        generic.pdf_name("/T"): generic.TextStringObject("note"),
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Widget"),
        generic.pdf_name("/Rect"): generic.ArrayObject(
            [generic.NumberObject(n) for n in (70, 700, 470, 722)]),
        generic.pdf_name("/V"): generic.TextStringObject("Target: 20%"),
        generic.pdf_name("/P"): page_ref,
    })
    ref = w.add_object(field)  # type: ignore[attr-defined]
    form = w.root["/AcroForm"]
    form["/Fields"].append(ref)
    if "/Annots" not in page:
        page["/Annots"] = generic.ArrayObject()
    page["/Annots"].append(ref)
    if hasattr(w, "update_container"):
        w.update_container(form["/Fields"])
        w.update_container(page["/Annots"])
        w.update_container(page)


def _overlay(w: generic.PdfHandler) -> None:
    overlay = generic.StreamObject(
        stream_data=b"q 1 1 1 rg 70 700 400 20 re f Q BT /F1 14 Tf 72 706 Td (Target: 20%) Tj ET")
    w.add_stream_to_page(0, w.add_object(overlay))  # type: ignore[attr-defined]


CHANGES: dict[str, Callable[[generic.PdfHandler], None]] = {
    "plan_swap": _swap_manager, "open_action": _open_action,
    "text_field": _text_field, "overlay": _overlay,
}


def updated(kit: Kit, change: str) -> bytes:
    """The prepared PDF with ``change`` in an incremental update (a second revision)."""
    w = tk.incremental(kit.doc.prepared)
    CHANGES[change](w)
    return tk.finish(w)


def rewritten(kit: Kit, change: str) -> bytes:
    """The prepared PDF with ``change``, written as one clean file (a single revision)."""
    w = copy_into_new_writer(PdfFileReader(BytesIO(kit.doc.prepared), strict=False))
    CHANGES[change](w)
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def signed_by_all(kit: Kit, pdf: bytes, manager: tk.Identity | None = None) -> bytes:
    emp = kit.sign(pdf, EMP, "employee", certify=True)
    return kit.sign(kit.sign(emp, MGR, manager or "manager"), HR, "hr")


def mallory(kit: Kit) -> tk.Identity:
    """Mallory holds a genuine certificate from the organisation's CA."""
    if "mallory" not in kit.people:
        kit.people["mallory"] = kit.pki.person(*MALLORY)
    return kit.people["mallory"]


BEFORE = {  # attack -> (how the prepared PDF is changed, codes verify must report)
    "plan_swap_update": (updated, "plan_swap", {"changed_before_signing", "party_mismatch"}),
    "open_action_update": (updated, "open_action", {"changed_before_signing", "active_content"}),
    "text_field_update": (updated, "text_field", {"changed_before_signing", "active_content"}),
    "overlay_update": (updated, "overlay", {"changed_before_signing"}),
    "plan_swap_rewrite": (rewritten, "plan_swap", {"party_mismatch"}),
    "open_action_rewrite": (rewritten, "open_action", {"active_content"}),
    "text_field_rewrite": (rewritten, "text_field", {"active_content"}),
}


def _verify(kit: Kit, pdf: bytes, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return verify_pdf(path, [kit.root])


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_change_before_first_signature_fails(kit: Kit, tmp_path: Path, name: str) -> None:
    build, change, expected = BEFORE[name]
    manager = mallory(kit) if change == "plan_swap" else None
    report = _verify(kit, signed_by_all(kit, build(kit, change), manager), tmp_path)
    codes = {p.code for p in report.problems}
    assert not report.ok and report.verdict == "invalid", codes
    assert expected <= codes, f"{name}: expected {expected}, got {codes}"
    assert not all(report.checks.model_dump().values())


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_sign_refuses_a_document_changed_before_signing(kit: Kit, tmp_path: Path,
                                                       name: str) -> None:
    from pipdocs.signing.sign import sign_pdf

    build, change, _ = BEFORE[name]
    src = tmp_path / "in.pdf"
    src.write_bytes(build(kit, change))
    with pytest.raises(SigningRefused, match="do not sign"):
        sign_pdf(src, tmp_path / "out.pdf", role="employee",
                 signer=kit.people["employee"].loaded,  # type: ignore[arg-type]
                 timestamper=kit.pki.timestamper, policy=kit.pki.policy)
    assert not (tmp_path / "out.pdf").exists()
