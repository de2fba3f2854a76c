"""Helpers for the signing-service tests: a real uvicorn server on a free loopback port (in a
thread of the test process, so a test can also reach the service's state), the outbox, and a
stand-in for the browser's WebCrypto key (for tests that do not need a browser)."""

from __future__ import annotations

import base64
import email
import email.policy
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from asn1crypto.algos import DSASignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from helpers import free_port, plain_pdf

from pipdocs.core.plan import load_plan
from pipdocs.demo import example_plan
from pipdocs.web.access import make_token
from pipdocs.web.app import create_app
from pipdocs.web.run import bind
from pipdocs.web.service import Service
from pipdocs.web.settings import Settings

URL_LINE = re.compile(r"^(https?://\S+/s/\S+)$", re.M)
CODE_LINE = re.compile(r"^(\d{6})$", re.M)


@dataclass
class Server:
    service: Service
    url: str
    token: str
    outbox: Path

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60,
                            headers={"Authorization": f"Bearer {self.token}"})

    def create(self, pdf: bytes) -> dict[str, Any]:
        with self.api() as client:
            response = client.post("/api/envelopes", files={"file": ("plan.pdf", pdf)})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def mails(self, to: str, kind: str) -> list[EmailMessage]:
        found = []
        for path in sorted(self.outbox.glob(f"*-{kind}.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == to:
                found.append(message)
        return found  # type: ignore[return-value]

    def link(self, to: str) -> str:
        return _only(URL_LINE, _text(self.mails(to, "link")[-1]))

    def code(self, to: str) -> str:
        return _only(CODE_LINE, _text(self.mails(to, "code")[-1]))


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def _only(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.findall(text)
    assert len(found) == 1, text
    return str(found[0])


def prepared_pdf(lang: str) -> bytes:
    return plain_pdf(load_plan(example_plan(lang)))


def plan_starting_today(tmp_path: Path) -> Any:
    """The en example with every date moved so that its period began ten days ago: a decline
    made now is inside it, whatever today is."""
    import re
    from datetime import date, datetime, timedelta, timezone

    start = datetime.now(timezone.utc).date() - timedelta(days=10)
    text = example_plan("en").read_text(encoding="utf-8")
    shift = start - load_plan(example_plan("en")).period.start
    moved = re.sub(r"\b(20\d\d-\d\d-\d\d)\b",
                   lambda m: (date.fromisoformat(m.group(1)) + shift).isoformat(), text)
    path = tmp_path / "plan.yaml"
    path.write_text(moved, encoding="utf-8")
    plan = load_plan(path)
    assert plan.period.start == start
    return plan


CA_PASSWORD = "web-ca-secret"


@contextmanager
def ca_service(ca_dir: Path) -> Iterator[str]:
    """The organisation's CA as a company runs it beside ``pipdocs serve``: ``ca init
    --public-url`` and ``ca serve`` there (TSA, CRL and OCSP on one URL), so every certificate's
    status can be fetched, by the server and by pdfsig. Yields the URL."""
    from pipdocs.core.policy import load_policy
    from pipdocs.pki.ca import init_ca
    from pipdocs.pki.server import make_ca_server

    port = free_port()
    init_ca(ca_dir, "pipdocs", CA_PASSWORD, public_url=f"http://127.0.0.1:{port}/")
    ca = make_ca_server(ca_dir, CA_PASSWORD, load_policy().tsa_policy_oid, "127.0.0.1", port,
                        quiet=True)
    thread = threading.Thread(target=ca.serve_forever, daemon=True)
    thread.start()
    try:
        yield ca.url
    finally:
        ca.shutdown()
        ca.server_close()
        thread.join(10)


@contextmanager
def running(data: Path, **options: Any) -> Iterator[Server]:
    """A server on a free port until the block ends."""
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    config = Settings(data_dir=data, port=port, **options)
    service = Service(config)
    server = uvicorn.Server(uvicorn.Config(create_app(service), log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield Server(service, config.base_url(), make_token(service.sessions, "hr@example.com"),
                     data / "outbox")
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        service.engine.dispose()


class Browserless:
    """What the page's script does, in Python: its own key, the CSRF header, the steps."""

    def __init__(self, server: Server, link: str) -> None:
        self.server, self.link = server, link
        self.http = httpx.Client(timeout=60)
        page = self.http.get(link)
        self.page = page
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
        self.csrf = found.group(1) if found else ""
        self.key = ec.generate_private_key(ec.SECP256R1())

    def post(self, step: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.post(f"{self.link}/{step}", json=body or {},
                              headers={"X-CSRF-Token": self.csrf})

    def start(self, code: str, agree: bool | None = True, comment: str = "") -> httpx.Response:
        spki = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        return self.post("start", {"code": code, "public_key": base64.b64encode(spki).decode(),
                                   "agree": agree, "comment": comment})

    def signature(self, signed_attrs_b64: str) -> str:
        der = self.key.sign(base64.b64decode(signed_attrs_b64), ec.ECDSA(hashes.SHA256()))
        return base64.b64encode(DSASignature.load(der).to_p1363()).decode()

    def sign(self, email_address: str, agree: bool | None = True) -> httpx.Response:
        assert self.post("code").status_code == 200
        started = self.start(self.server.code(email_address), agree)
        assert started.status_code == 200, started.text
        return self.post("finish", {"signature": self.signature(started.json()["signed_attrs"])})
