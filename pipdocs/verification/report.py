"""What a verification report is, and how it is shown: text (zh/en), JSON, a one-page HTML record.

The models are the stable JSON shape (``pipdocs verify --json``); their JSON Schema is written to
``docs/verify-json-schema.json``. Problems carry a stable ``code`` plus parameters, so the text
report can say the same thing in the document's language.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import PurePath
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from pipdocs.core.names import SEAL_FIELD
from pipdocs.core.text import escape_controls
from pipdocs.verification.ltvwords import EVIDENCE_VERDICTS, LONG_TERM, long_term_text
from pipdocs.verification.words import (
    COVERAGE_TEXT,
    LABELS,
    RECORD_LABELS,
    REVOCATION,
    ROLE_LABELS,
    ROLE_NAMES,
    SEAL_LABEL,
    VERDICTS,
    message,
)

SCHEMA_VERSION = 1

Verdict = Literal["valid", "incomplete", "invalid", "untrusted"]
Coverage = Literal["entire_file", "entire_revision", "contiguous_block", "unclear", "unknown"]
ModLevel = Literal["none", "lta_updates", "form_filling", "annotations", "other", "unknown"]
Kind = Literal["certification", "approval", "document_timestamp", "unknown"]


def _escaped(value: object) -> object:
    if isinstance(value, str):
        return escape_controls(value)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


class _Safe(BaseModel):
    """Text from the document or its certificates is data: control and bidi characters are
    escaped on the way in, so no output (text, HTML, JSON) can carry them."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_controls(cls, value: object) -> object:
        return _escaped(value)


class Problem(_Safe):
    """One reason a document does not pass (or, under ``warnings``, a note that does not fail)."""

    code: str = Field(description="stable identifier, one of the codes in docs/verify.md")
    message: str = Field(description="the reason in English")
    field: str | None = Field(default=None, description="signature field concerned, if any")
    params: dict[str, str] = Field(default_factory=dict)


class CertInfo(_Safe):
    subject: str
    issuer: str
    serial: str = Field(description="hexadecimal")
    sha256: str
    not_before: datetime
    not_after: datetime


class TimestampInfo(_Safe):
    time: datetime | None
    tsa: str | None = Field(description="subject of the timestamping certificate")
    intact: bool = Field(description="the token matches this signature and its own signature holds")
    trusted: bool = Field(description="the TSA certificate chains to a trust anchor")
    certificate: CertInfo | None = None


class PlanMatch(_Safe):
    expected_name: str
    expected_email: str
    email_matches: bool
    name_matches: bool


class SignatureReport(_Safe):
    field: str
    role: str | None = Field(description="employee, manager, hr; null for a field outside the plan")
    revision: int | None = Field(description="0-based revision the signature belongs to")
    kind: Kind
    subfilter: str | None
    signer_name: str | None
    signer_email: str | None
    reason: str | None
    certificate: CertInfo | None
    timestamp: TimestampInfo | None
    intact: bool = Field(description="the digest over the signed byte ranges matches")
    signature_valid: bool = Field(description="the cryptographic signature holds")
    trusted: bool = Field(description="the signer's certificate chains to a trust anchor")
    trust_anchor: str | None
    trust_detail: str | None
    plan_match: PlanMatch | None
    coverage: Coverage
    modification_level: ModLevel = Field(description="what changed after this signature")
    changed_fields: list[str] = Field(description="form fields filled after this signature")
    modifications: str = Field(description="what changed after this signature, in words")
    docmdp_permission: int | None = Field(description="1, 2 or 3 when the signature locks")
    ok: bool
    problems: list[Problem]


class TrustAnchor(_Safe):
    subject: str
    sha256: str
    source: str


class Checks(BaseModel):
    """The overall conditions; ``ok`` needs every one of them (roles_complete unless incomplete
    documents are allowed)."""

    signatures_valid: bool
    signers_trusted: bool
    signers_match_plan: bool
    roles_complete: bool
    in_order: bool
    unchanged_after_last: bool
    only_plan_signatures: bool
    certified_first: bool
    plan_intact: bool
    prepared_intact: bool = Field(
        description="only pipdocs's prepared revision (and the seal) stand before the first"
                    " signature, and the page names the same people as plan.json")
    no_active_content: bool = Field(
        description="no JavaScript, actions, other attachments, form fields or annotations in"
                    " any revision")
    organisation_seal: bool = Field(
        description="the organisation's seal is present and valid, or absent and not required")


class RevocationReport(_Safe):
    """What the embedded CRL/OCSP data says about one certificate, as of one timestamp."""

    field: str
    certificate: str = Field(description="subject common name")
    serial: str
    role: Literal["signer", "timestamp", "seal"]
    status: Literal["good", "revoked_before", "revoked_after", "no_data", "not_declared", "not_established"]  # noqa: E501
    source: str = Field(default="", description="OCSP or CRL")
    checked_at: datetime | None = None
    revoked_at: datetime | None = None
    reason: str | None = None


class DocumentTimestamp(_Safe):
    field: str
    revision: int
    time: datetime | None
    tsa: str | None
    valid: bool
    tsa_not_after: datetime | None


