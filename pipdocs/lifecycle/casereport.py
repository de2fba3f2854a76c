"""What ``case verify`` reports: the model (``--json``), and its text and HTML forms.

Problems carry a stable code and their parameters; the text and HTML say them in the case's
language, the JSON in English. The HTML is a one-page record with a timeline of the case.
"""

from __future__ import annotations

import html
from datetime import date, datetime

from pydantic import BaseModel, Field

from pipdocs.verification.report import VerificationReport

SCHEMA_VERSION = 1

MESSAGES: dict[str, tuple[str, str]] = {
    "unreadable": ("{file}: not a PIP document ({detail})", "{file}：不是 PIP 文件（{detail}）"),
    "no_plan": ("the case holds no signed plan (version 1)", "案卷中没有绩效改进计划（第 1 版）"),
    "several_plans": ("the case holds {count} plans ({detail}); keep one case per folder",
                      "案卷中有 {count} 份计划（{detail}）；每个文件夹只放一个案卷"),
    "other_case": ("{file}: belongs to plan {detail}, not to this case's {plan_id}",
                   "{file}：属于计划 {detail}，不属于本案卷 {plan_id}"),
    "parties_differ": ("{file}: its {detail} differs from the plan's",
                       "{file}：其{detail}与计划不一致"),
    "wrong_signers": ("{file}: is signed by {detail}; the policy requires {expected}",
                      "{file}：签署顺序为 {detail}，签署政策要求 {expected}"),
    "document_invalid": ("{file}: does not verify ({detail})", "{file}：验证未通过（{detail}）"),
    "incomplete": ("{file}: not signed by {detail}", "{file}：缺少 {detail} 的签名"),
    "parent_missing": ("{file}: follows a document with SHA-256 {detail}, which is not in the case",
                       "{file}：所依据文件（SHA-256 {detail}）不在案卷中"),
    "parent_mismatch": ("{file}: names {detail} as its parent's SHA-256, but the case's {expected}"
                        " has another digest", "{file}：记录的上一文件摘要 {detail} 与案卷中的"
                        "{expected}不符"),
    "superseded": ("{file}: refers to version {detail}, which version {expected} had replaced by"
                   " then", "{file}：依据第 {detail} 版，但此时第 {expected} 版已替代该版本"),
    "version_conflict": ("{file}: is a second version {detail}", "{file}：重复的第 {detail} 版"),
    "date_outside": ("{file}: dated {detail}, outside the plan period {expected}",
                     "{file}：日期 {detail} 不在计划周期 {expected} 内"),
    "date_order": ("{file}: dated {detail}, before the document it follows ({expected})",
                   "{file}：日期 {detail} 早于其所依据的文件（{expected}）"),
    "after_evaluation": ("{file}: dated {detail}, after the final evaluation of {expected}",
                         "{file}：日期 {detail} 晚于最终评估（{expected}）"),
    "checkpoint_missing": ("no check-in for checkpoint {detail} of version {expected}",
                           "第 {expected} 版的检查节点 {detail} 没有回顾面谈记录"),
    "input_invalid": ("{file}: {detail}", "{file}：{detail}"),
    "several_evaluations": ("{file}: a further evaluation ({detail}); only an extension allows"
                            " a second one",
                            "{file}：多余的评估（{detail}）；只有延期后才能再次评估"),
    "termination_unsupported": ("{file}: records termination as considered, but the case shows no"
                                " earlier training or change of position (劳动合同法 art. 40(2))",
                                "{file}：记录了考虑解除劳动合同，但案卷中没有此前培训或调岗的记录"
                                "（劳动合同法第四十条第（二）项）"),
    "termination_warning": ("{file}: decision terminate without an earlier training or change of"
                            " position in the case; recorded as not considered (劳动合同法 art."
                            " 40(2))", "{file}：决定解除，但案卷中没有此前培训或调岗记录，已记为不"
                            "考虑解除（劳动合同法第四十条第（二）项）"),
    "no_evaluation": ("no final evaluation yet: the case is still running",
                      "尚无最终评估：改进计划仍在进行中"),
    "refused": ("{file}: the employee refused to sign ({detail}); the refusal stands for the"
                " employee's step", "{file}：员工拒签（{detail}），拒签记录代替员工签署步骤"),
}

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
           "missing": "缺失", "not_due": "未到期", "by_evaluation": "由最终评估覆盖"},
    "en": {"title": "PIP case verification", "ok": "PASSED: the whole case holds",
           "fail": "FAILED", "plan": "Plan", "employee": "Employee", "documents": "Documents",
           "timeline": "Timeline", "problems": "Problems", "warnings": "Notes",
           "version": "version", "signed": "signed", "verified": "Verified at",
           "checkpoints": "Checkpoints", "covered": "checked in", "missing": "missing",
           "not_due": "not yet due", "by_evaluation": "covered by the final evaluation"},
}


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


