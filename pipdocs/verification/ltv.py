"""Long-term validation: revocation, document timestamps and how long the evidence lasts.

Validation runs offline and *as of the timestamps*: each signature's certificate is judged at
its RFC 3161 time, with the CRLs and OCSP answers embedded in the document's DSS (PAdES B-LT).
A certificate revoked before that time fails; one revoked later is reported, with the reason,
and does not. Each timestamp stays believable while its TSA certificate is valid, or until a
later document timestamp (PAdES B-LTA, ``archive refresh``) took over before it expired; the
last one in the chain sets the date until which the record stays verifiable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.x509 import ocsp
from pyhanko.pdf_utils.reader import PdfFileReader

from pipdocs.core.revcheck import authentic_crl, authentic_ocsp, declares_revocation, reason_name

WARN_BEFORE = timedelta(days=365)


@dataclass
class Material:
    """What the DSS holds, parsed for pyHanko (asn1crypto) and for our findings (cryptography)."""

    ocsps: list[bytes] = field(default_factory=list)
    crls: list[bytes] = field(default_factory=list)
    certs: list[x509.Certificate] = field(default_factory=list)
    present: bool = False

    def context(self, roots: list[asn1_x509.Certificate], moment: datetime | None,
                extra: list[asn1_x509.Certificate] = ()) -> Any:  # type: ignore[assignment]
        """A pyHanko ValidationContext at ``moment``: revocation data required wherever a
        certificate declares it, nothing fetched."""
        from asn1crypto import crl as asn1_crl
        from asn1crypto import ocsp as asn1_ocsp
        from pyhanko_certvalidator import ValidationContext

        return ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="hard-fail", moment=moment,
            time_tolerance=timedelta(0),  # revoked a second after the timestamp is after it
            other_certs=[to_asn1(c) for c in self.certs] + list(extra),
            crls=[asn1_crl.CertificateList.load(d) for d in self.crls],
            ocsps=[asn1_ocsp.OCSPResponse.load(d) for d in self.ocsps],
        )


def read_dss(reader: PdfFileReader) -> Material:
    """The current revision's DSS (empty Material when there is none)."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    material = Material()
    if "/DSS" not in reader.root:
        return material
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # noqa: BLE001 - pyHanko raises NoDSSFoundError (and others) for none
        return material
    material.present = True
    for ref in dss.ocsps:
        material.ocsps.append(ref.get_object().data)
    for ref in dss.crls:
        material.crls.append(ref.get_object().data)
    for cert in dss.load_certs():
        material.certs.append(x509.load_der_x509_certificate(cert.dump()))
    return material


# --- timestamps -------------------------------------------------------------------------------


def token_time(signed_data: cms.SignedData) -> datetime:
    """genTime of a timestamp token (not yet validated: pyHanko validates it at this moment)."""
    info = signed_data["encap_content_info"]["content"].parsed
    return info["gen_time"].native  # type: ignore[no-any-return]


def signature_token(emb: Any) -> cms.SignedData | None:
    """The signature's RFC 3161 token (unsigned attribute), if any."""
    attrs = emb.signer_info["unsigned_attrs"]
    if not attrs:
        return None
    for attr in attrs:
        if attr["type"].native == "signature_time_stamp_token":
            return attr["values"][0]["content"]  # type: ignore[no-any-return]
    return None


def token_certificate(signed_data: cms.SignedData) -> x509.Certificate | None:
    """The TSA certificate that signed a token (the one matching its signer's serial)."""
    sid = signed_data["signer_infos"][0]["sid"]
    for choice in signed_data["certificates"] or []:
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number" and \
                cert.serial_number == sid.chosen["serial_number"].native:
            return x509.load_der_x509_certificate(cert.dump())
        if sid.name == "subject_key_identifier" and cert.key_identifier == sid.chosen.native:
            return x509.load_der_x509_certificate(cert.dump())
    return None


# --- revocation findings ----------------------------------------------------------------------


@dataclass
class RevocationFinding:
    """What the embedded data says about one certificate, as of one moment."""

    subject: str
    serial: str
    status: str  # good | revoked_before | revoked_after | no_data | not_declared | not_established
    source: str = ""  # OCSP | CRL
    checked_at: datetime | None = None  # thisUpdate of the answer used
    revoked_at: datetime | None = None
    reason: str | None = None


def _issuer(cert: x509.Certificate, pool: list[x509.Certificate]) -> x509.Certificate | None:
    from pipdocs.core.revcheck import signed_by

    return next((c for c in pool if signed_by(cert, c)), None)


