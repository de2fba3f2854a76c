"""Is a CRL or OCSP answer genuine? One check for signing (before embedding) and verification
(before believing what the DSS says): signed by the certificate's issuer, or by a responder the
issuer delegated (id-kp-OCSPSigning). pyHanko repeats these checks for what it validates; this
module serves pipdocs's own findings (revoked before or after a signature, and why)."""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

REASON_NAMES = {
    x509.ReasonFlags.unspecified: "unspecified",
    x509.ReasonFlags.key_compromise: "key_compromise",
    x509.ReasonFlags.ca_compromise: "ca_compromise",
    x509.ReasonFlags.affiliation_changed: "affiliation_changed",
    x509.ReasonFlags.superseded: "superseded",
    x509.ReasonFlags.cessation_of_operation: "cessation_of_operation",
    x509.ReasonFlags.certificate_hold: "certificate_hold",
    x509.ReasonFlags.privilege_withdrawn: "privilege_withdrawn",
    x509.ReasonFlags.aa_compromise: "aa_compromise",
    x509.ReasonFlags.remove_from_crl: "remove_from_crl",
}


def reason_name(flag: x509.ReasonFlags | None) -> str:
    """Short name of a CRL/OCSP reason (``unspecified`` when none is given)."""
    return REASON_NAMES.get(flag, "unspecified") if flag is not None else "unspecified"


def signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """``issuer`` issued ``cert`` (names match and the signature holds)."""
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def signature_holds(public_key: Any, signature: bytes, data: bytes, algorithm: Any) -> bool:
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), algorithm)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(algorithm))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def ocsp_signing(cert: x509.Certificate) -> bool:
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.OCSP_SIGNING in eku


def authentic_ocsp(der: bytes, issuer: x509.Certificate) -> ocsp.OCSPResponse:
    """The parsed answer if it is a successful one signed by ``issuer`` or its delegated
    responder; ValueError otherwise."""
    response = ocsp.load_der_ocsp_response(der)
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        raise ValueError(f"responder said {response.response_status.name.lower()}")
    tbs, sig, alg = (response.tbs_response_bytes, response.signature,
                     response.signature_hash_algorithm)
    if signature_holds(issuer.public_key(), sig, tbs, alg):
        return response
    for cert in response.certificates:
        if signed_by(cert, issuer) and ocsp_signing(cert) \
                and signature_holds(cert.public_key(), sig, tbs, alg):
            return response
    raise ValueError("answer not signed by the CA or its responder")


def authentic_crl(der: bytes, issuer: x509.Certificate) -> x509.CertificateRevocationList:
    """The parsed CRL if ``issuer`` signed it; ValueError otherwise."""
    try:
        crl = x509.load_der_x509_crl(der)
    except ValueError:
        crl = x509.load_pem_x509_crl(der)
    key: Any = issuer.public_key()
    if crl.issuer != issuer.subject or not crl.is_signature_valid(key):
        raise ValueError("CRL not signed by the issuer")
    return crl


def declares_revocation(cert: x509.Certificate) -> bool:
    """The certificate names a CRL distribution point or an OCSP address."""
    for kind in (x509.CRLDistributionPoints, x509.AuthorityInformationAccess):
        try:
            cert.extensions.get_extension_for_class(kind)
            return True
        except x509.ExtensionNotFound:
            continue
    return False
