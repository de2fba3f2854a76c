"""The CA's OCSP responder (RFC 6960), built with cryptography's OCSPResponseBuilder.

Answers come from ``issued.log`` (what this CA issued: anything else is ``unknown``) and
``revoked.log``, signed by the delegated responder key (``ocsp.pem``), never the root's. Each
answer is good for a day; a verifier keeps the one embedded at signing time as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp

from pipdocs.core.errors import CAError, CredentialError
from pipdocs.core.files import check_private
from pipdocs.pki.revocation import (
    OCSP_CERT,
    OCSP_KEY,
    REASONS,
    issued_serials,
    read_revocations,
)

ANSWER_HOURS = 24
REQUEST_TYPE, RESPONSE_TYPE = "application/ocsp-request", "application/ocsp-response"


@dataclass
class Responder:
    """The responder's certificate and key, and the CA directory it answers for."""

    ca_dir: Path
    root: x509.Certificate
    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    def answer(self, request_der: bytes, now: datetime | None = None) -> bytes:
        """A signed OCSP response for one request (malformed: an unsigned error response)."""
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return _error(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        if not self._our_issuer(request):
            return _error(ocsp.OCSPResponseStatus.UNAUTHORIZED)
        now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
        serial = request.serial_number
        revoked = read_revocations(self.ca_dir).get(serial)
        if revoked is not None and revoked.when <= now:
            status, when, reason = (ocsp.OCSPCertStatus.REVOKED, revoked.when,
                                    REASONS[revoked.reason])
        elif serial in issued_serials(self.ca_dir):
            status, when, reason = ocsp.OCSPCertStatus.GOOD, None, None
        else:
            status, when, reason = ocsp.OCSPCertStatus.UNKNOWN, None, None
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash, issuer_key_hash=request.issuer_key_hash,
            serial_number=serial, algorithm=request.hash_algorithm, cert_status=status,
            this_update=now, next_update=now + timedelta(hours=ANSWER_HOURS),
            revocation_time=when, revocation_reason=reason,
        )
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, self.cert)
        builder = builder.certificates([self.cert])
        for ext in request.extensions:
            if isinstance(ext.value, x509.OCSPNonce):
                builder = builder.add_extension(ext.value, critical=False)
        response = builder.sign(self.key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)

    def _our_issuer(self, request: ocsp.OCSPRequest) -> bool:
        algorithm = request.hash_algorithm
        name_hash = hashes.Hash(algorithm)
        name_hash.update(self.root.subject.public_bytes())
        key_hash = hashes.Hash(algorithm)
        key_hash.update(_public_key_bits(self.root))
        return (request.issuer_name_hash == name_hash.finalize()
                and request.issuer_key_hash == key_hash.finalize())


def _public_key_bits(cert: x509.Certificate) -> bytes:
    """The subjectPublicKey BIT STRING's contents, which issuerKeyHash hashes."""
    from asn1crypto import x509 as asn1_x509

    parsed = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    return bytes(parsed.public_key["public_key"].contents[1:])


def _error(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
        serialization.Encoding.DER)


def load_responder(ca_dir: Path, password: str) -> Responder | None:
    """The CA directory's responder, or None for a CA made before OCSP existed."""
    cert_path, key_path = ca_dir / OCSP_CERT, ca_dir / OCSP_KEY
    if not cert_path.exists():
        return None
    check_private(key_path, "OCSP responder key")
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        root = x509.load_pem_x509_certificate((ca_dir / "root.pem").read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password.encode())
    except FileNotFoundError as exc:
        raise CAError(f"{exc.filename}: missing; the CA directory is damaged") from exc
    except (ValueError, TypeError) as exc:
        raise CredentialError(
            f"{key_path}: wrong password; set PIPDOCS_TSA_PASSWORD or PIPDOCS_CA_PASSWORD"
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CAError(f"{key_path}: not an RSA key")
    return Responder(ca_dir, root, cert, key)
