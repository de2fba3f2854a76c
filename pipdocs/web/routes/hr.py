"""HR's pages, for a logged-in HR user in their language (zh or en): the list of their
envelopes with status (an admin's: all), upload, download, resend and cancel, and recording an
employee's decline as a refusal record (拒签记录, see refusal.py). Every form posts the CSRF
token of its own session. Another user's envelope does not exist here (404)."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from pipdocs.core.errors import PipdocsError, PlanInvalid
from pipdocs.web import envelopes as env
from pipdocs.web.ceremony import Refused
from pipdocs.web.deps import ClientDep, HrUser, Reader, ServiceDep, Templates
from pipdocs.web.hrpages import check_form_csrf, hr_language, render_page
from pipdocs.web.models import User
from pipdocs.web.refusal import checked_decline, decline_of, record_refusal
from pipdocs.web.routes.api import document_response
from pipdocs.web.service import Service

router = APIRouter(include_in_schema=False)


@router.get("/")
def envelope_list(request: Request, user: HrUser, session: Reader, service: ServiceDep,
                  templates: Templates) -> Response:
    rows = env.list_envelopes(session, user)
    declines = {row.id: decline_of(service, session, row) for row in rows
                if row.status == "declined"}  # also loads the signers
    for row in rows:
        _ = row.signers  # load while the session is open
    by_id = {row.id: row for row in rows}
    return render_page(service, templates, request, "envelopes.html", user=user, envelopes=rows,
                       error="", declines=declines, by_id=by_id,
                       refusals={r.refusal_of: r for r in rows if r.refusal_of},
                       role_label=service.policy.role_label)


@router.post("/envelopes")
def upload(request: Request, user: HrUser, service: ServiceDep, client: ClientDep,
           file: Annotated[UploadFile, File()], csrf: str = Form(max_length=100)) -> Response:
    check_form_csrf(service, request, csrf)
    env.create_envelope(service, file.file.read(), user, client)
    return RedirectResponse("/", status_code=303)


@router.get("/envelopes/{envelope_id}/document")
def download(envelope_id: str, user: HrUser, session: Reader, service: ServiceDep) -> Response:
    return document_response(service, session, user, envelope_id)


def _refusal_page(service: Service, templates: Any, request: Request, user: User,
                  envelope_id: str, status_code: int = 200, **context: Any) -> Response:
    """The refusal form, pre-filled from the service's own facts, where HR adds the witness."""
    lang = hr_language(request)
    with service.readers() as session:
        try:
            _envelope, decline = checked_decline(service, session, envelope_id, user)
        except Refused as exc:
            return _refused(service, templates, request, exc)
    return render_page(service, templates, request, "refusal.html", status_code,
                       decline=decline,
                       employee_label=service.policy.role_label("employee", lang),
                       **({"errors": [], "form": {}} | context))


def _refused(service: Service, templates: Any, request: Request, exc: Refused) -> Response:
    """Why not, on a page (the message follows the declined document's language)."""
    return render_page(service, templates, request, "message.html", exc.status,
                       message=str(exc))


@router.get("/envelopes/{envelope_id}/refusal")
def refusal_form(envelope_id: str, request: Request, user: HrUser, service: ServiceDep,
                 templates: Templates) -> Response:
    return _refusal_page(service, templates, request, user, envelope_id)


@router.post("/envelopes/{envelope_id}/refusal")
def refusal(envelope_id: str, request: Request, user: HrUser, service: ServiceDep,
            templates: Templates, client: ClientDep, csrf: str = Form(max_length=100),
            witness_name: str = Form("", max_length=300),
            witness_title: str = Form("", max_length=300),
            note: str = Form("", max_length=500)) -> Response:
    check_form_csrf(service, request, csrf)
    form = {"witness_name": witness_name, "witness_title": witness_title, "note": note}
    try:
        record_refusal(service, envelope_id, user, witness_name, witness_title, note, client)
    except Refused as exc:
        return _refused(service, templates, request, exc)
    except PlanInvalid as exc:
        errors = [f"{p.path}: {p.message}" for p in exc.problems]
        return _refusal_page(service, templates, request, user, envelope_id, 422,
                             errors=errors, form=form)
    except PipdocsError as exc:  # the declined document no longer verifies, a date...
        return _refusal_page(service, templates, request, user, envelope_id, 422,
                             errors=[str(exc)], form=form)
    return RedirectResponse("/", status_code=303)


@router.post("/envelopes/{envelope_id}/{action}")
def act(envelope_id: str, action: str, request: Request, user: HrUser, service: ServiceDep,
        client: ClientDep, csrf: str = Form(max_length=100)) -> Response:
    check_form_csrf(service, request, csrf)
    if action == "cancel":
        done = env.cancel(service, envelope_id, user, client)
    elif action == "resend":
        done = env.resend(service, envelope_id, user, client)
    else:
        raise HTTPException(404)
    if done is None:
        raise HTTPException(404)
    return RedirectResponse("/", status_code=303)
