"""Ordered, identity-bound, timestamped PAdES signatures on a prepared plan PDF.

``sign_pdf`` fills the role's pre-made field (``sig_<role>``) with a PAdES signature
(ETSI.CAdES.detached) carrying an RFC 3161 timestamp and a visible stamp, as an incremental
update written atomically to a new file. Before signing it refuses (SigningRefused, exit 1): a
role that already signed, a role whose predecessor has not, a later role that already signed, a
certificate whose e-mail is not the plan's person for the role, and earlier signatures that no
longer verify (integrity, timestamp, signer identity, pyHanko's difference analysis): the rule
book's rules, which verify applies too, checked by :mod:`pipdocs.signing.admission` and refused
in the document's language with verify's problem code.

Locking (see signing/README.md): the first signature certifies with DocMDP P=2 (fill-in and
signing only); the last one locks all fields with DocMDP P=1, from the field's /Lock.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, cast

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign import signers
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, SimpleSigner
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from pipdocs.core.errors import CredentialError, InputError, SigningRefused, TimestampError
from pipdocs.core.files import check_output, check_private, read_input, write_atomic
from pipdocs.core.i18n import in_language, tr
from pipdocs.core.identity import cert_email
from pipdocs.core.keys import key_problem
from pipdocs.core.limits import cut
from pipdocs.core.plan import ROLES, SIGNATURE_FIELDS, Plan
from pipdocs.core.policy import Policy, load_policy
from pipdocs.core.text import escape_controls
from pipdocs.document.prepare import SEAL_FIELD
from pipdocs.document.record import document_kind
from pipdocs.pki.ca import cert_common_name
from pipdocs.signing.admission import (
    check_document,
    check_earlier_signatures,
    check_key,
    check_order,
    embedded_plan,
    refusal,
    signature_fields,
    signing_terms,
)
from pipdocs.signing.freshness import Archived, archive_after_last
from pipdocs.signing.revinfo import with_validation_data
from pipdocs.signing.stamp import field_size, stamp_style, stamp_text


@dataclass(frozen=True)
class LoadedSigner:
    """A signer's key and certificate, decrypted once and reused for every document."""

    signer: SimpleSigner
    name: str
    email: str | None
    not_before: datetime
    not_after: datetime
    source: str


@dataclass(frozen=True)
class SignResult:
    path: Path
    role: str
    field: str
    signer: str
    email: str | None
    reason: str
    certified: bool
    locked: bool
    language: str = "en"  # the document's: the CLI reports in it
    pending_revocation: tuple[str, ...] = ()  # no status issued after they signed: refresh


def _cached_key_signer_class() -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

    class CachedKeySigner(SimpleSigner):  # type: ignore[misc]
        """SimpleSigner re-parses (and re-validates, ~50 ms for RSA) its key on every
        signature; this one keeps the parsed key."""

        def __init__(self, *args: Any, parsed_key: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._parsed_key = parsed_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15

            key = self._parsed_key
            mech = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                algo = mech.signature_algo
            except ValueError:
                algo = mech["algorithm"].native
            if algo == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
                return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            if algo == "rsassa_pss" and isinstance(key, rsa.RSAPrivateKey):
                pad, hash_algo = process_pss_params(mech["parameters"])
                return key.sign(data, pad, hash_algo)
            if algo == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
                return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
            if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
                return key.sign(data)
            return bytes(super().sign_raw(data, digest_algorithm))

    return CachedKeySigner


def load_signer(p12: Path, password: str, *, at: datetime | None = None) -> LoadedSigner:
    """Open a .p12 (ours or any other CA's). Wrong password or an unusable certificate
    (expired, not yet valid, not for signing) is a CredentialError (exit 2)."""
    check_private(Path(p12), "key file")
    data = read_input(Path(p12), "key file", "check --key")
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode("utf-8"))
    except ValueError as exc:
        raise CredentialError(
            f"{p12}: wrong password or not a .p12 key file; set PIPDOCS_KEY_PASSWORD to the"
            " password it was issued with"
        ) from exc
    if key is None or cert is None:
        raise CredentialError(f"{p12}: holds no private key and certificate; use a signer's .p12")
    now = at or datetime.now(timezone.utc)
    name = cert_common_name(cert)
    if now > cert.not_valid_after_utc:
        raise CredentialError(
            f"{p12}: the certificate of {name} expired on {cert.not_valid_after_utc:%Y-%m-%d};"
            " ask the CA for a new key (pipdocs ca issue)"
        )
    if now < cert.not_valid_before_utc:
        raise CredentialError(
            f"{p12}: the certificate of {name} is valid only from"
            f" {cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC; check the computer's clock"
        )
    unusable = key_problem(cert)  # what verify would reject, refused before signing
    if unusable is not None:
        raise CredentialError(f"{p12}: the certificate of {name}: {unusable[1]}; ask the CA for"
                              " a signing key (pipdocs ca issue)")
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    der = serialization.Encoding.DER
    chain = [asn1_x509.Certificate.load(c.public_bytes(der)) for c in extra or []]
    signer = _cached_key_signer_class()(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs(chain),
        parsed_key=key,
    )
    return LoadedSigner(signer, name, cert_email(cert), cert.not_valid_before_utc,
                        cert.not_valid_after_utc, str(p12))