ROLE_WORDS = {"employee": "员工", "manager": "直接上级", "hr": "人力资源部"}


def say(problem: CaseProblem, lang: str) -> str:
    """A problem in ``lang`` (role names in Chinese for a Chinese case)."""
    en, zh = MESSAGES[problem.code]
    params = dict(problem.params)
    if lang == "zh" and problem.code in ("incomplete", "wrong_signers"):
        for key in ("detail", "expected"):
            for role, word in ROLE_WORDS.items():
                params[key] = params.get(key, "").replace(role, word)
    try:
        return (zh if lang == "zh" else en).format(**params)
    except (KeyError, IndexError):
        return problem.message


def render_text(report: CaseReport) -> str:
    lang = report.language
    w, kinds = WORDS[lang], KIND_LABELS[lang]
    lines = [f"{w['title']}: {report.plan_id or '?'} ({report.employee or '?'})",
             w["ok"] if report.ok else f"{w['fail']} ({len(report.problems)})", "",
             f"{w['timeline']}:"]
    for doc in report.documents:
        signed = ", ".join(doc.signed_roles) or "-"
        lines.append(f"  {doc.date.isoformat()}  {kinds.get(doc.kind, doc.kind)}"
                     f" ({w['version']} {doc.version})  {doc.file}  [{doc.verdict};"
                     f" {w['signed']}: {signed}]")
        if doc.summary:
            lines.append(f"      {doc.summary}")
    if report.checkpoints:
        lines += ["", f"{w['checkpoints']}:"]
        for cp in report.checkpoints:
            where = f"  {cp.file}" if cp.file else ""
            lines.append(f"  v{cp.version} #{cp.number} {cp.date.isoformat()} {cp.focus}:"
                         f" {w[cp.state]}{where}")
    for key, items in (("problems", report.problems), ("warnings", report.warnings)):
        if items:
            lines += ["", f"{w[key]}:"] + [f"  - {say(p, lang)}" for p in items]
    return "\n".join(lines)


def render_html(report: CaseReport) -> str:
    """A self-contained page: verdict, timeline, checkpoints, problems."""
    lang = report.language
    w, kinds = WORDS[lang], KIND_LABELS[lang]
    esc = html.escape
    rows = "".join(
        f"<tr><td>{doc.date.isoformat()}</td><td>{esc(kinds.get(doc.kind, doc.kind))}</td>"
        f"<td>{doc.version}</td><td>{esc(doc.file)}<br><code>{doc.sha256}</code></td>"
        f"<td>{esc(doc.verdict)}</td><td>{esc(', '.join(doc.signed_roles))}</td>"
        f"<td>{esc(doc.summary)}</td></tr>" for doc in report.documents)
    points = "".join(
        f"<tr><td>v{cp.version} #{cp.number}</td><td>{cp.date.isoformat()}</td>"
        f"<td>{esc(cp.focus)}</td><td>{esc(w[cp.state])}</td><td>{esc(cp.file or '')}</td></tr>"
        for cp in report.checkpoints)
    issues = "".join(f"<li>{esc(say(p, lang))}</li>" for p in report.problems)
    notes = "".join(f"<li>{esc(say(p, lang))}</li>" for p in report.warnings)
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
<table><tr><th>date</th><th>kind</th><th>v</th><th>file / SHA-256</th><th>verdict</th>
<th>signed</th><th></th></tr>{rows}</table>
<h2>{esc(w['checkpoints'])}</h2><table>{points}</table>
{f"<h2>{esc(w['problems'])}</h2><ul>{issues}</ul>" if issues else ""}
{f"<h2>{esc(w['warnings'])}</h2><ul>{notes}</ul>" if notes else ""}
<p><small>{esc(report.tool)}</small></p>
</body></html>
"""
