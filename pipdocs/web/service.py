"""The signing service's state: configuration, the CA, the database, documents on disk, envelopes
and their links. The ceremony itself (codes, signing, declining) is in ceremony.py.

Documents live in ``DATA/documents/<envelope>/v<N>.pdf``; the envelope row names the current
version and its SHA-256, checked on every read. Each link token is random (192 bits), mailed once
and stored only as its hash; a signer's link is made when it is their turn.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipdocs.core.errors import CredentialError, InputError
from pipdocs.core.files import write_atomic
from pipdocs.core.names import DOCUMENT_KINDS
from pipdocs.core.policy import Policy, load_policy
from pipdocs.web import audit
from pipdocs.web.audit import Client
from pipdocs.web.mail import Channel, Message
from pipdocs.web.models import Envelope, Signer, User
from pipdocs.web.security import new_token, token_hash
from pipdocs.web.words import doc, word

LINK_DAYS = 14
MAX_PDF_BYTES = 20 * 1024 * 1024
SENDER = "pipdocs <no-reply@pipdocs.invalid>"


@dataclass
class ServerConfig:
    data_dir: Path
    ca_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    database: str | None = None
    smtp: str | None = None
    public_url: str | None = None
    tsa: str | None = None
    policy_file: Path | None = None

    def base_url(self) -> str:
        """Where mailed links point: --public-url, else this server's own address."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(self.host, self.host)
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return f"http://{host}:{self.port}"


def open_ca(data_dir: Path, ca_dir: Path | None, org: str | None = None) -> tuple[Path, str]:
    """The CA directory and its password: ``--ca-dir`` with PIPDOCS_CA_PASSWORD, or DATA/ca,
    created on first start (for ``org``, else PIPDOCS_ORG) with a random password kept beside
    it (0600)."""
    from pipdocs.pki.ca import ROOT_CERT, init_ca

    env = os.environ.get("PIPDOCS_CA_PASSWORD")
    if ca_dir is not None:
        if not env:
            raise CredentialError("PIPDOCS_CA_PASSWORD is not set: it unlocks --ca-dir's keys")
        return ca_dir, env
    ca_dir = data_dir / "ca"
    password_file = data_dir / "ca-password"
    if not (ca_dir / ROOT_CERT).exists():
        password = env or secrets.token_urlsafe(24)
        if not env:
            write_atomic(password_file, password.encode(), 0o600)
        init_ca(ca_dir, org or os.environ.get("PIPDOCS_ORG") or "pipdocs", password)
        return ca_dir, password
    if env:
        return ca_dir, env
    try:
        return ca_dir, password_file.read_text().strip()
    except FileNotFoundError as exc:
        raise CredentialError(f"{ca_dir}: set PIPDOCS_CA_PASSWORD to unlock this CA") from exc


