"""``verify --report FILE.pdf``: the verification record as a timestamped PDF for the file.

Built for the people who read it (an HR director, a labour arbitration committee): in the
document's language, times in the organisation's time zone with UTC in brackets, the case
(company, employee, plan, period), every signer with role, reason and comment, the verdict and
every finding in plain sentences (:mod:`pipdocs.archive.evidence_words`), technical details in
an appendix. A Word document (python-docx, Noto CJK) converted by LibreOffice, with the full
JSON report attached (``pipdocs-evidence.json``), then sealed by a document timestamp of the
organisation's TSA with its validation data, so ``pipdocs verify`` can check it later.

The sections here take one document's :class:`VerificationReport` and return rows and lines,
so the case record (:mod:`pipdocs.lifecycle.caseevidence`) shows each document the same way.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

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
from pipdocs.archive.evidence_words import TEXT, finding
from pipdocs.core.plan import Plan
from pipdocs.core.policy import Policy
from pipdocs.verification.report import VerificationReport

SIGNER_WIDTHS = [2.0, 3.8, 4.6, 4.6, 2.0]
APPENDIX_WIDTHS = [4.5, 12.5]


def build_docx(report: VerificationReport, plan: Plan | None, name: str, clock_: Clock,
               out: Path, sealed_by: str | None = None) -> Path:
    """The record as a Word document (converted to PDF by LibreOffice); ``sealed_by`` names
    the organisation whose seal will seal it, and without one the record says, first, that it
    proves only when it was made."""
    t = TEXT[report.language]
    doc = new_document()
    para(doc, t["title"], size=16, bold=True, space=2)
    para(doc, t["subtitle"], size=10, space=10)
    if sealed_by is None:
        para(doc, t["unsealed"], size=10, bold=True, space=10)
    para(doc, t["case"], size=12, bold=True)
    rows = plan_rows(plan, t) + [[t["file_name"], name], [t["sha256"], report.sha256],
                                 [t["verified_at"], clock_(report.verified_at)]]
    table(doc, rows, [4, 13])
    para(doc, zone_note(t, clock_), size=8, space=8)
    para(doc, t["verdict"], size=12, bold=True)
    para(doc, verdict_text(report, t), size=11, bold=True, space=8)
    para(doc, t["signers"], size=12, bold=True)
    table(doc, signer_rows(report, t, clock_), SIGNER_WIDTHS, header=True)
    for title, lines in finding_sections(report, t, clock_):
        para(doc, title, size=12, bold=True)
        for line in lines:
            para(doc, f"• {line}", size=10, space=2)
        doc.add_paragraph()
    lasting = lasting_lines(report, t, clock_)
    if lasting:
        para(doc, t["lasting"], size=12, bold=True)
        for line in lasting:
            para(doc, line)
    doc.add_page_break()
    para(doc, t["appendix"], size=12, bold=True)
    para(doc, t["appendix_note"], size=8, space=6)
    table(doc, appendix_rows(report, t, clock_) + [[t["tool"], report.tool]], APPENDIX_WIDTHS)
    para(doc, t["sealed"].format(org=sealed_by) if sealed_by else t["unsealed"], size=8)
    doc.save(str(out))
    return out


def plan_rows(plan: Plan | None, t: dict[str, Any]) -> list[list[str]]:
    """Company, employee (name, id, department), plan id and period."""
    if plan is None:
        return []
    period = t["period_fmt"].format(start=plan.period.start, end=plan.period.end,
                                    days=plan.period.days)
    return [[t["company"], plan.organisation or "-"], [t["employee"], plan.employee.name],
            [t["employee_id"], plan.employee.id],
            [t["department"], plan.employee.department or "-"],
            [t["plan"], plan.plan_id], [t["period"], period]]


def zone_note(t: dict[str, Any], clock_: Clock) -> str:
    note = t["timezone_utc"] if clock_.zone.key == "UTC" else t["timezone"]
    return str(note.format(tz=clock_.name))


def join_roles(roles: list[str], t: dict[str, Any]) -> str:
    names = [str(t["roles"].get(r, r)) for r in roles]
    if len(names) < 2:
        return "".join(names)
    return str(t["and"].join(names[:-1]) + t["last_and"] + names[-1])


def verdict_text(report: VerificationReport, t: dict[str, Any]) -> str:
    return str(t["verdicts"][report.verdict].format(roles=join_roles(report.required_roles, t),
                                                    pending=join_roles(report.pending_roles, t)))


def _role_of(report: VerificationReport, field: str | None, t: dict[str, Any]) -> str:
    for sig in report.signatures:
        if sig.field == field and sig.role:
            return str(t["labels"].get(sig.role, ""))
    if field and field.startswith("archive_ts"):
        return str(t["archive_ts"])
    return ""


def signer_rows(report: VerificationReport, t: dict[str, Any], clock_: Clock,
                refused: str | None = None) -> list[list[str]]:
    """Role, name and e-mail, time, reason (the employee's comment included), result; a role
    still to sign shows as pending, or as refused when a refusal record stands for it."""
    rows = [[t["role"], t["name"], t["time"], t["reason"], t["status"]]]
    for sig in report.signatures:
        who = f"{sig.signer_name or '-'}\n{sig.signer_email or ''}".strip()
        when = clock_(sig.timestamp.time if sig.timestamp else None)
        rows.append([t["labels"].get(sig.role or "", "-"), who, when, sig.reason or "-",
                     t["ok"] if sig.ok else t["fail"]])
    for role in report.pending_roles:
        state = t["refused"].format(file=refused) if refused else t["pending"]
        rows.append([t["labels"].get(role, role), "-", "-", "-", state])
    return rows


def _sentence(item: Any, t: dict[str, Any], lang: str, clock_: Clock) -> str:
    """A finding in plain words; revocations name whose certificate, when and why."""
    params = item.params
    if item.code in ("revoked_after_signing", "revoked_before_signing") and params.get("at"):
        reason = params.get("reason_zh" if lang == "zh" else "reason", "")
        return str(t[item.code.removesuffix("_signing")].format(
            subject=params.get("subject", ""), reason=reason,
            when=clock_(datetime.fromisoformat(params["at"]))))
    return finding(item.code, lang)


def finding_lines(report: VerificationReport, items: list[Any], t: dict[str, Any],
                  clock_: Clock, skip: tuple[str, ...] = ()) -> list[str]:
    """Each finding once, in plain words, led by the role it concerns."""
    lang = report.language
    colon = "：" if lang == "zh" else ": "
    lines: list[str] = []
    for item in items:
        if item.code in skip:
            continue
        role = _role_of(report, item.field, t)
        sentence = _sentence(item, t, lang, clock_)
        line = f"{role}{colon}{sentence}" if role else sentence
        if line not in lines:
            lines.append(line)
    return lines


def finding_sections(report: VerificationReport, t: dict[str, Any],
                     clock_: Clock) -> list[tuple[str, list[str]]]:
    """The problems (always, "none" when there are none) and the notes (when there are)."""
    out = [(t["findings"], finding_lines(report, report.problems, t, clock_) or [t["none"]])]
    notes = finding_lines(report, report.warnings, t, clock_)
    if notes:
        out.append((t["notes"], notes))
    return out


def lasting_lines(report: VerificationReport, t: dict[str, Any], clock_: Clock) -> list[str]:
    lt = report.long_term
    if lt is None:
        return []
    lines = [str(t[{"B-LTA": "lasting_lta", "B-LT": "lasting_lt"}.get(lt.level, "lasting_t")])]
    if lt.verifiable_until is not None:
        lines.append(str(t["until"].format(when=clock_(lt.verifiable_until))))
    return lines


def appendix_rows(report: VerificationReport, t: dict[str, Any],
                  clock_: Clock) -> list[list[str]]:
    """Signature format, certificates, revocation data, archive timestamps, trust anchors."""
    zh = report.language == "zh"
    lt = report.long_term
    rows: list[list[str]] = []
    if lt is not None:
        rows.append([t["level"], t["levels"][lt.level]])
    for sig in report.signatures:
        role = t["labels"].get(sig.role or "", "-")
        if sig.certificate is not None:
            cert = sig.certificate
            rows.append([f"{role}：{t['cert_signer']}" if zh else f"{role}: {t['cert_signer']}",
                         f"{t['serial']} {cert.serial}\n{t['valid_until']} "
                         f"{clock_(cert.not_after)}\n{t['fingerprint']} {cert.sha256}"])
        if sig.timestamp is not None and sig.timestamp.certificate is not None:
            tsa = sig.timestamp.certificate
            rows.append([t["cert_tsa"], f"{t['serial']} {tsa.serial}\n{t['valid_until']} "
                                        f"{clock_(tsa.not_after)}"])
        for rev in (lt.revocation if lt else []):
            if rev.field == sig.field:
                label = t[{"signer": "cert_signer", "seal": "cert_seal"}.get(rev.role,
                                                                             "cert_tsa")]
                rows.append([f"{t['revocation']}（{label}）" if zh
                             else f"{t['revocation']} ({label})", _revocation(rev, t, clock_)])
    for stamp in (lt.document_timestamps if lt else []):
        rows.append([t["archive_ts"], f"{clock_(stamp.time)}\n{t['valid_until']} "
                                      f"{clock_(stamp.tsa_not_after)}"
                                      f"\n{t['ok'] if stamp.valid else t['fail']}"])
    for anchor in report.trust_anchors:
        rows.append([t["trust"], t["anchor"].format(fp=anchor.sha256)])
    return rows


def _revocation(rev: Any, t: dict[str, Any], clock_: Clock) -> str:
    from pipdocs.verification.ltvwords import REVOCATION_REASONS

    lang = "zh" if t is TEXT["zh"] else "en"
    reason = REVOCATION_REASONS[lang].get(rev.reason or "unspecified", "")
    when = rev.revoked_at if rev.status.startswith("revoked") else rev.checked_at
    return str(t["rev"][rev.status].format(source=rev.source or "-", when=clock_(when),
                                           reason=reason))


def write_evidence_pdf(report: VerificationReport, source_pdf: Path, out: Path, *,
                       timestamper: Any, policy: Policy, organisation_seal: Any = None) -> Path:
    """Build, convert, attach the JSON report, and seal: by the organisation's seal when given
    (``signing.seal.load_seal``), else by a document timestamp only (which the record says)."""
    plan = read_plan(source_pdf)
    named = report.model_copy(update={"file": source_pdf.name})  # a name, never a local path
    clock_ = clock(policy, report.language)
    owner = seal_owner_of(organisation_seal)
    return sealed_record(
        lambda path: build_docx(named, plan, source_pdf.name, clock_, path, owner),
        named.model_dump_json(indent=2).encode("utf-8"), out, timestamper=timestamper,
        policy=policy, organisation_seal=organisation_seal)
