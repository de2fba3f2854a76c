"""Signing with a key held elsewhere (the signer's browser): pyHanko's interrupted signing.

``start_remote`` runs every check ``sign`` makes (``prepare_signature``), writes the document with
a signature placeholder and returns the DER signed attributes the key holder must sign. The state
needed to finish is plain bytes and offsets (``PendingSignature``), so it can be stored between
two HTTP requests and finished by any server process. ``finish_remote`` checks the returned
signature against the certificate, embeds it with an RFC 3161 signature timestamp, and fills the
placeholder. No private key is involved on this side.

The signatures are those of ``sign``: PAdES B-LT (the revocation data of the signer's chain and
the TSA's in the DSS of the signature's own revision, written by ``start_remote``), and after the
last role's signature the archive document timestamp (B-LTA), added by ``finish_remote`` as
pyHanko's post-signature processing would.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pyHanko is imported when a ceremony signs, not when the service starts
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.signers import PdfSignatureMetadata
    from pyhanko.sign.signers.pdf_cms import ExternalSigner
    from pyhanko.sign.timestamps import TimeStamper

    from pipdocs.signing.sign import PreparedSignature

from cryptography import x509

from pipdocs.core.auditchain import AUDIT_SEAL_FIELD
from pipdocs.core.errors import SigningRefused, TimestampError
from pipdocs.core.policy import Policy

DIGEST = "sha256"
#: bytes of a CMS beyond its certificates and timestamp token: the signed attributes (~0.5 KB),
#: the signature value (<= 512 for RSA-4096) and the ASN.1 framing
CMS_OVERHEAD = 2048


@dataclass(frozen=True)
class PendingSignature:
    """A document waiting for its signature value; everything here is public data."""

    prepared_pdf: bytes
    document_digest: bytes
    region_start: int
    region_end: int
    signed_attrs: bytes  # DER SET OF Attribute: what the signer's key signs
    cert_der: bytes
    reason: str
    archive: bool = False  # the last role's signature: an archive timestamp follows (B-LTA)
    # for the archive timestamp: the revocation answers start_remote gathered and checked
    crls: tuple[bytes, ...] = ()
    ocsps: tuple[bytes, ...] = ()


def _cert_names(cert: x509.Certificate) -> tuple[str, str | None]:
    from pipdocs.core.identity import cert_email
    from pipdocs.pki.ca import cert_common_name

    return cert_common_name(cert), cert_email(cert)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _external_signer(cert: x509.Certificate, root: x509.Certificate,
                     value: bytes | int) -> ExternalSigner:
    from pyhanko.sign.signers.pdf_cms import ExternalSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    return ExternalSigner(_asn1(cert), SimpleCertificateStore.from_certs([_asn1(root)]),
                          signature_value=value)


def start_remote(
    data: bytes, source: str, *, role: str, cert: x509.Certificate, root: x509.Certificate,
    policy: Policy, timestamper: TimeStamper, comment: str | None = None, agree: bool = False,
    disagree: bool = False, extra: Sequence[x509.Certificate] = (),
) -> PendingSignature:
    """Check ``data`` as ``sign`` does for ``role`` and the person of ``cert``; return what the
    signer must sign. Refusals are SigningRefused / InputError, and revoked or unavailable
    revocation data RevocationUnavailable, exactly as for ``sign``. ``timestamper`` is asked
    only for its certificates here (their revocation data goes into the DSS). ``extra``: the
    seal that will seal the audit trail, refused here when revoked, before anyone signs."""
    from pipdocs.signing.revinfo import validation_meta
    from pipdocs.signing.sign import prepare_signature

    name, email = _cert_names(cert)
    prepared = prepare_signature(  # synchronous: its checks run pyHanko's own event loop
        data, source, role=role, name=name, email=email, key_source="issued for this browser",
        policy=policy, comment=comment or None, agree=agree, disagree=disagree,
    )
    signer = _external_signer(cert, root, 256)
    last = prepared.policy.is_last(role)
    meta, answers = validation_meta(prepared.meta, signer, timestamper, prepared.policy, lta=last,
                                    document=prepared.writer.prev, extra=extra)
    pending = asyncio.run(_start(prepared, meta, signer, timestamper, cert,
                                 archive=bool(meta.use_pades_lta)))
    if not pending.archive:
        return pending
    return dataclasses.replace(pending, crls=tuple(answers.crls),
                               ocsps=tuple(answers.ocsps))


async def _start(prepared: PreparedSignature, meta: PdfSignatureMetadata,
                 signer: ExternalSigner, timestamper: TimeStamper,
                 cert: x509.Certificate, *, archive: bool) -> PendingSignature:
    from pyhanko.sign import signers
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    # with the timestamper, pyHanko puts the TSA's revocation data into the DSS as well; the
    # signature's own timestamp is fetched only in finish_remote.
    pdf_signer = signers.PdfSigner(meta, signer, timestamper=timestamper,
                                   stamp_style=prepared.stamp_style)
    digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
        prepared.writer, existing_fields_only=True,
        bytes_reserved=await _room(signer, timestamper),
    )
    attrs = await signer.signed_attrs(
        digest.document_digest, DIGEST, attr_settings=PdfCMSSignedAttributes(), use_pades=True,
    )
    output.seek(0)
    return PendingSignature(
        output.read(), digest.document_digest, digest.reserved_region_start,
        digest.reserved_region_end, attrs.dump(), cert.public_bytes(_der()), prepared.reason,
        archive,
    )


async def _room(signer: ExternalSigner, timestamper: TimeStamper) -> int:
    """Hex digits to reserve for the CMS: what it will hold (the certificates, a timestamp
    token like the TSA's sample, which pyHanko caches, the signed attributes and value) plus a
    quarter. A fixed 32 K digits was twice the need, and every later check of the document
    parses each signature's /Contents again, digit by digit (pyHanko's tokeniser); pyHanko's own
    estimate (a dry-run CMS) costs more than it saves on the first signature."""
    token = await timestamper.async_dummy_response(DIGEST)
    certs = [signer.signing_cert, *signer.cert_registry]
    size = sum(len(c.dump()) for c in certs) + len(token.dump()) + CMS_OVERHEAD
    return 2 * (size + size // 4)


def _der() -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def signature_der(cert: x509.Certificate, signed_attrs: bytes, value: bytes) -> bytes:
    """The signature value as CMS carries it, after checking it against ``cert``'s key.

    WebCrypto returns ECDSA as raw r||s (IEEE P1363); CMS wants a DER ECDSA-Sig-Value. A value that
    does not verify is refused here, so no invalid signature ever reaches a document.
    """
    from asn1crypto.algos import DSASignature
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    key = cert.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            if len(value) == 64:
                value = DSASignature.from_p1363(value).dump()
            key.verify(value, signed_attrs, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(value, signed_attrs, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise SigningRefused("the certificate's key type cannot sign here")
    except (InvalidSignature, ValueError) as exc:
        raise SigningRefused(
            "the browser's signature does not match the signed attributes and the certificate;"
            " nothing was signed, start again"
        ) from exc
    return value


def finish_remote(
    pending: PendingSignature, value: bytes, *, root: x509.Certificate, timestamper: Any,
    policy: Policy,
) -> bytes:
    """The signed PDF: ``value`` (the browser's signature over ``pending.signed_attrs``) wrapped
    in CMS with a signature timestamp, written into the placeholder; for the last role, followed
    by every signer's revocation status fetched after it and the archive document timestamp
    (B-LTA), as ``sign`` ends a record."""
    from pipdocs.core.errors import PipdocsError
    from pipdocs.signing.freshness import archive_after_last

    signed = asyncio.run(_finish(pending, value, root, timestamper))
    if not pending.archive:
        return signed
    try:  # every signer's status fetched now, after every signature's timestamp, as sign does
        return archive_after_last(signed, timestamper, policy).data
    except PipdocsError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of the TSA round trip
        raise TimestampError(f"no archive timestamp: {exc}; check the timestamp authority") \
            from exc


async def _finish(pending: PendingSignature, value: bytes, root: x509.Certificate,
                  timestamper: Any) -> bytes:
    from asn1crypto import cms
    from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    cert = x509.load_der_x509_certificate(pending.cert_der)
    der = signature_der(cert, pending.signed_attrs, value)
    signer = _external_signer(cert, root, der)
    attrs = cms.CMSAttributes.load(pending.signed_attrs)
    try:
        sig_cms = await signer.async_sign_prescribed_attributes(
            DIGEST, attrs, timestamper=timestamper)
    except TimestampError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of the TSA round trip
        raise TimestampError(f"no timestamp: {exc}; check the timestamp authority") from exc
    output = io.BytesIO(pending.prepared_pdf)
    digest = PreparedByteRangeDigest(pending.document_digest, pending.region_start,
                                     pending.region_end)
    await PdfTBSDocument.async_finish_signing(output, digest, sig_cms)
    return output.getvalue()


def attach_and_timestamp(data: bytes, name: str, payload: bytes, description: str,
                         timestamper: Any, seal: Any = None, policy: Policy | None = None) -> bytes:
    """Add ``payload`` as the attachment ``name`` and cover it (and everything before it) in one
    incremental revision after the last signature: with ``seal`` (the organisation's seal key,
    ``signing.seal.load_seal``) by a timestamped PAdES signature in the field ``audit_seal``,
    which proves who appended it; without, by a bare document timestamp, which proves only
    that it existed then.

    A seal is checked first as a signer's key is (``revinfo.ltv_context``, with ``policy``'s
    trust anchors and timeout): revoked is SigningRefused, no revocation data is
    RevocationUnavailable, and nothing is sealed. The answers go into the DSS of the sealing
    revision itself (PAdES B-LT), and those fetched just after it into one more revision
    (``seal_status_after``), so verify judges the seal's revocation as of its timestamp
    offline; a stolen seal key, once revoked, seals nothing that passes."""
    if seal is None:
        return asyncio.run(_attach(data, name, payload, description, timestamper, None, None))
    from pipdocs.core.policy import load_policy
    from pipdocs.signing.revinfo import ltv_context

    policy = policy or load_policy()  # the shipped policy's anchors and TSA timeout
    context = ltv_context(seal.signer, timestamper, policy.trust_anchor_paths(),
                          policy.tsa_timeout)[0]
    sealed = asyncio.run(_attach(data, name, payload, description, timestamper, seal, context))
    return seal_status_after(sealed, seal, timestamper, policy.tsa_timeout)


def attach_and_seal(data: bytes, name: str, payload: bytes, description: str, *, seal: Any,
                    timestamper: Any, policy: Policy, field: str, reason: str,
                    archive_field: str) -> bytes:
    """Add ``payload`` as the attachment ``name`` under the organisation's seal (a timestamped
    PAdES signature in ``field``, checked and with its status as ``attach_and_timestamp``
    does), then one revision with every certificate's status fetched *after* the seal and a
    document timestamp in ``archive_field`` over the whole file: a verification record that
    proves who made it, and that the seal was not revoked when it sealed, with nothing after."""
    from pipdocs.core.errors import RevocationUnavailable
    from pipdocs.signing.freshness import archive_with_status
    from pipdocs.signing.revinfo import ltv_context, read_certs

    context = ltv_context(seal.signer, timestamper, policy.trust_anchor_paths(),
                          policy.tsa_timeout)[0]
    sealed = asyncio.run(_attach(data, name, payload, description, timestamper, seal, context,
                                 field, reason))
    anchors = [c for path in policy.trust_anchor_paths() for c in read_certs(path)]
    done = archive_with_status(sealed, timestamper=timestamper, field_name=archive_field,
                               timeout=policy.tsa_timeout, anchors=anchors)
    if done.pending:
        raise RevocationUnavailable(
            f"no revocation status of the seal ({', '.join(done.pending)}) issued after it sealed"
            " could be fetched; start 'pipdocs ca serve' (or check its address) and try again")
    return done.data


def seal_status_after(sealed: bytes, seal: Any, timestamper: Any, timeout: float) -> bytes:
    """One more revision with the seal's revocation answers fetched *after* its timestamp:
    only an answer issued after the seal proves the seal was not revoked when it sealed (an
    earlier 'good' answer is all a thief of a revoked key could show). Validation data only
    (a DSS update), which verify's change analysis allows after the seal."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    from pipdocs.signing.revinfo import gather, sources_for, validation_context

    chain = [seal.signer.signing_cert, *seal.signer.cert_registry]
    certs = [x509.load_der_x509_certificate(c.dump()) for c in chain]
    answers = gather(certs, sources_for(timestamper, timeout))  # revoked meanwhile: refused
    context = validation_context(answers, [c for c in certs if c.issuer == c.subject], [])
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed), strict=False)
    DocumentSecurityStore.supply_dss_in_writer(
        writer, None, ocsps=list(context.ocsps), crls=list(context.crls))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


