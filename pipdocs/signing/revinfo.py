"""Revocation data for signing (PAdES B-LT): fetch, check, and fail closed.

Before a signature is made, every certificate in the signer's chain and the TSA's gets an OCSP
answer or a CRL: from the certificate's own addresses, then from the organisation's service
address (``ca serve`` serves TSA, CRL and OCSP on one URL, so the TSA's URL is a mirror), or in
process from the CA directory (``--tsa-dir``). Each answer's signature is checked against the
issuer before it is believed, so a mirror cannot lie. A revoked certificate is refused
(SigningRefused); no usable answer at all is RevocationUnavailable. What was fetched goes into
a pyHanko ValidationContext, which embeds it in the document's DSS.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from pipdocs.core.errors import RevocationUnavailable, SigningRefused
from pipdocs.core.policy import Policy
from pipdocs.core.revcheck import (
    authentic_crl,
    authentic_ocsp,
    declares_revocation,
    reason_name,
    signed_by,
)
from pipdocs.pki.revocation import CRL_FILE

SKEW = timedelta(minutes=5)
ARCHIVE_FIELD = "archive_ts_1"  # the document timestamp after the last signature (B-LTA)
MAX_BYTES = 8 * 1024 * 1024


@dataclass
class ValidationData:
    """What was gathered: DER CRLs and OCSP responses, and one line per certificate."""

    crls: list[bytes] = field(default_factory=list)
    ocsps: list[bytes] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


@dataclass
class Sources:
    """Where to ask besides each certificate's own addresses."""

    mirrors: list[str] = field(default_factory=list)  # base URLs serving /crl and /ocsp
    responder: Any = None  # pipdocs.pki.ocsp.Responder, in process
    crl_dirs: list[Path] = field(default_factory=list)  # CA directories holding crl.der
    timeout: float = 10.0


