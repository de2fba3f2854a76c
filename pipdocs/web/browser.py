"""Which browser session is asking: the session cookie (HttpOnly, SameSite=Strict) and the
CSRF check bound to it."""

from __future__ import annotations

from fastapi import Request, Response

from pipdocs.web.ceremony import Refused
from pipdocs.web.security import CSRF_HEADER, SESSION_COOKIE, csrf_ok
from pipdocs.web.service import Service


def session_of(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


def set_session(service: Service, request: Request, response: Response) -> str:
    """The browser's session id (a random cookie); CSRF tokens are bound to it."""
    from pipdocs.web.security import new_token

    session = session_of(request)
    if not session or len(session) > 64:
        session = new_token()
        response.set_cookie(
            SESSION_COOKIE, session, httponly=True, samesite="strict", path="/",
            secure=service.settings.secure_cookies(),
        )
    return session


def require_csrf(service: Service, request: Request) -> str:
    session = session_of(request)
    given = request.headers.get(CSRF_HEADER)
    if not csrf_ok(service.secret, session, given):
        raise Refused("missing or wrong CSRF token; reload the page", "csrf", 403)
    assert session is not None
    return session
