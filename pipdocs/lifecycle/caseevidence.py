"""``case verify --report X.pdf``: one timestamped record for a whole PIP case.

For a labour arbitrator who is not a specialist: in the case's language, the company, the
employee and the plan (period, extension); the verdict on the whole case in plain words and
the chain checks behind it; the case's timeline and checkpoints; then each document with its
file name (never a local path), SHA-256 and its parent's, and every signer as the
single-document record shows them (:mod:`pipdocs.archive.evidence`), a refusal record standing
for the employee's step; technical details in an appendix. Sealed like the single-document
record (:func:`pipdocs.archive.evidence_doc.sealed_record`), so ``pipdocs verify`` accepts it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipdocs.archive.evidence import (
    APPENDIX_WIDTHS,
    SIGNER_WIDTHS,
    finding_lines,
    plan_rows,
    signer_rows,
    verdict_text,
    zone_note,
)
from pipdocs.archive.evidence_doc import (
    Clock,
    clock,
    new_document,
    para,
    read_plan,
    seal_owner_of,
    sealed_record,
    table,
)
from pipdocs.archive.evidence_words import TEXT
from pipdocs.core.plan import Plan
from pipdocs.core.policy import Policy
from pipdocs.lifecycle.caseevidence_words import CASE_TEXT, CHECK_CODES
from pipdocs.lifecycle.casereport import KIND_LABELS, CaseDocument, CaseProblem, CaseReport, say


def write_case_evidence_pdf(report: CaseReport, out: Path, *, timestamper: Any,
                            policy: Policy, organisation_seal: Any = None) -> Path:
    """Build, convert, attach the case's JSON report (file names only), and seal: by the
    organisation's seal when given, else by a document timestamp only (the record says so)."""
    latest = next((d for d in report.documents if d.kind in ("plan", "revision")
                   and d.version == report.version_in_force), None)  # an unsigned one is not
    plan = read_plan(Path(latest.file)) if latest is not None else None
    named = named_only(report)
    clock_ = clock(policy, report.language)
    owner = seal_owner_of(organisation_seal)
    return sealed_record(lambda path: build_case_docx(named, plan, clock_, path, owner),
                         named.model_dump_json(indent=2).encode("utf-8"), out,
                         timestamper=timestamper, policy=policy,
                         organisation_seal=organisation_seal)


def named_only(report: CaseReport) -> CaseReport:
    """The report with every local path cut to the file's name."""
    def name(value: str | None) -> str | None:
        return Path(value).name if value else value

    documents = [d.model_copy(update={
        "file": Path(d.file).name, "refused_by": name(d.refused_by),
        "verification": d.verification.model_copy(update={"file": Path(d.file).name})
        if d.verification else None}) for d in report.documents]
    return report.model_copy(update={
        "documents": documents,
        "problems": [p.model_copy(update={"file": name(p.file)}) for p in report.problems],
        "warnings": [p.model_copy(update={"file": name(p.file)}) for p in report.warnings]})


def plain(problem: CaseProblem, lang: str) -> str:
    """A case finding for a non-specialist: technical detail goes to the appendix."""
    words = CASE_TEXT[lang]["plain"]
    if problem.code in words:
        return str(words[problem.code].format(file=problem.params.get("file", "")))
    return technical(problem, lang)


def technical(problem: CaseProblem, lang: str) -> str:
    """The case check's own sentence (for the appendix), or a generic one for a new code."""
    try:
        return say(problem, lang)
    except KeyError:  # a code this record does not know yet
        return str(CASE_TEXT[lang]["plain"]["other"].format(file=problem.params.get("file", "")))


def build_case_docx(report: CaseReport, plan: Plan | None, clock_: Clock, out: Path,
                    sealed_by: str | None = None) -> Path:
    """The case record as a Word document (converted to PDF by LibreOffice); without the
    organisation's seal (``sealed_by``) it says first that it proves only when it was made."""
    lang = report.language
    t, c = TEXT[lang], CASE_TEXT[lang]
    doc = new_document()
    para(doc, c["title"], size=16, bold=True, space=2)
    para(doc, c["subtitle"], size=10, space=10)
    if sealed_by is None:
        para(doc, t["unsealed"], size=10, bold=True, space=10)
    para(doc, t["case"], size=12, bold=True)
    table(doc, _case_rows(report, plan, t, c, clock_), [4, 13])
    para(doc, zone_note(t, clock_), size=8, space=8)
    para(doc, t["verdict"], size=12, bold=True)
    n = len(report.problems)
    para(doc, c["verdict_ok"].format(n=len(report.documents)) if report.ok
         else c["verdict_fail"].format(n=n), size=11, bold=True, space=4)
    for problem in report.problems:
        para(doc, f"• {plain(problem, lang)}", size=10, space=2)
    doc.add_paragraph()
    para(doc, c["checks"], size=12, bold=True)
    table(doc, _check_rows(report, c), [7.5, 1.8, 7.7], header=True)
    _timeline(doc, report, c, clock_)
    if report.warnings:
        para(doc, c["notes"], size=12, bold=True)
        for warning in report.warnings:
            para(doc, f"• {plain(warning, lang)}", size=10, space=2)
        doc.add_paragraph()
    para(doc, c["documents"], size=12, bold=True)
    for index, document in enumerate(report.documents, 1):
        _document(doc, index, document, report, t, c, clock_)
    _appendix(doc, report, t, c, clock_)
    para(doc, t["sealed"].format(org=sealed_by) if sealed_by else t["unsealed"], size=8)
    doc.save(str(out))
    return out


