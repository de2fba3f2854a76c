"""A key revoked for compromise never signs VALID with a stale CRL.

The thief of HR's key (revoked for key compromise) controls the network between the signer and
the organisation's services: they serve the CRL from before the revocation (CRLs are public and
valid for 30 days), answer OCSP with 503, and relay timestamp requests to the real TSA. Every
answer ``sign`` can get then predates the signature, and proves nothing about it: verify says
"revocation not yet established" (exit 1) until a status issued after the signature is
embedded; an honest ``archive refresh`` then shows the revocation, and says so (exit 1).

The CA's certificates name a loopback "network" (a proxy in front of the real CA server) that
the tests switch between honest and the thief's.
"""

from __future__ import annotations

import json
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography import x509
from helpers import free_port
from pyhanko.pdf_utils.reader import PdfFileReader

from pipdocs.cli.main import cli
from pipdocs.core.plan import ROLES, Plan
from pipdocs.core.policy import load_policy
from pipdocs.pki.ca import init_ca, issue_signer, load_ca
from pipdocs.pki.revocation import revoke
from pipdocs.pki.server import make_ca_server
from pipdocs.pki.tsa import CheckedHTTPTimeStamper
from pipdocs.signing.sign import load_signer, sign_pdf
from pipdocs.verification.ltv import signature_token, token_time
from pipdocs.verification.verify import verify_pdf
from pipdocs.verification.words import message

POLICY = load_policy()
ENV = {"PIPDOCS_CA_PASSWORD": "ca-secret", "PIPDOCS_KEY_PASSWORD": "key-secret"}


@dataclass
class Network:
    """What answers at the URLs the certificates name: the real CA server, or the thief."""

    real: str
    stale_crl: bytes
    thief: bool = False
    seen: list[str] = field(default_factory=list)

    def serve(self, port: int) -> ThreadingHTTPServer:
        network = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if network.thief and self.path.rstrip("/").endswith("/crl"):
                    return self._reply(200, network.stale_crl, "application/pkix-crl")
                self._relay(None)

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if network.thief and "/ocsp" in self.path:
                    return self._reply(503, b"unavailable\n", "text/plain")
                self._relay(body)

            def _relay(self, body: bytes | None) -> None:
                network.seen.append(self.path)
                headers = {"Content-Type": self.headers.get("Content-Type", "")} if body else {}
                request = urllib.request.Request(network.real.rstrip("/") + self.path,
                                                 data=body, headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=20) as reply:  # noqa: S310
                        self._reply(reply.status, reply.read(),
                                    reply.headers.get("Content-Type", ""))
                except urllib.error.HTTPError as exc:
                    self._reply(exc.code, exc.read(), "text/plain")

            def _reply(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


@dataclass
class World:
    root: Path
    ca: Path
    url: str  # what the certificates name, and what the signers use as their TSA
    network: Network
    plan: Plan
    prepared: Path

    @property
    def anchor(self) -> Path:
        return self.ca / "root.pem"

    def key(self, role: str, tag: str) -> Path:
        person = self.plan.person(role)
        path = self.root / f"{tag}-{role}.p12"
        issue_signer(self.ca, person.name, person.email, path, "ca-secret", "key-secret")
        return path

    def sign(self, prev: Path, role: str, key: Path, out: Path) -> Path:
        sign_pdf(prev, out, role=role, signer=load_signer(key, "key-secret"), policy=POLICY,
                 timestamper=CheckedHTTPTimeStamper(self.url))
        return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory,
          prepared: dict[str, tuple[Plan, Path]]) -> Iterator[World]:
    root = tmp_path_factory.mktemp("freshness")
    ca, port, real_port = root / "ca", free_port(), free_port()
    url = f"http://127.0.0.1:{port}/"
    init_ca(ca, "Fresh Org", "ca-secret", public_url=url)
    real = make_ca_server(ca, "ca-secret", POLICY.tsa_policy_oid, "127.0.0.1", real_port,
                          quiet=True)
    threading.Thread(target=real.serve_forever, daemon=True).start()
    network = Network(f"http://127.0.0.1:{real_port}/", (ca / "crl.der").read_bytes())
    proxy = network.serve(port)
    plan, pdf = prepared["en"]
    yield World(root, ca, url, network, plan, pdf)
    for server in (proxy, real):
        server.shutdown()
        server.server_close()


