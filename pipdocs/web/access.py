"""Who may use the HR side: users (argon2 password hashes, an admin flag), API tokens (named,
revocable), login sessions kept on the server (logout revokes them), and the login attempt
limit, counted in the database per account and per client address so that every server process
sees the same count.

Secrets are never stored: tokens and session cookies are kept as SHA-256 hashes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.orm import Session, sessionmaker

from pipdocs.core.errors import InputError
from pipdocs.web.clock import aware, now
from pipdocs.web.models import ApiToken, LoginAttempt, LoginSession, User
from pipdocs.web.security import new_token, token_hash

SESSION_HOURS = 8
ATTEMPT_MINUTES = 15
ATTEMPTS_PER_ACCOUNT = 5  # failures within ATTEMPT_MINUTES before the account answers 429
ATTEMPTS_PER_ADDRESS = 20  # from one client address, over all accounts (an office shares one)


@dataclass(frozen=True)
class IssuedToken:
    id: int
    value: str  # shown once; only its hash is kept


# --- users ----------------------------------------------------------------------------------


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email.strip())).one_or_none()


def add_user(sessions: sessionmaker[Session], email: str, password: str,
             admin: bool | None = None) -> User:
    """Add an HR user or set their password; ``admin`` True/False sets the role, None keeps
    it (a new user is not an admin)."""
    from argon2 import PasswordHasher

    email = email.strip()
    if "@" not in email or len(email) > 254:
        raise InputError(f"--email '{email}' is not an e-mail address")
    if len(password) < 10:
        raise InputError("the password must have at least 10 characters")
    with sessions.begin() as session:
        user = find_user(session, email)
        digest = PasswordHasher().hash(password)
        if user is None:
            user = User(email=email, password_hash=digest, created_at=now(), is_admin=False)
            session.add(user)
        else:
            user.password_hash = digest
        if admin is not None:
            user.is_admin = admin
        return user


def check_password(sessions: sessionmaker[Session], email: str, password: str) -> User | None:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    with sessions() as session:
        user = find_user(session, email)
    try:
        if user is not None and PasswordHasher().verify(user.password_hash, password):
            return user
    except (VerificationError, InvalidHashError):
        pass
    return None


# --- API tokens -----------------------------------------------------------------------------


def issue_token(sessions: sessionmaker[Session], email: str,
                name: str | None = None) -> IssuedToken:
    """A new API token for an HR user (created without a password if missing: the token is
    then the only way in until ``serve user add`` sets one)."""
    value = new_token()
    with sessions.begin() as session:
        user = find_user(session, email)
        if user is None:
            if "@" not in email:
                raise InputError(f"--email '{email}' is not an e-mail address")
            user = User(email=email.strip(), password_hash="!", created_at=now(), is_admin=False)
            session.add(user)
            session.flush()
        row = ApiToken(user_id=user.id, token_hash=token_hash(value), created_at=now(),
                       name=(name or "").strip()[:100] or None)
        session.add(row)
        session.flush()
        return IssuedToken(row.id, value)


def make_token(sessions: sessionmaker[Session], email: str) -> str:
    """``issue_token``'s value alone."""
    return issue_token(sessions, email).value


def revoke_token(sessions: sessionmaker[Session], ident: str) -> list[int]:
    """Revoke the API token(s) with this id or name; returns the ids revoked now (InputError
    if none matches: a typo must not look like success)."""
    with sessions.begin() as session:
        match = ApiToken.name == ident.strip()
        if ident.strip().isdigit():
            match = or_(match, ApiToken.id == int(ident))
        rows = list(session.scalars(select(ApiToken).where(match)))
        if not rows:
            raise InputError(f"--revoke '{ident}': no API token has this id or name")
        fresh = [r for r in rows if r.revoked_at is None]
        for row in fresh:
            row.revoked_at = now()
        return [r.id for r in fresh]


def list_tokens(readers: sessionmaker[Session]) -> list[tuple[ApiToken, str]]:
    """Every API token (never its value) with its user's e-mail, oldest first."""
    with readers() as session:
        rows = session.execute(select(ApiToken, User.email).join(
            User, User.id == ApiToken.user_id).order_by(ApiToken.id)).all()
        return [(token, email) for token, email in rows]


def token_user(readers: sessionmaker[Session], value: str) -> User | None:
    """The user a Bearer token acts for, unless unknown or revoked."""
    with readers() as session:
        row = session.scalars(select(ApiToken).where(
            ApiToken.token_hash == token_hash(value))).one_or_none()
        if row is None or row.revoked_at is not None:
            return None
        return session.get(User, row.user_id)


# --- login sessions -------------------------------------------------------------------------


def start_session(sessions: sessionmaker[Session], user: User) -> str:
    """A new login: the cookie's value (random), kept as its hash with an expiry (expired
    logins are dropped on the way)."""
    value = new_token()
    with sessions.begin() as session:
        session.execute(delete(LoginSession).where(LoginSession.expires_at < now()))
        session.add(LoginSession(token_hash=token_hash(value), user_id=user.id,
                                 created_at=now(),
                                 expires_at=now() + timedelta(hours=SESSION_HOURS)))
    return value


def session_user(readers: sessionmaker[Session], value: str) -> User | None:
    """The user of a login cookie, unless unknown, expired or logged out."""
    if not value or len(value) > 64:
        return None
    with readers() as session:
        row = session.scalars(select(LoginSession).where(
            LoginSession.token_hash == token_hash(value))).one_or_none()
        expires = aware(row.expires_at) if row is not None else None
        if row is None or row.revoked_at is not None or expires is None or expires < now():
            return None
        return session.get(User, row.user_id)


def end_session(sessions: sessionmaker[Session], value: str) -> None:
    """Logout: the cookie's session is revoked on the server."""
    if not value or len(value) > 64:
        return
    with sessions.begin() as session:
        row = session.scalars(select(LoginSession).where(
            LoginSession.token_hash == token_hash(value))).one_or_none()
        if row is not None and row.revoked_at is None:
            row.revoked_at = now()


# --- the login attempt limit ----------------------------------------------------------------


def admit_attempt(sessions: sessionmaker[Session], email: str, ip: str) -> int | None:
    """Count this login attempt before its password is checked (so parallel guesses are all
    counted); returns the attempt's id, or None when the account or the address has had too
    many failures lately and the attempt must be refused without checking the password."""
    email, since = email.strip().lower()[:254], now() - timedelta(minutes=ATTEMPT_MINUTES)
    with sessions.begin() as session:
        if session.get_bind().dialect.name == "postgresql":  # SQLite: BEGIN IMMEDIATE does it
            session.execute(text("SELECT pg_advisory_xact_lock(716872)"))  # exact counts
        recent = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since)
        by_account = session.scalar(recent.where(LoginAttempt.email == email)) or 0
        by_address = session.scalar(recent.where(LoginAttempt.ip == ip[:64])) or 0
        if by_account >= ATTEMPTS_PER_ACCOUNT or by_address >= ATTEMPTS_PER_ADDRESS:
            return None
        row = LoginAttempt(email=email, ip=ip[:64], at=now())
        session.add(row)
        session.flush()
        return row.id


def attempt_succeeded(sessions: sessionmaker[Session], attempt: int, email: str) -> None:
    """A right password: this attempt and the account's earlier failures no longer count
    (the address's failures on other accounts still do)."""
    with sessions.begin() as session:
        session.execute(delete(LoginAttempt).where(or_(
            LoginAttempt.id == attempt, LoginAttempt.email == email.strip().lower())))
        old = now() - timedelta(minutes=ATTEMPT_MINUTES)
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < old))
