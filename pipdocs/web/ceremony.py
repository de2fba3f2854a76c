"""The signing ceremony behind a link: what the page shows, the one-time code, signing with the
browser's key in two steps, declining, and completion.

Every step runs in one transaction holding the envelope's row lock, so a double submission signs
once and two signers cannot overtake each other. The browser's key never reaches the server: it
sends its public key (for a certificate of at most 24 hours) and, later, a signature over the
signed attributes the server computed.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipdocs.core.errors import PipdocsError
from pipdocs.core.i18n import N_, tr_in
from pipdocs.web import audit
from pipdocs.web.audit import Client
from pipdocs.web.clock import aware, now
from pipdocs.web.delivery import hr_addresses, mail_code, mail_next, tell_hr
from pipdocs.web.mail import Message
from pipdocs.web.models import Envelope, Signer
from pipdocs.web.security import code_hash, new_code, same, token_hash
from pipdocs.web.service import Service
from pipdocs.web.storage import FILE_MODE
from pipdocs.web.words import doc

CODE_MINUTES = 10
EXPIRED_PAGE = N_("This page has expired; reload it")
MAX_FAILURES = 5
CODE_INTERVAL = 30  # seconds between two codes for one signer
CODES_PER_HOUR = 5


class Refused(PipdocsError):
    """A step the signer may not take now; ``state`` names why, ``status`` is the HTTP code."""

    def __init__(self, message: str, state: str, status: int = 409) -> None:
        super().__init__(message)
        self.state, self.status = state, status


@dataclass(frozen=True)
class View:
    """What the signing page shows for a link."""

    state: str  # ready waiting signed declined cancelled completed locked expired unknown
    status: str  # the sentence for data-testid=status
    envelope: Envelope | None = None
    signer: Signer | None = None


def find(session: Session, token: str) -> tuple[Signer | None, Envelope | None]:
    signer = session.scalars(
        select(Signer).where(Signer.token_hash == token_hash(token))).one_or_none()
    return signer, signer.envelope if signer else None


def view(service: Service, signer: Signer | None, envelope: Envelope | None) -> View:
    """The state of a link, and the sentence that says it in the plan's language."""
    if signer is None or envelope is None:
        invalid = N_("This link is not valid")
        return View("unknown", tr_in("zh", invalid) + " / " + tr_in("en", invalid))
    lang = envelope.language

    def says(state: str, message: str, **params: str) -> View:
        text = tr_in(lang, message)
        return View(state, text.format(**params) if params else text, envelope, signer)

    current = envelope.current_signer()
    if envelope.status == "completed":
        return says("completed", N_("Completed: everyone has signed"))
    if signer.status == "signed":
        if current is not None and envelope.status == "in_progress":
            return says("signed", N_("You have signed; waiting for {name} ({role})"),
                        name=current.name, role=service.policy.role_label(current.role, lang))
        return says("signed", N_("You have signed. Thank you"))
    if envelope.status in ("declined", "cancelled"):
        return says(envelope.status, N_("Declined; the envelope has stopped")
                    if envelope.status == "declined" else N_("HR cancelled this envelope"))
    expires = aware(signer.token_expires)
    if expires is None or expires < now():
        return says("expired", N_("This link has expired; ask HR to send a new one"))
    if signer.code_failures >= MAX_FAILURES:
        return says("locked", N_("Too many wrong codes: locked. Please contact HR"))
    if current is not None and current.id != signer.id:
        return says("waiting", N_("Waiting for {name} ({role}) to sign first"), name=current.name,
                    role=service.policy.role_label(current.role, lang))
    return says("ready", N_("Waiting for your signature"))


def _locked(session: Session, token: str) -> tuple[Signer, Envelope]:
    """The link's signer and its envelope, with the envelope's row lock held."""
    from pipdocs.web.db import locked_envelope

    signer, envelope = find(session, token)
    if signer is None or envelope is None:
        raise Refused("this link is not valid", "unknown", 404)
    envelope = locked_envelope(session, envelope.id)
    assert envelope is not None
    session.refresh(signer)
    return signer, envelope


def _ready(service: Service, session: Session, token: str) -> tuple[Signer, Envelope]:
    """The link's signer and its envelope, locked, if it is their turn; else Refused."""
    signer, envelope = _locked(session, token)
    seen = view(service, signer, envelope)
    if seen.state != "ready":
        raise Refused(seen.status, seen.state, 410 if seen.state in ("signed", "expired") else 409)
    return signer, envelope


