"""Genuine three-party PIP documents, and the means to attack them, for the verify tests.

``shared_kit()`` builds one genuine document per plan and test session through the real pipeline:
``pipdocs.document.pipeline.build_pdf`` (template, LibreOffice, prepare; the kit's own one-page
PDF when LibreOffice is missing), a ``pipdocs.pki.ca`` CA, the ``pipdocs.pki.tsa``
server over HTTP on 127.0.0.1,
and ``pipdocs.signing.sign.sign_pdf`` for employee, manager and HR. Attacks deliberately bypass
``pipdocs sign``'s checks (order, identity, earlier signatures): ``sign()`` signs with pyHanko
directly. ``KitPki`` is a CA made with ``cryptography`` where a test needs dates or certificates
``pipdocs ca`` would never issue (a TSA valid in the past, a backdated signer).
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import functools
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from helpers import free_port
from pyhanko.pdf_utils import embed, generic, writer
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from pipdocs.core.plan import SIGNATURE_FIELDS, Plan
from pipdocs.pki.server import make_ca_server

NOW = dt.datetime.now(dt.timezone.utc)
FIELD_BOXES = {  # one row per role, the signer's name and e-mail printed left of the box
    "employee": (300, 420, 560, 500),
    "manager": (300, 320, 560, 400),
    "hr": (300, 220, 560, 300),
}
PAGE_TEXT_MARK = b"(Target: 8% or lower)"


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> asn1_keys.PrivateKeyInfo:
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)


@dataclass
class Identity:
    """A person's key and certificate, ready for pyHanko (``p12`` when made by pipdocs ca)."""

    name: str
    email: str
    pyhanko_signer: signers.Signer
    p12: Path | None = None
    loaded: object = None  # pipdocs.signing.sign.LoadedSigner for the real pipeline

    def signer(self) -> signers.Signer:
        return self.pyhanko_signer


@dataclass
class KitPki:
    """A throwaway organisation CA with its own timestamping authority."""

    org: str
    root_key: rsa.RSAPrivateKey
    root: x509.Certificate
    tsa_key: rsa.RSAPrivateKey
    tsa: x509.Certificate
    people: dict[str, Identity] = field(default_factory=dict)

    @classmethod
    def create(cls, org: str, start: dt.datetime | None = None) -> KitPki:
        """A root and TSA valid from ``start`` (default: yesterday)."""
        start = start or NOW - dt.timedelta(days=1)
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{org} Root CA"),
            ]
        )
        root = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(NOW + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False, content_commitment=False, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=True,
                    crl_sign=True, encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
            )
            .sign(root_key, hashes.SHA256())
        )
        pki = cls(org=org, root_key=root_key, root=root, tsa_key=root_key, tsa=root)
        pki.tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pki.tsa = pki._issue(
            pki.tsa_key.public_key(),
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{org} Timestamping Authority")]),
            key_usage=dict(digital_signature=True, content_commitment=False),
            eku=[ExtendedKeyUsageOID.TIME_STAMPING],
            not_before=start,
        )
        return pki

    def _issue(
        self,
        public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
        subject: x509.Name,
        key_usage: dict[str, bool],
        eku: list[x509.ObjectIdentifier] | None = None,
        san_email: str | None = None,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.root.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or NOW - dt.timedelta(days=1))
            .not_valid_after(not_after or NOW + dt.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    key_encipherment=False, data_encipherment=False, key_agreement=False,
                    key_cert_sign=False, crl_sign=False, encipher_only=False,
                    decipher_only=False, **key_usage,
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()),
                critical=False,
            )
        )
        if eku:
            builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
        if san_email:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.RFC822Name(san_email)]), critical=False
            )
        return builder.sign(self.root_key, hashes.SHA256())

    def person(
        self,
        name: str,
        email: str,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
    ) -> Identity:
        """Issue a signer certificate: name in the subject, e-mail in the SAN."""
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.org),
                x509.NameAttribute(NameOID.COMMON_NAME, name),
            ]
        )
        cert = self._issue(
            key.public_key(),
            subject,
            key_usage=dict(digital_signature=True, content_commitment=True),
            san_email=email,
            not_before=not_before,
            not_after=not_after,
        )
        signer = signers.SimpleSigner(
            signing_cert=_asn1_cert(cert),
            signing_key=_asn1_key(key),
            cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(self.root)]),
        )
        return Identity(name, email, signer)

    def timestamper(self) -> DummyTimeStamper:
        return DummyTimeStamper(
            tsa_cert=_asn1_cert(self.tsa),
            tsa_key=_asn1_key(self.tsa_key),
            certs_to_embed=SimpleCertificateStore.from_certs([_asn1_cert(self.root)]),
        )

    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    def write_root(self, path: Path) -> Path:
        path.write_bytes(self.root_pem())
        return path


