"""The data every lifecycle document embeds (``document.json``) and reading it back from a PDF.

A document names the plan (id and version), the SHA-256 of the signed document it follows
(``parent_sha256``) and of the plan version in force (``plan_sha256``), its date, and its own
content. Together with ``plan.json`` (the plan version in force: who the parties are) this is
what ``case verify`` chains. A plan PDF has no record: it is version 1 of its plan.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipdocs.core.attachments import NameTreeTooLarge
from pipdocs.core.errors import InputError, PipdocsError
from pipdocs.core.i18n import tr
from pipdocs.core.names import LIFECYCLE_KINDS as LIFECYCLE_KINDS  # re-exported
from pipdocs.core.names import PLAN_ATTACHMENT
from pipdocs.core.plan import Plan, plan_from_json_bytes

SCHEMA_VERSION = 1


class LifecycleRefused(PipdocsError):
    """A lifecycle document may not be made from this input or parent (exit 1)."""

    exit_code = 1


class Record(BaseModel):
    """``document.json``: what a lifecycle document is and what it follows."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    kind: str
    order: list[str]
    plan_id: str
    plan_version: int = Field(ge=1)
    plan_sha256: str = Field(description="SHA-256 of the signed plan version in force")
    parent_sha256: str = Field(description="SHA-256 of the document this one follows")
    parent_kind: str
    parent_version: int | None = None
    date: date
    data: dict[str, Any] = Field(default_factory=dict)

    def to_json_bytes(self) -> bytes:
        """Canonical UTF-8 JSON, as embedded."""
        data = self.model_dump(mode="json", exclude_none=True)
        return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


@dataclass(frozen=True)
class Document:
    """A PIP document read from its PDF: what it is, its plan version, and its record."""

    path: Path
    data: bytes
    sha256: str
    kind: str
    plan: Plan
    record: Record | None  # None: a plan (version 1)
    earlier: tuple[str, ...] = ()  # digests before `archive refresh` appended to the file

    @property
    def digests(self) -> tuple[str, ...]:
        """Every SHA-256 a later document may name this one by: the file's, and the file's as
        it was after its last signature, before each archive refresh appended validation data
        and a timestamp (verify allows nothing else after the last signature)."""
        return (self.sha256, *self.earlier)

    @property
    def version(self) -> int:
        """The plan version this document is or follows."""
        return self.record.plan_version if self.record else 1

    @property
    def date(self) -> date:
        """The document's own date; a plan's is the start of its period."""
        return self.record.date if self.record else self.plan.period.start

    @property
    def plan_sha256(self) -> str:
        """SHA-256 of the plan version this document is (a plan, a revision) or follows."""
        if self.kind in ("plan", "revision") or self.record is None:
            return self.sha256
        return self.record.plan_sha256


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_document(path: Path) -> Document:
    """Read a PIP PDF's kind, plan and record from the revision its signatures cover (the
    verifier's :func:`~pipdocs.verification.attachments.verified_attachments`: nothing appended
    after the last signature is read); verify_pdf judges whether that revision holds."""
    from pipdocs.core.files import read_input
    from pipdocs.document.pdfread import TooLarge, open_pdf
    from pipdocs.document.record import RECORD_ATTACHMENT, parse_record
    from pipdocs.verification.attachments import verified_attachments

    path = Path(path)
    raw = read_input(path, "PDF")
    try:
        reader = open_pdf(raw, path)
        files = verified_attachments(raw, (PLAN_ATTACHMENT, RECORD_ATTACHMENT))
        plans, records = files[PLAN_ATTACHMENT], files[RECORD_ATTACHMENT]
    except TooLarge:
        raise
    except NameTreeTooLarge as exc:
        raise InputError(f"{path}: the PDF's attachment list is too deep or too large to be"
                         " genuine") from exc
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure: not a usable PDF
        raise InputError(tr("{file}: not a readable PDF ({error}); check the file").format(
            file=path, error=type(exc).__name__)) from exc
    if len(plans) != 1:
        raise InputError(tr("{file}: carries {count} plan.json attachments; a PIP document made by"
                            " pipdocs carries exactly one").format(file=path, count=len(plans)))
    try:
        plan = plan_from_json_bytes(plans[0])
    except PipdocsError as exc:
        raise InputError(tr("{file}: its plan.json is not a valid plan ({error})").format(
            file=path, error=exc)) from exc
    if not records:
        return Document(path, raw, sha256_hex(raw), "plan", plan, None,
                        _earlier_digests(reader, raw))
    if len(records) > 1:
        raise InputError(tr("{file}: carries {count} {name} attachments").format(
            file=path, count=len(records), name=RECORD_ATTACHMENT))
    try:
        record = Record.model_validate(parse_record(records[0]))
    except (InputError, ValidationError) as exc:
        raise InputError(tr("{file}: its {name} is not a pipdocs record ({error})").format(
            file=path, name=RECORD_ATTACHMENT, error=exc)) from exc
    return Document(path, raw, sha256_hex(raw), record.kind, plan, record,
                    _earlier_digests(reader, raw))


def _earlier_digests(reader: Any, raw: bytes) -> tuple[str, ...]:
    """The digests of the file cut at each revision end after its last signature (an archive
    refresh appends revisions; the document it follows named the file as it was then)."""
    try:
        ends = [int(s.byte_range[2]) + int(s.byte_range[3]) for s in reader.embedded_signatures
                if s.sig_object_type == "/Sig"]
    except Exception:  # noqa: BLE001 - unreadable signatures: only the whole file counts
        return ()
    if not ends:
        return ()
    cuts = {m.end() for m in re.finditer(rb"%%EOF\r?\n?", raw) if m.end() >= max(ends)}
    cuts |= {max(ends)}
    return tuple(sha256_hex(raw[:cut]) for cut in sorted(cuts) if cut < len(raw))