# --- signing --------------------------------------------------------------------------------------


@dataclass
class _Opened:
    """The document to sign, read once: bytes, pyHanko's writer, fields, plan, effective policy."""

    data: bytes
    writer: IncrementalPdfFileWriter
    fields: dict[str, bool]
    plan: Plan
    policy: Policy
    sealed: bool
    kind: str = "plan"  # a lifecycle document's kind (document.json): its reason texts


def sign_pdf(
    input_pdf: Path,
    output_pdf: Path,
    *,
    role: str,
    signer: LoadedSigner,
    timestamper: TimeStamper | Callable[[], TimeStamper],
    policy: Policy | None = None,
    reason: str | None = None,
    comment: str | None = None,
    agree: bool = False,
    disagree: bool = False,
) -> SignResult:
    """Sign ``input_pdf`` as ``role`` into ``output_pdf`` (the input is never modified).

    Every check ``verify`` makes on what exists before signing runs first, and a refusal gives
    verify's reason. The order and locking come from the document's recorded terms
    (``signing.json``), else ``policy``. ``timestamper`` is a pyHanko TimeStamper, or a callable
    making one; it is called only once the document passed every check, so a refusal never waits
    for (or asks a password of) the TSA.
    """
    if role not in ROLES:
        raise InputError(f"--role '{role}' is not one of {', '.join(ROLES)}")
    if (comment or agree or disagree) and role != "employee":
        raise InputError("--comment, --agree and --disagree are for the employee's signature only")
    if Path(output_pdf).exists() and Path(output_pdf).resolve() == Path(input_pdf).resolve():
        raise InputError(f"{output_pdf}: -o must differ from the input; the input is never changed")
    check_output(Path(output_pdf))
    doc = _open(Path(input_pdf), policy or load_policy())
    _check(doc, role, signer.email, signer.source, str(input_pdf))
    text_reason = doc.policy.reason(role, doc.plan.language, agree=agree, comment=comment,
                                    override=reason, disagree=disagree, kind=doc.kind)
    certify, lock = _locking(doc, role)
    stamper = timestamper() if callable(timestamper) and \
        not hasattr(timestamper, "async_timestamp") else cast(TimeStamper, timestamper)
    signed = _sign(doc, role, signer, stamper, text_reason, certify, lock, str(input_pdf))
    write_atomic(Path(output_pdf), signed.data)
    return SignResult(Path(output_pdf), role, SIGNATURE_FIELDS[role], escape_controls(signer.name),
                      signer.email and escape_controls(signer.email), escape_controls(text_reason),
                      certify, lock, doc.plan.language,
                      tuple(escape_controls(p) for p in signed.pending))