def _row_ops(plan: Plan, role: str) -> bytes:
    """The role's name and e-mail left of its box, and the box's two (tiny) markers, as
    ``pipdocs pdf``'s templates print them."""
    left, bottom, right, top = FIELD_BOXES[role]
    person = plan.person(role)
    begin, end = (f"[[sig:{role}:{edge}]]".encode() for edge in ("begin", "end"))
    return (
        b" BT /F1 10 Tf 72 %d Td 12 TL (%s) Tj T* (%s) Tj ET" % (
            top - 14, person.name.encode(), person.email.encode())
        + b" BT /F1 2 Tf %d %d Td (%s) Tj ET" % (left, top - 2, begin)
        + b" BT /F1 2 Tf %d %d Td (%s) Tj ET" % (right - 20, bottom, end)
    )


def prepared_pdf(plan: Plan, with_lock: bool = True, dangling: int | None = None) -> bytes:
    """A one-page PDF with the three empty signature fields and plan.json embedded.

    Stands in for ``pipdocs pdf``; the text is uncompressed so tests can find and flip bytes.
    ``dangling``: the page also draws that object number, which the file does not hold.
    """
    w = writer.PdfFileWriter()
    font = w.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
    )
    resources = generic.DictionaryObject(
        {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): font})}
    )
    if dangling is not None:
        resources["/XObject"] = generic.DictionaryObject(
            {generic.pdf_name("/Hide"): generic.IndirectObject(dangling, 0, w)})
    lines = [
        b"(Performance Improvement Plan " + plan.plan_id.encode() + b")",  # type: ignore[union-attr]
        b"(Employee: " + plan.employee.name.encode() + b")",
        b"(Goal: defect rate of new modules)",
        PAGE_TEXT_MARK,
        b"(Signatures: employee, manager, HR)",
    ]
    ops = b"BT /F1 14 Tf 72 760 Td 18 TL " + b" ".join(line + b" Tj T*" for line in lines)
    ops += b" ET" + b"".join(_row_ops(plan, role) for role in SIGNATURE_FIELDS)
    ops += b" /Hide Do" if dangling is not None else b""
    content = w.add_object(generic.StreamObject(stream_data=ops))
    w.insert_page(writer.PageObject(contents=content, media_box=(0, 0, 595, 842),
                                    resources=resources))
    for role, name in SIGNATURE_FIELDS.items():
        spec = fields.SigFieldSpec(name, on_page=0, box=FIELD_BOXES[role])
        if role == "hr" and with_lock:
            spec = fields.SigFieldSpec(
                name, on_page=0, box=FIELD_BOXES[role],
                field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.ALL),
                doc_mdp_update_value=fields.MDPPerm.NO_CHANGES,
            )
        fields.append_signature_field(w, spec)
    data = plan.to_json_bytes()
    embed.embed_file(
        w,
        embed.FileSpec(
            file_spec_string="plan.json",
            file_name="plan.json",
            embedded_data=embed.EmbeddedFileObject.from_file_data(
                w, data, mime_type="application/json"
            ),
            description="The validated plan this document was generated from",
        ),
    )
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def sign(
    pdf: bytes,
    field_name: str,
    who: Identity,
    timestamper: timestamps.TimeStamper | None,
    certify: bool = False,
    reason: str | None = None,
    subfilter: fields.SigSeedSubFilter = fields.SigSeedSubFilter.PADES,
) -> bytes:
    """One signature on ``field_name`` (a new invisible field if it does not exist)."""
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        subfilter=subfilter,
        md_algorithm="sha256",
        reason=reason or f"Signed as {field_name}",
    )
    context = None
    if who.p12 is not None and timestamper is not None:
        # Like pipdocs sign: the revocation data for the chain and the TSA's in the signature's
        # revision (PAdES B-LT), so attacks are judged on what they attack, not on missing data.
        from pyhanko.sign.signers.pdf_signer import (
            DSSContentSettings,
            SigDSSPlacementPreference,
        )

        from pipdocs.signing.revinfo import ltv_context

        try:
            context, _ = ltv_context(who.signer(), timestamper)
        except Exception:  # noqa: BLE001 - an attacker's or expired key gets none: sign without
            context = None
        if context is not None:
            meta = dataclasses.replace(
                meta, embed_validation_info=True, validation_context=context,
                signer_key_usage=set(), dss_settings=DSSContentSettings(
                    placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
                    include_vri=False))
    try:
        pdf_signer = signers.PdfSigner(meta, who.signer(), timestamper=timestamper)
        w = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        out = pdf_signer.sign_pdf(w, existing_fields_only=False, output=BytesIO())
        if context is not None and field_name == "sig_hr":
            # like pipdocs sign's last signature: every signer's status fetched after it, with
            # the archive timestamp (else verify: revocation not yet established)
            from pipdocs.core.policy import load_policy
            from pipdocs.signing.freshness import archive_after_last

            try:
                return archive_after_last(out.getvalue(), timestamper, load_policy()).data
            except Exception:  # noqa: BLE001 - an attack's unreadable signature: as it is
                return bytes(out.getvalue())
    except SigningError:  # pyHanko's own pre-signing check refuses (an expired key): bypass it
        meta = dataclasses.replace(meta, embed_validation_info=False, validation_context=None)
        pdf_signer = signers.PdfSigner(meta, who.signer(), timestamper=timestamper)
        w = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        out = pdf_signer.sign_pdf(w, existing_fields_only=False, output=BytesIO())
    return bytes(out.getvalue())


