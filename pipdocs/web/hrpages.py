"""The HR pages' common parts: the HR user's language (zh or en: the switch's cookie, else
Accept-Language), rendering with the CSRF token of the browser's session, the form CSRF check;
and the refusal-record pages (an employee's decline → 拒签记录, see refusal.py)."""

# No `from __future__ import annotations`: FastAPI resolves the dependencies declared in the
# closures below from their evaluated annotations.

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from pipdocs.web.models import User
from pipdocs.web.security import csrf_ok, csrf_token
from pipdocs.web.service import Service
from pipdocs.web.words import word

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
        lang=lang, csrf=csrf, w=lambda key, **kw: word(key, lang, **kw), **context)
    response.body = html.encode("utf-8")
    response.headers["content-length"] = str(len(response.body))
    return response


def check_form_csrf(service: Service, request: Request, given: str) -> None:
    """Every HR form posts the token of its own session: another site's form cannot."""
    from pipdocs.web.browser import session_of

    if not csrf_ok(service.secret, session_of(request), given):
        raise HTTPException(403, "missing or wrong CSRF token; reload the page")


def refusal_pages(app: FastAPI, service: Service, templates: Jinja2Templates,
                   hr_user: Any) -> None:
    """An employee's decline → the refusal record: the form, pre-filled from the service's own
    facts, where HR adds the witness; then the record goes out to its signers."""
    from pipdocs.core.errors import PipdocsError, PlanInvalid
    from pipdocs.web.browser import client_of
    from pipdocs.web.ceremony import Refused
    from pipdocs.web.refusal import checked_decline, record_refusal

    HrUser = Annotated[User, Depends(hr_user)]

    def page(request: Request, envelope_id: str, status_code: int = 200, **context: Any
             ) -> Response:
        lang = hr_language(request)
        with service.readers() as session:
            try:
                _envelope, decline = checked_decline(service, session, envelope_id)
            except Refused as exc:
                return refused(request, exc)
        return render_page(service, templates, request, "refusal.html", status_code,
                           decline=decline,
                           employee_label=service.policy.role_label("employee", lang),
                           **({"errors": [], "form": {}} | context))

    def refused(request: Request, exc: Refused) -> Response:
        """Why not, on a page (the message follows the declined document's language)."""
        return render_page(service, templates, request, "message.html", exc.status,
                       message=str(exc))

    @app.get("/envelopes/{envelope_id}/refusal", include_in_schema=False)
    def refusal_form(envelope_id: str, request: Request, user: HrUser) -> Response:
        return page(request, envelope_id)

    @app.post("/envelopes/{envelope_id}/refusal", include_in_schema=False)
    def refusal(envelope_id: str, request: Request, user: HrUser,
                csrf: str = Form(max_length=100), witness_name: str = Form("", max_length=300),
                witness_title: str = Form("", max_length=300),
                note: str = Form("", max_length=500)) -> Response:
        check_form_csrf(service, request, csrf)
        form = {"witness_name": witness_name, "witness_title": witness_title, "note": note}
        try:
            record_refusal(service, envelope_id, user, witness_name, witness_title, note,
                           client_of(request))
        except Refused as exc:
            return refused(request, exc)
        except PlanInvalid as exc:
            errors = [f"{p.path}: {p.message}" for p in exc.problems]
            return page(request, envelope_id, 422, errors=errors, form=form)
        except PipdocsError as exc:  # the declined document no longer verifies, a date...
            return page(request, envelope_id, 422, errors=[str(exc)], form=form)
        return RedirectResponse("/", status_code=303)