class LongTerm(_Safe):
    """PAdES level, the archive timestamps and how long the evidence lasts."""

    level: Literal["B-T", "B-LT", "B-LTA"]
    dss: bool = Field(description="the document holds a DSS with validation data")
    validation_time: datetime
    verifiable_until: datetime | None
    refresh_due: bool
    document_timestamps: list[DocumentTimestamp]
    revocation: list[RevocationReport]


class Attested(_Safe):
    """What a verification record (``record == "evidence"``) says it found."""

    file: str
    sha256: str
    verdict: Verdict
    verified_at: datetime
    plan_id: str | None


class VerificationReport(_Safe):
    schema_version: int = SCHEMA_VERSION
    tool: str
    file: str
    sha256: str
    size: int
    verified_at: datetime
    verdict: Verdict
    ok: bool = Field(description="true exactly when `pipdocs verify` exits 0")
    allow_incomplete: bool
    language: Literal["zh", "en"]
    plan_id: str | None
    plan_sha256: str | None
    required_roles: list[str]
    signed_roles: list[str]
    pending_roles: list[str]
    revisions: int
    trust_anchors: list[TrustAnchor]
    revocation: str
    checks: Checks
    signatures: list[SignatureReport]
    problems: list[Problem]
    warnings: list[Problem]
    long_term: LongTerm | None = None
    record: Literal["plan", "evidence"] = Field(
        default="plan", description="evidence: a verification record made by verify --report")
    attested: Attested | None = None


def verify_json_schema() -> dict[str, object]:
    """JSON Schema of ``pipdocs verify --json`` (docs/verify-json-schema.json)."""
    schema = VerificationReport.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "pipdocs verification report"
    return schema


def to_json(report: VerificationReport) -> str:
    return report.model_dump_json(indent=2)


# --- text ----------------------------------------------------------------------------------------


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if value else "-"


def verdict_line(report: VerificationReport) -> str:
    lang = report.language
    if report.record == "evidence" and report.attested is not None:
        said = VERDICTS[lang][report.attested.verdict].split("：" if lang == "zh" else ":")[0]
        key = "unsealed" if "evidence_not_sealed" in {p.code for p in report.problems} else None
        return EVIDENCE_VERDICTS[lang][key or report.verdict].format(
            file=report.attested.file, verdict=said,
            when=f"{report.attested.verified_at:%Y-%m-%d %H:%M} UTC")
    pending = ", ".join(ROLE_NAMES[lang].get(r, r) for r in report.pending_roles)
    return VERDICTS[lang][report.verdict].format(pending=pending)


def _heading(sig: SignatureReport, names: dict[str, str], lang: str) -> str:
    """The role's heading; the organisation's seal has its own."""
    if sig.role:
        return names.get(sig.role, sig.role)
    return SEAL_LABEL[lang] if sig.field == SEAL_FIELD else sig.field


def render_text(report: VerificationReport) -> str:
    """The terminal report, in the document's language."""
    lang = report.language
    t = LABELS[lang]
    names = ROLE_LABELS[lang]
    c, lp, rp, cm = ("：", "（", "）", "，") if lang == "zh" else (": ", " (", ")", ", ")
    out = [
        f"{t['document']}{c}{report.file}",
        f"  SHA-256: {report.sha256}",
        f"{t['verdict']}{c}{verdict_line(report)}",
    ]
    if report.plan_id:
        note = (f"{lp}{t['unchanged']}{rp}"
                if report.checks.plan_intact and report.record == "plan" else "")
        out.append(f"{t['plan']}{c}{report.plan_id}{note}")
    anchors = "; ".join(f"{a.subject} [{a.sha256[:16]}]{lp}{a.source}{rp}"
                        for a in report.trust_anchors)
    out.append(f"{t['anchors']}{c}{anchors or t['none']}")
    out.append(f"{t['revocation']}{c}{_revocation_text(report)}")
    if report.long_term is not None:
        out.append(long_term_line(report))
    for i, sig in enumerate(report.signatures, 1):
        role = _heading(sig, names, lang)
        out.append("")
        out.append(f"{i}. {role}{c}{sig.field}{lp}{t['rev']} {sig.revision}{cm}{t[sig.kind]}{rp}"
                   f"  [{t['ok'] if sig.ok else t['fail']}]")
        who = f"{sig.signer_name or '?'} <{sig.signer_email or '?'}>"
        if sig.plan_match:
            who += f"{lp}{t['matches'] if sig.plan_match.email_matches else t['nomatch']}{rp}"
        out.append(f"   {t['signer']}{c}{who}")
        if sig.timestamp:
            ts = sig.timestamp
            trust = t["trusted"] if ts.trusted and ts.intact else t["untrusted"]
            out.append(f"   {t['time']}{c}{_when(ts.time)}{cm}{t['tsa']} {ts.tsa}{lp}{trust}{rp}")
        else:
            out.append(f"   {t['time']}{c}{t['notime']}")
        if sig.reason:
            out.append(f"   {t['reason']}{c}{sig.reason}")
        integrity = t["intact"] if sig.intact and sig.signature_valid else t["broken"]
        out.append(f"   {t['integrity']}{c}{integrity}")
        trust = f"{t['trusted']}{lp}{sig.trust_anchor}{rp}" if sig.trusted else t["untrusted"]
        out.append(f"   {t['trust']}{c}{trust}")
        out.append(f"   {t['coverage']}{c}{COVERAGE_TEXT[lang][sig.coverage]}")
        out.append(f"   {t['after']}{c}{sig.modifications}")
    for pending in report.pending_roles:
        out.append("")
        out.append(f"-. {names.get(pending, pending)}{c}{t['pending']}")
    for key, items in (("problems", report.problems), ("warnings", report.warnings)):
        if items:
            out.append("")
            out.append(f"{t[key]}{c.strip()}")
            out.extend(f" - {message(p.code, lang, **p.params)}" for p in items)
    return "\n".join(out) + "\n"


