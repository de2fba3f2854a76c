"""HR's side: users (argon2 password hashes), API tokens, login, the envelope list with status,
downloads, cancel and resend, recording an employee's decline as a refusal record (refusal.py);
and the JSON API for HR systems (Bearer token, OpenAPI at /docs). The pages are in the HR user's
language (zh or en), the signing pages in the document's.
"""

# No `from __future__ import annotations`: FastAPI resolves the dependencies declared in the
# closures below from their evaluated annotations.

import hashlib
import hmac
import time
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipdocs.core.errors import InputError, PipdocsError, PlanInvalid
from pipdocs.web.hrpages import (
    LANG_COOKIE,
    check_form_csrf,
    hr_language,
    refusal_pages,
    render_page,
)
from pipdocs.web.models import ApiToken, User
from pipdocs.web.security import new_token, token_hash
from pipdocs.web.service import Service, now
from pipdocs.web.words import word

HR_COOKIE = "pipdocs_hr"
HR_HOURS = 8
bearer = HTTPBearer(auto_error=False)


class WitnessBody(BaseModel):
    name: str = Field(max_length=300)
    title: str = Field(max_length=300)


class RefusalBody(BaseModel):
    """What HR adds to the service's facts of a decline (the rest is not theirs to say)."""

    witness: WitnessBody
    note: str = Field(default="", max_length=500)  # more on delivery, e.g. handed over in person


# --- users and tokens (also used by `pipdocs serve user add` / `serve token`) ---------------------


def add_user(sessions: sessionmaker[Session], email: str, password: str) -> User:
    from argon2 import PasswordHasher

    email = email.strip()
    if "@" not in email or len(email) > 254:
        raise InputError(f"--email '{email}' is not an e-mail address")
    if len(password) < 10:
        raise InputError("the password must have at least 10 characters")
    with sessions.begin() as session:
        user = session.scalars(select(User).where(User.email == email)).one_or_none()
        digest = PasswordHasher().hash(password)
        if user is None:
            user = User(email=email, password_hash=digest, created_at=now())
            session.add(user)
        else:
            user.password_hash = digest
        return user


def check_password(sessions: sessionmaker[Session], email: str, password: str) -> User | None:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    with sessions() as session:
        user = session.scalars(select(User).where(User.email == email.strip())).one_or_none()
    try:
        if user is not None and PasswordHasher().verify(user.password_hash, password):
            return user
    except (VerificationError, InvalidHashError):
        pass
    return None


def make_token(sessions: sessionmaker[Session], email: str) -> str:
    """A new API token for an HR user (created without a password if missing: the token is
    then the only way in until ``serve user add`` sets one)."""
    token = new_token()
    with sessions.begin() as session:
        user = session.scalars(select(User).where(User.email == email.strip())).one_or_none()
        if user is None:
            if "@" not in email:
                raise InputError(f"--email '{email}' is not an e-mail address")
            user = User(email=email.strip(), password_hash="!", created_at=now())
            session.add(user)
            session.flush()
        session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), created_at=now()))
    return token


def _login_cookie(secret: bytes, user_id: int) -> str:
    expires = int(time.time()) + HR_HOURS * 3600
    body = f"{user_id}.{expires}"
    return body + "." + hmac.new(secret, f"hr:{body}".encode(), hashlib.sha256).hexdigest()


