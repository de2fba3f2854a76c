"""What ``case verify`` reports: the model (``--json``), and its text and HTML forms.

Problems carry a stable code and their parameters; the text and HTML say them in the case's
language, the JSON in English. The HTML is a one-page record with a timeline of the case.
"""

from __future__ import annotations

import html
from datetime import date, datetime, timezone
from pathlib import PurePath

from pydantic import BaseModel, Field

from pipdocs.core.i18n import N_, in_language, tr
from pipdocs.lifecycle.words import VERDICTS, finding_text, role_words
from pipdocs.verification.report import VerificationReport

SCHEMA_VERSION = 1

KIND_LABELS = {
    "zh": {"plan": "绩效改进计划", "revision": "计划变更", "checkin": "回顾面谈记录",
           "refusal": "拒签记录", "evaluation": "最终评估"},
    "en": {"plan": "Plan", "revision": "Revision", "checkin": "Check-in", "refusal": "Refusal",
           "evaluation": "Final evaluation"},
}
WORDS = {
    "zh": {"title": "PIP 案卷验证", "ok": "通过：整个案卷成立", "fail": "未通过",
           "plan": "计划", "employee": "员工", "documents": "文件", "timeline": "时间线",
           "problems": "问题", "warnings": "提示", "version": "版本", "signed": "已签署",
           "verified": "验证时间", "checkpoints": "检查节点", "covered": "已面谈",
           "missing": "缺失", "not_due": "未到期", "by_evaluation": "由最终评估覆盖",
           "signed_at": "签署时间"},
    "en": {"title": "PIP case verification", "ok": "PASSED: the whole case holds",
           "fail": "FAILED", "plan": "Plan", "employee": "Employee", "documents": "Documents",
           "timeline": "Timeline", "problems": "Problems", "warnings": "Notes",
           "version": "version", "signed": "signed", "verified": "Verified at",
           "checkpoints": "Checkpoints", "covered": "checked in", "missing": "missing",
           "not_due": "not yet due", "by_evaluation": "covered by the final evaluation",
           "signed_at": "signed at"},
}


#: The timeline's columns in the HTML record.
HEADS = (N_("date"), N_("document"), N_("version"), N_("file / SHA-256"), N_("verdict; signed"),
         N_("signed at (UTC)"), N_("summary"))


class CaseProblem(BaseModel):
    code: str
    message: str = Field(description="in English")
    file: str | None = None
    params: dict[str, str] = Field(default_factory=dict)


class CaseDocument(BaseModel):
    file: str
    sha256: str
    kind: str
    plan_id: str | None
    version: int
    date: date
    parent_sha256: str | None
    verdict: str = Field(description="verify's verdict for this PDF alone")
    signed_roles: list[str]
    pending_roles: list[str]
    signed_at: dict[str, datetime] = Field(
        default_factory=dict, description="role -> its signature's timestamp (UTC), to be read"
        " beside the document's date")
    refused_by: str | None = Field(default=None, description="refusal record standing for the"
                                   " employee's signature")
    summary: str = ""
    verification: VerificationReport | None = Field(
        default=None, description="verify's full report on this PDF alone")


class CheckpointState(BaseModel):
    version: int
    number: int
    date: date
    focus: str
    state: str = Field(description="covered | missing | not_due | by_evaluation")
    file: str | None = None


class CaseReport(BaseModel):
    schema_version: int = SCHEMA_VERSION
    tool: str
    verified_at: datetime
    ok: bool
    language: str
    plan_id: str | None
    employee: str | None
    version_in_force: int | None
    extended_until: date | None = None
    documents: list[CaseDocument]
    checkpoints: list[CheckpointState]
    problems: list[CaseProblem]
    warnings: list[CaseProblem]


def say(problem: CaseProblem, lang: str) -> str:
    """A problem in ``lang`` (the catalog's sentence; role names and details in it too)."""
    with in_language(lang):
        try:
            return finding_text(problem.code, problem.params)
        except (KeyError, IndexError, ValueError):
            return problem.message


def _signed(doc: CaseDocument, lang: str) -> str:
    """A document's verdict and signers, in ``lang``."""
    with in_language(lang):
        return tr("{verdict}; signed: {roles}").format(
            verdict=tr(VERDICTS[doc.verdict]) if doc.verdict in VERDICTS else doc.verdict,
            roles=role_words(doc.signed_roles) or "-")


def signing_times(doc: CaseDocument, lang: str, sep: str | None = None) -> str:
    """Each signer and the time of their signature (UTC, to the minute), first signer first:
    what a reader compares with the document's date."""
    with in_language(lang):
        signed = sorted(doc.signed_at.items(), key=lambda item: item[1])
        parts = [f"{role_words([role])} {at.astimezone(timezone.utc):%Y-%m-%d %H:%M}"
                 for role, at in signed]
        return (sep or ("、" if lang == "zh" else ", ")).join(parts) + (" UTC" if parts else "")


