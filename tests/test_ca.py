"""The organisation CA: root, timestamping certificate, signer .p12 files, the serial log."""

from __future__ import annotations

import json
import stat
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# ca_dir is the session CA (tests/conftest.py), made with these:
from helpers import ENV, ORG

from pipdocs.cli.main import cli
from pipdocs.core.errors import CAError, CredentialError, InputError
from pipdocs.pki.ca import init_ca, issue_signer


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _log(ca_dir: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in (ca_dir / "issued.log").read_text("utf-8").splitlines()]


def test_init_writes_root_and_tsa_with_private_keys_0600(ca_dir: Path) -> None:
    assert _mode(ca_dir / "root.key") == 0o600
    assert _mode(ca_dir / "tsa.key") == 0o600
    assert _mode(ca_dir) & 0o077 == 0
    for key in ("root.key", "tsa.key"):
        assert b"ENCRYPTED PRIVATE KEY" in (ca_dir / key).read_bytes()
    root = x509.load_pem_x509_certificate((ca_dir / "root.pem").read_bytes())
    assert root.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == ORG
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert root.subject == root.issuer


def test_tsa_certificate_is_rsa_with_critical_timestamping_eku(ca_dir: Path) -> None:
    root = x509.load_pem_x509_certificate((ca_dir / "root.pem").read_bytes())
    tsa = x509.load_pem_x509_certificate((ca_dir / "tsa.pem").read_bytes())
    eku = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert isinstance(tsa.public_key(), rsa.RSAPublicKey)
    assert tsa.issuer == root.subject
    tsa.verify_directly_issued_by(root)
    kinds = [entry["kind"] for entry in _log(ca_dir)]
    assert kinds[:2] == ["root", "tsa"]
    assert _log(ca_dir)[1]["serial"] == format(tsa.serial_number, "x")


def test_init_refuses_to_overwrite_an_existing_ca(ca_dir: Path) -> None:
    before = (ca_dir / "root.key").read_bytes()
    with pytest.raises(CAError, match="already holds a CA"):
        init_ca(ca_dir, "Other", "other-password")
    result = CliRunner().invoke(cli, ["ca", "init", "--dir", str(ca_dir), "--org", "X"], env=ENV)
    assert result.exit_code == 2
    assert "already holds a CA" in result.output
    assert (ca_dir / "root.key").read_bytes() == before


def test_issue_writes_a_protected_p12_with_name_email_usage_chain(
    ca_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "zhao.p12"
    issued = issue_signer(ca_dir, "赵磊", "zhao.lei@example.com", out, "ca-secret", "key-secret")
    assert _mode(out) == 0o600
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(out.read_bytes(), b"wrong")
    key, cert, chain = pkcs12.load_key_and_certificates(out.read_bytes(), b"key-secret")
    assert key is not None and cert is not None
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "赵磊"
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.RFC822Name) == ["zhao.lei@example.com"]
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert timedelta(days=729) < lifetime < timedelta(days=731)
    root = x509.load_pem_x509_certificate((ca_dir / "root.pem").read_bytes())
    assert [c.subject for c in chain] == [root.subject]
    cert.verify_directly_issued_by(root)
    logged = _log(ca_dir)[-1]
    assert logged["serial"] == format(issued.serial, "x") == format(cert.serial_number, "x")
    assert logged["email"] == "zhao.lei@example.com" and logged["kind"] == "signer"


def test_openssl_reads_the_p12(ca_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "kim.p12"
    issue_signer(ca_dir, "Kim Park", "kim.park@example.com", out, "ca-secret", "key-secret")
    info = subprocess.run(
        ["openssl", "pkcs12", "-in", str(out), "-nokeys", "-passin", "pass:key-secret"],
        capture_output=True, text=True, check=True,
    )
    assert info.stdout.count("BEGIN CERTIFICATE") == 2  # signer + root


def test_wrong_ca_password_is_a_credential_error_and_no_file(ca_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.p12"
    with pytest.raises(CredentialError, match="PIPDOCS_CA_PASSWORD"):
        issue_signer(ca_dir, "X", "x@example.com", out, "wrong", "key-secret")
    result = CliRunner().invoke(
        cli,
        ["ca", "issue", "--dir", str(ca_dir), "--name", "X", "--email", "x@example.com",
         "-o", str(out)],
        env={**ENV, "PIPDOCS_CA_PASSWORD": "wrong"},
    )
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_issue_rejects_a_bad_email_and_empty_name(ca_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not an e-mail"):
        issue_signer(ca_dir, "X", "not-an-email", tmp_path / "a.p12", "ca-secret", "k")
    with pytest.raises(InputError, match="--name"):
        issue_signer(ca_dir, "  ", "x@example.com", tmp_path / "b.p12", "ca-secret", "k")
    assert not list(tmp_path.iterdir())


def test_cli_init_and_issue(tmp_path: Path) -> None:
    runner = CliRunner()
    ca = tmp_path / "org-ca"
    result = runner.invoke(cli, ["ca", "init", "--dir", str(ca), "--org", "Acme 中文"], env=ENV)
    assert result.exit_code == 0, result.output
    assert str(ca / "root.pem") in result.output and "fingerprint" in result.output
    out = tmp_path / "dana.p12"
    result = runner.invoke(
        cli,
        ["ca", "issue", "--dir", str(ca), "--name", "Dana Lee", "--email", "dana.lee@example.com",
         "-o", str(out)],
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    assert "Dana Lee" in result.output and _mode(out) == 0o600
    unset = runner.invoke(
        cli,
        ["ca", "issue", "--dir", str(ca), "--name", "A", "--email", "a@example.com",
         "-o", str(tmp_path / "a.p12")],
        env={"PIPDOCS_CA_PASSWORD": "ca-secret", "PIPDOCS_KEY_PASSWORD": ""},
    )
    assert unset.exit_code == 2 and "PIPDOCS_KEY_PASSWORD" in unset.output


def test_no_key_on_disk_is_world_or_group_readable(ca_dir: Path, tmp_path: Path) -> None:
    issue_signer(ca_dir, "Sam", "sam@example.com", tmp_path / "sam.p12", "ca-secret", "k")
    keys = [*ca_dir.glob("*.key"), *tmp_path.glob("*.p12")]
    assert len(keys) == 4  # root, tsa, ocsp responder, signer
    for path in keys:
        assert _mode(path) & 0o077 == 0, path