def opened(service: Service, token: str, client: Client) -> None:
    """Record that a browser opened the signing page."""
    with service.sessions.begin() as session:
        try:
            signer, envelope = _locked(session, token)  # one head per envelope's chain
        except Refused:
            return
        audit.record(session, envelope.id, "opened", signer.email, client, role=signer.role)


def request_code(service: Service, token: str, client: Client) -> str:
    """Send a one-time code to the plan's address for the role; returns that address."""
    with service.sessions.begin() as session:
        signer, envelope = _ready(service, session, token)
        moment = now().timestamp()
        recent = [float(t) for t in signer.codes_sent.split(",") if t and moment - float(t) < 3600]
        if recent and moment - recent[-1] < CODE_INTERVAL or len(recent) >= CODES_PER_HOUR:
            raise Refused(tr_in(envelope.language, "Please wait before asking for another code"),
                          "rate_limited", 429)
        code = new_code()
        signer.code_hash = code_hash(service.secret, signer.id, code)
        signer.code_expires = now() + timedelta(minutes=CODE_MINUTES)
        signer.codes_sent = ",".join(f"{t:.0f}" for t in [*recent, moment])
        mail_code(service, session, envelope, signer, code, client)
        return signer.email


def _check_code(service: Service, session: Session, signer: Signer, envelope: Envelope,
                code: str, client: Client) -> bool:
    expires = aware(signer.code_expires)
    good = (signer.code_hash is not None and expires is not None and expires >= now()
            and same(signer.code_hash, code_hash(service.secret, signer.id, code.strip())))
    if good:
        signer.code_hash = None  # one time
        audit.record(session, envelope.id, "code_verified", signer.email, client,
                     role=signer.role)
        return True
    signer.code_failures += 1
    audit.record(session, envelope.id, "code_failed", signer.email, client, role=signer.role,
                 failures=signer.code_failures)
    if signer.code_failures >= MAX_FAILURES:
        signer.code_hash = None
        audit.record(session, envelope.id, "locked", signer.email, client, role=signer.role)
    return False


def start_signing(service: Service, token: str, session_id: str, *, code: str,
                  public_key: bytes, agree: bool | None, comment: str, client: Client) -> bytes:
    """Check the code, certify the browser's public key, and return the DER signed attributes
    the browser must sign. The state to finish is kept with the signer."""
    from pipdocs.pki.shortlived import issue_for_public_key
    from pipdocs.signing.browser import start_remote

    failed: Refused | None = None
    with service.sessions.begin() as session:
        signer, envelope = _ready(service, session, token)
        lang = envelope.language
        if not _check_code(service, session, signer, envelope, code, client):
            left = str(max(0, MAX_FAILURES - signer.code_failures))
            state = "locked" if signer.code_failures >= MAX_FAILURES else "wrong_code"
            failed = Refused(
                tr_in(lang, "Too many wrong codes: locked. Please contact HR") if state == "locked"
                else tr_in(lang, "Wrong or expired code ({left} tries left)").format(left=left),
                state, 403)
        else:
            cert = issue_for_public_key(service.ca_dir, service.root, service.root_key,
                                        signer.name, signer.email, public_key)
            pending = start_remote(
                service.read_document(envelope), f"envelope {envelope.id}", role=signer.role,
                cert=cert, root=service.root, policy=service.policy,
                timestamper=service.timestamper(),
                comment=comment.strip() or None if signer.role == "employee" else None,
                agree=signer.role == "employee" and agree is True,
                disagree=signer.role == "employee" and agree is False,
                extra=service.seal_certificates(),
            )
            signer.pending = _keep_pending(service, envelope, signer, pending)
            signer.pending_version = envelope.version
            signer.session_hash = token_hash(session_id)
            audit.record(session, envelope.id, "certificate_issued", signer.email, client,
                         role=signer.role, serial=format(cert.serial_number, "x"),
                         not_after=cert.not_valid_after_utc.isoformat(),
                         agree=agree, comment=comment.strip())
            return pending.signed_attrs
    assert failed is not None
    raise failed  # after the commit: the failed try is counted


