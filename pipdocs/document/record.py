"""What kind of document a prepared PDF is: a plan, or a document that follows one.

A lifecycle document (check-in, revision, refusal, evaluation) carries a ``document.json``
attachment next to ``plan.json`` and ``signing.json``: its kind, its signers in order and its own
data (pipdocs/lifecycle/records.py). It is part of the first revision, so every signature covers
it. The signing order itself is ``signing.json``'s, as for every document; sign reads the kind
for the reason texts the policy gives that kind. A PDF without it is a plan.
"""

from __future__ import annotations

import json
from typing import Any, cast

from pipdocs.core.attachments import NameTreeTooLarge, attachments_named
from pipdocs.core.errors import InputError
from pipdocs.core.names import DOCUMENT_KINDS, DocumentKind
from pipdocs.core.plan import ROLES

RECORD_ATTACHMENT = "document.json"


def embedded_files(root: Any, name: str) -> list[bytes]:
    """Every attachment called ``name`` (core.attachments' bounded walk; InputError if hostile)."""
    try:
        return attachments_named(root, name)
    except NameTreeTooLarge as exc:
        raise InputError("the PDF's attachment list is too deep or too large to be genuine")\
            from exc


def parse_record(raw: bytes) -> dict[str, Any]:
    """The recorded document data; InputError when it is not a JSON object with a known kind."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"its {RECORD_ATTACHMENT} is not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("kind") not in DOCUMENT_KINDS:
        raise InputError(f"its {RECORD_ATTACHMENT} names no document kind"
                         f" ({', '.join(DOCUMENT_KINDS)})")
    order = data.get("order")
    if (not isinstance(order, list) or not order or len(set(order)) != len(order)
            or not set(order) <= set(ROLES)):
        raise InputError(f"its {RECORD_ATTACHMENT} names no valid signer order")
    return data


def document_kind(root: Any) -> DocumentKind:
    """The document's kind: its record's, or "plan" when it has none (InputError if unreadable
    or given twice: the reason texts must not be guessed)."""
    found = embedded_files(root, RECORD_ATTACHMENT)
    if not found:
        return "plan"
    if len(found) > 1:
        raise InputError(f"it carries {len(found)} {RECORD_ATTACHMENT} attachments; expected one")
    return cast(DocumentKind, parse_record(found[0])["kind"])  # one of DOCUMENT_KINDS
