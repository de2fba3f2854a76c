"""The RFC 3161 server on loopback: openssl and pyHanko accept its tokens; junk gets a 4xx."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from pyhanko.sign.timestamps import HTTPTimeStamper

from pipdocs.core.errors import InputError, TimestampError
from pipdocs.core.policy import load_policy
from pipdocs.pki.tsa import (
    CheckedHTTPTimeStamper,
    RejectionResponse,
    TSAServer,
    timestamper_for,
)

OID = load_policy().tsa_policy_oid


@pytest.fixture
def server(tsa: TSAServer) -> TSAServer:
    """The session CA's server (tests/conftest.py: ``ca_dir``, ``tsa``)."""
    return tsa


def _post(
    url: str, body: bytes, ctype: str = "application/timestamp-query"
) -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, data=body, headers={"Content-Type": ctype}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def _query(tmp_path: Path, data: bytes, digest: str = "sha256") -> tuple[Path, bytes]:
    source = tmp_path / "data.bin"
    source.write_bytes(data)
    query = tmp_path / "q.tsq"
    subprocess.run(
        ["openssl", "ts", "-query", "-data", str(source), f"-{digest}", "-cert", "-out",
         str(query)], check=True, capture_output=True,
    )
    return source, query.read_bytes()


def test_openssl_verifies_a_token(server: TSAServer, ca_dir: Path, tmp_path: Path) -> None:
    source, query = _query(tmp_path, "计划 plan".encode())
    status, ctype, body = _post(server.url, query)
    assert status == 200 and ctype == "application/timestamp-reply"
    reply = tmp_path / "r.tsr"
    reply.write_bytes(body)
    verify = subprocess.run(
        ["openssl", "ts", "-verify", "-data", str(source), "-in", str(reply), "-CAfile",
         str(ca_dir / "root.pem"), "-untrusted", str(ca_dir / "tsa.pem")],
        capture_output=True, text=True,
    )
    assert "Verification: OK" in verify.stdout, verify.stdout + verify.stderr
    text = subprocess.run(["openssl", "ts", "-reply", "-in", str(reply), "-text"],
                          capture_output=True, text=True, check=True).stdout
    assert f"Policy OID: {OID}" in text and "Status: Granted." in text


def test_pyhanko_http_client_gets_a_logged_token(server: TSAServer, ca_dir: Path) -> None:
    digest = hashlib.sha256(b"pyhanko").digest()
    token = asyncio.run(HTTPTimeStamper(server.url).async_timestamp(digest, "sha256"))
    info = token["content"]["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
    serial = format(info["serial_number"].native, "x")
    log = [json.loads(line) for line in (ca_dir / "tsa.log").read_text().splitlines()]
    entry = next(e for e in log if e["serial"] == serial)
    assert entry["digest"] == digest.hex() and entry["alg"] == "sha256"
    assert entry["time"].startswith(str(info["gen_time"].native.year))


def test_garbage_gets_400_and_the_server_keeps_answering(server: TSAServer, tmp_path: Path) -> None:
    status, ctype, body = _post(server.url, b"\x30\x82garbage" * 10)
    assert status == 400 and ctype == "application/timestamp-reply"
    assert b"TimeStampReq" in body  # the rejection says why
    _source, query = _query(tmp_path, b"still alive")
    assert _post(server.url, query)[0] == 200


def test_bad_requests_are_4xx(server: TSAServer, tmp_path: Path) -> None:
    _source, weak = _query(tmp_path, b"weak", "sha1")
    status, _ctype, body = _post(server.url, weak)
    assert status == 400
    status_info = RejectionResponse.load(body)["status"]
    assert status_info["status"].native == "rejection"
    assert status_info["fail_info"].native == {"bad_alg"}
    assert _post(server.url, b"x" * 100_000)[0] == 413
    assert _post(server.url, weak, ctype="text/plain")[0] == 415
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server.url, timeout=10)
    assert info.value.code == 405


def test_a_client_that_hangs_up_does_not_stop_the_server(server: TSAServer, tmp_path: Path) -> None:
    host, port = server.server_address[:2]
    with socket.create_connection((str(host), port), timeout=5) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nContent-Type: application/timestamp-query\r\n"
                     b"Content-Length: 500\r\n\r\n\x30\x10")
    _source, query = _query(tmp_path, b"after hang-up")
    assert _post(server.url, query)[0] == 200


def test_client_errors_are_timestamp_errors() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    stamper = CheckedHTTPTimeStamper(f"http://127.0.0.1:{port}/", timeout=3)
    with pytest.raises(TimestampError, match="no timestamp from"):
        asyncio.run(stamper.async_timestamp(hashlib.sha256(b"x").digest(), "sha256"))


def test_timestamper_choice() -> None:
    def no_password() -> str:
        raise AssertionError("not needed")

    with pytest.raises(TimestampError, match="no timestamp authority"):
        timestamper_for(None, None, policy_url=None, policy_oid=OID, timeout=5,
                        tsa_password=no_password)
    with pytest.raises(InputError, match="not an http"):
        timestamper_for("ftp://x", None, policy_url=None, policy_oid=OID, timeout=5,
                        tsa_password=no_password)
    chosen = timestamper_for(None, None, policy_url="http://tsa.example/", policy_oid=OID,
                             timeout=5, tsa_password=no_password)
    assert isinstance(chosen, CheckedHTTPTimeStamper) and chosen.url == "http://tsa.example/"


def test_cli_tsa_serve(ca_dir: Path, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PIPDOCS_CA_PASSWORD": "ca-secret"}
    exe = Path(sys.executable).with_name("pipdocs")
    proc = subprocess.Popen(
        [str(exe), "tsa", "serve", "--dir", str(ca_dir), "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        _source, query = _query(tmp_path, b"cli")
        assert _post(f"http://127.0.0.1:{port}/", query)[0] == 200
        assert _post(f"http://127.0.0.1:{port}/", b"junk")[0] == 400
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=10)
    assert "listening on" in err and "token serial=" in err


def test_a_web_server_that_is_no_tsa_is_named_in_the_error() -> None:
    """Through pyHanko's size-estimating request, as `sign` makes it: the message must say what
    the server answered, not the KeyError pyHanko was handling at the time."""
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class NotATSA(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self.send_error(404, "no such page")

        def log_message(self, *args: object) -> None:
            pass

    web = HTTPServer(("127.0.0.1", 0), NotATSA)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        stamper = CheckedHTTPTimeStamper(f"http://127.0.0.1:{web.server_port}/", timeout=5)
        with pytest.raises(TimestampError) as caught:
            asyncio.run(stamper.async_dummy_response("sha256"))
    finally:
        web.shutdown()
        web.server_close()
    assert "404" in str(caught.value) and "sha256" not in str(caught.value)
