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

import httpx
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
    from pipdocs.web.envelopes import create_envelope
    from pipdocs.web.service import Service
    from pipdocs.web.settings import Settings

    url, inbox = smtp
    plan = load_plan(example_plan("zh"))
    service = Service(Settings(data_dir=tmp_path / "data", smtp=url))
    create_envelope(service, prepared["zh"][1].read_bytes(), None, Client("127.0.0.1", "test"))
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
    from pipdocs.web.envelopes import create_envelope_link
    from pipdocs.web.service import Service
    from pipdocs.web.settings import Settings

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
        service = Service(Settings(data_dir=tmp_path / "data"))
        _envelope, link = create_envelope_link(service, prepared_pdf("en"), None, Client())
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


def _relay(tls: ssl.SSLContext | None = None) -> tuple[Any, str, Inbox]:
    """An aiosmtpd relay on loopback without a login: with ``tls`` it requires STARTTLS, else
    it offers none (as one whose STARTTLS a man in the middle strips)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    extra: dict[str, Any] = {"tls_context": tls, "require_starttls": True} if tls else {}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **extra)
    controller.start()
    return controller, f"smtp://127.0.0.1:{port}", inbox


def test_a_relay_without_starttls_gets_nothing(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """No STARTTLS, no login: the envelope is refused with one clear line (503), nothing is
    sent, and nothing is left half-made (no envelope, no link)."""
    from web_support import running

    for name in ("PIPDOCS_SMTP_USER", "PIPDOCS_SMTP_PASSWORD", "PIPDOCS_SMTP_CA"):
        monkeypatch.delenv(name, raising=False)
    controller, url, inbox = _relay()
    try:
        with running(tmp_path / "data", smtp=url) as server, server.api() as api:
            refused = api.post("/api/envelopes", files={"file": ("plan.pdf", prepared_pdf("en"))})
            assert refused.status_code == 503, refused.text
            assert "offers no STARTTLS" in refused.json()["detail"]
            assert "--smtp-insecure" in refused.json()["detail"]
            assert api.get("/api/envelopes").json() == []
    finally:
        controller.stop()
    assert inbox.messages == []


def test_smtp_insecure_is_warned_at_start_and_in_the_audit_trail(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--smtp-insecure`` sends to a relay without TLS, but says so: one warning line on
    stderr at start, an event in the service's trail, and on each envelope's 'mailed' event."""
    import json
    import subprocess
    import sys

    from sqlalchemy import select
    from web_support import running

    from pipdocs.web.models import Event

    for name in ("PIPDOCS_SMTP_USER", "PIPDOCS_SMTP_PASSWORD", "PIPDOCS_SMTP_CA"):
        monkeypatch.delenv(name, raising=False)
    controller, url, inbox = _relay()
    data = tmp_path / "data"
    try:
        serve = subprocess.Popen(
            [sys.executable, "-m", "pipdocs", "serve", "--data", str(data), "--port", "0",
             "--smtp", url, "--smtp-insecure"],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        try:
            assert serve.stderr is not None
            lines = [serve.stderr.readline() for _ in range(2)]
        finally:
            serve.terminate()
            serve.wait(30)
        assert "listening on" in lines[0], lines
        assert lines[1].startswith("warning: --smtp-insecure:") and url in lines[1], lines
        with running(data, smtp=url, smtp_insecure=True) as server:
            envelope = server.create(prepared_pdf("en"))
            with server.service.readers() as session:
                started = session.scalars(select(Event).where(
                    Event.envelope_id.is_(None), Event.kind == "smtp_insecure")).all()
                mailed = session.scalars(select(Event).where(
                    Event.envelope_id == envelope["id"], Event.kind == "mailed")).one()
    finally:
        controller.stop()
    assert len(started) == 2 and all(json.loads(e.detail)["smtp"] == url for e in started)
    assert json.loads(mailed.detail)["smtp_insecure"] is True
    assert [m["To"] for m in inbox.messages] == [load_plan(example_plan("en")).person(
        "employee").email]


def test_starttls_relay_with_its_ca_given_as_a_setting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relay that requires STARTTLS, its private CA trusted by the ``smtp_ca`` setting
    (``--smtp-ca``): the link and the code arrive, each in a message of its own."""
    from web_support import running

    for name in ("PIPDOCS_SMTP_USER", "PIPDOCS_SMTP_PASSWORD", "PIPDOCS_SMTP_CA"):
        monkeypatch.delenv(name, raising=False)
    context, cert = _tls(tmp_path)
    controller, url, inbox = _relay(context)
    employee = load_plan(example_plan("en")).person("employee").email
    try:
        with running(tmp_path / "data", smtp=url, smtp_ca=cert) as server:
            server.create(prepared_pdf("en"))
            link_text = inbox.messages[-1].get_body(("plain",)).get_content()
            link = re.findall(r"^(http://\S+/s/[A-Za-z0-9_-]+)\r?$", link_text, re.M)[0]
            with httpx.Client(timeout=60) as browser:
                page = browser.get(link)
                csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
                assert csrf is not None
                sent = browser.post(f"{link}/code", headers={"X-CSRF-Token": csrf.group(1)})
                assert sent.status_code == 200, sent.text
    finally:
        controller.stop()
    assert [m["To"] for m in inbox.messages] == [employee, employee]
    link_mail, code_mail = (m.get_body(("plain",)).get_content() for m in inbox.messages)
    assert re.search(r"/s/[A-Za-z0-9_-]{20,}", link_mail)
    assert not re.search(r"^\s*\d{6}\s*$", link_mail, re.M)
    assert re.search(r"^\d{6}\r?$", code_mail, re.M) and "/s/" not in code_mail
    assert "http" not in code_mail


def test_a_link_and_a_code_never_share_one_message() -> None:
    """Whatever a caller builds: a message holding a signing link and a one-time code is
    refused before any channel sees it."""
    from pipdocs.web.mail import Message

    with pytest.raises(ValueError, match="never travel in one message"):
        Message(to="a@example.com", subject="s", kind="link",
                text="Open https://sign.example.com/s/AbCdEf0123456789xyzXYZ\n\n123456\n")
    with pytest.raises(ValueError, match="never travel in one message"):
        Message(to="a@example.com", subject="s", kind="code",
                text="Your code:\n 654321 \nhttp://127.0.0.1:8000/s/token-token-token\n")
    Message(to="a@example.com", subject="s", kind="code", text="Your code:\n\n123456\n")
