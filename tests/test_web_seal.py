"""`pipdocs serve` with the organisation's seal key (`ca issue-seal`): the audit trail appended
after the last signature is signed by the organisation's seal (timestamped), so verify names
who appended it; a trail appended under any other certificate fails; `archive refresh` after
the seal keeps the record verifiable."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_support import CA_PASSWORD, Browserless, Server, prepared_pdf, running

from pipdocs.core.plan import load_plan
from pipdocs.demo import example_plan
from pipdocs.web.models import Envelope

PLAN = load_plan(example_plan("en"))
ORG = "Acme Trading Ltd"


def _sealed_server(root: Path) -> Iterator[Server]:
    """A server whose CA (in ``root``) holds the organisation's seal key."""
    from pipdocs.pki.ca import init_ca
    from pipdocs.pki.seal import SEAL_PASSWORD_ENV, issue_seal

    init_ca(root / "ca", ORG, CA_PASSWORD)
    issue_seal(root / "ca", CA_PASSWORD)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PIPDOCS_CA_PASSWORD", CA_PASSWORD)
        env.delenv(SEAL_PASSWORD_ENV, raising=False)
        with running(root / "data", ca_dir=root / "ca") as srv:
            yield srv


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _sealed_server(tmp_path_factory.mktemp("web-seal"))


def _completed(server: Server) -> bytes:
    envelope = server.create(prepared_pdf("en"))
    for role in ("employee", "manager", "hr"):
        person = PLAN.person(role)
        assert Browserless(server, server.link(person.email)).sign(person.email).status_code == 200
    with server.service.sessions() as session:
        stored = session.get(Envelope, envelope["id"])
        assert stored is not None and stored.status == "completed"
        return server.service.read_document(stored)


def _audit_warning(report: object) -> object:
    return next(w for w in report.warnings if w.code == "audit_sealed")  # type: ignore[attr-defined]


