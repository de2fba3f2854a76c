"""What kind of document a prepared PDF is, and who signs it in which order.

A lifecycle document (check-in, revision, refusal, evaluation) carries a ``document.json``
attachment next to ``plan.json``: its kind, its signers in order, and its own data. It is part
of the first revision, so every signature covers it; sign and verify read the order from it
instead of assuming the plan's three signers. A PDF without it is a plan, signed in the policy's
order. The attachment is read with core.attachments' bounded walk of the EmbeddedFiles name tree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pipdocs.core.attachments import NameTreeTooLarge, named_attachments
from pipdocs.core.errors import InputError
from pipdocs.core.plan import ROLES
from pipdocs.core.policy import DOCUMENT_KINDS

RECORD_ATTACHMENT = "document.json"


@dataclass(frozen=True)
class DocumentSigners:
    """The kind recorded in a document and the roles that sign it, in order."""

    kind: str
    order: tuple[str, ...]


def embedded_files(root: Any, name: str) -> list[bytes]:
    """Every attachment called ``name`` (core.attachments' bounded walk; InputError if hostile)."""
    try:
        return named_attachments(root, name)
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


def attach_record(writer: object, record: bytes) -> None:
    """Embed a lifecycle document's data as ``document.json`` (see document/record.py)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.embed import (
        EmbeddedFileObject,
        EmbeddedFileParams,
        FileSpec,
        embed_file,
    )

    ef = EmbeddedFileObject.from_file_data(
        writer, record, mime_type="application/json",  # type: ignore[arg-type]
        params=EmbeddedFileParams(embed_size=True, embed_checksum=True),
    )
    embed_file(writer, FileSpec(  # type: ignore[arg-type]
        file_spec_string=RECORD_ATTACHMENT, file_name=RECORD_ATTACHMENT, embedded_data=ef,
        description="What this document records, its kind and signers (pipdocs)",
        af_relationship=generic.pdf_name("/Data"),
    ))