@dataclass
class Genuine:
    """A genuine three-party document and every intermediate revision."""

    prepared: bytes
    after_employee: bytes
    after_manager: bytes
    signed: bytes


# --- the real pipeline: signing.ca, a loopback signing.tsa server, signing.sign ---

PASSWORD = "kit-secret"


class RealPki:
    """An organisation CA made by ``pipdocs.pki.ca``, its TSA served over HTTP on loopback."""

    def __init__(self, directory: Path, org: str, serve: bool = True) -> None:
        import threading

        from pipdocs.core.policy import load_policy
        from pipdocs.pki import ca

        self.dir = directory
        self.org = org
        self.policy = load_policy()
        port = free_port()
        ca.init_ca(directory, org, PASSWORD, public_url=f"http://127.0.0.1:{port}/")
        self.root_path = directory / ca.ROOT_CERT
        self.server = None
        if serve:
            self.server = make_ca_server(directory, PASSWORD, self.policy.tsa_policy_oid,
                                         port=port, quiet=True)
            threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self._count = 0

    def timestamper(self) -> timestamps.TimeStamper:
        """The TSA over HTTP when served (the real path), else in process."""
        from pipdocs.pki import tsa

        if self.server is not None:
            return tsa.CheckedHTTPTimeStamper(self.server.url, timeout=10)
        return tsa.local_timestamper(self.dir, PASSWORD, self.policy.tsa_policy_oid)

    def person(self, name: str, email: str, days: int = 730,
               not_before: dt.datetime | None = None) -> Identity:
        from pipdocs.pki import ca
        from pipdocs.signing.sign import load_signer

        self._count += 1
        p12 = self.dir / f"signer{self._count}.p12"
        ca.issue_signer(self.dir, name, email, p12, PASSWORD, PASSWORD, days=days,
                        not_before=not_before)
        at = (not_before + dt.timedelta(days=days / 2)) if not_before else None
        loaded = load_signer(p12, PASSWORD, at=at)
        return Identity(name, email, loaded.signer, p12, loaded)

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def genuine_real(plan: Plan, pki: RealPki, people: dict[str, Identity], work: Path,
                 prepared: bytes | None = None) -> Genuine:
    """Employee, manager, HR through ``pipdocs.signing.sign.sign_pdf`` with the HTTP TSA."""
    from pipdocs.signing.sign import sign_pdf

    steps = [prepared if prepared is not None else prepared_pdf(plan)]
    path = work / "0.pdf"
    path.write_bytes(steps[0])
    for n, role in enumerate(SIGNATURE_FIELDS, 1):
        out = work / f"{n}.pdf"
        sign_pdf(path, out, role=role, signer=people[role].loaded,  # type: ignore[arg-type]
                 timestamper=pki.timestamper(), policy=pki.policy)
        steps.append(out.read_bytes())
        path = out
    return Genuine(*steps)