def _case_rows(report: CaseReport, plan: Plan | None, t: dict[str, Any], c: dict[str, Any],
               clock_: Clock) -> list[list[str]]:
    rows = plan_rows(plan, t)
    if not rows:
        rows = [[t["plan"], report.plan_id or "-"], [t["employee"], report.employee or "-"]]
    if report.extended_until is not None:
        rows.append([c["extension"], report.extended_until.isoformat()])
    if report.version_in_force is not None:
        rows.append([c["in_force"], c["version_fmt"].format(n=report.version_in_force)])
    rows += [[c["count"], c["count_fmt"].format(n=len(report.documents))],
             [t["verified_at"], clock_(report.verified_at)]]
    return rows


def _check_rows(report: CaseReport, c: dict[str, Any]) -> list[list[str]]:
    """One row per chain check: holds or fails, and the findings that make it fail."""
    known = {code for codes in CHECK_CODES.values() for code in codes}
    rows = [[c["check"], c["result"], c["detail"]]]
    for key in [*CHECK_CODES, "other"]:
        found = [p for p in report.problems if (p.code in CHECK_CODES[key] if key != "other"
                                                 else p.code not in known)]
        if key == "other" and not found:
            continue
        detail = "\n".join(plain(p, report.language) for p in found) or "-"
        rows.append([c["check_names"][key], c["failed"] if found else c["pass"], detail])
    return rows


def _timeline(doc: Any, report: CaseReport, c: dict[str, Any], clock_: Clock) -> None:
    """Each document's date beside the times its signers signed (a date months before its
    signatures reads as back-dated), and the checkpoints."""
    kinds, labels = KIND_LABELS[report.language], TEXT[report.language]["labels"]
    para(doc, c["timeline"], size=12, bold=True)
    rows = [[c["date"], c["document"], c["signed_at"], c["what"]]]
    for document in report.documents:
        label = c["kind_fmt"].format(kind=kinds.get(document.kind, document.kind),
                                     v=document.version)
        signed = sorted(document.signed_at.items(), key=lambda item: item[1])
        times = "\n".join(f"{labels.get(role, role)} {clock_(at)}" for role, at in signed)
        rows.append([document.date.isoformat(), f"{label}\n{document.file}", times or "-",
                     document.summary])
    table(doc, rows, [2.4, 5, 4.4, 5.2], header=True)
    if not report.checkpoints:
        return
    para(doc, c["checkpoints"], size=12, bold=True)
    rows = [[c["point"], c["date"], c["focus"], c["state"], c["record"]]]
    for cp in report.checkpoints:
        rows.append([c["point_fmt"].format(v=cp.version, n=cp.number), cp.date.isoformat(),
                     cp.focus, c["states"].get(cp.state, cp.state), cp.file or "-"])
    table(doc, rows, [3.4, 2.4, 5.4, 2.6, 3.2], header=True)


def _document(doc: Any, index: int, document: CaseDocument, report: CaseReport,
              t: dict[str, Any], c: dict[str, Any], clock_: Clock) -> None:
    """One document: name, digests, verdict, every signer, and its own findings."""
    kind = KIND_LABELS[report.language].get(document.kind, document.kind)
    para(doc, c["doc_heading"].format(i=index, kind=kind, v=document.version), size=11,
         bold=True)
    verification = document.verification
    rows = [[t["file_name"], document.file], [t["sha256"], document.sha256],
            [c["parent"], document.parent_sha256 or c["root"]],
            [c["doc_date"], document.date.isoformat()]]
    if verification is not None:
        rows.append([c["doc_verdict"], verdict_text(verification, t)])
    table(doc, rows, [4, 13])
    if verification is None:
        return
    table(doc, signer_rows(verification, t, clock_, refused=document.refused_by),
          SIGNER_WIDTHS, header=True)
    lines = []
    if document.refused_by:
        lines.append(c["refused_line"].format(file=document.refused_by))
    skip = ("missing_role",) if document.refused_by else ()
    lines += finding_lines(verification, verification.problems, t, clock_, skip)
    lines += finding_lines(verification, verification.warnings, t, clock_)
    for line in lines:
        para(doc, f"• {line}", size=10, space=2)
    if lines:
        doc.add_paragraph()


def _appendix(doc: Any, report: CaseReport, t: dict[str, Any], c: dict[str, Any],
              clock_: Clock) -> None:
    """Each document's certificates and validation data, then the case check's own words."""
    from pipdocs.archive.evidence import appendix_rows

    doc.add_page_break()
    para(doc, t["appendix"], size=12, bold=True)
    para(doc, t["appendix_note"], size=8, space=6)
    for index, document in enumerate(report.documents, 1):
        if document.verification is None:
            continue
        para(doc, c["appendix_doc"].format(i=index, name=document.file), size=10, bold=True)
        table(doc, appendix_rows(document.verification, t, clock_), APPENDIX_WIDTHS)
    raw = [plain(p, report.language) if p.code == "document_invalid"  # said per document
           else technical(p, report.language) for p in report.problems + report.warnings]
    if raw:
        para(doc, c["raw"], size=10, bold=True)
        for line in raw:
            para(doc, f"• {line}", size=9, space=2)
    table(doc, [[t["tool"], report.tool]], APPENDIX_WIDTHS)
