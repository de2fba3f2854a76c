"""Certificates for browser keys: at most 24 hours, bound to the plan's person, only sound keys."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from helpers import CA_PASSWORD

from pipdocs.core.errors import InputError
from pipdocs.core.identity import cert_email
from pipdocs.pki.ca import cert_common_name, load_ca
from pipdocs.pki.shortlived import issue_for_public_key


def _spki(key: object) -> bytes:
    return key.public_key().public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def test_short_lived_certificate_for_a_browser_key(ca_dir: Path) -> None:
    root, root_key = load_ca(ca_dir, CA_PASSWORD)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = issue_for_public_key(ca_dir, root, root_key, "赵磊", "zhao.lei@example.com", _spki(key),
                                valid_for=timedelta(days=30))
    assert cert.not_valid_after_utc - cert.not_valid_before_utc <= timedelta(hours=24)
    assert cert_common_name(cert) == "赵磊" and cert_email(cert) == "zhao.lei@example.com"
    assert cert.public_key() == key.public_key()
    assert cert.issuer == root.subject
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert f'"serial": "{cert.serial_number:x}"' in (ca_dir / "issued.log").read_text()


@pytest.mark.parametrize("key", [ec.generate_private_key(ec.SECP384R1()),
                                 rsa.generate_private_key(65537, 1024)])
def test_weak_or_unexpected_keys_are_refused(ca_dir: Path, key: object) -> None:
    root, root_key = load_ca(ca_dir, CA_PASSWORD)
    with pytest.raises(InputError):
        issue_for_public_key(ca_dir, root, root_key, "A", "a@example.com", _spki(key))
    with pytest.raises(InputError, match="DER"):
        issue_for_public_key(ca_dir, root, root_key, "A", "a@example.com", b"not a key")
