"""Revocation status fetched *after* the signatures, then an archive timestamp over it.

A status fetched before a signature (the CRL or OCSP answer ``sign`` embeds with it) proves
nothing about the moment of signing: a thief of a key revoked for compromise can serve the CRL
from before the revocation (CRLs are public and valid for weeks) and block OCSP. Only an answer
issued after the signature's timestamp shows that the key was not revoked when it signed.

So the last signature of a record (``sign`` and the browser ceremony) and every ``archive
refresh`` end the same way: the current status of every certificate in the record (signers,
the seal, the TSAs), fetched now, goes into the DSS of one revision that an archive document
timestamp closes (PAdES B-LTA). ``verify`` judges each signer's status on an answer issued at or
after its timestamp, and reports ``revocation_not_established`` without one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.x509 import ocsp

from pipdocs.core.policy import Policy
from pipdocs.core.revcheck import authentic_crl, authentic_ocsp, declares_revocation, signed_by
from pipdocs.signing.revinfo import (
    ARCHIVE_FIELD,
    ValidationData,
    common_name,
    gather,
    read_certs,
    sources_for,
    tsa_certificates,
    validation_context,
)


@dataclass
class Archived:
    """The record with its fresh status and archive timestamp, and the signers whose status
    is still not established (no answer about them issued at or after their timestamp)."""

    data: bytes
    pending: list[str] = field(default_factory=list)


def _token(emb: Any) -> Any:
    """The signature's RFC 3161 token (unsigned attribute), if any."""
    for attr in emb.signer_info["unsigned_attrs"] or []:
        if attr["type"].native == "signature_time_stamp_token":
            return attr["values"][0]["content"]
    return None


def _crypto(cert: Any) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def record_certificates(reader: Any) -> list[x509.Certificate]:
    """Every certificate the record carries: signatures', their timestamps', the DSS's."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    seen: list[Any] = []
    for emb in reader.embedded_signatures:
        try:
            found = [c.chosen for c in emb.signed_data["certificates"] or []
                     if c.name == "certificate"]
            token = _token(emb) if emb.sig_object_type == "/Sig" else None
        except Exception:  # noqa: BLE001 - an unreadable signature has none; verify says so
            continue
        seen.extend(found)
        if token is not None:
            seen.extend(c.chosen for c in token["certificates"] or [] if c.name == "certificate")
    if "/DSS" in reader.root:
        try:
            seen.extend(DocumentSecurityStore.read_dss(reader).load_certs())
        except Exception:  # noqa: BLE001 - an unreadable DSS adds nothing; verify reports it
            pass
    return [_crypto(c) for c in seen]


def signers(reader: Any) -> list[tuple[x509.Certificate, datetime]]:
    """(signer certificate, its signature's timestamp) of each timestamped signature."""
    out = []
    for emb in reader.embedded_signatures:
        try:
            token = _token(emb) if emb.sig_object_type == "/Sig" else None
            if token is not None:
                info = token["encap_content_info"]["content"].parsed
                out.append((_crypto(emb.signer_cert), info["gen_time"].native))
        except Exception:  # noqa: BLE001 - an unreadable signature: verify reports it
            continue
    return out


def established(cert: x509.Certificate, moment: datetime, data: ValidationData,
                pool: Sequence[x509.Certificate]) -> bool:
    """An authentic answer about ``cert`` issued at or after ``moment`` (to the second), or one
    saying it is revoked (verify then judges when): what verify needs to call it good."""
    if not declares_revocation(cert):
        return True
    issuer = next((c for c in pool if signed_by(cert, c)), None)
    if issuer is None:
        return False
    since = moment.replace(microsecond=0)
    for der in data.ocsps:
        try:
            answer = authentic_ocsp(der, issuer)
        except ValueError:
            continue
        if answer.serial_number == cert.serial_number and (
                answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
                or answer.this_update_utc >= since):
            return True
    for der in data.crls:
        try:
            crl = authentic_crl(der, issuer)
        except ValueError:
            continue
        if crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None \
                or crl.last_update_utc >= since:
            return True
    return False


def archive_with_status(data: bytes, *, timestamper: Any, field_name: str, timeout: float,
                        anchors: Sequence[x509.Certificate] = ()) -> Archived:
    """Append one revision: the current status of every certificate in ``data`` (a revoked
    one kept as evidence, not refused: verify judges before or after) and of the TSA, in the
    DSS, closed by an archive timestamp in ``field_name``."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper, TimestampDSSContentSettings
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    reader = writer.prev
    certs = record_certificates(reader) + tsa_certificates(timestamper)
    fresh = gather(certs + list(anchors), sources_for(timestamper, timeout),
                   refuse_revoked=False)
    roots = [c for c in certs + list(anchors) if c.issuer == c.subject]
    context = validation_context(fresh, roots, [c for c in certs if c.issuer != c.subject])
    DocumentSecurityStore.supply_dss_in_writer(
        writer, None, certs=[asn1_x509.Certificate.load(c.public_bytes(Encoding.DER))
               for c in certs if c.issuer != c.subject],
        ocsps=list(context.ocsps), crls=list(context.crls))
    out = io.BytesIO()
    PdfTimeStamper(timestamper, field_name=field_name).timestamp_pdf(
        writer, "sha256", validation_context=context, output=out,
        dss_settings=TimestampDSSContentSettings(update_before_ts=True, include_vri=False))
    pool = certs + list(anchors)
    pending = [common_name(cert) for cert, moment in signers(reader)
               if not established(cert, moment, fresh, pool)]
    return Archived(out.getvalue(), list(dict.fromkeys(pending)))


def archive_after_last(signed: bytes, timestamper: Any, policy: Policy) -> Archived:
    """After the last signature (``sign``, the browser ceremony): every signer's status fetched
    *now*, after every signature's timestamp, and the archive timestamp over it (B-LTA)."""
    anchors = [c for path in policy.trust_anchor_paths() for c in read_certs(path)]
    return archive_with_status(signed, timestamper=timestamper, field_name=ARCHIVE_FIELD,
                               timeout=policy.tsa_timeout, anchors=anchors)