def render_text(report: CaseReport) -> str:
    lang = report.language
    w, kinds = WORDS[lang], KIND_LABELS[lang]
    zh = lang == "zh"  # full-width marks in Chinese, as in the documents
    colon, opening, closing = ("：", "（", "）") if zh else (": ", " (", ")")
    lines = [f"{w['title']}{colon}{report.plan_id or '?'}{opening}{report.employee or '?'}"
             f"{closing}",
             w["ok"] if report.ok else f"{w['fail']}{opening}{len(report.problems)}{closing}",
             "", f"{w['timeline']}{colon.strip()}"]
    for doc in report.documents:
        version = f"（第 {doc.version} 版）" if zh else f" ({w['version']} {doc.version})"
        lines.append(f"  {doc.date.isoformat()}  {kinds.get(doc.kind, doc.kind)}{version}"
                     f"  {doc.file}  [{_signed(doc, lang)}]")
        if doc.signed_at:
            lines.append(f"      {w['signed_at']}{colon}{signing_times(doc, lang)}")
        if doc.summary:
            lines.append(f"      {doc.summary}")
    if report.checkpoints:
        lines += ["", f"{w['checkpoints']}{colon.strip()}"]
        for cp in report.checkpoints:
            where = f"  {cp.file}" if cp.file else ""
            lines.append(f"  v{cp.version} #{cp.number} {cp.date.isoformat()} {cp.focus}"
                         f"{colon}{w[cp.state]}{where}")
    for key, items in (("problems", report.problems), ("warnings", report.warnings)):
        if items:
            lines += ["", f"{w[key]}{colon.strip()}"] + [f"  - {say(p, lang)}" for p in items]
    return "\n".join(lines)


def _times_html(doc: CaseDocument, lang: str) -> str:
    return html.escape(signing_times(doc, lang, "\n")).replace("\n", "<br>")


def render_html(report: CaseReport) -> str:
    """A self-contained page: verdict, timeline, checkpoints, problems."""
    lang = report.language
    w, kinds = WORDS[lang], KIND_LABELS[lang]
    esc = html.escape
    rows = "".join(
        f"<tr><td>{doc.date.isoformat()}</td><td>{esc(kinds.get(doc.kind, doc.kind))}</td>"
        f"<td>{doc.version}</td><td>{esc(PurePath(doc.file).name)}<br><code>{doc.sha256}</code></td>"
        f"<td>{esc(_signed(doc, lang))}</td><td>{_times_html(doc, lang)}</td>"
        f"<td>{esc(doc.summary)}</td></tr>" for doc in report.documents)
    points = "".join(
        f"<tr><td>v{cp.version} #{cp.number}</td><td>{cp.date.isoformat()}</td>"
        f"<td>{esc(cp.focus)}</td><td>{esc(w[cp.state])}</td><td>{esc(cp.file or '')}</td></tr>"
        for cp in report.checkpoints)
    issues = "".join(f"<li>{esc(say(p, lang))}</li>" for p in report.problems)
    notes = "".join(f"<li>{esc(say(p, lang))}</li>" for p in report.warnings)
    with in_language(lang):
        heads = "".join(f"<th>{esc(tr(h))}</th>" for h in HEADS)
    verdict = w["ok"] if report.ok else f"{w['fail']} ({len(report.problems)})"
    colour = "#1b5e20" if report.ok else "#b71c1c"
    return f"""<!doctype html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<title>{esc(w['title'])} {esc(report.plan_id or '')}</title>
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;margin:2em;color:#222}}
table{{border-collapse:collapse;width:100%;margin:1em 0}}td,th{{border:1px solid #bbb;
padding:4px 6px;font-size:13px;vertical-align:top}}th{{background:#dce3ee;text-align:left}}
code{{font-size:11px;color:#555}}.verdict{{font-size:20px;font-weight:bold;color:{colour}}}</style>
</head><body>
<h1>{esc(w['title'])}</h1>
<p>{esc(w['plan'])}: <b>{esc(report.plan_id or '?')}</b> · {esc(w['employee'])}:
<b>{esc(report.employee or '?')}</b> · {esc(w['verified'])}:
{report.verified_at.isoformat(timespec='seconds')}</p>
<p class="verdict">{esc(verdict)}</p>
<h2>{esc(w['timeline'])}</h2>
<table><tr>{heads}</tr>{rows}</table>
<h2>{esc(w['checkpoints'])}</h2><table>{points}</table>
{f"<h2>{esc(w['problems'])}</h2><ul>{issues}</ul>" if issues else ""}
{f"<h2>{esc(w['warnings'])}</h2><ul>{notes}</ul>" if notes else ""}
<p><small>{esc(report.tool)}</small></p>
</body></html>
"""
