"""Every revision after the first signature is judged by what its kind may change (issue 18,
finding 1): a completed plan rewritten in place under its old object numbers, then hidden under
an audit trail anyone can recompute and a document timestamp of the organisation's TSA, fails
with ``revision_modified``, naming the revision; what pipdocs itself appends (validation data,
archive timestamps, the audit trail) still verifies. Lifecycle code reads the signed revision."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
import tamperkit as tk
from click.testing import CliRunner
from pyhanko.pdf_utils import embed, generic
from pyhanko.sign import signers

from pipdocs.cli.main import cli
from pipdocs.verification.verify import verify_pdf

Kit = tk.Kit


@pytest.fixture(scope="module")
def kit() -> Kit:
    return tk.shared_kit()


def test_rewritten_plan_under_a_recomputed_audit_trail_fails_on_the_command_line(
        kit: Kit, tmp_path: Path) -> None:
    signed = kit.doc.signed
    forged = tk.audit_revision(tk.rewrite_in_place(signed), signed, kit.ts)
    path = tmp_path / "forged.pdf"
    path.write_bytes(forged)
    rewritten = str(tk.revision_count(signed))  # the first revision after the genuine file
    result = CliRunner().invoke(cli, ["verify", str(path), "--trust", str(kit.root), "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    problems = [p for p in data["problems"] if p["code"] == "revision_modified"]
    assert {p["params"]["revision"] for p in problems} == {rewritten, str(int(rewritten) + 1)}
    first = next(p for p in problems if p["params"]["revision"] == rewritten)
    assert "a stream (page content or data)" in first["message"]
    assert "an attachment's data" in first["message"]
    assert data["verdict"] == "invalid" and data["checks"]["unchanged_after_last"] is False
    result = CliRunner().invoke(cli, ["verify", str(path), "--trust", str(kit.root)])
    assert result.exit_code == 1 and f"revision {rewritten}" in result.output, result.output


def _catalog_in_place(pdf: bytes) -> bytes:
    w = tk.incremental(pdf)
    w.root["/PageLayout"] = generic.NameObject("/TwoColumnLeft")
    w.update_root()
    return tk.finish(w)


def _first_page_in_place(pdf: bytes) -> bytes:
    w = tk.incremental(pdf)
    _, page = tk.first_page(w)
    page["/Rotate"] = generic.NumberObject(180)
    w.update_container(page)
    return tk.finish(w)


def _info_in_place(pdf: bytes) -> bytes:
    """The Info dictionary's title (pyHanko's own analysis allows any Info change)."""
    w = tk.incremental(pdf)
    ref = w.trailer.raw_get("/Info")
    ref.get_object()["/Title"] = generic.TextStringObject("Revised without signatures")
    w.mark_update(ref)
    return tk.finish(w)


FORGED_XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
              b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
              b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description'
              b' xmlns:dc="http://purl.org/dc/elements/1.1/" rdf:about=""><dc:title><rdf:Alt>'
              b'<rdf:li xml:lang="x-default">Plan closed, goals met</rdf:li></rdf:Alt></dc:title>'
              b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="r"?>')


def _xmp_in_place(pdf: bytes) -> bytes:
    """The XMP metadata states a title it never had (rewritten in place, or added)."""
    w = tk.incremental(pdf)
    if "/Metadata" in w.root:
        tk.rewrite_stream(w, w.root.raw_get("/Metadata"), FORGED_XMP)
    else:
        stream = generic.StreamObject({generic.pdf_name("/Type"): generic.pdf_name("/Metadata"),
                                       generic.pdf_name("/Subtype"): generic.pdf_name("/XML")},
                                      stream_data=FORGED_XMP)
        w.root["/Metadata"] = w.add_object(stream)
        w.update_root()
    return tk.finish(w)


def _acroform_in_place(pdf: bytes) -> bytes:
    """The form asks viewers to redraw every field (pyHanko's own analysis allows it)."""
    w = tk.incremental(pdf)
    ref = w.root.raw_get("/AcroForm")
    form = ref.get_object()
    form["/NeedAppearances"] = generic.BooleanObject(True)
    if isinstance(ref, generic.IndirectObject):
        w.mark_update(ref)
    else:
        w.update_root()
    return tk.finish(w)


@pytest.mark.parametrize("rewrite", [_catalog_in_place, _first_page_in_place, _info_in_place,
                                     _xmp_in_place, _acroform_in_place],
                         ids=["catalog", "first-page", "info", "xmp", "acroform"])
def test_a_rewrite_in_place_fails_under_a_timestamp_or_an_audit_trail(
        kit: Kit, tmp_path: Path, rewrite: object) -> None:
    signed = kit.doc.signed
    changed = rewrite(signed)  # type: ignore[operator]
    for name, pdf in (("stamped", tk.document_timestamp(changed, kit.ts)),
                      ("audited", tk.audit_revision(changed, signed, kit.ts))):
        report = tk.verify_bytes(kit, pdf, tmp_path, name)
        assert not report.ok, name
        assert str(tk.revision_count(signed)) in tk.revision_problems(report), \
            (name, report.problems)


def _dss_revision(pdf: bytes, kit: Kit) -> bytes:
    """Validation data only, as pipdocs appends it (a certificate the DSS did not hold)."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    _, _, der = pem.unarmor(_other_root(kit).read_bytes())
    w = tk.incremental(pdf)
    DocumentSecurityStore.supply_dss_in_writer(w, None, certs=[asn1_x509.Certificate.load(der)])
    return tk.finish(w)


_OTHER: dict[int, Path] = {}


def _other_root(kit: Kit) -> Path:
    """Another CA's root (made once per kit)."""
    if id(kit) not in _OTHER:
        _OTHER[id(kit)] = kit.other_ca("Another Org").root_path
    return _OTHER[id(kit)]


def test_a_revision_between_the_signed_document_and_the_audit_trail_fails(
        kit: Kit, tmp_path: Path) -> None:
    """Even harmless validation data: the audit trail must follow the signed document."""
    signed = kit.doc.signed
    between = _dss_revision(signed, kit)
    assert tk.verify_bytes(kit, tk.document_timestamp(between, kit.ts), tmp_path, "dss").ok
    report = tk.verify_bytes(kit, tk.audit_revision(between, signed, kit.ts), tmp_path)
    assert tk.revision_problems(report) == {
        str(tk.revision_count(between)): "adds audit.json, but not directly after the signed"
                                         " document"}, report.problems


def test_the_audit_revision_itself_may_add_nothing_but_audit_json(
        kit: Kit, tmp_path: Path) -> None:
    """plan.json rewritten in the very revision that adds audit.json under the timestamp."""
    signed = kit.doc.signed
    w = tk.incremental(signed)
    tk.rewrite_stream(w, tk.attachment_stream(w, "plan.json"), b'{"forged": true}')
    embed.embed_file(w, embed.FileSpec(
        file_spec_string="audit.json", file_name="audit.json",
        embedded_data=embed.EmbeddedFileObject.from_file_data(
            w, tk.recomputed_audit_chain(signed), mime_type="application/json")))
    out = signers.PdfTimeStamper(kit.ts).timestamp_pdf(w, "sha256", output=BytesIO())
    report = tk.verify_bytes(kit, out.getvalue(), tmp_path)
    problems = tk.revision_problems(report)
    assert "an attachment's data" in problems.get(str(tk.revision_count(signed)), ""), \
        report.problems


def test_what_pipdocs_appends_still_verifies(kit: Kit, tmp_path: Path) -> None:
    """Validation data under an archive timestamp, the audit trail directly after the signed
    document (this CA has no seal), and a timestamp after it."""
    signed = kit.doc.signed
    for name, pdf in (
        ("dss-timestamp", tk.document_timestamp(_dss_revision(signed, kit), kit.ts)),
        ("audited", tk.audit_revision(signed, signed, kit.ts)),
        ("audited-timestamp", tk.document_timestamp(tk.audit_revision(signed, signed, kit.ts),
                                                    kit.ts)),
    ):
        report = tk.verify_bytes(kit, pdf, tmp_path, name)
        assert report.ok, (name, report.problems)


def test_a_bare_timestamp_trail_fails_where_the_ca_has_a_seal(kit: Kit, tmp_path: Path) -> None:
    """The CA beside the trust anchor holds the organisation's seal: the audit trail must be
    sealed by it, not only timestamped (a record cut back and resealed by anyone)."""
    import shutil

    from pipdocs.pki.seal import SEAL_P12

    anchor_dir = tmp_path / "ca"
    anchor_dir.mkdir()
    root = Path(shutil.copy(kit.root, anchor_dir / "root.pem"))
    path = tmp_path / "audited.pdf"
    path.write_bytes(tk.audit_revision(kit.doc.signed, kit.doc.signed, kit.ts))
    assert verify_pdf(path, [root]).ok
    (anchor_dir / SEAL_P12).write_bytes(b"the CA's seal key")  # only its presence counts
    report = verify_pdf(path, [root])
    assert "under a bare document timestamp" in tk.revision_problems(report).get(
        str(tk.revision_count(kit.doc.signed)), ""), report.problems


def test_lifecycle_code_reads_the_signed_revision(kit: Kit, tmp_path: Path) -> None:
    from pipdocs.lifecycle.records import read_document
    from pipdocs.verification.attachments import verified_attachments

    signed = kit.doc.signed
    forged = tk.audit_revision(tk.rewrite_in_place(signed), signed, kit.ts)
    path = tmp_path / "forged.pdf"
    path.write_bytes(forged)
    genuine = tmp_path / "genuine.pdf"
    genuine.write_bytes(signed)
    assert read_document(path).plan == read_document(genuine).plan
    assert read_document(path).plan.goals[0].target != "2% or lower"
    files = verified_attachments(forged)
    assert files["plan.json"] == verified_attachments(signed)["plan.json"]
    assert files["signing.json"] == verified_attachments(signed)["signing.json"]
    assert files["document.json"] == []


def test_archive_status_and_refresh_refuse_the_forgery(kit: Kit, tmp_path: Path) -> None:
    """Before: status said B-LTA and refresh re-timestamped the forgery."""
    from pipdocs.archive.refresh import refresh_pdf
    from pipdocs.archive.status import record_status
    from pipdocs.core.errors import SigningRefused

    signed = kit.doc.signed
    path = tmp_path / "forged.pdf"
    path.write_bytes(tk.audit_revision(tk.rewrite_in_place(signed), signed, kit.ts))
    status = record_status(path, kit.pki.policy, [kit.root])
    assert status.state == "invalid" and "revision" in status.note, status
    before = path.read_bytes()
    with pytest.raises(SigningRefused, match="does not verify"):
        refresh_pdf(path, timestamper=kit.ts, policy=kit.pki.policy, trust=[kit.root])
    assert path.read_bytes() == before
