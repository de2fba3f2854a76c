"""Attacks on a genuine three-party PIP: each must fail, for the right reason; the genuine passes.

The attacked copies are built with pyHanko directly (tests/tamperkit.py), bypassing every check
``pipdocs sign`` makes. Each case names the problem codes pipdocs verify must report.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest
import tamperkit as tk
from asn1crypto import cms
from pyhanko.pdf_utils import embed, generic
from pyhanko.sign import fields
from pyhanko.sign.fields import enumerate_sig_fields

from pipdocs.core.errors import InputError
from pipdocs.core.plan import SIGNATURE_FIELDS
from pipdocs.verification.verify import verify_pdf

EMP, MGR, HR = (SIGNATURE_FIELDS[r] for r in ("employee", "manager", "hr"))


Kit = tk.Kit


@pytest.fixture(scope="session")
def kit() -> Kit:
    """One genuine document per session, signed by pipdocs.signing.sign with the HTTP TSA."""
    return tk.shared_kit()


def check(kit: Kit, pdf: bytes, tmp_path: Path, allow_incomplete: bool = False):  # type: ignore[no-untyped-def]
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return verify_pdf(path, [kit.root], allow_incomplete=allow_incomplete)


# --- the attacks ---------------------------------------------------------------------------------


def byte_in_signed_range(k: Kit) -> bytes:
    """One byte of the first page's content stream (signed by all three) changed."""
    pdf = k.doc.signed
    if tk.PAGE_TEXT_MARK in pdf:  # the kit's page: 8% becomes 9%
        at = pdf.index(tk.PAGE_TEXT_MARK) + len(b"(Target: ")
    else:
        _, page = tk.first_page(tk.incremental(pdf))
        raw = _content_stream(page).encoded_data
        at = pdf.index(raw) + len(raw) // 2
    assert at < tk.byte_ranges(pdf)[0][1]
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]


def _content_ref(page: generic.DictionaryObject) -> generic.IndirectObject:
    contents = page.raw_get("/Contents")
    if isinstance(contents.get_object(), generic.ArrayObject):
        contents = contents.get_object().raw_get(0)
    return contents


def _content_stream(page: generic.DictionaryObject) -> generic.StreamObject:
    stream = _content_ref(page).get_object()
    assert isinstance(stream, generic.StreamObject)
    return stream


def _last_cms(pdf: bytes, index: int = -1) -> tuple[int, bytes]:
    start, len1, start2, _ = tk.byte_ranges(pdf)[index]
    hex_start = start + len1 + 1
    return hex_start, bytes.fromhex(pdf[hex_start:start2 - 1].decode())


def corrupted_cms_signature_value(k: Kit) -> bytes:
    pdf = k.doc.signed
    hex_start, der = _last_cms(pdf, -2)  # HR's (the last is the archive timestamp)
    content = cms.ContentInfo.load(der)
    value = content["content"]["signer_infos"][0]["signature"].native
    at = der.index(value) + len(value) // 2
    bad = der[:at] + bytes([der[at] ^ 0x5A]) + der[at + 1:]
    return pdf[:hex_start] + bad.hex().encode() + pdf[hex_start + len(bad) * 2:]


def corrupted_cms_structure(k: Kit) -> bytes:
    pdf = k.doc.signed
    hex_start, der = _last_cms(pdf)
    garbage = b"ffff" * 16
    return pdf[:hex_start] + garbage + pdf[hex_start + len(garbage):]


def isa_replace_page_content(k: Kit) -> bytes:
    w = tk.incremental(k.doc.signed)
    page_ref, page = tk.first_page(w)
    content_ref = _content_ref(page)
    stream = content_ref.get_object()
    # the same object number, new content: the target reads 20%, the rest is whited out
    replaced = stream.data.replace(b"8% or lower", b"20% or lower")
    if replaced == stream.data:
        replaced += b"\nq 1 1 1 rg 0 0 2000 2000 re f Q"
    stream._data, stream._encoded_data = replaced, None
    w.mark_update(content_ref)
    return tk.finish(w)


def isa_new_content_object(k: Kit) -> bytes:
    w = tk.incremental(k.doc.signed)
    page_ref, page = tk.first_page(w)
    new = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 760 Td (Target: 20%) Tj ET")
    page["/Contents"] = w.add_object(new)
    w.update_container(page)
    return tk.finish(w)


