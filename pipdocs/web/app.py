"""The web application: its routers (routes/: the signing ceremony, HR's login, HR's pages, the
API), the error handlers and a guard around it all. Server-rendered Jinja2 pages, one static
script, no inline script or style.

Every response carries a strict Content-Security-Policy; every POST needs the CSRF token bound
to the browser's session cookie (HttpOnly, SameSite=Strict); request bodies are bounded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from pipdocs.core.errors import (
    InputError,
    PipdocsError,
    RevocationUnavailable,
    SigningRefused,
    TimestampError,
)
from pipdocs.web import ceremony
from pipdocs.web.mail import MailRefused
from pipdocs.web.security import HEADERS
from pipdocs.web.service import Service

HERE = Path(__file__).parent
MAX_BODY = 64 * 1024  # JSON steps and forms
MAX_UPLOAD = 21 * 1024 * 1024  # the PDF upload (envelopes.MAX_PDF_BYTES + multipart)


class Guard:
    """Plain ASGI around the application (cheaper than Starlette's middleware): answer 413 to a
    request body over the limit before the application reads it, and put the security headers
    on every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        upload = scope["path"] in ("/api/envelopes", "/envelopes")
        limit = MAX_UPLOAD if upload else MAX_BODY
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await _too_large(send)
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return message

        extra = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()
                 if not (k == "Content-Security-Policy" and scope["path"] in ("/docs", "/redoc"))]

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in names]
            await send(message)

        try:
            await self.app(scope, limited, with_headers)
        except _TooLarge:
            await _too_large(with_headers)


class _TooLarge(Exception):
    pass


async def _too_large(send: Any) -> None:
    body = b'{"detail":"request body too large"}'
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def create_app(service: Service) -> FastAPI:
    """The ASGI application for ``service``."""
    app = FastAPI(title="pipdocs signing service", version="1",
                  description="Envelopes of prepared pipdocs PDFs, signed in the browser.")
    app.state.service = service
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(ceremony.Refused)
    async def refused(request: Request, exc: ceremony.Refused) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "state": exc.state, "status": str(exc)},
                            status_code=exc.status)

    @app.exception_handler(PipdocsError)
    async def library_error(request: Request, exc: PipdocsError) -> JSONResponse:
        status = 422 if isinstance(exc, InputError | SigningRefused) else \
            503 if isinstance(exc, TimestampError | RevocationUnavailable | MailRefused) else 500
        return JSONResponse({"detail": str(exc), "state": "error"}, status_code=status)

    from pipdocs.web.routes import api, auth, hr, signing

    for router in (signing.router, auth.router, hr.router, api.router):
        app.include_router(router)
    return Guard(app)  # type: ignore[return-value]
