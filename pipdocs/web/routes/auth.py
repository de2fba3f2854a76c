"""HR's login and logout, and the language switch. A login is a session the server keeps (the
cookie holds a random token; logout revokes it there). Attempts are limited per account and per
client address (access.py): past the limit the page answers 429, without checking the password.
"""

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from pipdocs.core.i18n import tr_in
from pipdocs.web import access
from pipdocs.web.deps import HR_COOKIE, ClientDep, ServiceDep, Templates
from pipdocs.web.hrpages import LANG_COOKIE, check_form_csrf, hr_language, render_page

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(request: Request, service: ServiceDep, templates: Templates) -> Response:
    return render_page(service, templates, request, "login.html", error="")


@router.post("/login")
def login(request: Request, service: ServiceDep, templates: Templates, client: ClientDep,
          email: str = Form(max_length=254), password: str = Form(max_length=200),
          csrf: str = Form(max_length=100)) -> Response:
    check_form_csrf(service, request, csrf)
    lang = hr_language(request)
    attempt = access.admit_attempt(service.sessions, email, client.ip)
    if attempt is None:
        return render_page(service, templates, request, "login.html", 429,
                           error=tr_in(lang, "Too many failed logins; try again in {minutes}"
                                             " minutes").format(
                               minutes=str(access.ATTEMPT_MINUTES)))
    user = access.check_password(service.sessions, email, password)
    if user is None:
        return render_page(service, templates, request, "login.html",
                           error=tr_in(lang, "Wrong e-mail or password"))
    access.attempt_succeeded(service.sessions, attempt, email)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(HR_COOKIE, access.start_session(service.sessions, user), httponly=True,
                        samesite="strict", max_age=access.SESSION_HOURS * 3600,
                        secure=service.settings.secure_cookies())
    return response


@router.post("/logout")
def logout(request: Request, service: ServiceDep, csrf: str = Form(max_length=100)) -> Response:
    check_form_csrf(service, request, csrf)
    access.end_session(service.sessions, request.cookies.get(HR_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(HR_COOKIE)
    return response


@router.get("/language/{lang}")
def language(lang: str, service: ServiceDep, back: str = "") -> Response:
    """The switch: remember the HR user's language (a preference, not a state change)."""
    response = RedirectResponse("/login" if back == "login" else "/", status_code=303)
    if lang in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="strict",
                            max_age=365 * 86400, secure=service.settings.secure_cookies())
    return response
