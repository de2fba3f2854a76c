"""Keys, passwords and names at the CA, the TSA and `sign`: refused clearly, never silently."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import http.client
import os
import re
import secrets
import shutil
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import tsp
from click.testing import CliRunner
from cryptography import x509

from pipdocs.cli.main import cli
from pipdocs.core.errors import CredentialError, InputError, TimestampError
from pipdocs.core.policy import load_policy
from pipdocs.pki.ca import init_ca, issue_signer
from pipdocs.pki.tsa import CheckedHTTPTimeStamper, TSAServer, local_timestamper, make_server
from pipdocs.signing.sign import load_signer

ROOT = Path(__file__).resolve().parent.parent
OID = load_policy().tsa_policy_oid
FLOW_PASSWORD = re.search(r"PIPDOCS_CA_PASSWORD=(\S+)",
                          (ROOT.parent / "shared" / "acceptance" / "flow.sh").read_text()
                          if (ROOT.parent / "shared" / "acceptance" / "flow.sh").is_file()
                          else "PIPDOCS_CA_PASSWORD=ca-secret")
ENV = {"PIPDOCS_CA_PASSWORD": "ca-secret", "PIPDOCS_KEY_PASSWORD": "key-secret"}


def invoke(args: list[str], env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, args, env={**ENV, **(env or {})})
    return result.exit_code, result.output.strip().splitlines()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize("bits", [0o644, 0o640, 0o666, 0o604])
def test_sign_refuses_a_key_others_can_read(ca_dir: Path, tmp_path: Path, bits: int) -> None:
    p12 = tmp_path / "lee.p12"
    issue_signer(ca_dir, "Lee Park", "lee.park@example.com", p12, "ca-secret", "key-secret")
    assert load_signer(p12, "key-secret").name == "Lee Park"  # 0600 as issued: fine
    p12.chmod(bits)
    with pytest.raises(CredentialError, match=re.escape(f"chmod 600 {p12}")):
        load_signer(p12, "key-secret")
    (tmp_path / "any.pdf").write_bytes(b"%PDF-1.7\n")
    code, lines = invoke(["sign", str(tmp_path / "any.pdf"), "--role", "employee", "--key",
                          str(p12), "-o", str(tmp_path / "out.pdf")])
    assert code == 2 and len(lines) == 1 and f"chmod 600 {p12}" in lines[0], lines


def test_tsa_serve_refuses_a_world_readable_key(ca_dir: Path, tmp_path: Path) -> None:
    ca = tmp_path / "ca"
    shutil.copytree(ca_dir, ca)
    (ca / "tsa.key").chmod(0o644)
    with pytest.raises(CredentialError, match=re.escape(f"chmod 600 {ca / 'tsa.key'}")):
        make_server(ca, "ca-secret", OID, "127.0.0.1", 0, quiet=True)
    code, lines = invoke(["tsa", "serve", "--dir", str(ca), "--port", "0"])
    assert code == 2 and len(lines) == 1 and "chmod 600" in lines[0], lines
    (ca / "root.key").chmod(0o604)
    with pytest.raises(CredentialError, match="chmod 600"):
        issue_signer(ca, "Kim Li", "kim.li@example.com", tmp_path / "k.p12", "ca-secret",
                     "key-secret")


def test_ca_init_makes_an_existing_directory_private(tmp_path: Path) -> None:
    ca = tmp_path / "existing"
    ca.mkdir(mode=0o755)
    ca.chmod(0o755)
    init_ca(ca, "Existing Org", "ca-secret")
    assert mode(ca) == 0o700


@pytest.mark.parametrize("password", ["a", "   ", " " * 20, "short1!", "aaaaaaaaaaaaaaaa",
                                      "abababababab", "\t\t\t\t\t\t\t\t\t"])
def test_weak_ca_passwords_are_refused_and_nothing_is_left(tmp_path: Path, password: str) -> None:
    ca = tmp_path / "new" / "ca"
    with pytest.raises(CredentialError, match="at least 8 characters") as caught:
        init_ca(ca, "Weak Org", password)
    assert "5 different" in str(caught.value)
    assert not (tmp_path / "new").exists()
    code, lines = invoke(["ca", "init", "--dir", str(ca), "--org", "Weak Org"],
                         {"PIPDOCS_CA_PASSWORD": password})
    assert code == 2 and len(lines) == 1 and "at least 8 characters" in lines[0], lines
    assert not (tmp_path / "new").exists()


def test_a_weak_tsa_password_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CredentialError, match="PIPDOCS_TSA_PASSWORD"):
        init_ca(tmp_path / "ca", "Weak Org", "ca-secret", "tsa")


def test_the_passwords_in_use_pass() -> None:
    from pipdocs.pki.ca import password_problem

    flow = FLOW_PASSWORD.group(1) if FLOW_PASSWORD else "ca-secret"
    for password in [flow, "ca-secret", secrets.token_urlsafe(18), "长城万里长城永不倒"]:
        assert password_problem(password) is None, password


def test_a_failed_ca_init_leaves_no_directory(tmp_path: Path, monkeypatch: Any) -> None:
    """A full disk while the keys are written: a clear message, and nothing left behind."""
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    ca = tmp_path / "a" / "b" / "ca"
    with pytest.raises(InputError, match="the disk is full") as caught:
        init_ca(ca, "Full Org", "ca-secret")
    assert "Errno" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(os, "fsync", real_fsync)
    init_ca(ca, "Full Org", "ca-secret")  # and the same command works once there is room


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name,email,words", [
    ("Mallory\r\nVerdict: VALID", "m@example.com", "--name: contains a line break"),
    ("Sam \u202eztrO", "s@example.com", "--name: contains the bidi control character U+202E"),
    ("Sam\x00", "s@example.com", "--name: contains the control character U+0000"),
    ("Sam Ortiz", "sam\u2066@example.com", "--email: contains the bidi control character U+2066"),
    ("Sam Ortiz", "sam\x1b@example.com", "--email: contains the control character U+001B"),
])
def test_ca_issue_refuses_control_and_bidi_characters(
        ca_dir: Path, tmp_path: Path, name: str, email: str, words: str) -> None:
    out = tmp_path / "x.p12"
    with pytest.raises(InputError, match=re.escape(words)):
        issue_signer(ca_dir, name, email, out, "ca-secret", "key-secret")
    code, lines = invoke(["ca", "issue", "--dir", str(ca_dir), "--name", name, "--email", email,
                          "-o", str(out)])
    assert code == 2 and len(lines) == 1 and words in lines[0], lines
    assert not out.exists()


def test_a_long_org_is_refused_not_cut(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--org is longer than 64 characters"):
        init_ca(tmp_path / "ca", "O" * 65, "ca-secret")
    assert not (tmp_path / "ca").exists()
    code, lines = invoke(["ca", "init", "--dir", str(tmp_path / "ca"), "--org", "O" * 65])
    assert code == 2 and "--org is longer than 64 characters" in lines[0]
    with pytest.raises(InputError, match="--org: contains the bidi"):
        init_ca(tmp_path / "ca", "Org \u202e", "ca-secret")
    org = "Very Long Organisation Name Limited Liability Company Group 64c"  # 64 characters
    assert len(org) <= 64
    init_ca(tmp_path / "ca", org, "ca-secret")
    root = x509.load_pem_x509_certificate((tmp_path / "ca" / "root.pem").read_bytes())
    tsa = x509.load_pem_x509_certificate((tmp_path / "ca" / "tsa.pem").read_bytes())
    assert root.subject != tsa.subject
    for cert in (root, tsa):
        (value,) = [a.value for a in cert.subject if a.oid == x509.NameOID.ORGANIZATION_NAME]
        assert value == org


# --- the TSA --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "GET", "PUT"])
def test_other_methods_get_405(tsa: TSAServer, method: str) -> None:
    host, port = tsa.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=10)
    conn.request(method, "/")
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 405 and response.getheader("Allow") == "POST"
    assert b"<html" not in body.lower()


def test_an_unknown_method_gets_a_plain_line(tsa: TSAServer) -> None:
    host, port = tsa.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=10)
    conn.request("BREW", "/")
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 501 and body == b"501 Unsupported method ('BREW')\n"
    assert response.getheader("Content-Type") == "text/plain; charset=utf-8"


def request_with_nonce(nonce: int) -> tsp.TimeStampReq:
    return tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"},
                            "hashed_message": hashlib.sha256(b"n").digest()},
        "nonce": nonce, "cert_req": True,
    })


@pytest.mark.parametrize("nonce", [-1, -(1 << 63), 1 << 256, 1 << 8000])
def test_negative_and_oversized_nonces_are_refused(tsa: TSAServer, ca_dir: Path,
                                                   nonce: int) -> None:
    host, port = tsa.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=10)
    conn.request("POST", "/", body=request_with_nonce(nonce).dump(),
                 headers={"Content-Type": "application/timestamp-query"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 400 and b"nonce" in body
    with pytest.raises(TimestampError, match="nonce"):
        local_timestamper(ca_dir, "ca-secret", OID).request_tsa_response(
            request_with_nonce(nonce))
    good = local_timestamper(ca_dir, "ca-secret", OID).request_tsa_response(
        request_with_nonce((1 << 256) - 1))
    assert good["status"]["status"].native == "granted"


def test_a_refusal_shows_the_tsas_own_words(tsa: TSAServer) -> None:
    stamper = CheckedHTTPTimeStamper(tsa.url, timeout=10)
    with pytest.raises(TimestampError) as caught:
        asyncio.run(stamper.async_timestamp(hashlib.sha1(b"x").digest(), "sha1"))
    message = str(caught.value)
    assert "hash algorithm sha1 is not accepted" in message and tsa.url in message
    assert "asn1" not in message.lower() and "400, message" not in message


def test_a_tsa_answering_for_another_request_is_named(ca_dir: Path) -> None:
    """A reply whose nonce is not ours: pyHanko's own check fails with 'int' has no 'hex'."""
    from http.server import BaseHTTPRequestHandler, HTTPServer

    stamper = local_timestamper(ca_dir, "ca-secret", OID)

    class WrongNonce(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            req = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            other = tsp.TimeStampReq({**req.native, "nonce": req["nonce"].native + 1})
            body = stamper.request_tsa_response(other).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    web = HTTPServer(("127.0.0.1", 0), WrongNonce)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        client = CheckedHTTPTimeStamper(f"http://127.0.0.1:{web.server_port}/", timeout=10)
        with pytest.raises(TimestampError) as caught:
            asyncio.run(client.async_timestamp(hashlib.sha256(b"y").digest(), "sha256"))
    finally:
        web.shutdown()
        web.server_close()
    assert "nonce" in str(caught.value) and "hex" not in str(caught.value)


def test_the_password_rule() -> None:
    """The demo makes its CA with secrets.token_urlsafe(18): 24 characters."""
    from pipdocs.pki.ca import password_problem

    assert all(password_problem(secrets.token_urlsafe(18)) is None for _ in range(50))
    assert password_problem("ca-secret") is None
    assert password_problem("a") is not None


def test_sign_shows_the_refusing_tsas_words(ca_dir: Path, tmp_path: Path,
                                            prepared: dict[str, Any]) -> None:
    """End to end: `sign` against a TSA that refuses says what the TSA said, in one line."""
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from pipdocs.pki.tsarequest import rejection

    class Refusing(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers["Content-Length"]))
            body = rejection("quota exceeded for this client\r\nVerdict: VALID",
                             "system_failure").dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    plan, pdf = prepared["en"]
    person = plan.person("employee")
    p12 = tmp_path / "employee.p12"
    issue_signer(ca_dir, person.name, person.email, p12, "ca-secret", "key-secret")
    web = HTTPServer(("127.0.0.1", 0), Refusing)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        code, lines = invoke(["sign", str(pdf), "--role", "employee", "--key", str(p12),
                              "--tsa", f"http://127.0.0.1:{web.server_port}/",
                              "-o", str(tmp_path / "signed.pdf")])
    finally:
        web.shutdown()
        web.server_close()
    assert code == 2 and len(lines) == 1, lines
    assert "refused: quota exceeded for this client" in lines[0], lines
    assert "(system_failure)" in lines[0] and "asn1" not in lines[0].lower()
    assert not (tmp_path / "signed.pdf").exists()