def finish_signing(service: Service, token: str, session_id: str, signature: bytes,
                   client: Client) -> View:
    """Finish the signature with the browser's value and a timestamp; mail the next link or
    complete the envelope. A second submission finds the role signed and signs nothing."""
    from pipdocs.signing.browser import finish_remote

    with service.sessions.begin() as session:
        signer, envelope = _locked(session, token)
        if signer.status == "signed":  # a double submission: already done, sign nothing
            return view(service, signer, envelope)
        signer, envelope = _ready(service, session, token)
        if signer.pending is None or not same(signer.session_hash, token_hash(session_id)):
            raise Refused(tr_in(envelope.language, EXPIRED_PAGE), "no_pending", 409)
        if signer.pending_version != envelope.version:
            raise Refused(tr_in(envelope.language, EXPIRED_PAGE), "stale", 409)
        pending = _read_pending(service, envelope, signer.pending)
        signed = finish_remote(pending, signature, root=service.root,
                               timestamper=service.timestamper(), policy=service.policy)
        service.store_document(envelope, signed)
        done, signer.pending = signer.pending, None
        signer.status, signer.signed_at = "signed", now()
        signer.session_hash = None
        audit.record(session, envelope.id, "signed", signer.email, client, role=signer.role,
                     reason=pending.reason, sha256=envelope.document_sha256)
        if envelope.current_signer() is None:
            complete(service, session, envelope, client)
        else:
            mail_next(service, session, envelope, client)
        seen = view(service, signer, envelope)
    _delete_pending(service, envelope, done)  # once committed: a failed finish may be retried
    return seen


def decline(service: Service, token: str, session_id: str, reason: str,
            client: Client, code: str = "") -> View:
    """Stop the envelope with the signer's reason, and tell HR. No code is needed (any signer
    can decline), but the audit trail records whether this session had proved control of the
    plan's address first: with ``code``, or earlier in this session before starting to sign."""
    reason = reason.strip()
    failed: Refused | None = None
    with service.sessions.begin() as session:
        signer, envelope = _ready(service, session, token)
        lang = envelope.language
        if not reason:
            raise Refused(tr_in(lang, "Give a reason for declining"), "invalid", 400)
        if code.strip() and not _check_code(service, session, signer, envelope, code, client):
            left = str(max(0, MAX_FAILURES - signer.code_failures))
            failed = Refused(tr_in(lang, "Wrong or expired code ({left} tries left)").format(
                left=left), "wrong_code", 403)
        else:
            verified = _verified_here(session, signer, envelope, session_id, bool(code.strip()))
            signer.status, signer.decline_reason = "declined", reason[:2000]
            envelope.status, envelope.updated_at = "declined", now()
            audit.record(session, envelope.id, "declined", signer.email, client,
                         role=signer.role, reason=reason[:2000], sha256=envelope.document_sha256,
                         code_verified=verified is not None,
                         **({"code_sent_to": signer.email, "code_verified_at": verified}
                            if verified else {}))
            tell_hr(service, session, envelope, signer, reason[:2000])
            return view(service, signer, envelope)
    assert failed is not None
    raise failed  # after the commit: the failed try is counted


def _verified_here(session: Session, signer: Signer, envelope: Envelope, session_id: str,
                   just_now: bool) -> str | None:
    """When the declining session verified the code sent to the signer's address (the time of
    that ``code_verified`` event), or None: a session proves it only by entering the code with
    the decline, or by having started signing with it (which binds the session to the signer)."""
    from pipdocs.web.models import Event

    if not just_now and not (signer.session_hash is not None
                             and same(signer.session_hash, token_hash(session_id))):
        return None
    session.flush()
    events = session.scalars(select(Event).where(
        Event.envelope_id == envelope.id, Event.kind == "code_verified").order_by(Event.id.desc()))
    mine = next((e for e in events if json.loads(e.detail).get("role") == signer.role), None)
    return mine.at if mine is not None else None