def common_name(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else cert.subject.rfc4514_string()


def _uris(cert: x509.Certificate, kind: str) -> list[str]:
    try:
        if kind == "ocsp":
            aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
            return [str(d.access_location.value) for d in aia
                    if d.access_method == AuthorityInformationAccessOID.OCSP]
        cdp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        return [str(n.value) for p in cdp for n in (p.full_name or [])
                if isinstance(n, x509.UniformResourceIdentifier)]
    except x509.ExtensionNotFound:
        return []


def _fetch(url: str, timeout: float, body: bytes | None = None) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise OSError(f"not an http(s) URL: {url}")
    headers = {"Content-Type": "application/ocsp-request"} if body is not None else {}
    request = urllib.request.Request(url, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 - http(s) only
        data = bytes(reply.read(MAX_BYTES + 1))
    if len(data) > MAX_BYTES:
        raise OSError("answer too large")
    return data


def _revoked(cert: x509.Certificate, when: datetime, reason: str) -> SigningRefused:
    return SigningRefused(
        f"the certificate of {common_name(cert)} (serial {cert.serial_number:x}) was revoked on"
        f" {when:%Y-%m-%d %H:%M} UTC ({reason.replace('_', ' ')}): it may not sign; ask the CA"
        " for a new key"
    )


def check_ocsp(der: bytes, cert: x509.Certificate, issuer: x509.Certificate,
               now: datetime) -> str:
    """'good' or 'unknown' for a genuine, current answer; raises SigningRefused when revoked
    and ValueError for an answer that cannot be believed."""
    response = authentic_ocsp(der, issuer)
    if response.serial_number != cert.serial_number:
        raise ValueError("answer is about another certificate")
    if response.this_update_utc > now + SKEW:
        raise ValueError("answer is from the future")
    if response.next_update_utc is not None and response.next_update_utc < now:
        raise ValueError("answer is stale")
    if response.certificate_status == ocsp.OCSPCertStatus.REVOKED:
        when = response.revocation_time_utc or now
        raise _revoked(cert, when, reason_name(response.revocation_reason))
    return "good" if response.certificate_status == ocsp.OCSPCertStatus.GOOD else "unknown"


def check_crl(der: bytes, cert: x509.Certificate, issuer: x509.Certificate,
              now: datetime) -> None:
    """Accept a genuine, current CRL that does not list ``cert``; SigningRefused if it does."""
    crl = authentic_crl(der, issuer)
    if crl.next_update_utc is not None and crl.next_update_utc < now:
        raise ValueError(f"CRL expired on {crl.next_update_utc:%Y-%m-%d}: run 'pipdocs ca crl'")
    entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    if entry is not None:
        try:
            reason = reason_name(entry.extensions.get_extension_for_class(x509.CRLReason)
                                 .value.reason)
        except x509.ExtensionNotFound:
            reason = "unspecified"
        raise _revoked(cert, entry.revocation_date_utc, reason)


def _needs_check(cert: x509.Certificate) -> bool:
    if cert.issuer == cert.subject:
        return False  # a root is trusted as such
    try:
        cert.extensions.get_extension_for_class(x509.OCSPNoCheck)
        return False
    except x509.ExtensionNotFound:
        return True


def gather(certs: Sequence[x509.Certificate], sources: Sources,
           now: datetime | None = None, *, refuse_revoked: bool = True) -> ValidationData:
    """OCSP answers (else CRLs) for every certificate that needs one; fail closed.

    ``refuse_revoked=False`` (archive refresh) keeps a 'revoked' answer as evidence instead:
    a certificate revoked after it signed leaves the signature valid, and says so."""
    now = now or datetime.now(timezone.utc)
    data = ValidationData()
    unique = {c.fingerprint(hashes.SHA256()): c for c in certs}
    for cert in unique.values():
        if not _needs_check(cert):
            continue
        issuer = next((c for c in unique.values() if signed_by(cert, c)), None)
        if issuer is None:
            raise RevocationUnavailable(
                f"the issuer of {common_name(cert)}'s certificate is missing from the key file"
                " and the TSA's answer; include the full chain")
        tried = _gather_one(cert, issuer, sources, now, data, refuse_revoked)
        if tried:
            raise RevocationUnavailable(
                f"no revocation data for the certificate of {common_name(cert)}: "
                + "; ".join(tried[:4]) + ". Start 'pipdocs ca serve' (or check the CA's"
                " service address); no signature is made without it")
    return data


def _gather_one(cert: x509.Certificate, issuer: x509.Certificate, sources: Sources,
                now: datetime, data: ValidationData, refuse_revoked: bool = True) -> list[str]:
    """Add one certificate's answer to ``data``; return what failed (empty on success).

    A certificate that names no CRL or OCSP address cannot be revoked by its CA: it passes, as
    PKIX has it, and verification reports it as such."""
    tried: list[str] = []
    if not declares_revocation(cert):
        data.checked.append(f"{common_name(cert)}: its CA publishes no revocation data")
        return []
    request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1()).build()
    request_der = request.public_bytes(serialization.Encoding.DER)
    for where, fetch in _ocsp_candidates(cert, issuer, sources, request_der):
        try:
            der = fetch()
            if check_ocsp(der, cert, issuer, now) == "good":
                data.ocsps.append(der)
                data.checked.append(f"{common_name(cert)}: OCSP good ({where})")
                return []
            tried.append(f"{where}: unknown certificate")
        except SigningRefused as exc:
            if refuse_revoked:
                raise
            data.ocsps.append(der)
            data.checked.append(str(exc))
            return []
        except Exception as exc:  # noqa: BLE001 - network, HTTP, parsing: try the next one
            tried.append(f"{where}: {str(exc)[:100] or type(exc).__name__}")
    for where, fetch in _crl_candidates(cert, sources):
        try:
            der = fetch()
            check_crl(der, cert, issuer, now)
            data.crls.append(der)
            data.checked.append(f"{common_name(cert)}: not on the CRL ({where})")
            return []
        except SigningRefused as exc:
            if refuse_revoked:
                raise
            data.crls.append(der)
            data.checked.append(str(exc))
            return []
        except Exception as exc:  # noqa: BLE001
            tried.append(f"{where}: {str(exc)[:100] or type(exc).__name__}")
    return tried


def _ocsp_candidates(cert: x509.Certificate, issuer: x509.Certificate, sources: Sources,
                     request_der: bytes) -> Iterable[tuple[str, Any]]:
    responder = sources.responder
    if responder is not None and responder.root.subject == issuer.subject:
        yield "local OCSP responder", lambda: responder.answer(request_der)
    urls = _uris(cert, "ocsp") + [m + "ocsp" for m in sources.mirrors]
    for url in dict.fromkeys(urls):
        yield url, lambda url=url: _fetch(url, sources.timeout, request_der)


def _crl_candidates(cert: x509.Certificate, sources: Sources) -> Iterable[tuple[str, Any]]:
    for directory in sources.crl_dirs:
        yield str(directory / CRL_FILE), lambda d=directory: (d / CRL_FILE).read_bytes()
    urls = _uris(cert, "crl") + [m + "crl" for m in sources.mirrors]
    for url in dict.fromkeys(urls):
        yield url, lambda url=url: _fetch(url, sources.timeout)


def validation_context(data: ValidationData, roots: Sequence[x509.Certificate],
                       others: Sequence[x509.Certificate]) -> Any:
    """A pyHanko ValidationContext holding exactly our answers: revocation data required for
    every certificate that names a CRL or OCSP address (hard-fail)."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import ValidationContext

    der = serialization.Encoding.DER
    return ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(c.public_bytes(der)) for c in roots],
        other_certs=[asn1_x509.Certificate.load(c.public_bytes(der)) for c in others],
        crls=[asn1_crl.CertificateList.load(d) for d in data.crls],
        ocsps=[asn1_ocsp.OCSPResponse.load(d) for d in data.ocsps],
        allow_fetching=False, revocation_mode="hard-fail",
    )


def _crypto(cert: Any) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def tsa_certificates(timestamper: Any) -> list[x509.Certificate]:
    """The certificates a TSA sends with its tokens (one throwaway token, which pyHanko caches
    and reuses for its own checks)."""
    import asyncio

    token = asyncio.run(timestamper.async_dummy_response("sha256"))
    certs = token["content"]["certificates"]
    return [_crypto(c.chosen) for c in certs or [] if c.name == "certificate"]


def sources_for(timestamper: Any, timeout: float = 10.0) -> Sources:
    """Mirrors of the organisation's services: the TSA's own URL, or the local CA."""
    sources = Sources(timeout=timeout)
    url = getattr(timestamper, "url", None)
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        sources.mirrors.append(url if url.endswith("/") else url.rsplit("/", 1)[0] + "/")
    ca_dir = getattr(timestamper, "ca_dir", None)
    if ca_dir is not None:
        sources.crl_dirs.append(Path(ca_dir))
        sources.responder = getattr(timestamper, "responder", None)
    return sources


def read_certs(path: Path) -> list[x509.Certificate]:
    from pipdocs.core.errors import InputError
    from pipdocs.core.files import read_input

    raw = read_input(Path(path), "trust anchor", "fix trust_anchors in the signing policy")
    try:
        if b"-----BEGIN" in raw:
            return x509.load_pem_x509_certificates(raw)
        return [x509.load_der_x509_certificate(raw)]
    except ValueError as exc:
        raise InputError(f"{path}: not a certificate; fix trust_anchors in the policy") from exc


def seal_certificates(reader: Any) -> list[x509.Certificate]:
    """The organisation seal's certificate (and those embedded with it) in a prepared PDF."""
    from pipdocs.core.names import SEAL_FIELD

    if reader is None:
        return []
    for emb in reader.embedded_signatures:
        if emb.field_name == SEAL_FIELD:
            return [_crypto(emb.signer_cert)] + [_crypto(c) for c in emb.other_embedded_certs]
    return []


def ltv_context(signer: Any, timestamper: Any, anchors: Sequence[Path] = (),
                timeout: float = 10.0, extra: Sequence[x509.Certificate] = (),
                data: ValidationData | None = None) -> tuple[Any, ValidationData]:
    """Check revocation of the signer's chain, the TSA's and ``extra`` (the organisation's
    seal), and return the pyHanko ValidationContext that embeds the answers (PAdES B-LT).
    ``data``: answers already gathered and checked for the same chain (the signing service
    keeps them between the two halves of a browser signature), not fetched again."""
    chain = [_crypto(signer.signing_cert)] + [_crypto(c) for c in signer.cert_registry]
    chain += tsa_certificates(timestamper) + list(extra)
    anchored = [c for path in anchors for c in read_certs(path)]
    roots = [c for c in chain if c.issuer == c.subject] + anchored
    if data is None:
        data = gather(chain + anchored, sources_for(timestamper, timeout))
    others = [c for c in chain if c.issuer != c.subject]
    return validation_context(data, roots, others), data


def dss_settings() -> Any:
    """The DSS goes into the signature's own revision (and the archive timestamp's)."""
    from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference

    return DSSContentSettings(placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
                              include_vri=False)


def with_validation_data(meta: Any, signer: Any, timestamper: Any, policy: Policy,
                         *, lta: bool, document: Any = None) -> Any:
    """``validation_meta`` without the answers themselves."""
    return validation_meta(meta, signer, timestamper, policy, lta=lta, document=document)[0]


def validation_meta(meta: Any, signer: Any, timestamper: Any, policy: Policy,
                    *, lta: bool, document: Any = None,
                    extra: Sequence[x509.Certificate] = ()) -> tuple[Any, ValidationData]:
    """PAdES B-LT: the revocation answers for the chain of ``signer`` (a pyHanko signer, whose
    ``signing_cert`` and ``cert_registry`` are all that is read, so the browser's ExternalSigner
    serves too) and the TSA's go into the DSS of the signature's own revision (fail closed:
    revoked or unavailable is an error); B-LTA: the last signature is followed by a document
    timestamp. ``sign`` and ``pipdocs serve`` both sign with this metadata. ``document`` (the
    PDF's reader) brings the organisation seal's certificate: its answers go in too, and a
    revoked seal refuses the signature as a revoked signer would; ``extra`` (the seal that
    will seal the signing service's audit trail) likewise."""
    import dataclasses

    context, data = ltv_context(signer, timestamper, policy.trust_anchor_paths(),
                                policy.tsa_timeout, seal_certificates(document) + list(extra))
    return dataclasses.replace(
        meta, embed_validation_info=True, validation_context=context,
        dss_settings=dss_settings(),
        use_pades_lta=lta and policy.pades_level == "B-LTA",
        signer_key_usage=set(),  # checked when the key was loaded or certified
        timestamp_field_name=ARCHIVE_FIELD if lta else None,
    ), data