def _login_user(service: Service, request: Request) -> User | None:
    value = request.cookies.get(HR_COOKIE, "")
    parts = value.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    body = f"{parts[0]}.{parts[1]}"
    good = hmac.new(service.secret, f"hr:{body}".encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(good, parts[2]) or int(parts[1]) < time.time():
        return None
    with service.readers() as session:
        return session.get(User, int(parts[0]))


def add_hr_routes(app: FastAPI, service: Service, templates: Jinja2Templates) -> None:
    _api_routes(app, service)
    _page_routes(app, service, templates)


# --- JSON API -------------------------------------------------------------------------------------


def _api_routes(app: FastAPI, service: Service) -> None:
    from pipdocs.web.browser import client_of

    def api_user(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> User:
        if credentials is not None and credentials.scheme.lower() == "bearer":
            with service.readers() as session:
                row = session.scalars(select(ApiToken).where(
                    ApiToken.token_hash == token_hash(credentials.credentials))).one_or_none()
                user = session.get(User, row.user_id) if row else None
            if user is not None:
                return user
        raise HTTPException(401, "a valid API token is required (pipdocs serve token)",
                            headers={"WWW-Authenticate": "Bearer"})

    ApiUser = Annotated[User, Depends(api_user)]

    @app.post("/api/envelopes", status_code=201, tags=["envelopes"])
    def create(
        user: ApiUser, request: Request, file: Annotated[UploadFile, File()]
    ) -> dict[str, Any]:
        """Create an envelope for a prepared pipdocs PDF; the first signer's link is mailed."""
        envelope = service.create_envelope(file.file.read(), user, client_of(request))
        return _json(service, envelope.id)

    @app.get("/api/envelopes", tags=["envelopes"])
    def listing(user: ApiUser) -> list[dict[str, Any]]:
        with service.readers() as session:
            return [service.envelope_json(e) for e in service.list_envelopes(session)]

    @app.get("/api/envelopes/{envelope_id}", tags=["envelopes"])
    def read(envelope_id: str, user: ApiUser) -> dict[str, Any]:
        return _json(service, envelope_id)

    @app.get("/api/envelopes/{envelope_id}/document", tags=["envelopes"],
             response_class=Response)
    def document(envelope_id: str, user: ApiUser) -> Response:
        """The current PDF (the final one once completed)."""
        return _document(service, envelope_id)

    @app.post("/api/envelopes/{envelope_id}/cancel", tags=["envelopes"])
    def cancel(envelope_id: str, user: ApiUser, request: Request) -> dict[str, Any]:
        if service.cancel(envelope_id, user, client_of(request)) is None:
            raise HTTPException(404, "no such envelope")
        return _json(service, envelope_id)

    @app.post("/api/envelopes/{envelope_id}/resend", tags=["envelopes"])
    def resend(envelope_id: str, user: ApiUser, request: Request) -> dict[str, Any]:
        if service.resend(envelope_id, user, client_of(request)) is None:
            raise HTTPException(404, "no such envelope")
        return _json(service, envelope_id)

    _refusal_api(app, service, ApiUser)


def _refusal_api(app: FastAPI, service: Service, ApiUser: Any) -> None:  # noqa: N803
    """POST /api/envelopes/{id}/refusal: the HR page's "record the refusal", for HR systems."""
    from pipdocs.web.browser import client_of

    @app.post("/api/envelopes/{envelope_id}/refusal", status_code=201, tags=["envelopes"])
    def refusal(envelope_id: str, body: RefusalBody, user: ApiUser, request: Request
                ) -> dict[str, Any]:
        """Record the employee's decline of this envelope as a refusal record (拒签记录) and
        send it to its signers (manager, then HR). The date, the document, how it was
        delivered and the reason come from the service; you give the witness. Answers 409
        unless the employee declined and no record is in progress or signed."""
        from pipdocs.web.ceremony import Refused
        from pipdocs.web.refusal import record_refusal

        try:
            envelope = record_refusal(service, envelope_id, user, body.witness.name,
                                      body.witness.title, body.note, client_of(request))
        except Refused:
            raise
        except PlanInvalid as exc:
            raise HTTPException(422, [{"path": p.path, "message": p.message}
                                      for p in exc.problems]) from exc
        except PipdocsError as exc:
            raise HTTPException(422, str(exc)) from exc
        return _json(service, envelope.id)


def _json(service: Service, envelope_id: str) -> dict[str, Any]:
    with service.readers() as session:
        envelope = service.get_envelope(session, envelope_id)
        if envelope is None:
            raise HTTPException(404, "no such envelope")
        return service.envelope_json(envelope)


def _document(service: Service, envelope_id: str) -> Response:
    with service.readers() as session:
        envelope = service.get_envelope(session, envelope_id)
        if envelope is None:
            raise HTTPException(404, "no such envelope")
        data = service.read_document(envelope)
        name = f"{envelope.plan_id}-{envelope.status}.pdf"
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- HR pages -------------------------------------------------------------------------------------


def _page_routes(app: FastAPI, service: Service, templates: Jinja2Templates) -> None:
    """Login and logout; the envelope pages are in _envelope_pages."""

    def render(request: Request, name: str, **context: Any) -> Response:
        return render_page(service, templates, request, name, **context)

    def form_csrf(request: Request, given: str) -> None:
        check_form_csrf(service, request, given)

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request) -> Response:
        return render(request, "login.html", error="")

    @app.post("/login", include_in_schema=False)
    def login(request: Request, email: str = Form(max_length=254),
              password: str = Form(max_length=200), csrf: str = Form(max_length=100)) -> Response:
        form_csrf(request, csrf)
        user = check_password(service.sessions, email, password)
        if user is None:
            return render(request, "login.html",
                          error=word("hr_wrong_login", hr_language(request)))
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(HR_COOKIE, _login_cookie(service.secret, user.id), httponly=True,
                            samesite="strict", max_age=HR_HOURS * 3600,
                            secure=service.config.base_url().startswith("https://"))
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form(max_length=100)) -> Response:
        form_csrf(request, csrf)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(HR_COOKIE)
        return response

    @app.get("/language/{lang}", include_in_schema=False)
    def language(lang: str, back: str = "") -> Response:
        """The switch: remember the HR user's language (a preference, not a state change)."""
        response = RedirectResponse("/login" if back == "login" else "/", status_code=303)
        if lang in ("zh", "en"):
            response.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="strict",
                                max_age=365 * 86400,
                                secure=service.config.base_url().startswith("https://"))
        return response

    _envelope_pages(app, service, templates)


