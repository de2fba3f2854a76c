"""Conversion on running unoserver instances (``--converter unoserver://host:port,host:port``).

When one machine is not enough, LibreOffice runs elsewhere as unoserver (PyPI ``unoserver``,
XML-RPC API 3). Documents travel as bytes both ways, so the servers need no shared disk. One
thread per server pulls the next document from the shared queue, so a fast server takes more
and a dead one drops out while the others carry on; its document is retried elsewhere.
"""

from __future__ import annotations

import http.client
import os
import xmlrpc.client
from pathlib import Path
from urllib.parse import urlsplit

from pipdocs.conversion.pool import Pool
from pipdocs.core.errors import ConversionError, InputError
from pipdocs.core.limits import DOC_TIMEOUT, cut

API_VERSION = "3"
DEFAULT_PORT = 2003


def parse_servers(spec: str) -> list[tuple[str, int]]:
    """``unoserver://a:2003,b:2004`` -> [("a", 2003), ("b", 2004)]; InputError when malformed."""
    usage = (f"--converter {spec!r} is not understood: use "
             "unoserver://host:port[,host:port...]")
    if not spec.startswith("unoserver://"):
        raise InputError(usage)
    servers = []
    for part in spec[len("unoserver://"):].split(","):
        part = part.strip().removeprefix("unoserver://").rstrip("/")
        if not part:
            continue
        try:
            split = urlsplit(f"//{part}")
            host, port = split.hostname, split.port or DEFAULT_PORT
        except ValueError as exc:
            raise InputError(usage) from exc
        if not host:
            raise InputError(usage)
        servers.append((host, port))
    if not servers:
        raise InputError(usage)
    return servers


class _TimeoutTransport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a socket timeout, so a hung server cannot hang us."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: object) -> http.client.HTTPConnection:
        conn = super().make_connection(host)  # type: ignore[arg-type]
        conn.timeout = self.timeout
        return conn


class RemotePool(Pool):
    """A Pool whose workers are unoserver instances, one thread each."""

    engine = "unoserver"
    starts_processes = False

    def __init__(self, spec: str, doc_timeout: float = DOC_TIMEOUT) -> None:
        self.servers = parse_servers(spec)
        super().__init__(len(self.servers), doc_timeout)
        self.converted = [0] * len(self.servers)  # per server, to see the spread

    def _proxy(self, host: str, port: int, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(f"http://{host}:{port}", allow_none=True,
                                         transport=_TimeoutTransport(timeout))

    def _check(self, host: str, port: int) -> str:
        """'' when the server answers with the API we speak, else why not."""
        try:
            info = self._proxy(host, port, 30).info()
        except (OSError, xmlrpc.client.Error) as exc:
            return f"unoserver at {host}:{port} is not reachable ({exc})"
        api = info.get("api") if isinstance(info, dict) else None
        if str(api) != API_VERSION:
            return (f"unoserver at {host}:{port} speaks API {api!r}, "
                    f"pipdocs needs {API_VERSION}: upgrade unoserver there")
        return ""

    def _worker(self, index: int) -> None:
        host, port = self.servers[index]
        problem = self._check(host, port)
        if problem:
            raise ConversionError(problem)
        proxy = self._proxy(host, port, self.doc_timeout)
        while jobs := self._take():
            job = jobs[0]
            try:
                data = job.docx.read_bytes()
                result = proxy.convert(None, xmlrpc.client.Binary(data), None, "pdf",
                                       "writer_pdf_Export", [], True, None, None)
                pdf = result.data if isinstance(result, xmlrpc.client.Binary) else b""
                if not pdf.startswith(b"%PDF"):
                    raise xmlrpc.client.Fault(0, "the answer is not a PDF")
                part = Path(f"{job.pdf}.part")
                part.write_bytes(pdf)
                os.replace(part, job.pdf)
            except xmlrpc.client.Fault as exc:
                lines = str(exc.faultString).strip().splitlines() or ["unknown error"]
                self._failed(job, f"unoserver at {host}:{port} could not convert it: "
                                  f"{cut(lines[-1])}")
                continue
            except (OSError, xmlrpc.client.Error) as exc:
                self._failed(job, f"unoserver at {host}:{port} failed ({exc})")
                self.restarts += 1
                problem = self._check(host, port)
                if problem:  # gone: leave the queue to the other servers
                    raise ConversionError(problem) from exc
                continue
            self.converted[index] += 1
            self._report(job)