def _revocation_text(report: VerificationReport) -> str:
    lt = report.long_term
    return LONG_TERM[report.language]["checked"] if lt and lt.dss else REVOCATION[report.language]


def long_term_line(report: VerificationReport) -> str:
    """PAdES level and the date until which the record stays verifiable, in one line."""
    lt = report.long_term
    return long_term_text(report.language, lt.level, lt.verifiable_until,
                          lt.validation_time) if lt else ""


# --- HTML record ---------------------------------------------------------------------------------


def _html_rows(report: VerificationReport, t: dict[str, str], names: dict[str, str]) -> list[str]:
    """One table row per signature, then one per pending role."""
    e, lang = html.escape, report.language
    rows = []
    for sig in report.signatures:
        ts = sig.timestamp
        rows.append(
            "<tr>"
            f"<td>{e(_heading(sig, names, lang))}</td>"
            f"<td>{e(sig.signer_name or '?')}<br>"
            f"<small>{e(sig.signer_email or '')}</small></td>"
            f"<td>{e(_when(ts.time) if ts else t['notime'])}</td>"
            f"<td>{e(ts.tsa or '' if ts else '')}</td>"
            f"<td>{e(sig.reason or '')}</td>"
            f"<td>{t['ok'] if sig.ok else t['fail']}</td>"
            "</tr>"
        )
    for pending in report.pending_roles:
        rows.append(f"<tr><td>{e(names.get(pending, pending))}</td>"
                    f"<td colspan=5>{t['pending']}</td></tr>")
    return rows


def render_html(report: VerificationReport) -> str:
    """A one-page verification record for the personnel file (print it, or keep the HTML)."""
    lang = report.language
    t = LABELS[lang] | RECORD_LABELS[lang]
    names = ROLE_LABELS[lang]
    e = html.escape
    colour = "#1a7f37" if report.ok else "#b42318"
    rows = _html_rows(report, t, names)
    anchors = "".join(
        f"<li>{e(a.subject)}<br><small>SHA-256 {e(a.sha256)} ({e(a.source)})</small></li>"
        for a in report.trust_anchors
    ) or f"<li>{t['none']}</li>"
    problems = "".join(
        f"<li>{e(message(p.code, lang, **p.params))}</li>" for p in report.problems
    )
    problem_block = f"<h2>{t['problems']}</h2><ul>{problems}</ul>" if problems else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{t['title']}</title>
<style>
@page {{ size: A4; margin: 18mm; }}
body {{ font-family: "Noto Sans CJK SC", "Noto Sans", Arial, sans-serif; font-size: 10.5pt;
       color: #222; max-width: 180mm; margin: auto; }}
h1 {{ font-size: 16pt; margin-bottom: 2mm; }} h2 {{ font-size: 12pt; margin: 5mm 0 2mm; }}
.verdict {{ border: 2px solid {colour}; color: {colour}; padding: 3mm; font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #bbb; padding: 1.5mm; text-align: left; vertical-align: top; }}
small, .mono {{ font-family: monospace; font-size: 8.5pt; word-break: break-all; }}
</style></head><body>
<h1>{t['title']}</h1>
<p class="verdict">{e(verdict_line(report))}</p>
<table>
<tr><th>{t['file']}</th><td>{e(PurePath(report.file).name)}</td></tr>
<tr><th>SHA-256</th><td class="mono">{e(report.sha256)}</td></tr>
<tr><th>{t['plan']}</th><td>{e(report.plan_id or '-')}</td></tr>
<tr><th>{t['verified']}</th><td>{e(_when(report.verified_at))}</td></tr>
<tr><th>{t['tool']}</th><td>{e(report.tool)}</td></tr>
</table>
<h2>{t['signatures']}</h2>
<table><tr><th>{t['role']}</th><th>{t['signer']}</th><th>{t['time']}</th><th>{t['tsa']}</th>
<th>{t['reason']}</th><th>{t['status']}</th></tr>
{''.join(rows)}
</table>
{problem_block}
<h2>{t['anchors']}</h2><ul>{anchors}</ul>
<p><small>{e(t['revocation'])}: {e(_revocation_text(report))}</small></p>
<p><small>{e(long_term_line(report))}</small></p>
</body></html>
"""