def _envelope_pages(app: FastAPI, service: Service, templates: Jinja2Templates) -> None:
    """The list with status, upload, download, resend and cancel, for a logged-in HR user."""
    from pipdocs.web.browser import client_of

    def render(request: Request, name: str, **context: Any) -> Response:
        return render_page(service, templates, request, name, **context)

    def form_csrf(request: Request, given: str) -> None:
        check_form_csrf(service, request, given)

    def hr_user(request: Request) -> User:
        user = _login_user(service, request)
        if user is None:
            raise HTTPException(303, headers={"Location": "/login"})
        return user

    HrUser = Annotated[User, Depends(hr_user)]

    @app.get("/", include_in_schema=False)
    def envelopes(request: Request, user: HrUser) -> Response:
        from pipdocs.web.refusal import decline_of

        with service.readers() as session:
            rows = service.list_envelopes(session)
            declines = {row.id: decline_of(service, session, row) for row in rows
                        if row.status == "declined"}  # also loads the signers
            for row in rows:
                _ = row.signers  # load while the session is open
        by_id = {row.id: row for row in rows}
        return render(request, "envelopes.html", user=user, envelopes=rows, error="",
                      declines=declines, by_id=by_id,
                      refusals={r.refusal_of: r for r in rows if r.refusal_of},
                      role_label=service.policy.role_label)

    refusal_pages(app, service, templates, hr_user)

    @app.post("/envelopes", include_in_schema=False)
    def upload(request: Request, user: HrUser, file: Annotated[UploadFile, File()],
               csrf: str = Form(max_length=100)) -> Response:
        form_csrf(request, csrf)
        service.create_envelope(file.file.read(), user, client_of(request))
        return RedirectResponse("/", status_code=303)

    @app.get("/envelopes/{envelope_id}/document", include_in_schema=False)
    def download(envelope_id: str, user: HrUser) -> Response:
        return _document(service, envelope_id)

    @app.post("/envelopes/{envelope_id}/{action}", include_in_schema=False)
    def act(envelope_id: str, action: str, request: Request, user: HrUser,
            csrf: str = Form(max_length=100)) -> Response:
        form_csrf(request, csrf)
        if action == "cancel":
            service.cancel(envelope_id, user, client_of(request))
        elif action == "resend":
            service.resend(envelope_id, user, client_of(request))
        else:
            raise HTTPException(404)
        return RedirectResponse("/", status_code=303)

