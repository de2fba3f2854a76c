"""``archive refresh``: fresh validation data and a new archive timestamp on a signed record.

A record's evidence lasts as long as its last timestamp's certificate. Before that expires, a
refresh adds the current CRL/OCSP answers for every certificate in the record (signers, TSAs,
the new TSA) and a document timestamp over all of it (PAdES B-LTA, ETSI EN 319 142-1 5.6):
the new timestamp proves that the older evidence existed while it was still valid. A record
that no longer verifies is not refreshed: sealing it would only hide the problem.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from pipdocs.core.errors import InputError, SigningRefused
from pipdocs.core.files import not_regular, read_input, write_atomic
from pipdocs.core.policy import Policy
from pipdocs.document.pdfread import open_incremental, open_pdf

ARCHIVE_FIELD = "archive_ts_{n}"


@dataclass(frozen=True)
class Refreshed:
    path: Path
    field: str
    tsa: str
    tsa_not_after: datetime


def pdf_files(paths: Sequence[Path]) -> list[Path]:
    """Every PDF named, or found (recursively) in a directory named; InputError for neither."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.pdf") if p.is_file()))
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise not_regular(path, "PDF")  # a pipe or a device would hang or never end
        else:
            raise InputError(f"{path}: no such file or directory")
    return found


def _certificates(reader: Any) -> list[x509.Certificate]:
    """Every certificate the record carries: signatures', timestamps', the DSS's."""
    from pipdocs.verification.ltv import read_dss, signature_token

    seen: list[Any] = []
    for emb in reader.embedded_signatures:
        seen.extend(c for c in emb.signed_data["certificates"] or [] if c.name == "certificate")
        token = signature_token(emb) if emb.sig_object_type == "/Sig" else None
        if token is not None:
            seen.extend(c for c in token["certificates"] or [] if c.name == "certificate")
    certs = [x509.load_der_x509_certificate(c.chosen.dump()) for c in seen]
    return certs + read_dss(reader).certs


def refresh_pdf(path: Path, *, timestamper: Any, policy: Policy, trust: Sequence[Path],
                out: Path | None = None) -> Refreshed:
    """Verify, then add fresh validation data and an archive timestamp (atomically, in place
    unless ``out``). SigningRefused when the record does not verify now."""
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper, TimestampDSSContentSettings
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    from pipdocs.signing.revinfo import gather, sources_for, tsa_certificates, validation_context
    from pipdocs.verification.ltv import to_asn1
    from pipdocs.verification.verify import verify_pdf

    report = verify_pdf(path, list(trust), False, policy)
    if not report.ok:
        first = report.problems[0].message if report.problems else report.verdict
        raise SigningRefused(f"{path}: not refreshed, the record does not verify ({first})")
    data = read_input(path, "PDF")
    reader = open_pdf(data, path)
    certs = _certificates(reader) + tsa_certificates(timestamper)
    anchors = [x509.load_der_x509_certificate(a.dump()) for a in _anchors(trust, policy)]
    fresh = gather(certs + anchors, sources_for(timestamper, policy.tsa_timeout),
                   refuse_revoked=False)
    roots = [c for c in certs + anchors if c.issuer == c.subject]
    context = validation_context(fresh, roots, [c for c in certs if c.issuer != c.subject])
    writer = open_incremental(data, path)
    DocumentSecurityStore.supply_dss_in_writer(
        writer, None, certs=[to_asn1(c) for c in certs if c.issuer != c.subject],
        ocsps=list(context.ocsps), crls=list(context.crls))
    taken = {emb.field_name for emb in reader.embedded_signatures}
    n = 1
    while ARCHIVE_FIELD.format(n=n) in taken:
        n += 1
    name = ARCHIVE_FIELD.format(n=n)
    buffer = io.BytesIO()
    PdfTimeStamper(timestamper, field_name=name).timestamp_pdf(
        writer, "sha256", validation_context=context, output=buffer,
        dss_settings=TimestampDSSContentSettings(update_before_ts=True, include_vri=False))
    write_atomic(out or path, buffer.getvalue())
    from pipdocs.verification.ltv import common_name_of

    tsa = next(c for c in tsa_certificates(timestamper) if c.issuer != c.subject)
    return Refreshed(out or path, name, common_name_of(tsa), tsa.not_valid_after_utc)


def _anchors(trust: Sequence[Path], policy: Policy) -> list[Any]:
    from pipdocs.verification.collect import load_trust_anchors

    return [cert for _, cert in load_trust_anchors(list(trust) or policy.trust_anchor_paths())]
