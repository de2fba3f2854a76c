"""Short-lived certificates for keys the CA never sees (the browser ceremony of ``pipdocs serve``):
the public key comes from the signer's browser, so the private key stays the signer's alone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from pipdocs.core.errors import InputError
from pipdocs.pki.ca import BACKDATE, signer_certificate
from pipdocs.pki.issued import log_issued
from pipdocs.pki.revocation import revocation_extensions

SHORT_LIVED_MAX = timedelta(hours=24)


def issue_for_public_key(
    ca_dir: Path, root: x509.Certificate, root_key: rsa.RSAPrivateKey, name: str, email: str,
    public_key_der: bytes, *, valid_for: timedelta = SHORT_LIVED_MAX,
) -> x509.Certificate:
    """A short-lived (at most 24 h) signing certificate for a key the CA never sees: the public
    key comes from the signer's browser, so the private key stays the signer's alone.

    Only EC P-256 and RSA (2048 bits or more) keys are accepted; the issue is logged like any
    other in ``issued.log``. Like every certificate the CA issues, it names the CA's CRL and OCSP
    addresses, so it can be revoked and its status goes into the signature (PAdES B-LT).
    """
    try:
        public_key = serialization.load_der_public_key(public_key_der)
    except (ValueError, TypeError) as exc:
        raise InputError("the public key is not a DER SubjectPublicKeyInfo") from exc
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        if not isinstance(public_key.curve, ec.SECP256R1):
            raise InputError(f"EC curve {public_key.curve.name} is not accepted; use P-256")
    elif not (isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size >= 2048):
        raise InputError("the public key must be EC P-256 or RSA of at least 2048 bits")
    start = datetime.now(timezone.utc) - BACKDATE
    cert = signer_certificate(root, root_key, name.strip(), email.strip(), public_key, start,
                              start + min(valid_for, SHORT_LIVED_MAX),
                              extra=revocation_extensions(ca_dir))
    log_issued(ca_dir, cert, "browser")
    return cert