AUDIT_REASON = "Audit trail appended by the signing service (pipdocs serve)"


async def _attach(data: bytes, name: str, payload: bytes, description: str,
                  timestamper: Any, seal: Any, context: Any,
                  field: str = AUDIT_SEAL_FIELD, reason: str = AUDIT_REASON) -> bytes:
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from pipdocs.signing.revinfo import dss_settings

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    embed.embed_file(writer, embed.FileSpec(
        file_spec_string=name, file_name=name, description=description,
        embedded_data=embed.EmbeddedFileObject.from_file_data(
            writer, payload, mime_type="application/json"),
    ))
    out = io.BytesIO()
    try:
        if seal is None:
            await signers.PdfTimeStamper(timestamper).async_timestamp_pdf(
                writer, DIGEST, output=out)
        else:
            meta = signers.PdfSignatureMetadata(
                field_name=field, md_algorithm=DIGEST,
                subfilter=fields.SigSeedSubFilter.PADES, name=seal.name, reason=reason,
                embed_validation_info=True, validation_context=context,
                dss_settings=dss_settings(), signer_key_usage=set())
            await signers.PdfSigner(
                meta, seal.signer, timestamper=timestamper,
                new_field_spec=fields.SigFieldSpec(field),
            ).async_sign_pdf(writer, output=out)
    except TimestampError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of the TSA round trip
        raise TimestampError(f"no document timestamp: {exc}; check the timestamp authority") \
            from exc
    return out.getvalue()
