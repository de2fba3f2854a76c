"""The signing service's state, made once at start from its Settings: the policy, the CA, the
database, the documents on disk and the delivery channels. What is done with it lives by concern:
envelopes.py (creating, listing, cancelling), delivery.py (links and mails), ceremony.py (codes,
signing, declining), access.py (HR users, tokens, logins), refusal.py (refusal records).

Documents live in ``DATA/documents/<envelope>/v<N>.pdf`` (0600, in 0700 directories); the
envelope row names the current version and its SHA-256, checked on every read.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from pipdocs.core.errors import CredentialError, InputError
from pipdocs.core.files import write_atomic
from pipdocs.core.policy import Policy, load_policy
from pipdocs.web.clock import now
from pipdocs.web.mail import Channel
from pipdocs.web.models import Envelope
from pipdocs.web.settings import Settings, secret
from pipdocs.web.storage import DIR_MODE, FILE_MODE, private_data_dir

SENDER = "pipdocs <no-reply@pipdocs.invalid>"


def open_ca(data_dir: Path, ca_dir: Path | None, password: str | None = None,
            org: str | None = None) -> tuple[Path, str]:
    """The CA directory and its password: ``--ca-dir`` with its password (PIPDOCS_CA_PASSWORD),
    or DATA/ca, created on first start (for ``org``) with a random password kept beside it
    (0600) unless ``password`` is given."""
    from pipdocs.pki.ca import ROOT_CERT, init_ca

    if ca_dir is not None:
        if not password:
            raise CredentialError("PIPDOCS_CA_PASSWORD is not set: it unlocks --ca-dir's keys")
        return ca_dir, password
    ca_dir = data_dir / "ca"
    password_file = data_dir / "ca-password"
    if not (ca_dir / ROOT_CERT).exists():
        chosen = password or secrets.token_urlsafe(24)
        if not password:
            write_atomic(password_file, chosen.encode(), FILE_MODE)
        init_ca(ca_dir, org or "pipdocs", chosen)
        return ca_dir, chosen
    if password:
        return ca_dir, password
    try:
        return ca_dir, password_file.read_text().strip()
    except FileNotFoundError as exc:
        raise CredentialError(f"{ca_dir}: set PIPDOCS_CA_PASSWORD to unlock this CA") from exc


class Service:
    """Everything a request handler needs, made once at start from the settings."""

    def __init__(self, settings: Settings, channel: Channel | None = None) -> None:
        from pipdocs.pki.ca import load_ca
        from pipdocs.web.db import (
            database_url,
            make_engine,
            migrate,
            reader_factory,
            session_factory,
        )
        from pipdocs.web.mail import channels

        self.settings = settings
        data = settings.data_dir
        private_data_dir(data, sqlite=not settings.database)
        self.policy: Policy = load_policy(settings.policy_file)
        self.ca_dir, self.ca_password = open_ca(data, settings.ca_dir,
                                                secret(settings.ca_password), settings.org)
        self.root, self.root_key = load_ca(self.ca_dir, self.ca_password)
        self.secret = self._secret(data / "secret")
        self.engine = make_engine(database_url(data, settings.database))
        migrate(self.engine)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)
        self.readers: sessionmaker[Session] = reader_factory(self.engine)
        self.mailer, self.codes = channels(settings, data / "outbox", SENDER, channel)
        self._timestamper: Any = None
        self.seal: Any = self._seal()
        self._record_insecure_start()

    def _record_insecure_start(self) -> None:
        """The service-wide audit trail records a start that allows mail without TLS."""
        from pipdocs.web import audit
        from pipdocs.web.mail import insecure_smtp

        if insecure_smtp(self.settings):
            with self.sessions.begin() as session:
                audit.record(session, None, "smtp_insecure", "pipdocs", audit.SYSTEM,
                             smtp=self.settings.smtp)

    def _seal(self) -> Any:
        """The organisation's seal key when the CA directory holds one (``ca issue-seal``): the
        audit trail is then sealed by the organisation, not only timestamped. A seal.p12 that
        cannot be opened stops the start (CredentialError), never a silent downgrade."""
        from pipdocs.pki.seal import SEAL_P12
        from pipdocs.signing.seal import load_seal

        if not (self.ca_dir / SEAL_P12).exists():
            return None
        return load_seal(self.ca_dir, secret(self.settings.seal_password) or self.ca_password)

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
                write_atomic(path, secrets.token_bytes(32), FILE_MODE, exclusive=True)
            except FileExistsError:
                pass
        return path.read_bytes()

    def timestamper(self) -> Any:
        """``--tsa URL``, else the CA directory's own TSA key, in process."""
        if self._timestamper is None:
            from pipdocs.pki.tsa import CheckedHTTPTimeStamper, local_timestamper

            if self.settings.tsa:
                self._timestamper = CheckedHTTPTimeStamper(
                    self.settings.tsa, timeout=self.policy.tsa_timeout)
            else:
                password = secret(self.settings.tsa_password) or self.ca_password
                self._timestamper = local_timestamper(
                    self.ca_dir, password, self.policy.tsa_policy_oid)
        return self._timestamper

    # --- documents --------------------------------------------------------------------------

    def document_path(self, envelope: Envelope, version: int | None = None) -> Path:
        return (self.settings.data_dir / "documents" / envelope.id
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
        path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        write_atomic(path, data, FILE_MODE)
        envelope.version, envelope.document_sha256 = version, hashlib.sha256(data).hexdigest()
        envelope.updated_at = now()
