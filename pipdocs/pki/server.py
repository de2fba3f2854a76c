"""``pipdocs ca serve``: the CA's services on one address - RFC 3161 timestamps (POST /),
the current CRL (GET /crl) and OCSP (POST /ocsp, or GET /ocsp/<base64> per RFC 6960 A.1).

Built on the TSA server of :mod:`pipdocs.pki.tsa` (its request limits and logging apply);
``tsa serve`` is the same server.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from urllib.parse import unquote

from pipdocs.core.errors import InputError
from pipdocs.pki.ocsp import REQUEST_TYPE, RESPONSE_TYPE, Responder, load_responder
from pipdocs.pki.revocation import CRL_FILE
from pipdocs.pki.tsa import MAX_REQUEST_BYTES, TSAHandler, TSAServer, local_timestamper

CRL_TYPE = "application/pkix-crl"


class CAHandler(TSAHandler):
    """The TSA's handler plus /crl and /ocsp."""

    server: CAServer

    def _plain(self, code: int, text: str) -> None:
        self._reply(code, text.encode("utf-8"), "text/plain; charset=utf-8")

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        path = self.path.split("?", 1)[0]
        if path.rstrip("/").endswith("/crl"):
            try:
                body = (self.server.ca_dir / CRL_FILE).read_bytes()
            except FileNotFoundError:
                return self._plain(404, "no CRL published yet: run 'pipdocs ca crl'\n")
            return self._reply(200, body, CRL_TYPE)
        if "/ocsp/" in path:
            encoded = unquote(path.split("/ocsp/", 1)[1])
            try:
                request = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                return self._plain(400, "not a base64 OCSP request\n")
            return self._ocsp(request)
        return super().do_GET()

    def do_POST(self) -> None:  # noqa: N802
        if self.path.split("?", 1)[0].rstrip("/").endswith("/ocsp"):
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype != REQUEST_TYPE:
                return self._plain(415, f"Content-Type must be {REQUEST_TYPE}\n")
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                return self._plain(411, "Content-Length is missing\n")
            if not 0 < length <= MAX_REQUEST_BYTES:
                return self._plain(413, "an OCSP request is at most 16 KiB\n")
            return self._ocsp(self.rfile.read(length))
        return super().do_POST()

    def _ocsp(self, request: bytes) -> None:
        responder = self.server.responder
        if responder is None:
            return self._plain(404, "this CA has no OCSP responder (made before pipdocs 0.2)\n")
        try:
            body = responder.answer(request)
        except Exception as exc:  # noqa: BLE001 - keep serving; say so in the log
            self.log_message("OCSP failed: %s", exc)
            return self._plain(500, "the OCSP responder failed\n")
        self._reply(200, body, RESPONSE_TYPE)


class CAServer(TSAServer):
    """TSA server that also serves the CA directory's CRL and OCSP answers."""

    handler_class = CAHandler
    ca_dir: Path
    responder: Responder | None


def make_ca_server(
    ca_dir: Path, password: str, policy_oid: str, host: str = "127.0.0.1", port: int = 3161,
    *, quiet: bool = False,
) -> CAServer:
    """A bound, not yet serving, CA server (port 0 picks a free port; see ``.url``)."""
    stamper = local_timestamper(ca_dir, password, policy_oid, echo=not quiet)
    responder = load_responder(ca_dir, password)
    try:
        server = CAServer((host, port), stamper, quiet)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror}); pick another --port")\
            from exc
    server.ca_dir, server.responder = ca_dir, responder
    return server