# --- tampering primitives (no signing-side checks on purpose) ------------------------------------


def incremental(pdf: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(BytesIO(pdf), strict=False)


def finish(w: IncrementalPdfFileWriter) -> bytes:
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def first_page(
    w: IncrementalPdfFileWriter,
) -> tuple[generic.IndirectObject, generic.DictionaryObject]:
    ref = w.root["/Pages"].raw_get("/Kids")
    kids = ref.get_object() if isinstance(ref, generic.IndirectObject) else ref
    page_ref = kids.raw_get(0)
    return page_ref, page_ref.get_object()


def byte_ranges(pdf: bytes) -> list[list[int]]:
    """The /ByteRange of every signature, in file order."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(BytesIO(pdf), strict=False)
    ranges = [
        list(value.get_object()["/ByteRange"]) for _, value, _ in enumerate_sig_fields(reader, True)
    ]
    return sorted(ranges, key=lambda r: r[2])


# --- one genuine document per test session -------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@dataclass
class Kit:
    """The real CA and TSA, the plan's three people, and a genuine signed document."""

    pki: RealPki
    people: dict[str, Identity]
    doc: Genuine
    root: Path
    ts: timestamps.TimeStamper
    work: Path

    def sign(self, pdf: bytes, field: str, who: str | Identity, **kw: Any) -> bytes:
        """Sign with pyHanko directly (no pipdocs checks); ``who`` is a role or an identity."""
        identity = self.people[who] if isinstance(who, str) else who
        ts = kw.pop("ts", self.ts)
        return sign(pdf, field, identity, ts, **kw)

    def other_ca(self, org: str, serve: bool = False) -> RealPki:
        """Another organisation's CA (an attacker's), made the same way."""
        d = self.work / f"ca-{len(list(self.work.iterdir()))}"
        return RealPki(d, org, serve=serve)


def pipeline_pdf(plan: Plan, out: Path) -> bytes | None:
    """The prepared PDF from ``document.pipeline.build_pdf`` (template, LibreOffice, prepare),
    or None without LibreOffice or with PIPDOCS_TAMPER_PREPARED=kit (then the kit's page)."""
    if os.environ.get("PIPDOCS_TAMPER_PREPARED") == "kit" or not shutil.which("soffice"):
        return None
    from pipdocs.document.pipeline import build_pdf

    try:
        return build_pdf(plan, out).read_bytes()
    except Exception as exc:  # noqa: BLE001 - conversion has its own tests; keep attacking
        warnings.warn(f"pipdocs pdf failed ({exc}); the tamper suite uses the kit's page",
                      stacklevel=2)
        return None


@functools.cache
def shared_kit(example: str = "engineering-en.yaml") -> Kit:
    """Built once per process and plan (pytest session) through the real pipeline:
    document.pipeline, signing.ca, the HTTP signing.tsa and signing.sign. Removed at exit."""
    from pipdocs.core.plan import load_plan

    work = Path(tempfile.mkdtemp(prefix="pipdocs-tamper-"))
    plan = load_plan(EXAMPLES / example)
    pki = RealPki(work / "ca", plan.organisation or "Example Org")
    people = {r: pki.person(plan.person(r).name, plan.person(r).email) for r in SIGNATURE_FIELDS}
    (work / "signed").mkdir()
    prepared = pipeline_pdf(plan, work / "prepared.pdf")
    doc = genuine_real(plan, pki, people, work / "signed", prepared)
    atexit.register(shutil.rmtree, work, True)
    atexit.register(pki.close)
    return Kit(pki, people, doc, pki.root_path, pki.timestamper(), work)


def document_timestamp(pdf: bytes, timestamper: timestamps.TimeStamper) -> bytes:
    """An RFC 3161 document timestamp (/DocTimeStamp) in a new revision."""
    out = signers.PdfTimeStamper(timestamper, field_name="doc_ts").timestamp_pdf(
        incremental(pdf), "sha256", output=BytesIO()
    )
    return bytes(out.getvalue())


# --- changes after the last signature (issue 18: every revision is diff-checked) ----------------


def attachment_stream(w: IncrementalPdfFileWriter, name: str) -> generic.IndirectObject:
    """The reference of the embedded file stream of attachment ``name`` (flat name tree)."""
    names = list(w.root["/Names"]["/EmbeddedFiles"]["/Names"])
    for key, spec in zip(names[::2], names[1::2], strict=False):
        if str(key) == name:
            ef = spec.get_object()["/EF"]
            return ef.raw_get("/UF") if "/UF" in ef else ef.raw_get("/F")
    raise KeyError(name)


def rewrite_stream(w: IncrementalPdfFileWriter, ref: generic.IndirectObject, data: bytes) -> None:
    """Give the stream ``ref`` new content under its old object number (an in-place rewrite)."""
    stream = ref.get_object()
    stream._data, stream._encoded_data = data, None
    if "/Params" in stream:  # an embedded file's size and checksum would betray it
        del stream["/Params"]
    w.mark_update(ref)


def rewrite_in_place(pdf: bytes, attachment: str = "plan.json",
                     edit: Any = None) -> bytes:
    """One revision that rewrites the first page's content stream and ``attachment`` (edited
    by ``edit(dict) -> None``, default: an easier first target) under their old numbers."""
    import json

    w = incremental(pdf)
    _, page = first_page(w)
    contents = page.raw_get("/Contents")
    if isinstance(contents.get_object(), generic.ArrayObject):
        contents = contents.get_object().raw_get(0)
    old = contents.get_object().data
    rewrite_stream(w, contents, old.replace(b"8% or lower", b"20% or lower")
                   if b"8% or lower" in old else old + b"\nq 1 1 1 rg 0 0 2000 2000 re f Q")
    ref = attachment_stream(w, attachment)
    data = json.loads(ref.get_object().data)
    (edit or _easier_target)(data)
    rewrite_stream(w, ref, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    return finish(w)


def _easier_target(plan: dict[str, Any]) -> None:
    plan["goals"][0]["target"] = "2% or lower"


def recomputed_audit_chain(signed: bytes) -> bytes:
    """An audit.json anyone can write (no key): a valid hash chain whose last 'signed' event
    names the SHA-256 of ``signed``."""
    import hashlib
    import json

    from pipdocs.core.auditchain import AUDIT_FORMAT, GENESIS, event_hash

    events, previous = [], GENESIS
    for kind, detail in (("created", {}), ("signed", {"sha256": hashlib.sha256(signed)
                                                       .hexdigest()})):
        event = {"envelope": "forged", "at": "2026-12-01T10:00:00+00:00", "kind": kind,
                 "actor": "hr@example.com", "ip": "127.0.0.1", "user_agent": "forger",
                 "detail": detail, "prev_hash": previous}
        event["hash"] = previous = event_hash(event)
        events.append(event)
    return json.dumps({"format": AUDIT_FORMAT, "envelope": "forged", "events": events}).encode()


def audit_revision(pdf: bytes, signed: bytes, timestamper: timestamps.TimeStamper,
                   seal: Any = None) -> bytes:
    """``pipdocs serve``'s audit revision, as a forger (or the service, with ``seal``) appends
    it: audit.json naming ``signed``, under a document timestamp (or the seal)."""
    from pipdocs.core.auditchain import AUDIT_ATTACHMENT
    from pipdocs.signing.browser import attach_and_timestamp

    return attach_and_timestamp(pdf, AUDIT_ATTACHMENT, recomputed_audit_chain(signed),
                                "audit trail", timestamper, seal)


# --- verifying what an attack made ----------------------------------------------------------


def verify_bytes(kit: Kit, pdf: bytes, tmp_path: Path, name: str = "doc") -> Any:
    """``verify_pdf`` on ``pdf`` (written to ``tmp_path/name.pdf``), trusting the kit's root."""
    from pipdocs.verification.verify import verify_pdf

    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return verify_pdf(path, [kit.root])


def revision_problems(report: Any) -> dict[str, str]:
    """revision -> detail of each revision_modified problem in a verify report."""
    return {p.params["revision"]: p.params["detail"]
            for p in report.problems if p.code == "revision_modified"}


def revision_count(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(BytesIO(pdf)).xrefs.total_revisions)