def complete(service: Service, session: Session, envelope: Envelope, client: Client) -> None:
    """Attach the audit chain as ``audit.json`` under the organisation's timestamped seal (or,
    without a seal key, a document timestamp); mail everyone the final PDF and its
    verification record."""
    from pipdocs.core.auditchain import AUDIT_ATTACHMENT
    from pipdocs.signing.browser import attach_and_timestamp

    envelope.status = "completed"
    audit.record(session, envelope.id, "completed", "pipdocs", client)
    chain = json.dumps(audit.export(session, envelope.id), ensure_ascii=False, indent=1)
    final = attach_and_timestamp(
        service.read_document(envelope), AUDIT_ATTACHMENT, chain.encode("utf-8"),
        "pipdocs audit trail (hash-chained events)", service.timestamper(), service.seal,
        service.policy)
    service.store_document(envelope, final)
    verdict, record = _verdict(service, envelope)
    lang = envelope.language
    what = doc(envelope.kind, lang, envelope.plan_id)
    name = f"{envelope.plan_id}-signed.pdf"
    for to in [s.email for s in envelope.signers] + hr_addresses(session, envelope)[1:]:
        service.mailer.send(Message(
            to=to, kind="completed",
            subject=tr_in(lang, "Fully signed: {doc}").format(doc=what),
            text=tr_in(lang, "Everyone has signed {doc}. The final PDF and its verification record"
                             " are attached.\n\n{verdict}\n").format(doc=what, verdict=verdict),
            attachments=[(name, final, "application/pdf"),
                         ("verification.txt", verdict.encode("utf-8"), "text/plain"),
                         ("verification.html", record.encode("utf-8"), "text/html")]))
    audit.record(session, envelope.id, "final_mailed", "pipdocs", client,
                 sha256=envelope.document_sha256)


def _verdict(service: Service, envelope: Envelope) -> tuple[str, str]:
    """The verification of the final PDF: text for the mail, HTML for the personnel file."""
    from pipdocs.verification.report import render_html, render_text
    from pipdocs.verification.verify import verify_pdf

    report = verify_pdf(service.document_path(envelope), [service.ca_dir / "root.pem"],
                        policy=service.policy)
    return render_text(report), render_html(report)


def _keep_pending(service: Service, envelope: Envelope, signer: Signer, pending: Any) -> bytes:
    """Keep the prepared signature (the whole PDF) as a file beside the envelope's documents
    (0600), and return what the row holds: the file's name and SHA-256, checked on reading."""
    import hashlib
    import secrets

    from pipdocs.core.files import write_atomic

    _drop_pending(service, envelope, signer)
    data = _pack(pending)
    name = f"pending-{signer.id}-{secrets.token_hex(8)}.json"
    write_atomic(service.document_path(envelope).with_name(name), data, FILE_MODE)
    return json.dumps({"file": name, "sha256": hashlib.sha256(data).hexdigest()}).encode()


def _read_pending(service: Service, envelope: Envelope, row: bytes) -> Any:
    """The prepared signature the row names, if its file is unchanged (else Refused)."""
    import hashlib

    ref = json.loads(row)
    if "prepared_pdf" in ref:  # a row from before pending signatures were kept as files
        return _unpack(row)
    name = str(ref.get("file", ""))
    path = service.document_path(envelope).with_name(name)
    try:
        data = path.read_bytes() if name.startswith("pending-") and "/" not in name else b""
    except FileNotFoundError:
        data = b""
    if hashlib.sha256(data).hexdigest() != ref.get("sha256"):
        raise Refused(tr_in(envelope.language, EXPIRED_PAGE), "no_pending", 409)
    return _unpack(data)


def _drop_pending(service: Service, envelope: Envelope, signer: Signer) -> None:
    """Forget the signer's prepared signature, and delete its file."""
    _delete_pending(service, envelope, signer.pending)
    signer.pending = None


def _delete_pending(service: Service, envelope: Envelope, row: bytes | None) -> None:
    name = str(json.loads(row).get("file", "")) if row else ""
    if name.startswith("pending-") and "/" not in name:
        service.document_path(envelope).with_name(name).unlink(missing_ok=True)


def _pack(pending: Any) -> bytes:
    def plain(value: Any) -> Any:
        if isinstance(value, bytes):
            return base64.b64encode(value).decode()
        return [plain(v) for v in value] if isinstance(value, tuple) else value

    return json.dumps({k: plain(v) for k, v in vars(pending).items()}).encode()


def _unpack(raw: bytes) -> Any:
    from pipdocs.signing.browser import PendingSignature

    fields = json.loads(raw)
    for key in ("prepared_pdf", "document_digest", "signed_attrs", "cert_der"):
        fields[key] = base64.b64decode(fields[key])
    for key in ("crls", "ocsps"):  # absent in rows stored before they were kept
        fields[key] = tuple(base64.b64decode(v) for v in fields.get(key, ()))
    return PendingSignature(**fields)