def test_org_sealed_trail_names_the_organisation_forgeries_fail_refresh_holds(
        sealed: Server, tmp_path: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader

    from pipdocs.archive.refresh import refresh_pdf
    from pipdocs.verification.verify import verify_pdf

    final = _completed(sealed)
    sigs = PdfFileReader(io.BytesIO(final)).embedded_signatures
    assert [s.field_name for s in sigs][-2:] == ["archive_ts_1", "audit_seal"]
    assert sigs[-1].sig_object["/Type"] == "/Sig"  # a signature, not a bare timestamp
    root, policy = [sealed.service.ca_dir / "root.pem"], sealed.service.policy
    record = tmp_path / "record.pdf"
    record.write_bytes(final)
    report = verify_pdf(record, root, policy=policy)
    assert report.ok, [p.message for p in report.problems]
    warning = _audit_warning(report)
    assert warning.params["sealed_by"] == ORG  # type: ignore[attr-defined]
    assert f"sealed by {ORG}" in warning.message  # type: ignore[attr-defined]
    assert "existed then" not in warning.message  # type: ignore[attr-defined]

    # the same (intact) trail appended under another certificate: not the organisation's seal
    prefix = final[: sigs[-2].byte_range[2] + sigs[-2].byte_range[3]]
    trail = _attachment(final, "audit.json")
    for name, signer in _other_signers(sealed.service.ca_dir, tmp_path):
        forged = tmp_path / f"forged-{name}.pdf"
        forged.write_bytes(_append(sealed, prefix, trail, signer))
        bad = verify_pdf(forged, root, policy=policy)
        assert not bad.ok and "audit_trail" in {p.code for p in bad.problems}, name
        assert not any(w.code == "audit_sealed" for w in bad.warnings)

    # archive refresh after the seal: still verifies, still names the organisation
    refresh_pdf(record, timestamper=sealed.service.timestamper(), policy=policy, trust=root)
    report = verify_pdf(record, root, policy=policy)
    assert report.ok, [p.message for p in report.problems]
    assert _audit_warning(report).params["sealed_by"] == ORG  # type: ignore[attr-defined]
    writer = IncrementalPdfFileWriter(io.BytesIO(record.read_bytes()))
    writer.root["/Lang"] = generic.TextStringObject("fr")  # anything else after the refresh
    writer.update_root()
    changed = tmp_path / "changed.pdf"
    with changed.open("wb") as handle:
        writer.write(handle)
    assert not verify_pdf(changed, root, policy=policy).ok


def _attachment(data: bytes, name: str) -> bytes:
    from pyhanko.pdf_utils.reader import PdfFileReader

    names = PdfFileReader(io.BytesIO(data)).root["/Names"]["/EmbeddedFiles"]["/Names"]
    files = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
    return bytes(files[name]["/EF"]["/F"].data)


def _other_signers(ca_dir: Path, tmp_path: Path) -> list[tuple[str, object]]:
    """A person's key of the same CA (no seal purpose), and another CA's seal key."""
    from pipdocs.pki.ca import init_ca, issue_signer
    from pipdocs.pki.seal import issue_seal
    from pipdocs.signing.seal import load_seal
    from pipdocs.signing.sign import load_signer

    person = tmp_path / "hr.p12"
    hr = PLAN.person("hr")
    issue_signer(ca_dir, hr.name, hr.email, person, CA_PASSWORD, "key-secret")
    other = tmp_path / "other-ca"
    init_ca(other, ORG, "other-secret")  # the same name, another CA
    issue_seal(other, "other-secret")
    return [("person", load_signer(person, "key-secret")),
            ("other-ca-seal", load_seal(other, "other-secret"))]


def _append(server: Server, prefix: bytes, trail: bytes, signer: object) -> bytes:
    """What a forger's own tool does: the trail under ``signer``'s timestamped signature in
    the field audit_seal, asking no one about revocation (pipdocs's own sealing refuses a
    revoked or unverifiable seal)."""
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(prefix), strict=False)
    embed.embed_file(writer, embed.FileSpec(
        file_spec_string="audit.json", file_name="audit.json",
        embedded_data=embed.EmbeddedFileObject.from_file_data(
            writer, trail, mime_type="application/json")))
    meta = signers.PdfSignatureMetadata(field_name="audit_seal", md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    out = io.BytesIO()
    signers.PdfSigner(meta, signer.signer,  # type: ignore[attr-defined]
                      timestamper=server.service.timestamper(),
                      new_field_spec=fields.SigFieldSpec("audit_seal")).sign_pdf(writer, output=out)
    return out.getvalue()


# --- the seal's own revocation: embedded when it seals, judged as of its timestamp ------------


@pytest.fixture(scope="module")
def revocable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own CA: the test revokes this seal."""
    yield from _sealed_server(tmp_path_factory.mktemp("web-seal-revoked"))


def _seal_time(data: bytes) -> tuple[object, object]:
    """(the audit seal's certificate, the time of its signature timestamp)."""
    from cryptography import x509
    from pyhanko.pdf_utils.reader import PdfFileReader

    from pipdocs.verification.ltv import signature_token, token_time

    emb = PdfFileReader(io.BytesIO(data)).embedded_signatures[-1]
    assert emb.field_name == "audit_seal"
    token = signature_token(emb)
    assert token is not None
    return x509.load_der_x509_certificate(emb.signer_cert.dump()), token_time(token)


def test_seal_revocation_embedded_when_sealing_and_judged_as_of_the_seal(
        revocable: Server, tmp_path: Path) -> None:
    import time
    from datetime import datetime, timezone

    from cryptography.x509 import ocsp
    from pyhanko.pdf_utils.reader import PdfFileReader

    from pipdocs.archive.refresh import refresh_pdf
    from pipdocs.core.auditchain import AUDIT_ATTACHMENT
    from pipdocs.core.errors import SigningRefused
    from pipdocs.pki.ca import load_ca
    from pipdocs.pki.revocation import revoke
    from pipdocs.signing.browser import attach_and_timestamp
    from pipdocs.verification.ltv import read_dss
    from pipdocs.verification.verify import verify_pdf

    service = revocable.service
    root, policy = [service.ca_dir / "root.pem"], service.policy
    final = _completed(revocable)
    cert, sealed_at = _seal_time(final)
    sigs = PdfFileReader(io.BytesIO(final)).embedded_signatures
    prefix = final[: sigs[-2].byte_range[2] + sigs[-2].byte_range[3]]

    def seal_answers(data: bytes, without: bytes = b"") -> list[ocsp.OCSPResponse]:
        """The seal's OCSP answers in the DSS of ``data`` (not in that of ``without``)."""
        old = set(read_dss(PdfFileReader(io.BytesIO(without))).ocsps) if without else set()
        return [a for a in (ocsp.load_der_ocsp_response(d) for d in
                read_dss(PdfFileReader(io.BytesIO(data))).ocsps if d not in old)
                if a.serial_number == cert.serial_number]  # type: ignore[attr-defined]

    # the seal's status as of its timestamp (fetched after it, in a validation-data revision,
    # unless the answer fetched just before it is of the same second) is in the DSS
    after = [a for a in seal_answers(final)
             if a.this_update_utc >= sealed_at.replace(microsecond=0)]  # type: ignore
    # (one or two: the answer fetched just before sealing counts too when it is of the seal's
    # second, and the one fetched after it is then of the next second)
    assert after and {a.certificate_status for a in after} == {ocsp.OCSPCertStatus.GOOD}
    first = tmp_path / "first.pdf"
    first.write_bytes(final)
    report = verify_pdf(first, root, policy=policy)
    assert report.ok, [p.message for p in report.problems]
    assert [(r.field, r.status) for r in report.long_term.revocation  # type: ignore[union-attr]
            if r.role == "seal"] == [("audit_seal", "good")]

    # the same trail sealed again a second later; then the seal is revoked between the two
    time.sleep(1.05 - datetime.now(timezone.utc).microsecond / 1e6)
    trail = _attachment(final, AUDIT_ATTACHMENT)
    second = tmp_path / "second.pdf"
    second.write_bytes(attach_and_timestamp(prefix, AUDIT_ATTACHMENT, trail, "audit trail",
                                            service.timestamper(), service.seal, policy))
    # the sealing revision itself adds the seal's answer, fetched when it sealed (B-LT)
    assert {a.certificate_status for a in seal_answers(second.read_bytes(), prefix)} == {
        ocsp.OCSPCertStatus.GOOD}
    revoked_at = _seal_time(second.read_bytes())[1].replace(microsecond=0)  # type: ignore
    assert sealed_at < revoked_at  # type: ignore[operator]
    ca_root, ca_key = load_ca(service.ca_dir, CA_PASSWORD)
    revoke(service.ca_dir, ca_root, ca_key, serial=cert.serial_number,  # type: ignore
           reason="key_compromise", when=revoked_at)

    # a revoked seal seals nothing more: the service refuses, as a revoked signer is refused
    with pytest.raises(SigningRefused, match="revoked"):
        attach_and_timestamp(prefix, AUDIT_ATTACHMENT, trail, "audit trail",
                             service.timestamper(), service.seal, policy)
    # ... and no one signs an envelope it could never seal: refused before the browser signs
    revocable.create(prepared_pdf("en"))
    employee = PLAN.person("employee").email
    page = Browserless(revocable, revocable.link(employee))
    assert page.post("code").status_code == 200
    started = page.start(revocable.code(employee))
    assert started.status_code == 422 and "Document Seal" in started.text \
        and "revoked" in started.text, started.text
    # the stolen key used without pipdocs: the seal's 'good' answers in the document are all
    # older than its timestamp (the last signature's): a revoked seal is not ruled out, it fails
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(_append(revocable, prefix, trail, service.seal))
    bad = verify_pdf(forged, root, policy=policy)
    assert not bad.ok
    assert [p.code for p in bad.problems] == ["audit_trail"]
    assert "cannot be ruled out" in bad.problems[0].message
    assert not any(w.code == "audit_sealed" for w in bad.warnings)

    # an archive refresh brings the revocation: as of each seal's timestamp
    for record in (first, second):
        refresh_pdf(record, timestamper=service.timestamper(), policy=policy, trust=root)
    report = verify_pdf(first, root, policy=policy)  # revoked after it sealed: still holds
    assert report.ok, [p.message for p in report.problems]
    warning = next(w for w in report.warnings if w.code == "revoked_after_signing")
    assert warning.field == "audit_seal" and "key was compromised" in warning.message
    assert _audit_warning(report).params["sealed_by"] == ORG  # type: ignore[attr-defined]
    assert [(r.field, r.status, r.reason) for r in report.long_term.revocation  # type: ignore
            if r.role == "seal"] == [("audit_seal", "revoked_after", "key_compromise")]
    report = verify_pdf(second, root, policy=policy)  # revoked before (at) it sealed: fails
    assert not report.ok
    problem = next(p for p in report.problems if p.code == "revoked_before_signing")
    assert problem.params["field"] == "audit_seal" and "Document Seal" in problem.message
    assert not any(w.code == "audit_sealed" for w in report.warnings)


def test_a_sealed_record_cut_back_to_its_archive_timestamp_and_forged_fails(
        sealed: Server, tmp_path: Path) -> None:
    """Issue 18: the record cut back to its archive timestamp (the seal gone), then resealed
    under a bare timestamp of the organisation's TSA, with and without a rewritten plan."""
    import tamperkit as tk
    from pyhanko.pdf_utils.reader import PdfFileReader

    from pipdocs.verification.verify import verify_pdf

    final = _completed(sealed)
    sigs = PdfFileReader(io.BytesIO(final)).embedded_signatures
    prefix = final[: sigs[-2].byte_range[2] + sigs[-2].byte_range[3]]
    root, policy = [sealed.service.ca_dir / "root.pem"], sealed.service.policy
    revisions = PdfFileReader(io.BytesIO(prefix)).xrefs.total_revisions
    stamp = sealed.service.timestamper()
    for name, pdf, where in (
        ("resealed", tk.audit_revision(prefix, prefix, stamp), revisions),
        ("forged", tk.audit_revision(tk.rewrite_in_place(prefix), prefix, stamp), revisions),
    ):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        report = verify_pdf(path, root, policy=policy)
        found = {p.params.get("revision") for p in report.problems
                 if p.code == "revision_modified"}
        assert not report.ok and str(where) in found, (name, report.problems)
