"""The service's tables (SQLAlchemy 2). Alembic migrations in ``migrations/`` create them.

Secrets are never stored: link tokens, API tokens and one-time codes are kept as SHA-256 hashes,
passwords as argon2 hashes. ``events`` is append-only and hash-chained (see audit.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

WHEN = DateTime(timezone=True)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(WHEN)
    # an admin sees and acts on every envelope; other HR users only on those they made
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(WHEN)
    name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(WHEN, nullable=True)


class LoginSession(Base):
    """An HR login: the cookie is a random token, only its hash is kept; logout revokes the
    row, so a copied cookie stops working on the server, not only in the browser."""

    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(WHEN)
    expires_at: Mapped[datetime] = mapped_column(WHEN)
    revoked_at: Mapped[datetime | None] = mapped_column(WHEN, nullable=True)


class LoginAttempt(Base):
    """One HR login attempt not (yet) known to have succeeded: counted per account and per
    client address for the attempt limit, in the database so every server process sees it."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # as typed, lower-cased
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(WHEN, index=True)


class Envelope(Base):
    __tablename__ = "envelopes"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))  # in_progress completed declined cancelled
    kind: Mapped[str] = mapped_column(String(16), default="plan", server_default="plan")
    # a refusal record's envelope: the declined envelope it records (one per decline)
    refusal_of: Mapped[str | None] = mapped_column(String(32), nullable=True, unique=True,
                                                   index=True)
    version: Mapped[int] = mapped_column(Integer)  # current document: documents/<id>/v<N>.pdf
    document_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(WHEN)
    updated_at: Mapped[datetime] = mapped_column(WHEN)
    signers: Mapped[list[Signer]] = relationship(
        back_populates="envelope", order_by="Signer.position")

    def current_signer(self) -> Signer | None:
        """The signer whose turn it is (the first still waiting)."""
        return next((s for s in self.signers if s.status == "waiting"), None)


class Signer(Base):
    __tablename__ = "signers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    envelope_id: Mapped[str] = mapped_column(ForeignKey("envelopes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16))  # waiting signed declined
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    token_expires: Mapped[datetime | None] = mapped_column(WHEN, nullable=True)
    session_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    code_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    code_expires: Mapped[datetime | None] = mapped_column(WHEN, nullable=True)
    code_failures: Mapped[int] = mapped_column(Integer, default=0)
    codes_sent: Mapped[str] = mapped_column(Text, default="")  # recent send times, for the limit
    pending: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    pending_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decline_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(WHEN, nullable=True)
    envelope: Mapped[Envelope] = relationship(back_populates="signers")


class Event(Base):
    __tablename__ = "events"
    # Two appends from the same head would fork the chain: the database refuses the second.
    __table_args__ = (UniqueConstraint("envelope_id", "prev_hash", name="events_one_successor"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    envelope_id: Mapped[str | None] = mapped_column(String(32), index=True, nullable=True)
    at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC, hashed as written
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(500))
    detail: Mapped[str] = mapped_column(Text)  # JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
