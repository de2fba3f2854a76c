"""``ca renew-tsa``: roll the timestamping key and certificate over.

The new key signs every token from now on; the old certificate stays in the CA directory
(``retired/``), unrevoked, so the OCSP responder keeps answering 'good' for it and every token
it issued stays verifiable. Records stamped by it are refreshed with the new TSA
(``pipdocs archive refresh``) before the old certificate expires.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from pipdocs.core.errors import CredentialError, InputError
from pipdocs.core.files import write_atomic
from pipdocs.pki.ca import (
    BACKDATE,
    TSA_CERT,
    TSA_KEY,
    load_ca,
)
from pipdocs.pki.issued import IssuedCert, log_issued
from pipdocs.pki.revocation import public_url
from pipdocs.pki.tsacert import make_tsa_cert

RETIRED = "retired"


def renew_tsa(ca_dir: Path, ca_password: str, tsa_password: str | None = None,
              *, days: int = 3650) -> IssuedCert:
    """A new TSA key and certificate (valid ``days``, at most until the root expires); the old
    pair moves to ``retired/`` under its serial number."""
    if days < 1:
        raise InputError("--days must be at least 1")
    password = tsa_password or ca_password
    if not password:
        raise CredentialError("an empty password cannot protect the TSA key")
    root, root_key = load_ca(ca_dir, ca_password)
    old = x509.load_pem_x509_certificate((ca_dir / TSA_CERT).read_bytes())
    start = datetime.now(timezone.utc) - BACKDATE
    org = old.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
    key, cert = make_tsa_cert(str(org[0].value) if org else None, root, root_key, start,
                              public_url(ca_dir), lifetime=timedelta(days=days))
    retired = ca_dir / RETIRED
    retired.mkdir(mode=0o700, exist_ok=True)
    serial = format(old.serial_number, "x")
    write_atomic(retired / f"tsa-{serial}.pem", (ca_dir / TSA_CERT).read_bytes(), 0o644)
    write_atomic(retired / f"tsa-{serial}.key", (ca_dir / TSA_KEY).read_bytes(), 0o600)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password.encode("utf-8")))
    write_atomic(ca_dir / TSA_KEY, encrypted, 0o600)
    write_atomic(ca_dir / TSA_CERT, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    log_issued(ca_dir, cert, "tsa")
    return IssuedCert(ca_dir / TSA_CERT, cert.subject.rfc4514_string(), None, cert.serial_number,
                      cert.not_valid_before_utc, cert.not_valid_after_utc)