def shadow_overlay_stream(k: Kit) -> bytes:
    w = tk.incremental(k.doc.signed)
    overlay = generic.StreamObject(
        stream_data=b"q 1 1 1 rg 70 700 400 20 re f Q BT /F1 14 Tf 72 706 Td (Target: 20%) Tj ET"
    )
    w.add_stream_to_page(0, w.add_object(overlay))
    return tk.finish(w)


def annotation_over_text(k: Kit) -> bytes:
    w = tk.incremental(k.doc.signed)
    page_ref, page = tk.first_page(w)
    annot = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/FreeText"),
        generic.pdf_name("/Rect"): generic.ArrayObject(
            [generic.NumberObject(n) for n in (70, 700, 470, 722)]),
        generic.pdf_name("/Contents"): generic.TextStringObject("Target: 20%"),
        generic.pdf_name("/DA"): generic.TextStringObject("/Helv 14 Tf 0 g"),
        generic.pdf_name("/P"): page_ref,
    })
    if "/Annots" not in page:
        page["/Annots"] = generic.ArrayObject()
    annots = page["/Annots"]
    annots.append(w.add_object(annot))
    w.update_container(annots)
    w.update_container(page)
    return tk.finish(w)


def _replace_plan(pdf: bytes) -> bytes:
    """The attachment's file stream swapped for a plan with an easier first target."""
    w = tk.incremental(pdf)
    names = w.root["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[1]
    plan = json.loads(spec["/EF"]["/F"].data)
    plan["goals"][0]["target"] = "2% or lower"
    forged = json.dumps(plan, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    stream = embed.EmbeddedFileObject.from_file_data(w, forged, mime_type="application/json")
    ref = w.add_object(stream)
    spec["/EF"] = generic.DictionaryObject({generic.pdf_name("/F"): ref,
                                            generic.pdf_name("/UF"): ref})
    w.update_container(spec)
    return tk.finish(w)


def replaced_plan_json(k: Kit) -> bytes:
    return _replace_plan(k.doc.signed)


def replaced_plan_json_before_manager(k: Kit) -> bytes:
    forged = _replace_plan(k.doc.after_employee)
    return k.sign(k.sign(forged, MGR, "manager"), HR, "hr")


def outsider_signature_after_hr(k: Kit) -> bytes:
    eve = k.pki.person("Eve Mallory", "eve@example.com")
    return k.sign(k.doc.signed, "sig_witness", eve)


def outsider_signature_before_hr(k: Kit) -> bytes:
    eve = k.pki.person("Eve Mallory", "eve@example.com")
    return k.sign(k.sign(k.doc.after_manager, "sig_witness", eve), HR, "hr")


def last_revision_stripped(k: Kit) -> bytes:
    start, len1, start2, len2 = tk.byte_ranges(k.doc.signed)[1]
    stripped = k.doc.signed[: start2 + len2]
    assert stripped == k.doc.after_manager
    return stripped


def manager_before_employee(k: Kit) -> bytes:
    mgr = k.sign(k.doc.prepared, MGR, "manager")
    return k.sign(k.sign(mgr, EMP, "employee"), HR, "hr")


def manager_field_employee_key(k: Kit) -> bytes:
    return k.sign(k.sign(k.doc.after_employee, MGR, "employee"), HR, "hr")


def impostor_from_other_ca(k: Kit) -> bytes:
    other = k.other_ca(k.pki.org)
    hr = k.people["hr"]
    return k.sign(k.doc.after_manager, HR, other.person(hr.name, hr.email))


def untrusted_tsa(k: Kit) -> bytes:
    rogue = k.other_ca("Rogue Time Ltd").timestamper()
    emp = k.sign(k.doc.prepared, EMP, "employee", certify=True, ts=rogue)
    return k.sign(k.sign(emp, MGR, "manager", ts=rogue), HR, "hr", ts=rogue)


def no_timestamp(k: Kit) -> bytes:
    return k.sign(k.doc.after_manager, HR, "hr", ts=None)


def expired_signer(k: Kit) -> bytes:
    hr = k.people["hr"]
    old = k.pki.person(hr.name, hr.email, days=60, not_before=tk.NOW - dt.timedelta(days=100))
    return k.sign(k.doc.after_manager, HR, old)


def not_certified(k: Kit) -> bytes:
    emp = k.sign(k.doc.prepared, EMP, "employee", certify=False)
    return k.sign(k.sign(emp, MGR, "manager"), HR, "hr")


def info_changed_after_hr(k: Kit) -> bytes:
    w = tk.incremental(k.doc.signed)
    w.set_info(generic.DictionaryObject({generic.pdf_name("/Title"): generic.TextStringObject(
        "Plan withdrawn")}))
    return tk.finish(w)


def unsigned_revision_before_hr(k: Kit) -> bytes:
    w = tk.incremental(k.doc.after_manager)
    w.set_info(generic.DictionaryObject({generic.pdf_name("/Title"): generic.TextStringObject(
        "edited")}))
    return k.sign(tk.finish(w), HR, "hr")


def rogue_document_timestamp_after_hr(k: Kit) -> bytes:
    return tk.document_timestamp(k.doc.signed, k.other_ca("Rogue Time Ltd").timestamper())


def adbe_pkcs7_subfilter(k: Kit) -> bytes:
    return k.sign(k.doc.after_manager, HR, "hr",
                  subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED)


def nested_field_with_a_plan_name(k: Kit) -> bytes:
    """A parent field 'x' with a kid 'sig_hr': the full name is x.sig_hr, not a plan field."""
    eve = k.pki.person("Eve Mallory", "eve@example.com")
    return k.sign(k.doc.signed, "x.sig_hr", eve)


def trailing_bytes(k: Kit) -> bytes:
    return k.doc.signed + b"\n% appended after the last signature\n"


def empty_signature_value(k: Kit) -> bytes:
    """Universal signature forgery: the manager's field gets a signature dictionary without a
    signature (empty /Contents, /ByteRange [0 0 0 0])."""
    w = tk.incremental(k.doc.after_employee)
    ref = next(r for _, _, r in enumerate_sig_fields(w, with_name=MGR))
    fake = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Sig"),
        generic.pdf_name("/Filter"): generic.pdf_name("/Adobe.PPKLite"),
        generic.pdf_name("/SubFilter"): generic.pdf_name("/ETSI.CAdES.detached"),
        generic.pdf_name("/ByteRange"): generic.ArrayObject([generic.NumberObject(0)] * 4),
        generic.pdf_name("/Contents"): generic.ByteStringObject(b""),
    })
    ref.get_object()["/V"] = w.add_object(fake)
    w.mark_update(ref)
    return k.sign(tk.finish(w), HR, "hr")


