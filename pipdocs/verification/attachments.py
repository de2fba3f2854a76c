"""Read what was verified: the attachments of the revision the plan's signatures cover.

``plan.json``, ``signing.json`` and ``document.json`` decide who must sign, in which order and
what a lifecycle document says. Lifecycle, case, archive and report code read them here, from the
file cut after its last plan signature (or the organisation's seal), never from the final
revision: whatever a later revision appends (validation data, archive timestamps, the audit
trail, or a forgery that :mod:`.revisions` rejects) cannot change what they read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipdocs.core.attachments import attachments_named
from pipdocs.core.files import read_input
from pipdocs.core.names import PLAN_ATTACHMENT, SEAL_FIELD, SIGNATURE_FIELDS, TERMS_ATTACHMENT
from pipdocs.document.pdfread import open_pdf

RECORD_NAME = "document.json"  # pipdocs.document.record.RECORD_ATTACHMENT
READ = (PLAN_ATTACHMENT, TERMS_ATTACHMENT, RECORD_NAME)
_SIGNED_FIELDS = {*SIGNATURE_FIELDS.values(), SEAL_FIELD}


def signed_prefix(data: bytes, reader: Any | None = None) -> bytes:
    """The file as its last plan signature (or the seal) left it; the whole file when no plan
    signature is readable (then nothing was verified, and verify says so)."""
    reader = reader or open_pdf(data, "PDF")
    ends = []
    for sig in reader.embedded_signatures:
        try:
            if str(sig.field_name) in _SIGNED_FIELDS and sig.sig_object_type == "/Sig":
                ends.append(int(sig.byte_range[2]) + int(sig.byte_range[3]))
        except Exception:  # noqa: BLE001 - an unreadable signature covers nothing
            continue
    end = max(ends, default=len(data))
    return data[:end] if 0 < end <= len(data) else data


def verified_attachments(source: Path | bytes, names: tuple[str, ...] = READ,
                         ) -> dict[str, list[bytes]]:
    """name -> every copy of that attachment in the signed revision (a caller refuses two).
    Raises what pyHanko raises for an unreadable PDF, and NameTreeTooLarge for a hostile tree."""
    data = source if isinstance(source, bytes) else read_input(Path(source), "PDF")
    prefix = signed_prefix(data)
    root = open_pdf(prefix, source if isinstance(source, Path) else "PDF").root
    return {name: attachments_named(root, name) for name in names}
