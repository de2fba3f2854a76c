"""An employee's decline becomes the refusal record (拒签记录) HR needs, made from the service's
own facts: when the decline happened, which document, how it was delivered (the mailed link and
what the audit trail saw), and the employee's stated reason. HR adds only the witness.

The record is made by lifecycle's own library function from the declined document as stored, so
its ``document.json`` names that document's SHA-256 and ``case verify`` accepts it as the
employee's step. It then goes out in a new envelope for its own signers (policy: manager, then
HR). One record per decline: the declined envelope is locked and re-checked in the transaction
that creates the new envelope, and a unique index on ``envelopes.refusal_of`` refuses a second.
Only a record whose envelope stopped (HR cancelled it, or its manager declined it: a wrong
witness, say) may be replaced, and the declined envelope's audit trail keeps both.

Only an employee's decline makes a refusal record: a manager or HR who declines has refused
their own step, which is not the employee refusing the document.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipdocs.core.i18n import tr_in
from pipdocs.web import audit
from pipdocs.web.audit import Client
from pipdocs.web.ceremony import Refused
from pipdocs.web.models import Envelope, Event, User
from pipdocs.web.service import Service

MAX_NOTE = 500


@dataclass(frozen=True)
class Decline:
    """What the service knows about a declined envelope, as the refusal record states it."""

    envelope_id: str
    plan_id: str
    language: str
    kind: str  # the declined document: plan, checkin, revision, evaluation
    role: str  # who declined
    name: str
    when: datetime
    date: date  # in the organisation's time zone
    delivered: str
    reason: str
    confirmed: bool  # the decliner had entered the one-time code sent to the plan's address
    document_sha256: str
    recorded: str | None  # the refusal record's envelope, once made
    recorded_status: str | None = None

    @property
    def open_record(self) -> bool:
        """A record in progress or signed: no second one. A record whose envelope stopped
        (cancelled, or declined by its own signers) may be made again."""
        return self.recorded is not None and self.recorded_status in ("in_progress", "completed")

    @property
    def by_employee(self) -> bool:
        return self.role == "employee"


def decline_of(service: Service, session: Session, envelope: Envelope) -> Decline | None:
    """The decline of ``envelope`` from its signers and audit trail; None unless declined."""
    from pipdocs.archive.evidence import clock

    signer = next((s for s in envelope.signers if s.status == "declined"), None)
    if envelope.status != "declined" or signer is None:
        return None
    events = list(session.scalars(
        select(Event).where(Event.envelope_id == envelope.id).order_by(Event.id)))
    mine = [(e, json.loads(e.detail)) for e in events]
    declined, facts = next(((e, d) for e, d in reversed(mine) if e.kind == "declined"),
                           (None, {}))
    when = datetime.fromisoformat(declined.at) if declined else envelope.updated_at
    before = [(e, d) for e, d in mine if declined is None or e.id < declined.id]
    mailed = [e for e, d in before if e.kind == "mailed" and d.get("role") == signer.role]
    since = mailed[-1].id if mailed else 0  # the link that was used: the last one mailed
    seen = [(e, d) for e, d in before if e.id > since and d.get("role") == signer.role]
    opened = next((e for e, _d in seen if e.kind == "opened"), None)
    verified = next((e for e, _d in seen if e.kind == "code_verified"), None)
    lang = envelope.language
    at = clock(service.policy, lang)
    parts = []
    if mailed:
        parts.append(tr_in(lang, "the signing link was e-mailed to {email} on {at}").format(
            email=signer.email, at=at(datetime.fromisoformat(mailed[-1].at))))
    if opened is not None:
        parts.append(tr_in(lang, "the link was opened on {at}").format(
            at=at(datetime.fromisoformat(opened.at))))
    confirmed, code = _code_fact(facts, verified, signer.email, lang, at, at(when))
    if code is None:  # a decline recorded before the service said which session verified
        if verified is not None:
            parts.append(tr_in(lang, "the one-time code sent to that address was entered on"
                               " {at}").format(at=at(datetime.fromisoformat(verified.at))))
        code = tr_in(lang, "signing was declined through that link on {at}").format(at=at(when))
    parts.append(code)
    recorded = session.scalars(
        select(Envelope).where(Envelope.refusal_of == envelope.id)).one_or_none()
    return Decline(
        envelope_id=envelope.id, plan_id=envelope.plan_id, language=lang, kind=envelope.kind,
        role=signer.role, name=signer.name, when=when,
        date=when.astimezone(at.zone).date(), delivered=_sentence(parts, lang),
        reason=signer.decline_reason or "", confirmed=confirmed,
        document_sha256=envelope.document_sha256,
        recorded=recorded.id if recorded else None,
        recorded_status=recorded.status if recorded else None,
    )


def _code_fact(facts: dict[str, Any], verified: Any, email: str, lang: str, at: Any,
               when: str) -> tuple[bool, str | None]:
    """Whether the declining session had verified the one-time code sent to the plan's address
    (as the ``declined`` event records it), and the sentence saying so with the decline; for
    an event from before that was recorded: what the trail shows, and no sentence."""
    if "code_verified" not in facts:
        return verified is not None, None
    if facts["code_verified"] is True and facts.get("code_verified_at"):
        code_at = at(datetime.fromisoformat(str(facts["code_verified_at"])))
        return True, tr_in(lang, "signing was declined through that link on {at}, after verifying"
                                 " the one-time code sent to {email} at {code_at}").format(
            at=when, code_at=code_at, email=str(facts.get("code_sent_to") or email))
    return False, tr_in(lang, "signing was declined through that link on {at}, without verifying"
                              " the one-time code").format(at=when)


def _sentence(parts: list[str], lang: str) -> str:
    if lang == "zh":
        return "；".join(parts) + "。"
    text = "; ".join(parts) + "."
    return text[:1].upper() + text[1:]


def refusal_input(decline: Decline, witness_name: str, witness_title: str, note: str) -> Any:
    """The refusal input (lifecycle's model, validated: PlanInvalid lists every problem) from
    the service's facts and what HR typed: the witness, and an optional note. The note is its
    own field, printed under its own label: HR's words never extend or contradict the
    service's sentence on how the document was delivered."""
    from pipdocs.lifecycle.models import RefusalInput, input_from_data

    data: dict[str, Any] = {
        "date": decline.date.isoformat(), "document": decline.kind,
        "delivered": decline.delivered,
        "witness": {"name": witness_name, "title": witness_title},
    }
    if decline.reason.strip():
        data["reason"] = as_text(decline.reason)
    if note.strip():
        data["note"] = as_text(note.strip()[:MAX_NOTE])
    return input_from_data(RefusalInput, data, source="the refusal form")


def as_text(words: str) -> str:
    """The employee's own words as a text a document may print: control and bidi characters
    written out, the signature-box marker's brackets made full-width. Refusing them instead
    would let an employee block the record of their own refusal."""
    from pipdocs.core.names import SIG_MARKER
    from pipdocs.core.text import escape_controls

    lines = words.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    text = "\n".join(escape_controls(line) for line in lines)
    return text.replace(SIG_MARKER, "\uff3b\uff3b" + SIG_MARKER[2:])[:2000]  # ［［sig:


def checked_decline(service: Service, session: Session, envelope_id: str, user: User,
                    locked: bool = False) -> tuple[Envelope, Decline]:
    """The declined envelope and its decline, if ``user`` may see it and a refusal record may
    be made from it now."""
    from pipdocs.web.db import locked_envelope
    from pipdocs.web.envelopes import visible

    envelope = visible(user, locked_envelope(session, envelope_id) if locked
                       else session.get(Envelope, envelope_id))
    if envelope is None:
        raise Refused("no such envelope", "unknown", 404)
    decline = decline_of(service, session, envelope)
    lang = envelope.language
    if decline is None:
        raise Refused(tr_in(lang, "This envelope was not declined: there is no refusal to"
                                  " record"), "not_declined", 409)
    if not decline.by_employee:
        raise Refused(tr_in(lang, "This envelope was declined by {role}, not by the employee: a"
                                  " refusal record records only the employee's refusal").format(
            role=service.policy.role_label(decline.role, lang)), "not_employee", 409)
    if decline.open_record:
        raise Refused(tr_in(lang, "The refusal was already recorded"), "already_recorded", 409)
    return envelope, decline


def record_refusal(service: Service, envelope_id: str, user: User, witness_name: str,
                   witness_title: str, note: str, client: Client) -> Envelope:
    """Make the refusal record of an employee's decline and send it to its signers; returns
    the new envelope. Refused (409) if not declined by the employee, or already recorded."""
    from pipdocs.lifecycle.make import Options
    from pipdocs.lifecycle.records import read_document
    from pipdocs.lifecycle.refusal import refusal_record
    from pipdocs.web.envelopes import create_envelope_link

    with service.readers() as session:
        envelope, decline = checked_decline(service, session, envelope_id, user)
        parent_bytes = service.read_document(envelope)  # checked against its SHA-256
    with tempfile.TemporaryDirectory(prefix=".refusal-", dir=service.settings.data_dir) as tmp:
        parent = Path(tmp) / f"{decline.plan_id}-declined.pdf"  # the name HR downloads
        parent.write_bytes(parent_bytes)
        # the kind the document itself records (envelopes from before 0002 all say "plan")
        decline = replace(decline, kind=read_document(parent).kind)
        inp = refusal_input(decline, witness_name, witness_title, note)
        made = refusal_record(
            parent, inp, Path(tmp) / "refusal.pdf",
            Options(trust=[service.ca_dir / "root.pem"], policy=service.policy),
            source=f"the refusal of envelope {envelope_id}")
        data = made.path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()

    def claim(session: Session) -> str:
        """In the new envelope's transaction: the decline still stands, unrecorded."""
        declined, again = checked_decline(service, session, envelope_id, user, locked=True)
        if again.document_sha256 != decline.document_sha256:
            raise Refused(tr_in(declined.language, "The refusal was already recorded"),
                          "changed", 409)
        if again.recorded is not None:  # its envelope stopped: this record replaces it
            earlier = session.get(Envelope, again.recorded)
            assert earlier is not None
            earlier.refusal_of = None
            session.flush()
            audit.record(session, declined.id, "refusal_replaced", user.email, client,
                         earlier=earlier.id, status=earlier.status)
        audit.record(session, declined.id, "refusal_recorded", user.email, client,
                     parent_sha256=decline.document_sha256, refusal_sha256=sha256,
                     witness={"name": inp.witness.name, "title": inp.witness.title},
                     **({"note": inp.note} if inp.note else {}),
                     date=decline.date.isoformat(), document=decline.kind)
        return declined.id

    return create_envelope_link(service, data, user, client, refusal_of=claim)[0]
