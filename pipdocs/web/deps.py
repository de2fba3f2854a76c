"""FastAPI dependencies shared by the routers: the service (made once at start, on the app's
state), a database session for reading, the client for the audit trail, and the current user,
from the HR login cookie (pages) or from a Bearer token (the API)."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from pipdocs.web.access import session_user, token_user
from pipdocs.web.audit import Client
from pipdocs.web.models import User
from pipdocs.web.service import Service

HR_COOKIE = "pipdocs_hr"
bearer = HTTPBearer(auto_error=False)


def get_service(request: Request) -> Service:
    return request.app.state.service  # type: ignore[no-any-return]


def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates  # type: ignore[no-any-return]


ServiceDep = Annotated[Service, Depends(get_service)]
Templates = Annotated[Jinja2Templates, Depends(get_templates)]


def reader(service: ServiceDep) -> Iterator[Session]:
    """A session for a request that only reads (it does not wait for the writers' lock)."""
    with service.readers() as session:
        yield session


Reader = Annotated[Session, Depends(reader)]


def client_of(request: Request) -> Client:
    """Who is on the other end, for the audit trail."""
    return Client(request.client.host if request.client else "",
                  request.headers.get("user-agent", "")[:500])


ClientDep = Annotated[Client, Depends(client_of)]


def hr_user(request: Request, service: ServiceDep) -> User:
    """The logged-in HR user (a session the server still holds), else to the login page."""
    user = session_user(service.readers, request.cookies.get(HR_COOKIE, ""))
    if user is None:
        raise HTTPException(303, headers={"Location": "/login"})
    return user


def api_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    service: ServiceDep,
) -> User:
    """The HR user a valid, unrevoked API token acts for, else 401."""
    if credentials is not None and credentials.scheme.lower() == "bearer":
        user = token_user(service.readers, credentials.credentials)
        if user is not None:
            return user
    raise HTTPException(401, "a valid API token is required (pipdocs serve token)",
                        headers={"WWW-Authenticate": "Bearer"})


HrUser = Annotated[User, Depends(hr_user)]
ApiUser = Annotated[User, Depends(api_user)]
