"""Running the service under uvicorn, on a socket bound before start so ``--port 0`` works and
the real address can be announced (and put into mailed links)."""

from __future__ import annotations

import socket
from collections.abc import Callable

from pipdocs.web.service import Service
from pipdocs.web.settings import Settings


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def run_server(settings: Settings, announce: Callable[[str], None] = print,
               ready: Callable[[Service], None] | None = None) -> None:
    """Start the service and serve until interrupted; ``ready`` runs before the first request.
    Files the service makes are its owner's alone (umask 077, besides explicit modes)."""
    import logging
    import os

    import uvicorn

    from pipdocs.web.app import create_app
    from pipdocs.web.mail import insecure_smtp

    logging.getLogger("pipdocs.web").setLevel(logging.INFO)  # outbox mode logs each link

    os.umask(0o077)
    sock = bind(settings.host, settings.port)
    settings.port = sock.getsockname()[1]
    service = Service(settings)
    app = create_app(service)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           proxy_headers=False, server_header=False))
    announce(f"pipdocs serve: listening on {settings.base_url()} (data in {settings.data_dir};"
             f" root certificate {service.ca_dir / 'root.pem'})")
    if insecure_smtp(settings):
        announce(f"warning: --smtp-insecure: links and codes may go to {settings.smtp} in the"
                 " clear when it offers no STARTTLS (recorded in the audit trail)")
    if settings.host in ("0.0.0.0", "::") and not settings.public_url:
        announce("warning: links point to this machine's loopback address; give --public-url"
                 " (HTTPS: the browser's key needs a secure context) so signers can reach them")
    if ready is not None:
        ready(service)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
