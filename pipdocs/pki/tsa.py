"""RFC 3161 timestamping: the organisation's own TSA (HTTP server or in-process) and the client.

The token signer is pyHanko's DummyTimeStamper with the CA directory's TSA key and certificate,
hardened for service: requests are checked (algorithm, digest length, policy, extensions) and
refused with a proper RFC 3161 rejection, tokens carry a 127-bit random serial, whole-second UTC
time and the policy OID, and every issued token is logged (serial, time, digest) before it leaves.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from asn1crypto import cms, core, keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.sign.general import as_signing_certificate, simple_cms_attribute
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from pipdocs.core.errors import InputError, TimestampError
from pipdocs.core.limits import QUOTE_DETAIL, cut
from pipdocs.pki.tsarequest import (
    MAX_REPLY_BYTES,
    MAX_REQUEST_BYTES,
    QUERY_TYPE,
    REPLY_TYPE,
    RejectionResponse,
    RequestRejected,
    check_request,
    rejection,
)

TOKEN_LOG = "tsa.log"

Logger = Callable[[dict[str, Any]], None]


class OrgTimeStamper(DummyTimeStamper):
    """pyHanko's DummyTimeStamper with service-grade serials, time, policy, checks and a log."""

    def __init__(
        self,
        tsa_cert: asn1_x509.Certificate,
        tsa_key: rsa.RSAPrivateKey,
        policy_oid: str,
        log: Logger | None = None,
        chain: list[asn1_x509.Certificate] | None = None,
    ) -> None:
        der = tsa_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Tokens carry the chain up to the root, so a verifier (and a signer checking the TSA's
        # revocation) can build the path without the CA directory.
        super().__init__(tsa_cert=tsa_cert, tsa_key=keys.PrivateKeyInfo.load(der),
                         certs_to_embed=SimpleCertificateStore.from_certs(chain or []))
        self._key = tsa_key  # parsed once, not once per token as the dummy does
        self.policy_oid = policy_oid
        self.log = log
        self.ca_dir: Path | None = None
        self.responder: Any = None

    def _build_tst_info(
        self, message_imprint: tsp.MessageImprint, dt: datetime, req: tsp.TimeStampReq
    ) -> tsp.TSTInfo:
        gen_time = dt.astimezone(timezone.utc).replace(microsecond=0)
        info: dict[str, Any] = {
            "version": "v1",
            "policy": self.policy_oid,
            "message_imprint": message_imprint,
            "serial_number": secrets.randbits(127) | (1 << 126),
            "gen_time": gen_time,
            "accuracy": {"seconds": 1},
            "tsa": asn1_x509.GeneralName(name="directory_name", value=self.tsa_cert.subject),
        }
        if req["nonce"].native is not None:
            info["nonce"] = req["nonce"]
        return tsp.TSTInfo(info)

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        md = get_pyca_cryptography_hash(md_algorithm)
        from cryptography.hazmat.primitives import hashes

        hasher = hashes.Hash(md)
        hasher.update(tst_info_data)
        signed_attrs = cms.CMSAttributes([
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute(
                "signing_time", cms.Time({"utc_time": core.UTCTime(dt.replace(microsecond=0))})
            ),
            simple_cms_attribute("signing_certificate", as_signing_certificate(self.tsa_cert)),
            simple_cms_attribute("message_digest", hasher.finalize()),
        ])
        signature = self._key.sign(signed_attrs.dump(), padding.PKCS1v15(), md)
        return signature, signed_attrs

    def request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """Check, stamp, log. (The HTTP server answers refusals itself, with a 4xx.)"""
        try:
            check_request(req, self.policy_oid)
        except RequestRejected as exc:
            raise TimestampError(f"the timestamp authority refused the request: {exc}") from exc
        response = super().request_tsa_response(req)
        if self.log is not None:
            self.log(token_record(response))  # raises if it cannot log: no unlogged tokens
        return response


def token_record(response: tsp.TimeStampResp) -> dict[str, Any]:
    """What the token log keeps: serial, time, digest algorithm and digest."""
    info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    imprint = info["message_imprint"]
    return {
        "serial": format(info["serial_number"].native, "x"),
        "time": info["gen_time"].native.isoformat(),
        "alg": imprint["hash_algorithm"]["algorithm"].native,
        "digest": imprint["hashed_message"].native.hex(),
    }


def file_logger(path: Path, echo: bool = False) -> Logger:
    """Append one JSON line per token to ``path`` (and echo it to stderr for a server)."""

    def log(record: dict[str, Any]) -> None:
        line = json.dumps(record, sort_keys=True) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
        if echo:
            print(f"token serial={record['serial']} time={record['time']} "
                  f"{record['alg']}={record['digest']}", file=sys.stderr, flush=True)

    return log


def local_timestamper(
    ca_dir: Path, password: str, policy_oid: str | None = None, *, echo: bool = False
) -> OrgTimeStamper:
    """The CA directory's TSA, in process (``sign --tsa-dir``) or behind ``tsa serve``.
    ``policy_oid`` defaults to the shipped policy's ``tsa_policy_oid``."""
    from pipdocs.core.policy import shipped_policy
    from pipdocs.pki.ca import load_tsa
    from pipdocs.pki.ocsp import load_responder

    policy_oid = policy_oid or shipped_policy().tsa_policy_oid
    cert, key, root = load_tsa(ca_dir, password)
    der = serialization.Encoding.DER
    asn1_cert = asn1_x509.Certificate.load(cert.public_bytes(der))
    stamper = OrgTimeStamper(asn1_cert, key, policy_oid, file_logger(ca_dir / TOKEN_LOG, echo),
                             chain=[asn1_x509.Certificate.load(root.public_bytes(der))])
    stamper.ca_dir = ca_dir  # in-process revocation data for sign --tsa-dir (signing.revinfo)
    stamper.responder = load_responder(ca_dir, password)
    return stamper


# --- HTTP server ----------------------------------------------------------------------------------


class TSAHandler(BaseHTTPRequestHandler):
    """POST application/timestamp-query -> application/timestamp-reply; everything else 4xx."""

    server: TSAServer
    timeout = 10  # seconds a client may take to send its request
    server_version = "pipdocs-tsa"
    # http.server's own errors (an unknown method, a broken request line): one plain line.
    error_message_format = "%(code)d %(message)s\n"
    error_content_type = "text/plain; charset=utf-8"

    def _reply(self, code: int, body: bytes, content_type: str = REPLY_TYPE) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _refuse(self, code: int, message: str, fail_info: str = "bad_request") -> None:
        self._reply(code, rejection(message, fail_info).dump())

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != QUERY_TYPE:
            return self._refuse(415, f"Content-Type must be {QUERY_TYPE}")
        if self.headers.get("Transfer-Encoding"):
            return self._refuse(411, "send the request with a Content-Length")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self._refuse(411, "Content-Length is missing or not a number")
        if length < 0 or length > MAX_REQUEST_BYTES:
            return self._refuse(413, f"a TimeStampReq is at most {MAX_REQUEST_BYTES} bytes")
        body = self.rfile.read(length)
        if len(body) != length:
            return self._refuse(400, "request body shorter than Content-Length")
        try:
            req = tsp.TimeStampReq.load(body, strict=True)
            check_request(req, self.server.stamper.policy_oid)
        except RequestRejected as exc:
            return self._refuse(400, str(exc), exc.fail_info)
        except Exception:  # noqa: BLE001 - undecodable DER
            return self._refuse(400, "body is not a DER TimeStampReq", "bad_data_format")
        try:
            response = self.server.stamper.request_tsa_response(req)
        except Exception as exc:  # noqa: BLE001 - keep serving; say so in the log
            self.log_message("token failed: %s", exc)
            return self._refuse(500, "the TSA could not issue a token", "system_failure")
        self._reply(200, response.dump())

    def do_GET(self) -> None:  # noqa: N802
        body = f"RFC 3161 timestamp authority: POST an {QUERY_TYPE} here.\n".encode()
        self.send_response(405)
        self.send_header("Allow", "POST")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if not self.server.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


class TSAServer(ThreadingHTTPServer):
    """ThreadingHTTPServer holding the stamper; a broken connection is one log line."""

    daemon_threads = True
    allow_reuse_address = True
    handler_class: type[TSAHandler] = TSAHandler  # ca serve adds CRL and OCSP routes

    def __init__(self, address: tuple[str, int], stamper: OrgTimeStamper, quiet: bool) -> None:
        self.stamper = stamper
        self.quiet = quiet
        super().__init__(address, self.handler_class)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if not self.quiet:
            sys.stderr.write(f"{client_address[0]} connection error: {exc!r}\n")

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"


def make_server(
    ca_dir: Path, password: str, policy_oid: str, host: str = "127.0.0.1", port: int = 3161,
    *, quiet: bool = False,
) -> TSAServer:
    """A bound, not yet serving, TSA server (port 0 picks a free port; see ``.url``)."""
    stamper = local_timestamper(ca_dir, password, policy_oid, echo=not quiet)
    try:
        return TSAServer((host, port), stamper, quiet)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror}); pick another --port")\
            from exc


