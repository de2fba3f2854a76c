"""The organisation's seal: a certification signature applied when a document is prepared.

Why: plan.json names the signers, so a forger who rewrites a whole prepared PDF consistently
(page and plan.json both naming Mallory) produces a document every other check accepts. The seal
is made with a key only the organisation holds (``seal.p12`` in the CA directory, issued by the
organisation CA with the pipdocs seal purpose in its extended key usage, which no person's key
carries), so such a rewrite lacks it; ``seal: required`` in the policy makes ``sign`` and
``verify`` insist on it.

The seal certifies the document (DocMDP P=2: only the signature fields may be filled later), so
the first role's signature becomes an approval signature. It carries no timestamp: its time is
proven by the timestamps of the signatures that follow it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipdocs.core.errors import CAError, CredentialError, SigningRefused
from pipdocs.core.files import write_atomic
from pipdocs.core.identity import is_seal_certificate
from pipdocs.core.names import SEAL_FIELD, SEAL_PURPOSE

SEAL_P12 = "seal.p12"
SEAL_YEARS = 10
SEAL_PASSWORD_ENV = "PIPDOCS_SEAL_PASSWORD"


@dataclass(frozen=True)
class IssuedSeal:
    path: Path
    subject: str
    not_after: datetime


def issue_seal(ca_dir: Path, ca_password: str, seal_password: str | None = None) -> IssuedSeal:
    """Issue the organisation's seal key into ``ca_dir/seal.p12`` (0600, encrypted with
    ``seal_password``, default the CA password); never overwrites one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID, ObjectIdentifier

    from pipdocs.signing.ca import DOCUMENT_SIGNING, load_ca
    from pipdocs.signing.issued import log_issued
    from pipdocs.signing.revocation import revocation_extensions

    out = Path(ca_dir) / SEAL_P12
    if out.exists():
        raise CAError(f"{out} already exists; a seal key is never overwritten")
    root, root_key = load_ca(Path(ca_dir), ca_password)
    orgs = root.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    org = str(orgs[0].value) if orgs else "Organisation"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(timezone.utc) - timedelta(minutes=5)
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, org[:64]),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"{org[:48]} Document Seal")])
    usage = dict.fromkeys(("key_encipherment", "data_encipherment", "key_agreement",
                           "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"), False)
    builder = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(root.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + timedelta(days=365 * SEAL_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, **usage),
                       critical=True)
        .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ObjectIdentifier(SEAL_PURPOSE)]),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                       critical=False)
    )
    for extension in revocation_extensions(Path(ca_dir)):  # URL/crl and URL/ocsp, as signers'
        builder = builder.add_extension(extension, critical=False)
    cert = builder.sign(root_key, hashes.SHA256())
    password = (seal_password or ca_password).encode("utf-8")
    p12 = pkcs12.serialize_key_and_certificates(
        b"seal", key, cert, [root], serialization.BestAvailableEncryption(password))
    try:
        write_atomic(out, p12, 0o600, exclusive=True)
    except FileExistsError as exc:
        raise CAError(f"{out} already exists; a seal key is never overwritten") from exc
    log_issued(Path(ca_dir), cert, "seal")  # so OCSP answers for it and 'ca revoke' finds it
    return IssuedSeal(out, cert.subject.rfc4514_string(), cert.not_valid_after_utc)


@lru_cache(maxsize=4)
def _loaded(p12: str, password: str) -> Any:
    """The seal key, decrypted once per process (bulk seals hundreds of documents)."""
    from cryptography import x509

    from pipdocs.signing.sign import load_signer

    path = Path(p12)
    if not path.is_file():
        raise CredentialError(f"{path} does not exist: issue the seal key with"
                              " 'pipdocs ca issue-seal --dir CA_DIR'")
    loaded = load_signer(path, password)
    cert = x509.load_der_x509_certificate(loaded.signer.signing_cert.dump())
    if not is_seal_certificate(cert):
        raise CredentialError(f"{path}: not a seal key (its certificate lacks the pipdocs seal"
                              " purpose); issue one with 'pipdocs ca issue-seal'")
    return loaded


def load_seal(ca_dir: Path, password: str) -> Any:
    """The organisation's seal key (pyHanko signer, decrypted once per process), for sealing
    more than prepared PDFs: the signing service seals its audit trail with it."""
    return _loaded(str(Path(ca_dir) / SEAL_P12), password)


@dataclass(frozen=True)
class Sealer:
    """Seals prepared PDFs with the key in ``ca_dir/seal.p12`` (picklable: bulk hands it to
    its preparing processes, each of which decrypts the key once)."""

    ca_dir: str
    password: str

    def __repr__(self) -> str:  # never show the password
        return f"Sealer({self.ca_dir!r})"

    def check(self) -> Sealer:
        """Open the key now, so a wrong password fails before any document is made."""
        _loaded(str(Path(self.ca_dir) / SEAL_P12), self.password)
        return self

    def __call__(self, pdf: bytes) -> bytes:
        return seal_pdf(pdf, _loaded(str(Path(self.ca_dir) / SEAL_P12), self.password))


def seal_pdf(pdf: bytes, loaded: Any) -> bytes:
    """Certify ``pdf`` (a freshly prepared document) in a new invisible field ``sig_seal``."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError

    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD, md_algorithm="sha256", certify=True,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS, subfilter=fields.SigSeedSubFilter.PADES,
        reason="Prepared by the organisation (pipdocs seal)", name=loaded.name,
    )
    out = io.BytesIO()
    try:
        signers.PdfSigner(meta, loaded.signer, new_field_spec=fields.SigFieldSpec(SEAL_FIELD))\
            .sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False), output=out)
    except (SigningError, PdfError) as exc:
        raise SigningRefused(f"the seal could not be applied ({exc})") from exc
    return out.getvalue()
