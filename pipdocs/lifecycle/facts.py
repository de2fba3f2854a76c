"""What a case folder says about a plan: its versions, any extension, earlier training steps.

Read without verifying (``case verify`` does that): these facts only let a command refuse an
input that the case already contradicts, such as a check-in against a version that a revision
has replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipdocs.core.errors import InputError
from pipdocs.core.files import not_regular
from pipdocs.core.i18n import tr
from pipdocs.lifecycle.records import Document, read_document

#: At most this many PDFs are read from one case folder.
MAX_CASE_FILES = 500


def case_files(paths: Iterable[Path]) -> list[Path]:
    """The PDFs named, with folders expanded to the PDFs directly inside them (sorted)."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.suffix.lower() == ".pdf" and p.is_file())
        elif path.is_file():
            out.append(path)
        elif path.exists():
            raise not_regular(path, "PDF")  # a pipe or a device would hang or never end
        else:
            raise InputError(tr("{path}: no such file or folder; check the path").format(
                path=path))
    if len(out) > MAX_CASE_FILES:
        raise InputError(tr("{count} PDFs: a case holds at most {most}").format(
            count=len(out), most=MAX_CASE_FILES))
    return out


def read_folder(folder: Path) -> tuple[list[Document], list[str]]:
    """The PIP documents among the PDFs directly in ``folder`` (read, not verified), and the
    names of the PDFs that are not PIP documents."""
    docs, unreadable = [], []
    for path in case_files([folder]):
        try:
            docs.append(read_document(path))
        except InputError:
            unreadable.append(path.name)
    return docs, unreadable


@dataclass
class CaseFacts:
    """The documents of one plan found in a case folder, and what they establish."""

    documents: list[Document] = field(default_factory=list)

    def replacing(self, digests: tuple[str, ...]) -> Document | None:
        """The revision that replaces the version with these digests (``Document.digests``)."""
        return next((d for d in self.documents if d.kind == "revision" and d.record
                     and d.record.parent_sha256 in digests), None)

    def refusal_of(self, digests: tuple[str, ...]) -> Document | None:
        """The refusal record that names the document with these digests, if any."""
        return next((d for d in self.documents if d.kind == "refusal" and d.record
                     and d.record.parent_sha256 in digests), None)

    def extended_until(self, before: date | None = None) -> date | None:
        """The end of the extension an evaluation granted (dated before ``before``)."""
        for doc in self.documents:
            data = doc.record.data if doc.record else {}
            if (doc.kind == "evaluation" and data.get("decision") == "extend"
                    and (before is None or doc.date < before) and data.get("extend_until")):
                return date.fromisoformat(str(data["extend_until"]))
        return None

    def earlier_step(self, before: date) -> Document | None:
        """An evaluation before ``before`` that decided training or a transfer."""
        for doc in sorted(self.documents, key=lambda d: d.date):
            data = doc.record.data if doc.record else {}
            if (doc.kind == "evaluation" and doc.date < before
                    and data.get("decision") in ("training", "transfer")):
                return doc
        return None


def case_facts(folder: Path | None, plan_id: str | None) -> CaseFacts:
    """The documents of ``plan_id`` in ``folder`` (none when no folder is given)."""
    if folder is None:
        return CaseFacts()
    if not Path(folder).is_dir():
        raise InputError(tr("--case {folder}: not a folder; give the folder holding the case's"
                            " PDFs").format(folder=folder))
    docs, _ = read_folder(folder)  # a PDF that is not a PIP document: case verify reports it
    return CaseFacts([doc for doc in docs if doc.plan.plan_id == plan_id])