# --- client ---------------------------------------------------------------------------------------


class CheckedHTTPTimeStamper(HTTPTimeStamper):
    """pyHanko's HTTP client, made strict and plain-spoken: every failure is a TimestampError
    that says what the TSA said (its own status text when it refuses, read from the reply
    whatever the HTTP status), the nonce and the message imprint must be ours (pyHanko checks
    neither the imprint nor, without crashing, a wrong nonce), and the reply is size-bounded."""

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        import aiohttp

        try:
            async with aiohttp.ClientSession() as session, session.post(
                self.url, data=req.dump(), headers=await self.async_request_headers(),
                auth=self.auth, timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                body = await response.content.read(MAX_REPLY_BYTES + 1)
                ctype = (response.headers.get("Content-Type") or "").split(";")[0].strip()
                status = f"HTTP {response.status} {response.reason or ''}".strip()
        except Exception as exc:  # noqa: BLE001 - network errors, timeouts, bad HTTP
            raise TimestampError(
                f"no timestamp from {self.url}: {_describe(exc)}; check --tsa or start the TSA"
            ) from exc
        if ctype.lower() != REPLY_TYPE or len(body) > MAX_REPLY_BYTES:
            raise TimestampError(f"no timestamp from {self.url}: it answered {status} with"
                                 f" {ctype or 'no content type'}, not a timestamp reply; is"
                                 " this the TSA's URL?")
        try:
            reply = tsp.TimeStampResp.load(body)
            reply["status"].native  # noqa: B018 - parse now, not later
        except Exception:  # noqa: BLE001 - a refusal without a token, or not DER at all
            reply = None
        try:  # a refusal carries no token, which asn1crypto's TimeStampResp cannot parse
            refused = self._refusal(reply["status"] if reply is not None else
                                    RejectionResponse.load(body)["status"])
        except Exception as exc:  # noqa: BLE001 - undecodable DER
            raise TimestampError(f"timestamp authority {self.url} sent a reply that is not an"
                                 f" RFC 3161 response ({status})") from exc
        if refused is not None or reply is None:
            raise refused or TimestampError(f"timestamp authority {self.url} sent no token")
        return reply

    def _refusal(self, status: Any) -> TimestampError | None:
        """The TSA's own words when ``status`` is not granted (None when it is)."""
        if status["status"].native in ("granted", "granted_with_mods"):
            return None
        said = "; ".join(status["status_string"].native or []) or "no reason given"
        fail = ", ".join(sorted(status["fail_info"].native or []))
        return TimestampError(f"timestamp authority {self.url} refused: {_one_line(said)}"
                              + (f" ({fail})" if fail else ""))

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        nonce, req = self.request_cms(message_digest, md_algorithm)
        reply = await self.async_request_tsa_response(req)
        try:
            token = reply["time_stamp_token"]
            info = token["content"]["encap_content_info"]["content"].parsed
            got_nonce, imprint = info["nonce"].native, info["message_imprint"]
            stamped = imprint["hashed_message"].native
        except Exception as exc:  # noqa: BLE001 - a malformed token
            raise TimestampError(f"timestamp authority {self.url} sent a malformed token:"
                                 f" {_describe(exc)}") from exc
        if nonce is not None and got_nonce != nonce:
            raise TimestampError(f"timestamp authority {self.url} answered another request"
                                 " (the nonce differs); no timestamp was taken")
        if stamped != message_digest:
            raise TimestampError(f"timestamp authority {self.url} stamped a different digest")
        return token


def _one_line(text: str) -> str:
    """A TSA's own words, safe to print: control characters escaped, length bounded."""
    return cut("".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text))


