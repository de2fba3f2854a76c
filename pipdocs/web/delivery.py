"""What the service sends: a signer's link when it is their turn, and the mails to HR on a
decline (the channels themselves are made from the settings in mail.py). Each send that goes
through a relay allowed without TLS says so in the audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from pipdocs.core.i18n import tr_in
from pipdocs.web import audit
from pipdocs.web.audit import Client
from pipdocs.web.clock import now
from pipdocs.web.mail import Message, insecure_smtp
from pipdocs.web.models import Envelope, Signer, User
from pipdocs.web.security import new_token, token_hash
from pipdocs.web.words import doc

if TYPE_CHECKING:
    from pipdocs.web.service import Service

LINK_DAYS = 14


def issue_link(service: Service, session: Session, signer: Signer) -> str:
    """A fresh link for ``signer`` (any earlier one stops working)."""
    token = new_token()
    signer.token_hash = token_hash(token)
    signer.token_expires = now() + timedelta(days=LINK_DAYS)
    signer.code_hash, signer.code_failures, signer.session_hash = None, 0, None
    session.flush()
    return f"{service.settings.base_url()}/s/{token}"


def mail_next(service: Service, session: Session, envelope: Envelope,
              client: Client) -> str | None:
    """Mail the link of the signer whose turn it is; return the link."""
    signer = envelope.current_signer()
    if signer is None or envelope.status != "in_progress":
        return None
    url = issue_link(service, session, signer)
    lang = envelope.language
    expires = f"{signer.token_expires:%Y-%m-%d %H:%M} UTC" if signer.token_expires else ""
    what = doc(envelope.kind, lang, envelope.plan_id)
    service.mailer.send(Message(
        to=signer.email, kind="link",
        subject=tr_in(lang, "Please sign {doc}").format(doc=what),
        text=tr_in(lang, "Dear {name},\n\nplease sign {doc} as {role}. Open your personal"
                         " link:\n\n{url}\n\nThe link is valid until {expires}. Signing needs a"
                         " code sent to this address, so nobody else can sign with it.\n").format(
            name=signer.name, doc=what, url=url,
            role=service.policy.role_label(signer.role, lang), expires=expires),
        link=url,
    ))
    audit.record(session, envelope.id, "mailed", "pipdocs", client, role=signer.role,
                 to=signer.email, **_clear(service))
    return url


def mail_code(service: Service, session: Session, envelope: Envelope, signer: Signer,
              code: str, client: Client) -> None:
    """The one-time code, alone in its message (never with the link)."""
    lang = envelope.language
    service.codes.send(Message(to=signer.email, kind="code",
                               subject=tr_in(lang, "Your signing code"),
                               text=tr_in(lang, "Your one-time code:\n\n{code}\n\nIt is valid"
                                          " for 10 minutes. If you did not ask for it, ignore"
                                          " this message and tell HR.\n").format(code=code)))
    audit.record(session, envelope.id, "code_sent", signer.email, client, role=signer.role,
                 **({} if service.codes is not service.mailer else _clear(service)))


def _clear(service: Service) -> dict[str, bool]:
    return {"smtp_insecure": True} if insecure_smtp(service.settings) else {}


def tell_hr(service: Service, session: Session, envelope: Envelope, signer: Signer,
            reason: str) -> None:
    """Mail HR (the envelope's HR signer and its creator) a signer's decline."""
    lang = envelope.language
    role = service.policy.role_label(signer.role, lang)
    what = doc(envelope.kind, lang, envelope.plan_id)
    for to in hr_addresses(session, envelope):
        service.mailer.send(Message(
            to=to, kind="declined",
            subject=tr_in(lang, "Declined: {doc}").format(doc=what),
            text=tr_in(lang, "{name} ({role}) declined to sign {doc}; the envelope has"
                             " stopped.\n\nReason: {reason}\n").format(
                name=signer.name, role=role, doc=what, reason=reason)))


def hr_addresses(session: Session, envelope: Envelope) -> list[str]:
    addresses = [s.email for s in envelope.signers if s.role == "hr"]
    if envelope.created_by is not None:
        user = session.get(User, envelope.created_by)
        if user is not None and user.email.lower() not in {a.lower() for a in addresses}:
            addresses.append(user.email)
    return addresses
