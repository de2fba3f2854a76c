"""What kind of document a prepared PDF is, and who signs it in which order.

A lifecycle document (check-in, revision, refusal, evaluation) carries a ``document.json``
attachment next to ``plan.json``: its kind, its signers in order, and its own data. It is part
of the first revision, so every signature covers it; sign and verify read the order from it
instead of assuming the plan's three signers. A PDF without it is a plan, signed in the policy's
order. The attachment is read with a bounded walk of the EmbeddedFiles name tree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pipdocs.core.errors import InputError
from pipdocs.core.plan import ROLES
from pipdocs.core.policy import DOCUMENT_KINDS

RECORD_ATTACHMENT = "document.json"
MAX_NAME_TREE_NODES = 10_000
MAX_NAME_TREE_DEPTH = 32


@dataclass(frozen=True)
class DocumentSigners:
    """The kind recorded in a document and the roles that sign it, in order."""

    kind: str
    order: tuple[str, ...]


def embedded_files(root: Any, name: str) -> list[bytes]:
    """Every attachment called ``name`` in a catalog's EmbeddedFiles name tree (bounded walk)."""
    found: list[bytes] = []
    try:
        tree = root["/Names"]["/EmbeddedFiles"]
    except (KeyError, TypeError):
        return found
    stack: list[tuple[Any, int]] = [(tree, 0)]
    visited = 0
    while stack:
        node, depth = stack.pop()
        visited += 1
        if depth > MAX_NAME_TREE_DEPTH or visited > MAX_NAME_TREE_NODES:
            raise InputError("the PDF's attachment list is too deep or too large to be genuine")
        node = node.get_object()
        stack.extend((kid, depth + 1) for kid in (node["/Kids"] if "/Kids" in node else ()))
        names = list(node["/Names"]) if "/Names" in node else []
        for key, spec in zip(names[::2], names[1::2], strict=False):
            spec = spec.get_object()
            labels = {str(key)} | {str(spec[k]) for k in ("/UF", "/F") if k in spec}
            if name in labels:
                ef = spec["/EF"]
                stream = ef["/UF"] if "/UF" in ef else ef["/F"]
                found.append(stream.get_object().data)
    return found


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


def document_signers(root: Any, default_order: tuple[str, ...]) -> DocumentSigners:
    """The document's kind and signer order; a PDF without a record is a plan (``default_order``).

    Two records, or one that cannot be read, is an InputError: the order must not be guessed.
    """
    found = embedded_files(root, RECORD_ATTACHMENT)
    if not found:
        return DocumentSigners("plan", tuple(default_order))
    if len(found) > 1:
        raise InputError(f"it carries {len(found)} {RECORD_ATTACHMENT} attachments; expected one")
    data = parse_record(found[0])
    return DocumentSigners(str(data["kind"]), tuple(str(r) for r in data["order"]))
