"""The timestamping certificate: made by ``ca init`` and again by ``ca renew-tsa``."""

from __future__ import annotations

from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pipdocs.pki.revocation import extensions_for

TSA_YEARS = 10
ROLE = "Timestamp Authority"


def make_tsa_cert(
    org: str | None, root: x509.Certificate, root_key: rsa.RSAPrivateKey, start: datetime,
    public_url: str | None, lifetime: timedelta = timedelta(days=365 * TSA_YEARS),
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A new timestamping key and certificate (at most as long as the root), naming the CA's
    CRL and OCSP addresses when it has a public URL."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    full = f"{org} {ROLE}" if org else ROLE
    attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)] if org else []
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, full if len(full) <= 64 else ROLE))
    builder = (
        x509.CertificateBuilder().subject_name(x509.Name(attrs)).issuer_name(root.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(min(start + lifetime, root.not_valid_after_utc))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False,
                                     False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            root_key.public_key()), critical=False)
    )
    for extension in extensions_for(public_url):
        builder = builder.add_extension(extension, critical=False)
    return key, builder.sign(root_key, hashes.SHA256())
