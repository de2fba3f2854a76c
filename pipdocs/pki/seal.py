"""Issuing the organisation's seal key: a certificate from the organisation CA with the pipdocs
seal purpose in its extended key usage, which no person's key carries (``signing.seal`` uses it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipdocs.core.errors import CAError
from pipdocs.core.files import write_atomic
from pipdocs.core.names import SEAL_PURPOSE

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

    from pipdocs.pki.ca import DOCUMENT_SIGNING, load_ca
    from pipdocs.pki.issued import log_issued
    from pipdocs.pki.revocation import revocation_extensions

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


