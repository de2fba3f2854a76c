"""Running the service under uvicorn, on a socket bound before start so ``--port 0`` works and
the real address can be announced (and put into mailed links)."""

from __future__ import annotations

import socket
from collections.abc import Callable

from pipdocs.web.service import ServerConfig, Service


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def run_server(config: ServerConfig, announce: Callable[[str], None] = print,
               ready: Callable[[Service], None] | None = None) -> None:
    """Start the service and serve until interrupted; ``ready`` runs before the first request."""
    import logging

    import uvicorn

    from pipdocs.web.app import create_app

    logging.getLogger("pipdocs.web").setLevel(logging.INFO)  # outbox mode logs each link

    sock = bind(config.host, config.port)
    config.port = sock.getsockname()[1]
    service = Service(config)
    app = create_app(service)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           proxy_headers=False, server_header=False))
    announce(f"pipdocs serve: listening on {config.base_url()} (data in {config.data_dir};"
             f" root certificate {service.ca_dir / 'root.pem'})")
    if config.host in ("0.0.0.0", "::") and not config.public_url:
        announce("warning: links point to this machine's loopback address; give --public-url"
                 " (HTTPS: the browser's key needs a secure context) so signers can reach them")
    if ready is not None:
        ready(service)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
