"""One way to make a document: the Word document, LibreOffice, prepare, seal, written atomically.

Every PDF pipdocs makes comes from here: a plan (``pipdocs pdf``), a lifecycle document
(check-in, revision, refusal, evaluation), a verification record, and bulk runs, which use the
batch form (:mod:`pipdocs.document.factory_batch`) on the conversion pool. A ``Blueprint`` says
what to make; the steps are the same for every kind:

1. the Word document: given (a revision's composed pages, a record built with python-docx),
   else the kind's template rendered (a plan's role template, a lifecycle kind's own);
2. LibreOffice converts it;
3. ``finish``: a plan or lifecycle document is prepared for signing (fields, ``plan.json``,
   ``signing.json``, its record) and sealed when a sealer is given; a verification record gets
   no fields, only its seal;
4. the output is written atomically; intermediate files live in a private temporary directory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipdocs.core.files import check_output, read_input, write_atomic

if TYPE_CHECKING:
    from pipdocs.core.plan import Plan
    from pipdocs.core.policy import Policy

#: A verification record: converted and sealed (a document timestamp), never prepared.
EVIDENCE = "evidence"
#: Bytes in, bytes out: the last step (the organisation's seal, a record's timestamp).
Seal = Callable[[bytes], bytes]
#: Builds a Word document at the path it is given and returns that path.
DocxBuilder = Callable[[Path], Path]
#: Intermediate file names per kind (those the separate paths used before).
_STEMS = {EVIDENCE: "record"}


@dataclass(frozen=True)
class Blueprint:
    """What to make.

    ``kind``: "plan", a lifecycle kind, or ``EVIDENCE``. The Word document is ``docx`` when
    given (bytes, or a function that writes it), else the template of a lifecycle ``kind``
    rendered with ``context``, else the plan's role template. ``order``, ``record`` and
    ``title``: a lifecycle document's signers, its ``document.json`` and its title."""

    kind: str
    plan: Plan | None = None
    context: Mapping[str, Any] | None = None
    docx: bytes | DocxBuilder | None = None
    order: tuple[str, ...] | None = None
    record: bytes | None = None
    title: str | None = None

    @classmethod
    def of_plan(cls, plan: Plan) -> Blueprint:
        """A plan's own document (``pipdocs pdf``)."""
        return cls("plan", plan)

    @property
    def stem(self) -> str:
        return _STEMS.get(self.kind, self.kind)


def docx_bytes(what: Blueprint, templates_dir: Path | None = None) -> bytes:
    """The Word document of ``what`` when it is rendered from a template (or given as bytes)."""
    from pipdocs.document.render import render_docx_bytes, render_template_bytes
    from pipdocs.document.templates import find_template

    if isinstance(what.docx, bytes):
        return what.docx
    plan = _plan(what)
    if what.context is None:
        return render_docx_bytes(plan, templates_dir)
    path = find_template(plan.language, what.kind, templates_dir)
    return render_template_bytes(path, dict(what.context), plan.language, what.title or "",
                                 plan.plan_id or "")


def write_docx(what: Blueprint, path: Path, templates_dir: Path | None = None) -> Path:
    """The Word document of ``what`` written at ``path`` (in a private work directory)."""
    if callable(what.docx):
        return what.docx(path)
    return write_atomic(path, docx_bytes(what, templates_dir))


def finish(what: Blueprint, pdf: bytes, policy: Policy | None = None,
           seal: Seal | None = None) -> bytes:
    """The converted PDF made ready: prepared for signing (a plan or lifecycle document, then
    sealed when ``seal`` is given), or only sealed (a verification record)."""
    if what.kind == EVIDENCE:
        return seal(pdf) if seal is not None else pdf
    from pipdocs.document.prepare import prepare_pdf

    return prepare_pdf(pdf, _plan(what), policy, seal, order=what.order, record=what.record,
                       title=what.title)


def finish_file(what: Blueprint, pdf_path: Path, out: Path, policy: Policy | None = None,
                seal: Seal | None = None) -> Path:
    """Finish an already converted PDF and write it atomically (a batch converts in a pool)."""
    data = read_input(Path(pdf_path), "converted PDF", "convert it again")
    return write_atomic(out, finish(what, data, policy, seal))


def make_document(what: Blueprint, out: Path, *, policy: Policy | None = None,
                  seal: Seal | None = None, templates_dir: Path | None = None) -> Path:
    """Make one document (see the module docstring) at ``out``; nothing is written there unless
    every step succeeded. ``policy``: the signing order of a plan (None: the shipped policy)."""
    from pipdocs.conversion.soffice import convert_docx_to_pdf

    out = Path(out)
    check_output(out)  # fail before spending seconds in LibreOffice
    with tempfile.TemporaryDirectory(prefix=f"pipdocs-{what.kind}-") as tmp:
        work = Path(tmp)
        docx = write_docx(what, work / f"{what.stem}.docx", templates_dir)
        converted = convert_docx_to_pdf(docx, work / f"{what.stem}.pdf")
        return finish_file(what, converted, out, policy, seal)


def _plan(what: Blueprint) -> Plan:
    if what.plan is None:
        raise ValueError(f"a {what.kind} document needs its plan")
    return what.plan