class Service:
    """Everything a request handler needs, made once at start."""

    def __init__(self, config: ServerConfig, channel: Channel | None = None) -> None:
        from pipdocs.pki.ca import load_ca
        from pipdocs.web.db import (
            database_url,
            make_engine,
            migrate,
            reader_factory,
            session_factory,
        )
        from pipdocs.web.mail import WebhookChannel, channel_for

        self.config = config
        data = config.data_dir
        data.mkdir(parents=True, exist_ok=True)
        (data / "documents").mkdir(exist_ok=True)
        self.policy: Policy = load_policy(config.policy_file)
        self.ca_dir, self.ca_password = open_ca(data, config.ca_dir)
        self.root, self.root_key = load_ca(self.ca_dir, self.ca_password)
        self.secret = self._secret(data / "secret")
        self.engine = make_engine(database_url(data, config.database))
        migrate(self.engine)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)
        self.readers: sessionmaker[Session] = reader_factory(self.engine)
        self.mailer: Channel = channel or channel_for(config.smtp, data / "outbox", SENDER)
        hook = os.environ.get("PIPDOCS_CODE_WEBHOOK")
        self.codes: Channel = WebhookChannel(hook) if hook else self.mailer
        self._timestamper: Any = None
        self.seal: Any = self._seal()

    def _seal(self) -> Any:
        """The organisation's seal key when the CA directory holds one (``ca issue-seal``): the
        audit trail is then sealed by the organisation, not only timestamped. A seal.p12 that
        cannot be opened stops the start (CredentialError), never a silent downgrade."""
        from pipdocs.pki.seal import SEAL_P12, SEAL_PASSWORD_ENV
        from pipdocs.signing.seal import load_seal

        if not (self.ca_dir / SEAL_P12).exists():
            return None
        return load_seal(self.ca_dir, os.environ.get(SEAL_PASSWORD_ENV) or self.ca_password)

    def seal_certificates(self) -> list[Any]:
        """The seal's certificate and chain (cryptography): every signature checks them, so a
        revoked seal stops the envelope before anyone signs what it could never seal."""
        from cryptography import x509

        if self.seal is None:
            return []
        certs = [self.seal.signer.signing_cert, *self.seal.signer.cert_registry]
        return [x509.load_der_x509_certificate(c.dump()) for c in certs]

    @staticmethod
    def _secret(path: Path) -> bytes:
        """The key for CSRF tokens and code hashes (not a signing key)."""
        if not path.exists():
            try:
                write_atomic(path, secrets.token_bytes(32), 0o600, exclusive=True)
            except FileExistsError:
                pass
        return path.read_bytes()

    def timestamper(self) -> Any:
        """``--tsa URL``, else the CA directory's own TSA key, in process."""
        if self._timestamper is None:
            from pipdocs.pki.tsa import CheckedHTTPTimeStamper, local_timestamper

            if self.config.tsa:
                self._timestamper = CheckedHTTPTimeStamper(
                    self.config.tsa, timeout=self.policy.tsa_timeout)
            else:
                password = os.environ.get("PIPDOCS_TSA_PASSWORD") or self.ca_password
                self._timestamper = local_timestamper(
                    self.ca_dir, password, self.policy.tsa_policy_oid)
        return self._timestamper

    # --- documents --------------------------------------------------------------------------

    def document_path(self, envelope: Envelope, version: int | None = None) -> Path:
        return (self.config.data_dir / "documents" / envelope.id
                / f"v{envelope.version if version is None else version}.pdf")

    def read_document(self, envelope: Envelope) -> bytes:
        data = self.document_path(envelope).read_bytes()
        if hashlib.sha256(data).hexdigest() != envelope.document_sha256:
            raise InputError(f"envelope {envelope.id}: its stored PDF was changed on disk")
        return data

    def store_document(self, envelope: Envelope, data: bytes) -> None:
        """Write the next version and make it current (in the caller's transaction)."""
        version = envelope.version + 1
        path = self.document_path(envelope, version)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data, 0o600)
        envelope.version, envelope.document_sha256 = version, hashlib.sha256(data).hexdigest()
        envelope.updated_at = now()

    # --- envelopes --------------------------------------------------------------------------

    def create_envelope(self, data: bytes, user: User | None, client: Client) -> Envelope:
        """An envelope for a prepared pipdocs PDF; the first signer's link is mailed."""
        return self.create_envelope_link(data, user, client)[0]

    def create_envelope_link(self, data: bytes, user: User | None, client: Client,
                             refusal_of: Any = None) -> tuple[Envelope, str | None]:
        """``create_envelope``, also returning the link just mailed (for the demo).

        ``refusal_of(session)``: for a refusal record, called in the same transaction before
        anything is written; it locks and checks the declined envelope, returns its id, and
        writes its own audit row there."""
        plan, signed, order, kind = check_prepared(data, self.policy)
        with self.sessions.begin() as session:
            follows = refusal_of(session) if refusal_of is not None else None
            envelope = Envelope(
                id=uuid.uuid4().hex, plan_id=plan.plan_id, language=plan.language,
                status="in_progress", version=0, document_sha256="", kind=kind,
                refusal_of=follows,
                created_by=user.id if user else None, created_at=now(), updated_at=now(),
            )
            session.add(envelope)
            for position, role in enumerate(order):
                person = plan.person(role)
                session.add(Signer(
                    envelope=envelope, position=position, role=role, name=person.name,
                    email=person.email, status="signed" if role in signed else "waiting",
                    code_failures=0, codes_sent="",
                ))
            self.store_document(envelope, data)
            session.flush()
            audit.record(session, envelope.id, "created", user.email if user else "api", client,
                         plan_id=plan.plan_id, sha256=envelope.document_sha256,
                         signers=[f"{s.role}:{s.email}" for s in envelope.signers],
                         **({"document": kind} if kind != "plan" else {}),
                         **({"refusal_of": follows} if follows else {}))
            link = self.mail_next(session, envelope, client)
        return envelope, link

    def current_signer(self, envelope: Envelope) -> Signer | None:
        return next((s for s in envelope.signers if s.status == "waiting"), None)

    def issue_link(self, session: Session, signer: Signer) -> str:
        """A fresh link for ``signer`` (any earlier one stops working)."""
        token = new_token()
        signer.token_hash = token_hash(token)
        signer.token_expires = now() + timedelta(days=LINK_DAYS)
        signer.code_hash, signer.code_failures, signer.session_hash = None, 0, None
        session.flush()
        return f"{self.config.base_url()}/s/{token}"

    def mail_next(self, session: Session, envelope: Envelope, client: Client) -> str | None:
        """Mail the link of the signer whose turn it is; return the link."""
        signer = self.current_signer(envelope)
        if signer is None or envelope.status != "in_progress":
            return None
        url = self.issue_link(session, signer)
        lang = envelope.language
        expires = f"{signer.token_expires:%Y-%m-%d %H:%M} UTC" if signer.token_expires else ""
        what = doc(envelope.kind, lang, envelope.plan_id)
        self.mailer.send(Message(
            to=signer.email, kind="link",
            subject=word("mail_link_subject", lang, doc=what),
            text=word("mail_link", lang, name=signer.name, doc=what, url=url,
                      role=self.policy.role_label(signer.role, lang), expires=expires),
            link=url,
        ))
        audit.record(session, envelope.id, "mailed", "pipdocs", client, role=signer.role,
                     to=signer.email)
        return url

    def cancel(self, envelope_id: str, user: User, client: Client) -> Envelope | None:
        from pipdocs.web.db import locked_envelope

        with self.sessions.begin() as session:
            envelope = locked_envelope(session, envelope_id)
            if envelope is None:
                return None
            if envelope.status == "in_progress":
                envelope.status, envelope.updated_at = "cancelled", now()
                audit.record(session, envelope.id, "cancelled", user.email, client)
            return envelope

    def resend(self, envelope_id: str, user: User, client: Client) -> Envelope | None:
        from pipdocs.web.db import locked_envelope

        with self.sessions.begin() as session:
            envelope = locked_envelope(session, envelope_id)
            if envelope is None:
                return None
            if envelope.status == "in_progress":
                audit.record(session, envelope.id, "resent", user.email, client)
                self.mail_next(session, envelope, client)
            return envelope

    def envelope_json(self, envelope: Envelope) -> dict[str, Any]:
        return {
            "id": envelope.id, "status": envelope.status, "plan_id": envelope.plan_id,
            "kind": envelope.kind,
            **({"refusal_of": envelope.refusal_of} if envelope.refusal_of else {}),
            "signers": [{"role": s.role, "email": s.email, "status": s.status}
                        for s in envelope.signers],
        }

    def get_envelope(self, session: Session, envelope_id: str) -> Envelope | None:
        return session.get(Envelope, envelope_id)

    def list_envelopes(self, session: Session) -> list[Envelope]:
        return list(session.scalars(select(Envelope).order_by(Envelope.created_at.desc())))