def employee_signature_reused_for_manager(k: Kit) -> bytes:
    """The employee's signature dictionary put into the manager's field as well."""
    w = tk.incremental(k.doc.after_employee)
    employee = next(r for _, _, r in enumerate_sig_fields(w, with_name=EMP))
    manager = next(r for _, _, r in enumerate_sig_fields(w, with_name=MGR))
    manager.get_object()["/V"] = employee.get_object().raw_get("/V")
    w.mark_update(manager)
    return tk.finish(w)


ATTACKS: dict[str, tuple[Callable[[Kit], bytes], set[str]]] = {
    "byte_in_signed_range": (byte_in_signed_range, {"integrity"}),
    "corrupted_cms_signature_value": (corrupted_cms_signature_value, {"integrity"}),
    "corrupted_cms_structure": (corrupted_cms_structure, {"unreadable_signature"}),
    "isa_replace_page_content": (isa_replace_page_content, {"changed_after_last"}),
    "isa_new_content_object": (isa_new_content_object, {"changed_after_last"}),
    "shadow_overlay_stream": (shadow_overlay_stream, {"changed_after_last"}),
    "annotation_over_text": (annotation_over_text, {"changed_after_last"}),
    "replaced_plan_json": (replaced_plan_json, {"plan_changed", "changed_after_last"}),
    "replaced_plan_json_before_manager": (
        replaced_plan_json_before_manager, {"plan_changed", "modified_after_signing"}),
    "outsider_signature_after_hr": (
        outsider_signature_after_hr, {"unexpected_signature", "modified_after_signing"}),
    "outsider_signature_before_hr": (outsider_signature_before_hr, {"unexpected_signature"}),
    "last_revision_stripped": (last_revision_stripped, {"missing_role"}),
    "manager_before_employee": (manager_before_employee, {"order"}),
    "manager_field_employee_key": (manager_field_employee_key, {"wrong_signer"}),
    "impostor_from_other_ca": (impostor_from_other_ca, {"signer_untrusted"}),
    "untrusted_tsa": (untrusted_tsa, {"timestamp_untrusted"}),
    "no_timestamp": (no_timestamp, {"timestamp_missing"}),
    "expired_signer": (expired_signer, {"signer_untrusted"}),
    "not_certified": (not_certified, {"not_certified"}),
    "info_changed_after_hr": (info_changed_after_hr, {"revision_modified"}),
    "unsigned_revision_before_hr": (unsigned_revision_before_hr, {"extra_revision"}),
    "rogue_document_timestamp_after_hr": (
        rogue_document_timestamp_after_hr, {"document_timestamp_invalid"}),
    "adbe_pkcs7_subfilter": (adbe_pkcs7_subfilter, {"not_pades"}),
    "nested_field_with_a_plan_name": (nested_field_with_a_plan_name, {"unexpected_signature"}),
    "trailing_bytes": (trailing_bytes, {"changed_after_last"}),
    "empty_signature_value": (empty_signature_value, {"unreadable_signature"}),
    "employee_signature_reused_for_manager": (
        employee_signature_reused_for_manager, {"wrong_signer", "modified_after_signing"}),
}


