"""Mail over real SMTP: an aiosmtpd server on loopback that requires STARTTLS and a login; the
service's link and code mails arrive as MIME messages with the URL and the code on their own
lines, and the account comes from the environment."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from web_support import prepared_pdf

from pipdocs.core.plan import load_plan
from pipdocs.demo import example_plan

aiosmtpd = pytest.importorskip("aiosmtpd")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.original_content,
                                                      policy=email.policy.default))
        return "250 OK"


def _tls(tmp: Path) -> tuple[ssl.SSLContext, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "smtp.pem", tmp / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context, cert_path


@pytest.fixture()
def smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Inbox]]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    inbox = Inbox()

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                      data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login == b"relay" \
            and data.password == b"relay-secret"
        if ok:
            inbox.logins.append(data.login.decode())
        return AuthResult(success=ok)

    context, cert = _tls(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True, authenticator=authenticator,
                            auth_required=True)
    controller.start()
    monkeypatch.setenv("PIPDOCS_SMTP_USER", "relay")
    monkeypatch.setenv("PIPDOCS_SMTP_PASSWORD", "relay-secret")
    monkeypatch.setenv("PIPDOCS_SMTP_CA", str(cert))
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()


def test_links_and_codes_over_smtp_with_starttls(smtp: tuple[str, Inbox], tmp_path: Path,
                                                prepared: dict[str, Any]) -> None:
    from pipdocs.web import ceremony
    from pipdocs.web.audit import Client
    from pipdocs.web.service import ServerConfig, Service

    url, inbox = smtp
    plan = load_plan(example_plan("zh"))
    service = Service(ServerConfig(tmp_path / "data", smtp=url))
    service.create_envelope(prepared["zh"][1].read_bytes(), None, Client("127.0.0.1", "test"))
    assert inbox.logins == ["relay"]
    link_mail = inbox.messages[-1]
    assert link_mail["To"] == plan.person("employee").email
    assert "绩效改进计划" in link_mail["Subject"]
    text = link_mail.get_body(("plain",)).get_content().replace("\r\n", "\n")  # SMTP: CRLF
    links = re.findall(r"^(http://\S+/s/[A-Za-z0-9_-]+)$", text, re.M)
    assert len(links) == 1 and plan.person("employee").name in text
    ceremony.request_code(service, links[0].rsplit("/", 1)[1], Client("127.0.0.1", "test"))
    code_text = inbox.messages[-1].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert len(re.findall(r"^\d{6}$", code_text, re.M)) == 1
    assert len(re.findall(r"\d{6}", code_text)) == 1
    assert not (tmp_path / "data" / "outbox").exists()  # nothing fell back to files
    service.engine.dispose()


def test_codes_through_a_webhook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A company gateway (SMS, 企业微信, 钉钉, 飞书) gets the code as JSON; links stay e-mail."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from pipdocs.web import ceremony
    from pipdocs.web.audit import Client
    from pipdocs.web.service import ServerConfig, Service

    received: list[dict[str, Any]] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    gateway = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    monkeypatch.setenv("PIPDOCS_CODE_WEBHOOK", f"http://127.0.0.1:{gateway.server_port}/hook")
    try:
        service = Service(ServerConfig(tmp_path / "data"))
        _envelope, link = service.create_envelope_link(prepared_pdf("en"), None, Client())
        assert link and list((tmp_path / "data" / "outbox").glob("*-link.eml"))
        ceremony.request_code(service, link.rsplit("/", 1)[1], Client())
    finally:
        gateway.shutdown()
        gateway.server_close()
    assert [r["kind"] for r in received] == ["code"]
    assert received[0]["to"] == load_plan(example_plan("en")).person("employee").email
    assert len(re.findall(r"^\d{6}$", received[0]["text"], re.M)) == 1
    assert not list((tmp_path / "data" / "outbox").glob("*-code.eml"))
    service.engine.dispose()