def _describe(exc: BaseException) -> str:
    """The exception's first line, plus its root cause's (pyHanko wraps aiohttp's errors).

    Only explicit causes (``raise ... from``) are followed: the implicit context can be an
    unrelated, handled exception (pyHanko asks for a timestamp while handling a cache miss, so
    the context of every network error is ``KeyError('sha256')``).
    """

    def line(e: BaseException) -> str:
        text = str(e).strip() or type(e).__name__
        return cut(text.splitlines()[0], QUOTE_DETAIL)

    root, seen = exc, {id(exc)}
    while root.__cause__ is not None and id(root.__cause__) not in seen:
        root = root.__cause__
        seen.add(id(root))
    return line(exc) if root is exc else f"{line(exc)} ({line(root)})"


def timestamper_for(
    url: str | None,
    tsa_dir: Path | None,
    *,
    policy_url: str | None,
    policy_oid: str,
    timeout: float,
    tsa_password: Callable[[], str],
) -> TimeStamper:
    """The timestamper ``sign`` uses: --tsa URL, else --tsa-dir, else the policy's URL.

    No source at all is a TimestampError: there is no signature without a timestamp.
    """
    if url and tsa_dir:
        raise InputError("give either --tsa URL or --tsa-dir DIR, not both")
    if tsa_dir is not None:
        return local_timestamper(tsa_dir, tsa_password(), policy_oid)
    url = url or policy_url
    if not url:
        raise TimestampError(
            "no timestamp authority: pass --tsa URL or --tsa-dir CA_DIR, or set tsa_url in the"
            " signing policy (no signature is made without an RFC 3161 timestamp)"
        )
    if not url.startswith(("http://", "https://")):
        raise InputError(f"--tsa '{url}' is not an http:// or https:// URL")
    return CheckedHTTPTimeStamper(url, timeout=timeout)
