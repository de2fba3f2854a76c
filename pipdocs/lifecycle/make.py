"""Making a lifecycle document: verify its parent, check the input, render, convert, prepare.

Each command reads the signed document it follows, which must verify against the trust
anchors; its data comes from the parent's attachments, never from the command line. The
output is a prepared PDF with the fields of its own signers (in the order the policy names for
its kind), ``plan.json`` (the plan version in force: who signs) and ``document.json`` (its
record, naming its parent's SHA-256). Nothing is written unless every check passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipdocs.core.errors import PlanInvalid, Problem
from pipdocs.core.files import check_output
from pipdocs.core.i18n import tr
from pipdocs.core.plan import Plan
from pipdocs.core.policy import Policy
from pipdocs.document.factory import Blueprint, make_document
from pipdocs.lifecycle.contexts import label
from pipdocs.lifecycle.facts import CaseFacts, case_facts
from pipdocs.lifecycle.records import Document, LifecycleRefused, Record, read_document
from pipdocs.lifecycle.words import kind_word, problem_text, role_words

#: A problem code that does not stop a refusal: the document was never (fully) signed.
UNSIGNED_CODES = {"no_signatures", "missing_role", "no_trust_anchors"}


@dataclass
class Options:
    """What every lifecycle command shares: trust, policy, templates, the case folder.

    ``case_documents``: the case folder's documents already read (bulk check-ins read the
    folder of signed plans once, not once per row); they stand in for ``case_dir``."""

    trust: Sequence[Path] = ()
    policy: Policy | None = None
    templates_dir: Path | None = None
    case_dir: Path | None = None
    case_documents: Sequence[Document] | None = None

    def facts_for(self, plan_id: str | None) -> CaseFacts:
        """What the case folder establishes about this plan (nothing without a folder)."""
        if self.case_documents is not None:
            return CaseFacts([d for d in self.case_documents if d.plan.plan_id == plan_id])
        return case_facts(self.case_dir, plan_id)


@dataclass
class Draft:
    """A lifecycle document whose parent and input passed every check: what to render and
    record. Converting it is the slow part, so a bulk run hands many to the conversion pool."""

    kind: str
    plan: Plan
    context: dict[str, Any]
    record: Record
    warnings: list[str] = field(default_factory=list)


@dataclass
class Made:
    """A prepared lifecycle document: where it is, its record, and warnings for the user."""

    path: Path
    record: Record
    warnings: list[str] = field(default_factory=list)


def policy_of(options: Options) -> Policy:
    from pipdocs.core.policy import load_policy

    return options.policy or load_policy()


def load_parent(path: Path, options: Options, kinds: Sequence[str],
                allow_unsigned: bool = False, refusal: Document | None = None) -> Document:
    """The parent document, read and verified; LifecycleRefused unless it verifies.

    ``refusal``: a refusal record (from the case folder) naming the parent; the parent then
    stands without the employee's signature, as in ``case verify``, if the refusal verifies."""
    from pipdocs.verification.verify import verify_pdf

    doc = read_document(path)
    if doc.kind not in kinds:
        raise LifecycleRefused(tr("{file}: is a document of kind '{kind}'; this document"
                                  " follows: {kinds}").format(
            file=path, kind=kind_word(doc.kind), kinds=tr(" or ").join(map(kind_word, kinds))))
    if refusal is not None:
        check = verify_pdf(refusal.path, list(options.trust), False, policy_of(options))
        if not check.ok:
            raise LifecycleRefused(tr("{file}: the refusal record for {parent} does not verify;"
                                      " check it with `pipdocs verify`").format(
                                          file=refusal.path, parent=path))
    report = verify_pdf(path, list(options.trust), allow_unsigned or refusal is not None,
                        policy_of(options))
    codes = {p.code for p in report.problems}
    order = list(report.required_roles)  # the signers the document records (signing.json)
    excused = set(order[order.index("employee"):]) if "employee" in order else set()
    refused_ok = refusal is not None and set(report.pending_roles) <= excused
    if report.ok and (refusal is None or refused_ok):
        return doc
    if (allow_unsigned or refused_ok) and codes <= UNSIGNED_CODES and (
            "no_trust_anchors" not in codes or not report.signatures):
        return doc
    if "no_trust_anchors" in codes:
        raise LifecycleRefused(tr("{file}: cannot be verified without a trust anchor; pass"
                                  " --trust ROOT.pem (the CA's root certificate)").format(
                                      file=path))
    if not report.signatures or codes == {"missing_role"}:
        raise LifecycleRefused(tr(
            "{file}: is not signed by all of {roles} yet; make this document from the fully"
            " signed PDF (if the employee refused to sign, pass --case with the signed refusal"
            " record)").format(file=path, roles=role_words(report.pending_roles)))
    reasons = "; ".join(problem_text(p) for p in report.problems[:3])
    raise LifecycleRefused(tr("{file}: does not verify ({reasons}); check it with `pipdocs verify"
                              " {file}`").format(file=path, reasons=reasons))


