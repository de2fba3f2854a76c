"""Envelopes: a prepared pipdocs PDF sent for signing, its signers in order, its owner.

An envelope belongs to the HR user who made it: another HR user cannot see, download, cancel or
resend it (it does not exist for them: 404); an admin sees every envelope. The first signer's
link is mailed when the envelope is made, each next one when it is their turn (delivery.py).
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipdocs.core.errors import InputError
from pipdocs.core.policy import DOCUMENT_KINDS, Policy
from pipdocs.web import audit
from pipdocs.web.audit import Client
from pipdocs.web.clock import now
from pipdocs.web.delivery import mail_next
from pipdocs.web.models import Envelope, Signer, User
from pipdocs.web.service import Service

MAX_PDF_BYTES = 20 * 1024 * 1024


def visible(user: User | None, envelope: Envelope | None) -> Envelope | None:
    """``envelope`` if ``user`` may see it: its creator, or an admin."""
    if envelope is None or user is None:
        return None
    return envelope if user.is_admin or envelope.created_by == user.id else None


def get_envelope(session: Session, user: User, envelope_id: str) -> Envelope | None:
    return visible(user, session.get(Envelope, envelope_id))


def list_envelopes(session: Session, user: User) -> list[Envelope]:
    """The user's envelopes (an admin's: all), newest first."""
    query = select(Envelope).order_by(Envelope.created_at.desc())
    if not user.is_admin:
        query = query.where(Envelope.created_by == user.id)
    return list(session.scalars(query))


def envelope_json(envelope: Envelope) -> dict[str, Any]:
    return {
        "id": envelope.id, "status": envelope.status, "plan_id": envelope.plan_id,
        "kind": envelope.kind,
        **({"refusal_of": envelope.refusal_of} if envelope.refusal_of else {}),
        "signers": [{"role": s.role, "email": s.email, "status": s.status}
                    for s in envelope.signers],
    }


def create_envelope(service: Service, data: bytes, user: User | None,
                    client: Client) -> Envelope:
    """An envelope for a prepared pipdocs PDF; the first signer's link is mailed."""
    return create_envelope_link(service, data, user, client)[0]


def create_envelope_link(service: Service, data: bytes, user: User | None, client: Client,
                         refusal_of: Any = None) -> tuple[Envelope, str | None]:
    """``create_envelope``, also returning the link just mailed (for the demo).

    ``refusal_of(session)``: for a refusal record, called in the same transaction before
    anything is written; it locks and checks the declined envelope, returns its id, and
    writes its own audit row there. The record belongs to the declined envelope's owner."""
    plan, signed, order, kind = check_prepared(data, service.policy)
    with service.sessions.begin() as session:
        follows = refusal_of(session) if refusal_of is not None else None
        owner = user.id if user else None
        if follows is not None:  # the record stays with the case's owner (an admin may make it)
            declined = session.get(Envelope, follows)
            owner = declined.created_by if declined is not None else owner
        envelope = Envelope(
            id=uuid.uuid4().hex, plan_id=plan.plan_id, language=plan.language,
            status="in_progress", version=0, document_sha256="", kind=kind,
            refusal_of=follows, created_by=owner, created_at=now(), updated_at=now(),
        )
        session.add(envelope)
        for position, role in enumerate(order):
            person = plan.person(role)
            session.add(Signer(
                envelope=envelope, position=position, role=role, name=person.name,
                email=person.email, status="signed" if role in signed else "waiting",
                code_failures=0, codes_sent="",
            ))
        service.store_document(envelope, data)
        session.flush()
        audit.record(session, envelope.id, "created", user.email if user else "api", client,
                     plan_id=plan.plan_id, sha256=envelope.document_sha256,
                     signers=[f"{s.role}:{s.email}" for s in envelope.signers],
                     **({"document": kind} if kind != "plan" else {}),
                     **({"refusal_of": follows} if follows else {}))
        link = mail_next(service, session, envelope, client)
    return envelope, link


def cancel(service: Service, envelope_id: str, user: User, client: Client) -> Envelope | None:
    """Stop an envelope in progress; None if the user has no such envelope."""
    from pipdocs.web.db import locked_envelope

    with service.sessions.begin() as session:
        envelope = visible(user, locked_envelope(session, envelope_id))
        if envelope is None:
            return None
        if envelope.status == "in_progress":
            envelope.status, envelope.updated_at = "cancelled", now()
            audit.record(session, envelope.id, "cancelled", user.email, client)
        return envelope


def resend(service: Service, envelope_id: str, user: User, client: Client) -> Envelope | None:
    """Mail the current signer a fresh link; None if the user has no such envelope."""
    from pipdocs.web.db import locked_envelope

    with service.sessions.begin() as session:
        envelope = visible(user, locked_envelope(session, envelope_id))
        if envelope is None:
            return None
        if envelope.status == "in_progress":
            audit.record(session, envelope.id, "resent", user.email, client)
            mail_next(service, session, envelope, client)
        return envelope


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
