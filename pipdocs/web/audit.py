"""The audit trail: every step of an envelope, with time, IP address and user agent, appended to
a hash-chained table (see core/auditchain.py). Rows are never updated or deleted: the migration
installs triggers that refuse it.

Appends happen inside the caller's transaction, which holds the envelope's row lock, so the chain
of one envelope has exactly one head.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipdocs.core.auditchain import AUDIT_FORMAT, GENESIS, event_hash
from pipdocs.web.models import Event


@dataclass(frozen=True)
class Client:
    """Who is on the other end of a request."""

    ip: str = ""
    user_agent: str = ""


SYSTEM = Client("", "pipdocs")


def record(session: Session, envelope_id: str | None, kind: str, actor: str, client: Client,
           **detail: Any) -> Event:
    """Append one event to the envelope's chain."""
    last = session.scalars(
        select(Event).where(Event.envelope_id == envelope_id).order_by(Event.id.desc()).limit(1)
    ).first()
    at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    body = {
        "envelope": envelope_id, "at": at,
        "kind": kind, "actor": actor, "ip": client.ip[:64], "user_agent": client.user_agent[:500],
        "detail": detail, "prev_hash": last.hash if last else GENESIS,
    }
    row = Event(
        envelope_id=envelope_id, at=body["at"], kind=kind, actor=actor, ip=body["ip"],
        user_agent=body["user_agent"], detail=json.dumps(detail, ensure_ascii=False,
                                                         sort_keys=True),
        prev_hash=body["prev_hash"], hash=event_hash(body),
    )
    session.add(row)
    session.flush()
    return row


def export(session: Session, envelope_id: str) -> dict[str, Any]:
    """The envelope's chain as the ``audit.json`` attached to the final PDF."""
    rows = session.scalars(
        select(Event).where(Event.envelope_id == envelope_id).order_by(Event.id)).all()
    return {
        "format": AUDIT_FORMAT,
        "envelope": envelope_id,
        "events": [
            {"envelope": r.envelope_id, "at": r.at, "kind": r.kind, "actor": r.actor, "ip": r.ip,
             "user_agent": r.user_agent, "detail": json.loads(r.detail),
             "prev_hash": r.prev_hash, "hash": r.hash}
            for r in rows
        ],
    }
