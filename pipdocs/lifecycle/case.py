"""``case verify``: every document of a PIP case verifies, and together they form one chain.

Each PDF is verified alone (verify_pdf, against the trust anchors), then the case: one plan id
and the same parties throughout; each document's signers are the policy's for its kind; each
names its parent's SHA-256, and the parent is in the case; versions follow one another; every
document refers to the version in force on its date; dates lie inside the period (or its
extension) and in order; every checkpoint that has come has its check-in; the evaluation comes
last; each document is signed on or shortly after its date. A refusal record stands for the
employee's signature on the document it names, and for nothing else: the employer (every other
signer of the document's order) signs every document, and a document that does not verify fails
the case. The case passes only when every one of these holds: anything not established is a
problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from pipdocs.core.errors import InputError, PipdocsError
from pipdocs.core.i18n import N_, plan_language, tr
from pipdocs.core.policy import Policy
from pipdocs.lifecycle.casereport import CaseDocument, CaseProblem, CaseReport
from pipdocs.lifecycle.facts import case_files
from pipdocs.lifecycle.findings import Entry, Findings, both
from pipdocs.lifecycle.records import Document, read_document
from pipdocs.lifecycle.timeline import (
    check_checkpoints,
    check_dates,
    check_inputs,
    check_signing_times,
    check_termination,
    extended_until,
    summary,
)
from pipdocs.lifecycle.words import english, language, problem_text


def verify_case(paths: Sequence[Path], trust: Sequence[Path], policy: Policy) -> CaseReport:
    """Verify the PDFs in ``paths`` (files and folders) as one case."""
    from pipdocs.core.version import __version__

    files = case_files(paths)
    if not files:
        raise InputError(tr("no PDF given: pass the case's PDFs or the folder holding them"))
    found = Findings()
    entries = _read_all(files, trust, policy, found)
    root = _root(entries, found)
    if root is not None:
        chained = [e for e in entries if _same_case(e, root, found)]
        _check_signers(chained, policy, found)
        _check_chain(chained, found)
        check_inputs(chained, found)
        check_dates(chained, found)
        check_signing_times(chained, found, policy.case)
        states = check_checkpoints(chained, found)
        check_termination(chained, found)
    else:
        states = []
    in_force = max((e.doc.version for e in entries if in_force_capable(e)), default=None)
    with plan_language(root.doc.plan.language if root else None):
        lang = language()  # --lang, else a Chinese plan, else the locale
    ordered = sorted(entries, key=lambda e: (e.doc.date, _RANK.get(e.doc.kind, 9)))
    return CaseReport(
        tool=f"pipdocs {__version__}", verified_at=datetime.now(timezone.utc),
        ok=not found.problems, language=lang,
        plan_id=root.doc.plan.plan_id if root else None,
        employee=root.doc.plan.employee.name if root else None, version_in_force=in_force,
        documents=[_describe(e, lang) for e in ordered], checkpoints=states,
        extended_until=extended_until(entries),
        problems=found.problems, warnings=found.warnings,
    )


_RANK = {"plan": 0, "revision": 1, "refusal": 2, "checkin": 3, "evaluation": 4}


def _read_all(files: list[Path], trust: Sequence[Path], policy: Policy,
              found: Findings) -> list[Entry]:
    from pipdocs.verification.verify import verify_pdf

    entries = []
    for path in files:
        try:
            doc = read_document(path)
            report = verify_pdf(path, list(trust), True, policy)
        except PipdocsError:
            detail, detail_zh = both(partial(_why, path, trust, policy))
            params = {"file": path.name, "detail": detail, "detail_zh": detail_zh}
            found.problems.append(CaseProblem(code="unreadable", file=str(path), params=params,
                                              message=english("unreadable", params)))
            continue
        blocking = [p for p in report.problems if p.code != "missing_role"]  # pending: below
        signed_at = {s.role: s.timestamp.time for s in report.signatures
                     if s.role and s.timestamp and s.timestamp.time}
        entries.append(Entry(doc, report.verdict, list(report.signed_roles),
                             list(report.pending_roles), [p.message for p in blocking],
                             required=list(report.required_roles),
                             problems_zh=[problem_text(p, "zh") for p in blocking],
                             signed_at=signed_at, report=report))
    return entries


def _why(path: Path, trust: Sequence[Path], policy: Policy) -> str:
    """Why ``path`` cannot be read or verified, in the message language now."""
    from pipdocs.verification.verify import verify_pdf

    try:
        read_document(path)
        verify_pdf(path, list(trust), True, policy)
    except PipdocsError as exc:
        text = str(exc)
        for prefix in (f"{path}: ", f"{path}："):  # the finding names the file already
            text = text.removeprefix(prefix)
        return text
    return ""


def _root(entries: list[Entry], found: Findings) -> Entry | None:
    plans = [e for e in entries if e.doc.kind == "plan"]
    if not plans:
        found.add("no_plan")
        return None
    if len(plans) > 1:
        ids = ", ".join(f"{e.doc.path.name}: {e.doc.plan.plan_id}" for e in plans)
        found.add("several_plans", count=len(plans), detail=ids)
    return plans[0]


def _same_case(entry: Entry, root: Entry, found: Findings) -> bool:
    """Same plan id and parties as the plan; anything else is reported and left out."""
    doc, plan = entry.doc, root.doc.plan
    if doc.plan.plan_id != plan.plan_id:
        found.add("other_case", doc, detail=doc.plan.plan_id, plan_id=plan.plan_id)
        return False
    if entry is root:
        return True
    differ = [label for label, a, b in (
        (N_("employee"), doc.plan.employee.id, plan.employee.id),
        (N_("employee e-mail"), doc.plan.employee.email.casefold(),
         plan.employee.email.casefold()),
        (N_("manager e-mail"), doc.plan.manager.email.casefold(), plan.manager.email.casefold()),
        (N_("HR e-mail"), doc.plan.hr.email.casefold(), plan.hr.email.casefold()),
    ) if a != b]
    if differ:
        detail, detail_zh = both(lambda: ", ".join(map(tr, differ)))
        found.add("parties_differ", doc, detail=detail, detail_zh=detail_zh)
        return False
    return True


def _check_signers(entries: list[Entry], policy: Policy, found: Findings) -> None:
    """Each PDF verifies, has its kind's signers, and is complete: a signed refusal record
    stands for the employee's step alone; the employer's signatures are never excused."""
    refusals = {e.doc.record.parent_sha256: e.doc for e in entries
                if e.doc.kind == "refusal" and e.doc.record and not e.pending and not e.problems}
    for entry in entries:
        doc = entry.doc
        expected = list(policy.order_for(doc.kind))
        recorded = entry.required  # what sign and verify enforce: the document's signing.json
        if recorded != expected:
            found.add("wrong_signers", doc, detail=" → ".join(recorded),
                      detail_roles=",".join(recorded), expected=" → ".join(expected),
                      expected_roles=",".join(expected))
        if entry.problems or entry.verdict == "invalid":
            found.add("document_invalid", doc,
                      detail="; ".join(entry.problems[:3]) or entry.verdict,
                      detail_zh="; ".join(entry.problems_zh[:3]) or entry.verdict)
        if not entry.pending:
            continue
        refusal = next((refusals[d] for d in doc.digests if d in refusals), None)
        if refusal is None or "employee" not in entry.pending:
            found.add("incomplete", doc, detail=", ".join(entry.pending),
                      detail_roles=",".join(entry.pending))
            continue
        entry.refused_by = refusal
        found.add("refused", doc, warning=True, detail=refusal.path.name)
        employer = employer_pending(entry)
        if employer:
            found.add("employer_unsigned", doc, detail=", ".join(employer),
                      detail_roles=",".join(employer), expected=refusal.path.name)


def employer_pending(entry: Entry) -> list[str]:
    """The signers other than the employee (the employer's) who have not signed."""
    return [role for role in entry.pending if role != "employee"]


def in_force_capable(entry: Entry) -> bool:
    """A plan version that verifies and that its employer signed: it can be the version in
    force (the employee's signature is not needed, a plan applies once delivered). A revision
    nobody signed replaces nothing, whatever refusal record names it."""
    return (entry.doc.kind in ("plan", "revision") and not entry.problems
            and entry.verdict in ("valid", "incomplete") and not employer_pending(entry))


def _check_chain(entries: list[Entry], found: Findings) -> None:
    """Parents by digest, versions one after another, and the version in force."""
    by_sha = {digest: e.doc for e in entries for digest in e.doc.digests}
    effective = {e.doc.version: e.doc for e in entries if in_force_capable(e)}
    versions: dict[int, Document] = {}
    for entry in sorted(entries, key=lambda e: e.doc.version):
        doc = entry.doc
        if doc.kind in ("plan", "revision"):
            if doc.version in versions:
                found.add("version_conflict", doc, detail=doc.version)
            versions.setdefault(doc.version, doc)
    for entry in entries:
        doc, record = entry.doc, entry.doc.record
        if record is None:
            continue
        parent = by_sha.get(record.parent_sha256)
        if parent is None:
            expected = _expected_parent(record.parent_kind, record.parent_version, entries)
            if expected is not None:
                found.add("parent_mismatch", doc, detail=record.parent_sha256[:16] + "…",
                          expected=f"{expected.path.name} ({expected.sha256[:16]}…)")
            else:
                found.add("parent_missing", doc, detail=record.parent_sha256[:16] + "…")
            continue
        if doc.kind in ("checkin", "evaluation", "revision"):
            _check_version(doc, parent, effective, found)


def _expected_parent(kind: str, version: int | None, entries: list[Entry]) -> Document | None:
    return next((e.doc for e in entries
                 if e.doc.kind == kind and (version is None or e.doc.version == version)), None)


def _check_version(doc: Document, parent: Document, versions: dict[int, Document],
                   found: Findings) -> None:
    """A check-in or evaluation follows the version in force (of ``versions``: those that can
    be in force); a revision the previous one."""
    record = doc.record
    assert record is not None
    if parent.kind not in ("plan", "revision"):
        found.add("parent_missing", doc, detail=record.parent_sha256[:16] + "…")
        return
    if doc.kind == "revision":
        if record.plan_version != parent.version + 1:
            found.add("version_conflict", doc, detail=record.plan_version)
        return
    if record.plan_sha256 not in parent.digests or record.plan_version != parent.version:
        found.add("parent_mismatch", doc, detail=record.plan_sha256[:16] + "…",
                  expected=f"{parent.path.name} ({parent.sha256[:16]}…)")
    later = [v for n, v in versions.items() if n > parent.version and
             (doc.kind == "evaluation" or v.date <= doc.date)]
    if later:
        newest = max(later, key=lambda v: v.version)
        found.add("superseded", doc, detail=parent.version, expected=newest.version)


def _describe(entry: Entry, lang: str) -> CaseDocument:
    doc = entry.doc
    return CaseDocument(
        file=str(doc.path), sha256=doc.sha256, kind=doc.kind, plan_id=doc.plan.plan_id,
        version=doc.version, date=doc.date,
        parent_sha256=doc.record.parent_sha256 if doc.record else None,
        verdict=entry.verdict, signed_roles=entry.signed, pending_roles=entry.pending,
        signed_at=dict(entry.signed_at),
        refused_by=str(entry.refused_by.path) if entry.refused_by else None,
        summary=summary(doc, lang), verification=entry.report,
    )
