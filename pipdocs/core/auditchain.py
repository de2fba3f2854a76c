"""The hash chain of an audit trail, shared by the signing service (writes it) and ``verify``
(checks the ``audit.json`` attached to a completed document).

Each event's hash is SHA-256 over the canonical JSON of its fields and the previous event's hash,
so removing, reordering or editing any event breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

AUDIT_ATTACHMENT = "audit.json"
AUDIT_FORMAT = "pipdocs-audit/1"
#: The field of the organisation seal's signature over the audit revision (when the service
#: has a seal key; without one the revision carries a bare document timestamp).
AUDIT_SEAL_FIELD = "audit_seal"
GENESIS = "0" * 64
FIELDS = ("envelope", "at", "kind", "actor", "ip", "user_agent", "detail", "prev_hash")


def event_hash(event: dict[str, Any]) -> str:
    """The hash of one event (its ``hash`` key, if any, is not part of it)."""
    body = {key: event.get(key) for key in FIELDS}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def chain_problems(document: Any) -> list[str]:
    """What is wrong with an ``audit.json`` object; empty when the chain is intact."""
    if not isinstance(document, dict) or document.get("format") != AUDIT_FORMAT:
        return [f"audit.json is not a {AUDIT_FORMAT} document"]
    events = document.get("events")
    if not isinstance(events, list) or not events:
        return ["audit.json holds no events"]
    problems: list[str] = []
    previous = GENESIS
    for number, item in enumerate(events, 1):
        if not isinstance(item, dict):
            return [f"audit.json event {number} is not an object"]
        if item.get("prev_hash") != previous:
            problems.append(f"audit.json event {number} does not follow event {number - 1}")
        if item.get("hash") != event_hash(item):
            problems.append(f"audit.json event {number} ({item.get('kind')}) was altered")
        previous = str(item.get("hash"))
    return problems
