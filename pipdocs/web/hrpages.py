"""The HR pages' common parts: the HR user's language (zh or en: the switch's cookie, else
Accept-Language), rendering with the CSRF token of the browser's session, the form CSRF check."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from pipdocs.web.security import csrf_ok, csrf_token
from pipdocs.web.service import Service
from pipdocs.web.words import kind_name, say, status_name

LANG_COOKIE = "pipdocs_lang"


def hr_language(request: Request) -> str:
    """The HR user's language: the switch's cookie, else the browser's Accept-Language (the
    first of zh or en it names, by preference), else English as before."""
    chosen = request.cookies.get(LANG_COOKIE, "")
    if chosen in ("zh", "en"):
        return chosen
    ranked = []
    for position, item in enumerate(request.headers.get("accept-language", "").split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        quality = params.strip().removeprefix("q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("zh", "en") and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else "en"


def render_page(service: Service, templates: Jinja2Templates, request: Request, name: str,
                status_code: int = 200, **context: Any) -> Response:
    """An HR page in the user's language, with a CSRF token bound to the browser's session."""
    from pipdocs.web.browser import set_session

    response = HTMLResponse("", status_code=status_code)
    csrf = csrf_token(service.secret, set_session(service, request, response))
    lang = hr_language(request)
    html = templates.get_template(name).render(
        lang=lang, csrf=csrf, w=say(lang), kind_word=lambda kind: kind_name(kind, lang),
        status_word=lambda status: status_name(status, lang), **context)
    response.body = html.encode("utf-8")
    response.headers["content-length"] = str(len(response.body))
    return response


def check_form_csrf(service: Service, request: Request, given: str) -> None:
    """Every HR form posts the token of its own session: another site's form cannot."""
    from pipdocs.web.browser import session_of

    if not csrf_ok(service.secret, session_of(request), given):
        raise HTTPException(403, "missing or wrong CSRF token; reload the page")