def cli_run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env=ENV)
    return result.exit_code, result.output


def _timestamps(path: Path) -> dict[str, datetime]:
    with BytesIO(path.read_bytes()) as handle:
        out = {}
        for emb in PdfFileReader(handle).embedded_regular_signatures:
            token = signature_token(emb)
            if token is not None:
                out[emb.field_name] = token_time(token)
        return out


def test_honest_signing_embeds_status_issued_after_each_signature(world: World) -> None:
    """With the responder up, the last signature's archive step fetches every signer's status
    after every timestamp: VALID as before, each signer judged on an answer from after it."""
    prev = world.prepared
    for number, role in enumerate(ROLES, 1):
        prev = world.sign(prev, role, world.key(role, "honest"), world.root / f"h-{number}.pdf")
    report = verify_pdf(prev, [world.anchor], policy=POLICY)
    assert report.ok and report.verdict == "valid", [p.message for p in report.problems]
    times = _timestamps(prev)
    signers = [r for r in report.long_term.revocation if r.role == "signer"]  # type: ignore[union-attr]
    assert sorted(r.field for r in signers) == sorted(times)
    for row in signers:
        assert row.status == "good" and row.checked_at is not None
        assert row.checked_at >= times[row.field].replace(microsecond=0), row


def test_a_revoked_key_with_a_stale_crl_and_ocsp_down_is_not_valid(world: World) -> None:
    """What a pre-revocation CRL now gets: the signature is made (nothing the thief lets through
    says revoked), sign warns, verify says "revocation not yet established" (exit 1, --json
    too); the honest refresh that follows shows the revocation and exits 1 naming the record."""
    prev = world.prepared
    for number, role in enumerate(ROLES[:2], 1):
        prev = world.sign(prev, role, world.key(role, "stolen"), world.root / f"s-{number}.pdf")
    hr_key = world.key("hr", "stolen")
    serial = x509.load_der_x509_certificate(
        load_signer(hr_key, "key-secret").signer.signing_cert.dump()).serial_number
    root, key = load_ca(world.ca, "ca-secret")
    revoke(world.ca, root, key, serial=serial, reason="key_compromise",
           when=datetime.now(timezone.utc))
    world.network.thief = True
    try:
        record = world.root / "stolen.pdf"
        code, out = cli_run("sign", prev, "--role", "hr", "--key", hr_key, "--tsa", world.url,
                            "-o", record)
    finally:
        world.network.thief = False
    assert code == 0 and "signed as hr" in out, out
    assert "revocation not yet established for" in out and "Kim Park" in out, out
    report = verify_pdf(record, [world.anchor], policy=POLICY)
    assert not report.ok and report.verdict == "invalid"
    problem = next(p for p in report.problems if p.code == "revocation_not_established")
    assert problem.field == "sig_hr" and "Kim Park" in problem.message
    assert "revocation not yet established" in problem.message
    hr = next(r for r in report.long_term.revocation  # type: ignore[union-attr]
              if r.field == "sig_hr" and r.role == "signer")
    assert hr.status == "not_established" and hr.source == "CRL"
    code, out = cli_run("verify", record, "--trust", world.anchor)
    assert code == 1 and "VALID" not in out.replace("INVALID", "")
    assert "sig_hr: revocation not yet established" in out, out
    code, out = cli_run("verify", record, "--trust", world.anchor, "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert "revocation_not_established" in {p["code"] for p in data["problems"]}
    refreshed = world.root / "stolen-refreshed.pdf"
    shutil.copyfile(record, refreshed)
    code, out = cli_run("archive", "refresh", refreshed, "--tsa", world.url,
                        "--trust", world.anchor)
    assert code == 1 and f"{refreshed} no longer verifies: sig_hr" in out, out
    assert "(the key was compromised)" in out
    after = verify_pdf(refreshed, [world.anchor], policy=POLICY)
    assert "revoked_before_signing" in {p.code for p in after.problems}


def test_the_words_exist_in_both_languages() -> None:
    params = {"field": "sig_hr", "subject": "Kim Park", "signed": "2026-12-07 09:00:00 UTC",
              "latest": "2026-12-01 08:00:00 UTC"}
    assert "revocation not yet established" in message("revocation_not_established", "en",
                                                       **params)
    assert "吊销状态尚未确认" in message("revocation_not_established", "zh", **params)
