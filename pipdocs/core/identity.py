"""Who a person is to pipdocs: an e-mail address, checked and compared one way everywhere.

The plan, ``ca issue``, ``sign`` and ``verify`` all ask the same questions (is this an e-mail
address, are these two the same person, whose certificate is this); they ask them here, so an
address the plan accepts is one the CA issues a key for, and a key the signer holds matches the
plan the same way verification later matches it.
"""

from __future__ import annotations

import re
from typing import Any

#: Local part without spaces or quoting characters; a domain of labels whose last label is
#: letters (``.com``) or an IDNA/punycode label (``.xn--fiqs8s``, i.e. ``.中国``).
EMAIL_RE = re.compile(
    r"^[^@\s<>\"',;]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.(?:[A-Za-z]{2,}|xn--[A-Za-z0-9-]+)$"
)
EMAIL_HINT = "expected name@example.com; write a non-ASCII domain in its xn-- form"


def is_email(value: str) -> bool:
    """True when ``value`` is an e-mail address pipdocs can put in a plan and a certificate."""
    return bool(EMAIL_RE.match(value))


def email_key(value: str | None) -> str:
    """The form two addresses are compared in: trimmed and casefolded (``Dana@X.com`` is
    ``dana@x.com``), so no stage is stricter or looser than another."""
    return (value or "").strip().casefold()


def same_email(a: str | None, b: str | None) -> bool:
    """Whether two addresses name the same mailbox, as every stage compares them."""
    return bool(email_key(a)) and email_key(a) == email_key(b)


def mailbox(value: str | None) -> str:
    """The mailbox an address delivers to: ``email_key`` without a ``+tag`` in the local part
    (``Zhao.Lei+mgr@x.com`` reaches ``zhao.lei@x.com``). Two roles of one plan must not share a
    mailbox, or one person could receive, and sign, as two. Identity matching (a certificate
    against the plan) stays exact: this key only tells people apart."""
    key = email_key(value)
    local, at, domain = key.rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if at and local else key


def _asn1(cert: Any) -> Any:
    """An asn1crypto certificate from either library's certificate object (or DER bytes)."""
    from asn1crypto import x509 as asn1_x509

    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, bytes | bytearray):
        return asn1_x509.Certificate.load(bytes(cert))
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def cert_emails(cert: Any) -> list[str]:
    """The e-mail addresses a certificate speaks for: its SAN rfc822Names, else the subject's
    emailAddress. Accepts a ``cryptography`` or ``asn1crypto`` certificate, or DER bytes."""
    parsed = _asn1(cert)
    emails = [str(name.native) for name in (parsed.subject_alt_name_value or [])
              if name.name == "rfc822_name"]
    address = parsed.subject.native.get("email_address")
    if not emails and address:
        emails.append(str(address))
    return emails


def cert_email(cert: Any) -> str | None:
    """The first e-mail address of a certificate, or None."""
    emails = cert_emails(cert)
    return emails[0] if emails else None


def cert_name(cert: Any) -> str | None:
    """The certificate's common name (the signer's name), or None when it has none."""
    name = _asn1(cert).subject.native.get("common_name")
    return str(name) if name else None


def cert_identity(cert: Any) -> tuple[str | None, list[str]]:
    """(common name, e-mail addresses): what verification shows and matches against the plan."""
    return cert_name(cert), cert_emails(cert)


def cert_matches(cert: Any, email: str) -> bool:
    """Whether the certificate speaks for ``email`` (any of its addresses, casefolded)."""
    return any(same_email(found, email) for found in cert_emails(cert))


def asn1_certificate(cert: Any) -> Any:
    """An asn1crypto certificate from either library's certificate object (or DER bytes)."""
    return _asn1(cert)


def is_seal_certificate(cert: Any) -> bool:
    """Whether the certificate carries pipdocs's seal purpose: the organisation's seal, never a
    person's key (one test for the seal on a plan, on the audit trail and when loading it)."""
    from pipdocs.core.names import SEAL_PURPOSE

    usage = _asn1(cert).extended_key_usage_value
    return usage is not None and any(p.dotted == SEAL_PURPOSE for p in usage)
