"""An outside review of the revision check (issue 18, round 2): attacks on a completed record
through what a revision nobody signs may add. Each one verified VALID before its fix.

- A shadow attack: the revision that adds the audit trail (anyone can write one, under the
  organisation's TSA) adds its document timestamp as a *visible* field the size of the page,
  whose appearance paints over the plan's text and writes another target.
- A second "plan.json": the audit trail's file specification names the attachment plan.json,
  so a viewer lists two plan.json attachments, one of them the forger's.
- Bytes after the last revision of a record with an audit trail: the trail's checks judged the
  file cut at the seal, so an object appended without a revision of its own (which a reader
  that repairs files may use) went unseen.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
import tamperkit as tk
from pyhanko.pdf_utils import embed, generic
from pyhanko.sign import fields, signers

Kit = tk.Kit
PAGE = (0, 0, 595, 842)


@pytest.fixture(scope="module")
def kit() -> Kit:
    return tk.shared_kit()


def _attach_audit(w: object, signed: bytes, file_name: str = "audit.json") -> None:
    embed.embed_file(w, embed.FileSpec(  # type: ignore[arg-type]
        file_spec_string="audit.json", file_name=file_name,
        embedded_data=embed.EmbeddedFileObject.from_file_data(
            w, tk.recomputed_audit_chain(signed), mime_type="application/json")))  # type: ignore[arg-type]


def _overlay_field(w: object, name: str, box: tuple[int, int, int, int]) -> None:
    """A new signature field on page 1 whose appearance paints white over the plan's text
    and prints another target."""
    fields.append_signature_field(w, fields.SigFieldSpec(name, on_page=0, box=box))  # type: ignore[arg-type]
    font = generic.DictionaryObject({generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                                     generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                                     generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica")})
    appearance = generic.StreamObject({
        generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
        generic.pdf_name("/BBox"): generic.ArrayObject(map(generic.NumberObject, PAGE)),
        generic.pdf_name("/Resources"): generic.DictionaryObject({generic.pdf_name("/Font"):
            generic.DictionaryObject({generic.pdf_name("/F1"): w.add_object(font)})}),
    }, stream_data=b"1 1 1 rg 0 500 595 342 re f BT 0 0 0 rg /F1 14 Tf 72 760 Td"
                   b" (Target: 20% or lower) Tj ET")
    ap_ref = w.add_object(appearance)
    for ref in w.root["/AcroForm"]["/Fields"]:
        if ref.get_object().get("/T") == name:
            ref.get_object()["/AP"] = generic.DictionaryObject({generic.pdf_name("/N"): ap_ref})
            w.mark_update(ref)


def _shadowed_audit(kit: Kit, signed: bytes, box: tuple[int, int, int, int]) -> bytes:
    """The audit trail a forger appends, its document timestamp in a field of ``box``."""
    w = tk.incremental(signed)
    _attach_audit(w, signed)
    _overlay_field(w, "trail_stamp", box)
    out = signers.PdfTimeStamper(kit.ts, field_name="trail_stamp").timestamp_pdf(
        w, "sha256", output=BytesIO())
    return bytes(out.getvalue())


def test_the_audit_trail_s_timestamp_may_not_paint_over_the_page(
        kit: Kit, tmp_path: Path) -> None:
    signed = kit.doc.signed
    forged = _shadowed_audit(kit, signed, PAGE)
    report = tk.verify_bytes(kit, forged, tmp_path, "shadow")
    assert not report.ok, report.problems
    detail = tk.revision_problems(report).get(str(tk.revision_count(signed)), "")
    assert "shows on the page (trail_stamp)" in detail, report.problems
    # the same revision with an invisible field (as pipdocs serve writes it) still verifies
    assert tk.verify_bytes(kit, _shadowed_audit(kit, signed, (0, 0, 0, 0)), tmp_path, "hidden").ok


def test_the_audit_trail_may_not_call_itself_plan_json(kit: Kit, tmp_path: Path) -> None:
    signed = kit.doc.signed
    w = tk.incremental(signed)
    _attach_audit(w, signed, file_name="plan.json")
    out = signers.PdfTimeStamper(kit.ts).timestamp_pdf(w, "sha256", output=BytesIO())
    report = tk.verify_bytes(kit, out.getvalue(), tmp_path, "second-plan")
    assert not report.ok, report.problems
    problems = tk.revision_problems(report)
    assert "names it plan.json" in problems.get(str(tk.revision_count(signed)), ""), \
        report.problems


APPENDED = (b"\n4 0 obj\n<< /Length 52 >>\nstream\nBT /F1 14 Tf 72 760 Td (Target: 20% or lower)"
            b" Tj ET\nendstream\nendobj\n")


def test_nothing_may_follow_the_last_revision_of_an_audited_record(
        kit: Kit, tmp_path: Path) -> None:
    signed = kit.doc.signed
    audited = tk.audit_revision(signed, signed, kit.ts)
    assert tk.verify_bytes(kit, audited, tmp_path, "audited").ok
    for name, pdf in (("appended", audited + APPENDED),
                      ("appended-after-refresh",
                       tk.document_timestamp(audited, kit.ts) + APPENDED)):
        report = tk.verify_bytes(kit, pdf, tmp_path, name)
        assert not report.ok, name
        details = [str(p.params.get("detail")) for p in report.problems]
        said = f"{len(APPENDED.lstrip())} bytes follow the last revision"
        assert said in " ".join(details), details



def test_an_object_defined_after_signing_where_the_page_pointed_fails(
        kit: Kit, tmp_path: Path) -> None:
    """The preparer's trap: the signed page draws object 400, which does not exist when it is
    signed (nothing shows); a later revision defines it (a white box over the plan). pyHanko's
    difference analysis takes such an object for an orphan and lets it pass; verify's strict
    reading refuses the reference that did not resolve when it was signed."""
    from pipdocs.core.plan import load_plan

    plan = load_plan(tk.EXAMPLES / "engineering-en.yaml")
    (tmp_path / "signing").mkdir()
    doc = tk.genuine_real(plan, kit.pki, kit.people, tmp_path / "signing",
                          tk.prepared_pdf(plan, dangling=400))
    w = tk.incremental(doc.signed)
    while w.add_object(generic.NullObject()).idnum < 399:
        pass  # unused objects up to 399: orphans, which the analysis allows
    box = generic.StreamObject({generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                                generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
                                generic.pdf_name("/BBox"): generic.ArrayObject(
                                    map(generic.NumberObject, PAGE))},
                               stream_data=b"1 1 1 rg 0 640 595 202 re f")
    assert w.add_object(box).idnum == 400
    defined = tk.finish(w)
    for name, pdf in (("stamped", tk.document_timestamp(defined, kit.ts)),
                      ("audited", tk.audit_revision(defined, doc.signed, kit.ts))):
        report = tk.verify_bytes(kit, pdf, tmp_path, name)
        assert not report.ok, name
        assert "idnum=400" in " ".join(p.message for p in report.problems), report.problems


def test_validation_data_may_not_change_a_form_written_into_the_catalog(
        kit: Kit, tmp_path: Path) -> None:
    """A DSS revision at the end of an audited record (where validation data may stand
    uncovered) that also turns the form into a direct dictionary of the catalog and asks
    viewers to redraw every field: no rule looked at a direct form in validation data."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    signed = kit.doc.signed
    audited = tk.audit_revision(signed, signed, kit.ts)
    w = tk.incremental(audited)
    form = generic.DictionaryObject(dict(w.root["/AcroForm"]))
    form["/NeedAppearances"] = generic.BooleanObject(True)
    w.root["/AcroForm"] = form
    w.update_root()
    DocumentSecurityStore.supply_dss_in_writer(w, None, certs=[])
    forged = tk.finish(w)
    report = tk.verify_bytes(kit, forged, tmp_path, "direct-form")
    assert not report.ok, report.problems
    assert str(tk.revision_count(audited)) in tk.revision_problems(report), report.problems