def _open(path: Path, policy: Policy) -> _Opened:
    return _open_bytes(read_input(path, "PDF"), str(path), policy)


def _open_bytes(data: bytes, source: str, policy: Policy) -> _Opened:
    from pipdocs.document.pdfread import TooLarge, open_incremental

    try:
        writer = open_incremental(data, source)
        reader = writer.prev
        if reader.encrypted:
            raise InputError(f"{source}: is encrypted; sign the unencrypted PDF from 'pipdocs pdf'")
        fields = signature_fields(reader)
        plan = embedded_plan(reader, source)
        effective = signing_terms(reader, policy, source, plan.language)
        kind = document_kind(reader.root)
    except PdfError as exc:
        raise InputError(f"{source}: not a readable PDF ({exc}); check the file") from exc
    except TooLarge:
        raise
    except InputError as exc:
        raise InputError(f"{source}: {exc}") from exc
    return _Opened(data, writer, fields, plan, effective, SEAL_FIELD in fields, kind)


def _check(doc: _Opened, role: str, email: str | None, key_source: str, source: str) -> None:
    """Everything verify will check that can be known before signing (the rule book's rules
    on the existing revisions, and the rules on this signature: see signing.admission)."""
    check_order(doc.fields, role, doc.policy, source, doc.plan.language)
    check_key(email, key_source, role, doc.plan, source)
    try:
        check_document(doc.data, doc.writer.prev, doc.plan, doc.policy, source)
        check_earlier_signatures(doc.writer.prev, doc.plan, doc.policy, source)
    except (PdfError, ValueError, KeyError, TypeError) as exc:  # verify's validation_error
        with in_language(doc.plan.language):
            line = tr("{source}: the document cannot be checked ({error}); do not sign it, ask"
                      " for a genuine copy").format(source=source, error=cut(str(exc)))
        raise refusal("validation_error", line) from exc


def _locking(doc: _Opened, role: str) -> tuple[bool, bool]:
    """(certify, lock): the first role certifies unless the organisation's seal already did;
    the last role's signature locks the document when its field carries the lock."""
    policy = doc.policy
    certify = policy.certify_first and policy.is_first(role) and not doc.sealed
    lock = policy.lock_last and policy.is_last(role)
    if policy.lock_last and not any(v for k, v in doc.fields.items() if k != SEAL_FIELD):
        # prepare puts /Lock on the last field. A PDF prepared elsewhere gets it now, in the first
        # signature's own revision: added later, pyHanko's difference analysis (rightly) flags it.
        _ensure_lock(doc.writer, SIGNATURE_FIELDS[policy.order[-1]])
    if lock and not _has_lock(doc.writer, SIGNATURE_FIELDS[role]):
        lock = False  # an old document the first signature didn't lock: P=2 still holds
    return certify, lock


def _metadata(doc: _Opened, role: str, name: str, email: str | None, reason: str,
              certify: bool, lock: bool) -> tuple[PdfSignatureMetadata, TextStampStyle]:
    """The signature's metadata and its visible stamp."""
    policy, field_name = doc.policy, SIGNATURE_FIELDS[role]
    width, height = field_size(doc.writer.prev, field_name)
    text = stamp_text(
        policy.stamp, doc.plan.language, width=width, height=height,
        signer=escape_controls(name), reason=escape_controls(reason),
        role=policy.role_label(role, doc.plan.language),
        ts=datetime.now().astimezone().strftime(policy.stamp.timestamp_format),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", reason=reason, name=name,
        contact_info=email, subfilter=pdf_fields.SigSeedSubFilter.PADES, certify=certify,
        docmdp_permissions=pdf_fields.MDPPerm.NO_CHANGES if lock else pdf_fields.MDPPerm.FILL_FORMS,
    )
    return meta, stamp_style(text, policy.stamp)


