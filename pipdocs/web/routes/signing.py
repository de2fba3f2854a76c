"""The signing page behind each link and its JSON steps (code, start, finish, decline). Every
POST needs the CSRF token bound to the browser's session cookie."""

import base64
import binascii

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel, Field

from pipdocs.core.i18n import tr_in
from pipdocs.web import ceremony
from pipdocs.web.browser import require_csrf, session_of, set_session
from pipdocs.web.deps import ClientDep, ServiceDep, Templates
from pipdocs.web.security import csrf_token
from pipdocs.web.words import say, title

router = APIRouter(prefix="/s/{token}", include_in_schema=False)


class StartBody(BaseModel):
    code: str = Field(max_length=12)
    public_key: str = Field(max_length=1200)  # base64 SPKI: P-256 is 124 chars, RSA-4096 ~750
    agree: bool | None = None
    comment: str = Field(default="", max_length=500)  # policy.MAX_COMMENT


class FinishBody(BaseModel):
    signature: str = Field(max_length=1200)


class DeclineBody(BaseModel):
    reason: str = Field(max_length=2000)
    code: str = Field("", max_length=12)  # optional: proves the decliner controls the address


@router.get("", response_class=HTMLResponse)
def signing_page(token: str, request: Request, service: ServiceDep, templates: Templates,
                 client: ClientDep) -> Response:
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
        ceremony.opened(service, token, client)
    pages: list[int] = []
    if envelope is not None and seen.state in ("ready", "waiting"):
        from pipdocs.web.pages import page_images

        pages = list(range(1, len(page_images(service.document_path(envelope))) + 1))
    html = templates.get_template("sign.html").render(
        lang=lang, w=say(lang), token=token, csrf=csrf,
        state=seen.state, status=seen.status, pages=pages,
        title=title(envelope.kind if envelope else None),
        plan_id=envelope.plan_id if envelope else None,
        role=signer.role if signer else None, signer_name=signer.name if signer else "",
        role_label=service.policy.role_label(signer.role, lang) if signer else "",
    )
    response.body = html.encode("utf-8")
    response.headers["content-length"] = str(len(response.body))
    response.status_code = {"unknown": 404, "expired": 410}.get(seen.state, 200)
    return response


@router.get("/pages/{number}.png")
def page_image(token: str, number: int, service: ServiceDep) -> Response:
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


@router.post("/code")
def send_code(token: str, request: Request, service: ServiceDep,
              client: ClientDep) -> dict[str, str]:
    require_csrf(service, request)
    email = ceremony.request_code(service, token, client)
    with service.readers() as session:
        _signer, envelope = ceremony.find(session, token)
    lang = envelope.language if envelope else "en"
    sent = tr_in(lang, "A code was sent to {email}; it is valid for 10 minutes.")
    return {"message": sent.format(email=_mask(email))}


@router.post("/start")
def start(token: str, body: StartBody, request: Request, service: ServiceDep,
          client: ClientDep) -> dict[str, str]:
    session_id = require_csrf(service, request)
    attrs = ceremony.start_signing(
        service, token, session_id, code=body.code, public_key=_b64(body.public_key),
        agree=body.agree, comment=body.comment, client=client)
    return {"signed_attrs": base64.b64encode(attrs).decode()}


@router.post("/finish")
def finish(token: str, body: FinishBody, request: Request, service: ServiceDep,
           client: ClientDep) -> dict[str, str]:
    session_id = require_csrf(service, request)
    seen = ceremony.finish_signing(service, token, session_id, _b64(body.signature), client)
    return {"state": seen.state, "status": seen.status}


@router.post("/decline")
def decline(token: str, body: DeclineBody, request: Request, service: ServiceDep,
            client: ClientDep) -> dict[str, str]:
    session_id = require_csrf(service, request)
    seen = ceremony.decline(service, token, session_id, body.reason, client, code=body.code)
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