def revocation_finding(cert: x509.Certificate, moment: datetime, material: Material,
                       pool: list[x509.Certificate]) -> RevocationFinding:
    """Revoked before ``moment``, after it, good, or no data - from authentic answers only."""
    finding = RevocationFinding(common_name_of(cert), format(cert.serial_number, "x"), "no_data")
    if not declares_revocation(cert):
        finding.status = "not_declared"
        return finding
    issuer = _issuer(cert, pool + material.certs)
    if issuer is None:
        return finding
    for when, reason, source, checked in _revocations(cert, issuer, material):
        finding.source, finding.checked_at = source, checked
        if when is None:
            finding.status = "good" if finding.status in ("no_data", "good") else finding.status
            continue
        finding.status = "revoked_before" if when <= moment else "revoked_after"
        finding.revoked_at, finding.reason = when, reason
        if finding.status == "revoked_before":
            return finding
    return finding


def established(finding: RevocationFinding, moment: datetime) -> RevocationFinding:
    """'good' stands only on an answer issued at or after ``moment`` (to the second, as the
    CA's answers and the TSA's times are): an older one is what a thief of a key revoked
    since can still show (a CRL from before the revocation, with OCSP blocked). Without one,
    the status is ``not_established``: a revocation before ``moment`` cannot be ruled out."""
    if finding.status == "good" and (finding.checked_at is None or
                                     finding.checked_at < moment.replace(microsecond=0)):
        finding.status = "not_established"
    return finding


def latest_answer(cert: x509.Certificate, material: Material,
                  pool: list[x509.Certificate]) -> datetime | None:
    """When the latest authentic answer about ``cert`` was issued (OCSP thisUpdate, CRL
    lastUpdate); None without one."""
    issuer = _issuer(cert, pool + material.certs)
    found = _revocations(cert, issuer, material) if issuer is not None else []
    return max((checked for *_, checked in found), default=None)


def _revocations(cert: x509.Certificate, issuer: x509.Certificate,
                 material: Material) -> list[tuple[datetime | None, str | None, str, datetime]]:
    """(revoked_at or None for good, reason, source, answer time) from every authentic answer
    about ``cert``; revocations last so they win."""
    found: list[tuple[datetime | None, str | None, str, datetime]] = []
    for der in material.ocsps:
        try:
            response = authentic_ocsp(der, issuer)
        except ValueError:
            continue
        if response.serial_number != cert.serial_number:
            continue
        if response.certificate_status == ocsp.OCSPCertStatus.REVOKED:
            found.append((response.revocation_time_utc, reason_name(response.revocation_reason),
                          "OCSP", response.this_update_utc))
        elif response.certificate_status == ocsp.OCSPCertStatus.GOOD:
            found.append((None, None, "OCSP", response.this_update_utc))
    for der in material.crls:
        try:
            crl = authentic_crl(der, issuer)
        except ValueError:
            continue
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is None:
            found.append((None, None, "CRL", crl.last_update_utc))
            continue
        try:
            reason = reason_name(entry.extensions.get_extension_for_class(x509.CRLReason)
                                 .value.reason)
        except x509.ExtensionNotFound:
            reason = "unspecified"
        found.append((entry.revocation_date_utc, reason, "CRL", crl.last_update_utc))
    return sorted(found, key=lambda item: (item[0] is not None, item[3]))


# --- the chain of timestamps ------------------------------------------------------------------


@dataclass
class Stamp:
    """One timestamp in the record: a signature's or a document timestamp."""

    field: str
    revision: int
    time: datetime
    kind: str  # signature | document
    tsa: x509.Certificate | None
    root_not_after: datetime | None = None


@dataclass
class Lifetime:
    """How long the record stays verifiable, and what broke the chain (if anything)."""

    until: datetime | None
    lapsed: list[tuple[Stamp, Stamp]] = field(default_factory=list)  # (stamp, late successor)


def lifetime(stamps: list[Stamp]) -> Lifetime:
    """Each timestamp must be taken over by a later document timestamp before its TSA
    certificate (or root) expires; the uncovered ones set the date the evidence lapses."""
    ordered = sorted(stamps, key=lambda s: (s.revision, s.time))
    docs = [s for s in ordered if s.kind == "document"]
    result = Lifetime(until=None)
    limits: list[datetime] = []
    for stamp in ordered:
        limit = _limit(stamp)
        successor = next((d for d in docs if d.revision > stamp.revision), None)
        if successor is None:
            if limit is not None:
                limits.append(limit)
        elif limit is not None and successor.time > limit:
            result.lapsed.append((stamp, successor))
    result.until = min(limits) if limits else None
    return result


def _limit(stamp: Stamp) -> datetime | None:
    ends = [d for d in (stamp.tsa.not_valid_after_utc if stamp.tsa else None,
                        stamp.root_not_after) if d is not None]
    return min(ends) if ends else None


def refresh_due(until: datetime | None, at: datetime) -> bool:
    """Within a year of the date the evidence lapses (and not yet past it)."""
    return until is not None and at <= until < at + WARN_BEFORE


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def common_name_of(cert: x509.Certificate) -> str:
    from cryptography.x509.oid import NameOID

    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else cert.subject.rfc4514_string()


def utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