def _sign(doc: _Opened, role: str, signer: LoadedSigner, timestamper: TimeStamper, reason: str,
          certify: bool, lock: bool, source: str) -> Archived:


    meta, style = _metadata(doc, role, signer.name, signer.email, reason, certify, lock)
    meta = with_validation_data(meta, signer.signer, timestamper, doc.policy, lta=False,
                                document=doc.writer.prev)
    pdf_signer = signers.PdfSigner(meta, signer.signer, timestamper=timestamper, stamp_style=style)
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(doc.writer, existing_fields_only=True, output=out)
        if doc.policy.is_last(role) and doc.policy.pades_level == "B-LTA":
            return archive_after_last(out.getvalue(), timestamper, doc.policy)
    except TimestampError:
        raise
    except (SigningError, PdfError, OSError) as exc:
        cause = _timestamp_cause(exc)
        if cause is not None:
            raise cause from exc
        raise SigningRefused(f"{source}: pyHanko refused to sign ({exc})") from exc
    return Archived(out.getvalue())


@dataclass(frozen=True)
class PreparedSignature:
    """What ``sign`` decides before any key is used: the checked document (an incremental
    writer), the signature's metadata and stamp. The browser ceremony (pipdocs.web) signs from
    the same object, so both paths make the same signature after the same checks."""

    writer: IncrementalPdfFileWriter
    meta: PdfSignatureMetadata
    stamp_style: TextStampStyle
    field_name: str
    reason: str
    certify: bool
    lock: bool
    plan: Plan
    policy: Policy  # the effective terms: the document's recorded order and locking


def prepare_signature(
    data: bytes, source: str, *, role: str, name: str, email: str | None, key_source: str,
    policy: Policy, reason: str | None = None, comment: str | None = None, agree: bool = False,
    disagree: bool = False,
) -> PreparedSignature:
    """Every check ``sign`` makes on ``data`` for ``role`` signed by ``name <email>``, then the
    signature's metadata and stamp; refusals are SigningRefused / InputError, as for ``sign``."""
    if role not in ROLES:
        raise InputError(f"--role '{role}' is not one of {', '.join(ROLES)}")
    if (comment or agree or disagree) and role != "employee":
        raise InputError("--comment, --agree and --disagree are for the employee's signature only")
    doc = _open_bytes(data, source, policy)
    _check(doc, role, email, key_source, source)
    text_reason = doc.policy.reason(role, doc.plan.language, agree=agree, comment=comment,
                                    override=reason, disagree=disagree, kind=doc.kind)
    certify, lock = _locking(doc, role)
    meta, style = _metadata(doc, role, name, email, text_reason, certify, lock)
    return PreparedSignature(doc.writer, meta, style, SIGNATURE_FIELDS[role], text_reason,
                             certify, lock, doc.plan, doc.policy)


def _ensure_lock(writer: IncrementalPdfFileWriter, field_name: str) -> None:
    """Give ``field_name`` a /Lock on all fields with DocMDP P=1 (no changes after it signs)."""
    for _name, _value, ref in pdf_fields.enumerate_sig_fields(writer, with_name=field_name):
        field_obj = ref.get_object()
        if "/Lock" not in field_obj:
            lock_dict = pdf_fields.FieldMDPSpec(pdf_fields.FieldMDPAction.ALL).as_sig_field_lock()
            lock_dict["/P"] = generic.NumberObject(pdf_fields.MDPPerm.NO_CHANGES.value)
            field_obj["/Lock"] = writer.add_object(lock_dict)
            writer.mark_update(ref)


def _has_lock(writer: IncrementalPdfFileWriter, field_name: str) -> bool:
    return any("/Lock" in ref.get_object()
               for _n, _v, ref in enumerate_sig_fields(writer, with_name=field_name))


def _timestamp_cause(exc: BaseException) -> TimestampError | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, TimestampError):
            return seen
        if isinstance(seen, TimestampRequestError):
            return TimestampError(f"no timestamp: {seen}; check the timestamp authority")
        seen = seen.__cause__ or seen.__context__
    return None