def in_force(parent: Document, facts: CaseFacts) -> None:
    """Refuse a parent version that a revision in the case folder has replaced."""
    later = facts.replacing(parent.digests)
    if later is not None:
        raise LifecycleRefused(tr(
            "{file}: version {version} of {plan_id} was replaced by version {later} ({name});"
            " use the version in force").format(
                file=parent.path, version=parent.version, plan_id=parent.plan.plan_id,
                later=later.version, name=later.path.name))


def check_input(problems: list[Problem], source: Path, plan: Plan | None = None) -> None:
    """Every problem of an input at once (exit 1), in the plan's language."""
    if problems:
        raise PlanInvalid(problems, str(source), plan.language if plan else None)


def record_for(kind: str, parent: Document, when: date, data: dict[str, Any],
               order: Sequence[str], version: int | None = None) -> Record:
    """The record of a new document that follows ``parent``."""
    return Record(
        kind=kind, order=list(order), plan_id=parent.plan.plan_id or "",
        plan_version=version or parent.version,
        plan_sha256=parent.sha256 if kind == "revision" else parent.plan_sha256,
        parent_sha256=parent.sha256, parent_kind=parent.kind, parent_version=parent.version,
        date=when, data=data,
    )


def title_of(kind: str, plan: Plan) -> str:
    return f"{label(kind, plan.language)} – {plan.employee.name}"


def blueprint(draft: Draft, docx: bytes | None = None) -> Blueprint:
    """What the document factory makes of a checked document: its kind's template rendered
    with its context (or ``docx``, a Word document composed already), prepared for its own
    signers with its record and title."""
    return Blueprint(draft.kind, draft.plan, draft.context, docx, tuple(draft.record.order),
                     draft.record.to_json_bytes(), title_of(draft.kind, draft.plan))


def made_from(draft: Draft, out: Path, options: Options, docx: bytes | None = None) -> Made:
    """Render, convert, prepare and write a checked document (one at a time)."""
    path = make_document(blueprint(draft, docx), out, policy=options.policy,
                         templates_dir=options.templates_dir)
    return Made(path, draft.record, draft.warnings)


def start(out: Path, parent_pdf: Path, options: Options, kinds: Sequence[str],
          allow_unsigned: bool = False) -> tuple[Document, CaseFacts]:
    """The checks every command makes first: output path, parent, case facts."""
    out = Path(out)
    check_output(out)
    if out.exists() and out.resolve() == Path(parent_pdf).resolve():
        raise LifecycleRefused(tr("{file}: -o must differ from the document it follows").format(
            file=out))
    first = read_document(Path(parent_pdf))
    facts = options.facts_for(first.plan.plan_id)
    parent = load_parent(Path(parent_pdf), options, kinds, allow_unsigned,
                         facts.refusal_of(first.digests))
    return parent, facts