def now() -> datetime:
    return datetime.now(timezone.utc)


def aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for what was stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def check_prepared(data: bytes, policy: Policy) -> tuple[Any, set[str], list[str], str]:
    """The embedded plan of a prepared pipdocs PDF, the roles that already signed it, the
    signing order and the document's kind (plan, checkin, refusal...); anything else is
    refused with one clear line (InputError, SigningRefused)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    from pipdocs.core.plan import SIGNATURE_FIELDS
    from pipdocs.document.record import document_kind
    from pipdocs.signing.admission import (
        check_document,
        check_earlier_signatures,
        embedded_plan,
        signature_fields,
        signing_terms,
    )

    what = "the uploaded file"
    if len(data) > MAX_PDF_BYTES:
        raise InputError(f"{what} is larger than {MAX_PDF_BYTES // 2**20} MB")
    if not data.startswith(b"%PDF-"):
        raise InputError(f"{what} is not a PDF; upload the prepared PDF made by 'pipdocs pdf'")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise InputError(f"{what} is encrypted; upload the PDF made by 'pipdocs pdf'")
        plan = embedded_plan(reader, what)
        fields = signature_fields(reader)
    except PdfError as exc:
        raise InputError(f"{what} is not a readable PDF ({exc})") from exc
    terms = signing_terms(reader, policy, what)  # the order the document records
    # its own signers: a refusal record or a check-in has no field for every role of the plan
    missing = [SIGNATURE_FIELDS[r] for r in terms.order if SIGNATURE_FIELDS[r] not in fields]
    if missing:
        raise InputError(
            f"{what} is not a prepared pipdocs PDF: it has no signature field {missing[0]};"
            " upload the PDF made by 'pipdocs pdf'")
    check_document(data, reader, plan, terms, what)
    signed = {r for r in terms.order if fields[SIGNATURE_FIELDS[r]]}
    if signed:
        check_earlier_signatures(reader, plan, terms, what)
    if len(signed) == len(terms.order):
        raise InputError(f"{what} is already signed by everyone; there is nothing to send")
    kind = document_kind(reader.root)
    if kind not in DOCUMENT_KINDS:
        raise InputError(f"{what} is a '{kind[:40]}' document; pipdocs sends only"
                         f" {', '.join(DOCUMENT_KINDS)}")
    return plan, signed, list(terms.order), kind
