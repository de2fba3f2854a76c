"""The web application: the signing page behind each link and its JSON steps; HR pages and the
API are in hr.py. Server-rendered Jinja2 pages, one static script, no inline script or style.

Every response carries a strict Content-Security-Policy; every POST needs the CSRF token bound
to the browser's session cookie (HttpOnly, SameSite=Strict); request bodies are bounded.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from pipdocs.core.errors import (
    InputError,
    PipdocsError,
    RevocationUnavailable,
    SigningRefused,
    TimestampError,
)
from pipdocs.web import ceremony
from pipdocs.web.browser import client_of, require_csrf, session_of, set_session
from pipdocs.web.security import HEADERS, csrf_token
from pipdocs.web.service import Service
from pipdocs.web.words import word

HERE = Path(__file__).parent
MAX_BODY = 64 * 1024  # JSON steps and forms
MAX_UPLOAD = 21 * 1024 * 1024  # the PDF upload (service.MAX_PDF_BYTES plus multipart framing)


class StartBody(BaseModel):
    code: str = Field(max_length=12)
    public_key: str = Field(max_length=1200)  # base64 SPKI: P-256 is 124 chars, RSA-4096 ~750
    agree: bool | None = None
    comment: str = Field(default="", max_length=500)  # policy.MAX_COMMENT


class FinishBody(BaseModel):
    signature: str = Field(max_length=1200)


class DeclineBody(BaseModel):
    reason: str = Field(max_length=2000)


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
            503 if isinstance(exc, TimestampError | RevocationUnavailable) else 500
        return JSONResponse({"detail": str(exc), "state": "error"}, status_code=status)

    _signer_routes(app, service, templates)
    from pipdocs.web.hr import add_hr_routes

    add_hr_routes(app, service, templates)
    return Guard(app)  # type: ignore[return-value]


def _signer_routes(app: FastAPI, service: Service, templates: Jinja2Templates) -> None:
    @app.get("/s/{token}", response_class=HTMLResponse, include_in_schema=False)
    def signing_page(token: str, request: Request) -> Response:
        with service.readers() as session:
            signer, envelope = ceremony.find(session, token)
            seen = ceremony.view(service, signer, envelope)
            _ = envelope and envelope.signers
        lang = envelope.language if envelope else "zh"
        response = Response(media_type="text/html")
        new_browser = session_of(request) is None
        csrf = csrf_token(service.secret, set_session(service, request, response))
        if new_browser and seen.state == "ready" and signer is not None and envelope is not None:
            # once per browser (not per reload); recorded before the page is sent, so that the
            # audit trail's order is the real one (a decline can never precede its "opened")
            ceremony.opened(service, token, client_of(request))
        pages: list[int] = []
        if envelope is not None and seen.state in ("ready", "waiting"):
            from pipdocs.web.pages import page_images

            pages = list(range(1, len(page_images(service.document_path(envelope))) + 1))
        html = templates.get_template("sign.html").render(
            lang=lang, w=lambda key, **kw: word(key, lang, **kw), token=token, csrf=csrf,
            state=seen.state, status=seen.status, pages=pages,
            title="title" if envelope is None or envelope.kind == "plan"
            else f"title_{envelope.kind}",
            plan_id=envelope.plan_id if envelope else None,
            role=signer.role if signer else None, signer_name=signer.name if signer else "",
            role_label=service.policy.role_label(signer.role, lang) if signer else "",
        )
        response.body = html.encode("utf-8")
        response.headers["content-length"] = str(len(response.body))
        response.status_code = {"unknown": 404, "expired": 410}.get(seen.state, 200)
        return response

    @app.get("/s/{token}/pages/{number}.png", include_in_schema=False)
    def page_image(token: str, number: int) -> Response:
        from pipdocs.web.pages import page_images

        with service.readers() as session:
            signer, envelope = ceremony.find(session, token)
            seen = ceremony.view(service, signer, envelope)
        if envelope is None or seen.state not in ("ready", "waiting"):
            return Response(status_code=404)
        images = page_images(service.document_path(envelope))
        if not 1 <= number <= len(images):
            return Response(status_code=404)
        return FileResponse(images[number - 1], media_type="image/png")

    _step_routes(app, service)


def _step_routes(app: FastAPI, service: Service) -> None:
    """The page's JSON steps: code, start (certificate + signed attributes), finish, decline."""

    @app.post("/s/{token}/code", include_in_schema=False)
    def send_code(token: str, request: Request) -> dict[str, str]:
        require_csrf(service, request)
        email = ceremony.request_code(service, token, client_of(request))
        with service.readers() as session:
            _signer, envelope = ceremony.find(session, token)
        lang = envelope.language if envelope else "en"
        return {"message": word("code_sent", lang, email=_mask(email))}

    @app.post("/s/{token}/start", include_in_schema=False)
    def start(token: str, body: StartBody, request: Request) -> dict[str, str]:
        session_id = require_csrf(service, request)
        attrs = ceremony.start_signing(
            service, token, session_id, code=body.code, public_key=_b64(body.public_key),
            agree=body.agree, comment=body.comment, client=client_of(request))
        return {"signed_attrs": base64.b64encode(attrs).decode()}

    @app.post("/s/{token}/finish", include_in_schema=False)
    def finish(token: str, body: FinishBody, request: Request) -> dict[str, str]:
        session_id = require_csrf(service, request)
        seen = ceremony.finish_signing(service, token, session_id, _b64(body.signature),
                                       client_of(request))
        return {"state": seen.state, "status": seen.status}

    @app.post("/s/{token}/decline", include_in_schema=False)
    def decline(token: str, body: DeclineBody, request: Request) -> dict[str, str]:
        session_id = require_csrf(service, request)
        seen = ceremony.decline(service, token, session_id, body.reason, client_of(request))
        return {"state": seen.state, "status": seen.status}


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ceremony.Refused("not base64", "invalid", 400) from exc


def _mask(email: str) -> str:
    """j***@example.com: enough to recognise one's own address, not to harvest it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
