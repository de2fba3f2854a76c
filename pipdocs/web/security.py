"""Secrets of the service: link and API tokens (only their hashes are stored), one-time codes,
CSRF tokens bound to the browser's session cookie, and the response headers every page gets."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 24  # 192 bits: links and API tokens
SESSION_COOKIE = "pipdocs_session"
CSRF_HEADER = "x-csrf-token"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_code() -> str:
    """A 6-digit one-time code (uniform over 000000-999999)."""
    return f"{secrets.randbelow(1_000_000):06d}"


def code_hash(secret: bytes, signer_id: int, code: str) -> str:
    """Keyed, so a database dump alone does not reveal codes by brute force."""
    return hmac.new(secret, f"code:{signer_id}:{code}".encode(), hashlib.sha256).hexdigest()


def csrf_token(secret: bytes, session: str) -> str:
    return hmac.new(secret, f"csrf:{session}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, session: str | None, given: str | None) -> bool:
    if not session or not given:
        return False
    return hmac.compare_digest(csrf_token(secret, session), given)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