def test_genuine_document_passes(kit: Kit, tmp_path: Path) -> None:
    report = check(kit, kit.doc.signed, tmp_path)
    assert report.ok and report.verdict == "valid", report.problems
    assert [s.role for s in report.signatures] == ["employee", "manager", "hr"]
    assert all(s.ok and s.trusted and s.timestamp and s.timestamp.trusted
               for s in report.signatures)
    assert report.signatures[0].kind == "certification"
    # after HR: validation data and the archive timestamp only (PAdES B-LTA)
    assert report.signatures[-1].coverage == "entire_revision"
    assert report.long_term and report.long_term.level == "B-LTA"


def test_a_further_archive_timestamp_from_the_organisation_tsa_is_accepted(
    kit: Kit, tmp_path: Path
) -> None:
    report = check(kit, tk.document_timestamp(kit.doc.signed, kit.ts), tmp_path)
    assert report.ok, report.problems
    assert report.long_term and len(report.long_term.document_timestamps) == 2


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_fails_for_the_right_reason(kit: Kit, tmp_path: Path, name: str) -> None:
    build, expected = ATTACKS[name]
    report = check(kit, build(kit), tmp_path)
    codes = {p.code for p in report.problems}
    assert not report.ok and report.verdict in ("invalid", "incomplete"), codes
    assert expected <= codes, f"{name}: expected {expected}, got {codes}"


def test_stripped_hr_revision_passes_only_with_allow_incomplete(kit: Kit, tmp_path: Path) -> None:
    pdf = last_revision_stripped(kit)
    strict = check(kit, pdf, tmp_path)
    assert not strict.ok and strict.verdict == "incomplete"
    assert strict.pending_roles == ["hr"]
    lenient = check(kit, pdf, tmp_path, allow_incomplete=True)
    assert lenient.ok and lenient.verdict == "incomplete" and not lenient.problems


def test_unsigned_document_fails_even_when_incomplete_is_allowed(kit: Kit, tmp_path: Path) -> None:
    for allow in (False, True):
        report = check(kit, kit.doc.prepared, tmp_path, allow_incomplete=allow)
        assert not report.ok and "no_signatures" in {p.code for p in report.problems}


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.999])
def test_truncated_file_is_unreadable(kit: Kit, tmp_path: Path, cut: float) -> None:
    pdf = kit.doc.signed[: int(len(kit.doc.signed) * cut)]
    with pytest.raises(InputError, match="not a readable PDF"):
        check(kit, pdf, tmp_path)


@pytest.mark.parametrize("header", [b"", b"%PDF-1.7\n"])
def test_random_bytes_are_unreadable(kit: Kit, tmp_path: Path, header: bytes) -> None:
    rng = random.Random(4)
    with pytest.raises(InputError):
        check(kit, header + bytes(rng.randrange(256) for _ in range(8192)), tmp_path)


def test_no_trust_anchor_is_untrusted_never_a_pass(kit: Kit, tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(kit.doc.signed)
    report = verify_pdf(path, [])
    assert report.verdict == "untrusted" and not report.ok


def test_wrong_trust_anchor(kit: Kit, tmp_path: Path) -> None:
    other = kit.other_ca(kit.pki.org).root_path
    path = tmp_path / "doc.pdf"
    path.write_bytes(kit.doc.signed)
    report = verify_pdf(path, [other])
    codes = {p.code for p in report.problems}
    assert not report.ok and {"signer_untrusted", "timestamp_untrusted"} <= codes
