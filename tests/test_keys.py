"""Keys verify would reject are refused by sign first, with verify's reason (issue 10, item 6):
a certificate without key usage, an RSA-1024 key, an Ed25519 key. verify names the cause
instead of "does not chain to a trust anchor"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import tamperkit as tk
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from pipdocs.core.errors import CredentialError
from pipdocs.pki.ca import load_ca
from pipdocs.signing.sign import load_signer
from pipdocs.verification.verify import verify_pdf

HR = ("Kim Park", "kim.park@example.com")


@pytest.fixture(scope="module")
def kit() -> tk.Kit:
    return tk.shared_kit()


def _cert(kit: tk.Kit, key: Any, usage: bool) -> tuple[x509.Certificate, x509.Certificate]:
    root, root_key = load_ca(kit.pki.dir, tk.PASSWORD)
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HR[0])]))
        .issuer_name(root.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(HR[1])]), critical=False)
    )
    if usage:
        builder = builder.add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True)
    return builder.sign(root_key, hashes.SHA256()), root


KEYS = {  # name -> (key maker, with key usage, what sign and verify say)
    "no_key_usage": (lambda: rsa.generate_private_key(65537, 2048), False,
                     "not for signing documents (no key-usage extension"),
    "rsa_1024": (lambda: rsa.generate_private_key(65537, 1024), True,
                 "RSA key has 1024 bits; at least 2048"),
    "ed25519": (ed25519.Ed25519PrivateKey.generate, True, "ed25519 key is not supported"),
}


@pytest.mark.parametrize("name", sorted(KEYS))
def test_sign_refuses_a_key_verify_would_reject(kit: tk.Kit, tmp_path: Path, name: str) -> None:
    make, usage, reason = KEYS[name]
    key = make()
    cert, root = _cert(kit, key, usage)
    p12 = tmp_path / "key.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"k", key, cert, [root], serialization.BestAvailableEncryption(b"pw")))
    p12.chmod(0o600)  # a readable key is refused before anything else is checked
    with pytest.raises(CredentialError, match=reason.replace("(", r"\(")):
        load_signer(p12, "pw")


@pytest.mark.parametrize("name", ["no_key_usage", "rsa_1024"])
def test_verify_names_the_key_problem_not_the_chain(kit: tk.Kit, tmp_path: Path,
                                                    name: str) -> None:
    make, usage, reason = KEYS[name]
    key = make()
    cert, root = _cert(kit, key, usage)
    asn1 = tk._asn1_cert  # the kit's converters (cryptography -> asn1crypto)
    signer = signers.SimpleSigner(signing_cert=asn1(cert), signing_key=tk._asn1_key(key),
                                  cert_registry=SimpleCertificateStore.from_certs([asn1(root)]))
    pdf = tk.sign(kit.doc.after_manager, "sig_hr", tk.Identity(*HR, signer), kit.ts)
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    report = verify_pdf(path, [kit.root])
    codes = {p.code for p in report.problems}
    assert not report.ok and codes & {"key_usage", "weak_key"}, codes
    assert "signer_untrusted" not in codes
    assert any(reason in p.message for p in report.problems)
