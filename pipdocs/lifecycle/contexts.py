"""What each lifecycle template sees: one model per document, built from the plan and the input.

The models are the contract with the Word templates (``templates/<lang>/<kind>.docx``):
``templates check`` accepts exactly their fields. Words that depend on a value (status, result,
decision) are resolved here, in the document's language, so a template holds only fixed wording.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from pipdocs.core.plan import Checkpoint, Employee, Party, Period, Plan
from pipdocs.lifecycle.metrics import Judgement

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "on_track": "按计划推进", "at_risk": "存在风险", "off_track": "偏离目标",
        "met": "达成", "partially_met": "部分达成", "not_met": "未达成",
        "close": "结束改进计划，恢复常规绩效管理",
        "extend": "延长改进期一次",
        "training": "安排培训",
        "transfer": "调整工作岗位",
        "terminate": "考虑解除劳动合同",
        "terminate_refused": "不考虑解除劳动合同（案卷中没有此前的培训或调岗记录）",
        "given": "已提供", "not_given": "未提供",
        "plan": "绩效改进计划", "revision": "计划变更", "checkin": "回顾面谈记录",
        "evaluation": "最终评估", "refusal": "拒签记录",
        "extra": "额外面谈（不对应计划检查节点）",
        "computed": "系统计算：{result}（实际 {actual}，目标 {op} {target}）",
        "higher": "≥", "lower": "≤",
    },
    "en": {
        "on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
        "met": "Met", "partially_met": "Partially met", "not_met": "Not met",
        "close": "Close the plan and return to normal performance management",
        "extend": "Extend the plan once",
        "training": "Arrange training",
        "transfer": "Transfer to another position",
        "terminate": "Termination considered",
        "terminate_refused": "Termination not considered (the case shows no earlier training or"
                             " change of position)",
        "given": "Given", "not_given": "Not given",
        "plan": "Performance Improvement Plan", "revision": "Plan revision",
        "checkin": "Check-in record", "evaluation": "Final evaluation",
        "refusal": "Refusal record",
        "extra": "Extra check-in (not one of the plan's checkpoints)",
        "computed": "Computed: {result} (actual {actual}, target {op} {target})",
        "higher": "≥", "lower": "≤",
    },
}

LAW_NOTE = {
    "zh": {
        "considered": "案卷显示此前已安排{step}（{when}），员工经此仍未达到改进目标。"
        "依据《劳动合同法》第四十条第（二）项，用人单位可在依法履行程序后考虑解除劳动合同。本记录仅为流程提示，"
        "不构成法律意见。",
        "refused": "依据《劳动合同法》第四十条第（二）项，员工不能胜任工作的，须经过培训或者调整"
        "工作岗位后仍不能胜任，用人单位方可据此解除劳动合同。本案卷中没有此前培训或调岗的记录，"
        "因此本评估不记录“考虑解除劳动合同”，建议先安排培训或调整岗位。本提示不构成法律意见。",
        "step_training": "培训", "step_transfer": "调岗",
    },
    "en": {
        "considered": "The case file shows an earlier {step} ({when}) after which the goals were "
        "still not met. Under article 40(2) of the PRC Labour Contract Law the employer may "
        "consider termination, following the required procedure. This is a process note, not "
        "legal advice.",
        "refused": "Under article 40(2) of the PRC Labour Contract Law, an employee who is not "
        "competent may be dismissed on that ground only if they remain incompetent after training "
        "or a change of position. The case file shows neither, so this evaluation does not record "
        "termination as considered; arrange training or a change of position first. This is a "
        "process note, not legal advice.",
        "step_training": "training", "step_transfer": "change of position",
    },
}


class Header(BaseModel):
    """What every lifecycle document shows about its plan."""

    plan_id: str
    organisation: str | None
    employee: Employee
    manager: Party
    hr: Party
    period: Period
    plan_version: int
    plan_sha256: str
    parent_sha256: str
    date: date


class CheckinGoal(BaseModel):
    number: int
    area: str
    metric: str
    target: str
    deadline: date
    progress: str
    status: str
    evidence: str | None


class SupportItem(BaseModel):
    number: int
    text: str
    given: str


class CheckinContext(Header):
    number: int | None
    checkpoint: Checkpoint | None
    checkpoint_count: int
    extra_label: str
    goals: list[CheckinGoal]
    support: list[SupportItem]
    manager_feedback: str
    employee_comment: str | None
    next_steps: list[str]


class EvaluationGoal(BaseModel):
    number: int
    area: str
    metric: str
    baseline: str
    target: str
    actual: str
    result: str
    computed: str | None
    comment: str | None


class EvaluationContext(Header):
    goals: list[EvaluationGoal]
    outcome: str
    decision: str
    extend_until: date | None
    period_end: date
    summary: str
    law_note: str | None


class Witness(BaseModel):
    name: str
    title: str


class RefusalContext(Header):
    document: str
    document_sha256: str
    delivered: str
    reason: str | None
    witness: Witness
    note: str | None = None  # HR's note: never part of ``delivered``


class RevisionContext(Header):
    version: int
    previous_version: int
    reason: str
    changes: list[str]


#: The template file stem of each lifecycle document, with the model its template may use.
TEMPLATE_CONTEXTS: dict[str, type[BaseModel]] = {
    "checkin": CheckinContext,
    "evaluation": EvaluationContext,
    "refusal": RefusalContext,
    "revision": RevisionContext,
}


def header(plan: Plan, version: int, plan_sha256: str, parent_sha256: str,
           when: date) -> dict[str, Any]:
    """The fields of :class:`Header` for ``plan``."""
    return {
        "plan_id": plan.plan_id or "", "organisation": plan.organisation,
        "employee": plan.employee, "manager": plan.manager, "hr": plan.hr,
        "period": plan.period, "plan_version": version, "plan_sha256": plan_sha256,
        "parent_sha256": parent_sha256, "date": when,
    }


def computed_text(judgement: Judgement | None, lang: str) -> str | None:
    """The computed suggestion shown next to a goal's result."""
    if judgement is None:
        return None
    words = LABELS[lang]
    return words["computed"].format(
        result=words[judgement.result], actual=f"{judgement.actual:g}",
        op=words["higher" if judgement.higher_is_better else "lower"],
        target=f"{judgement.target:g}")


def goals_with(plan: Plan, items: list[Any]) -> list[tuple[int, Any, Any]]:
    """Each goal of the plan (number, goal) with the input's entry for it (rules checked that
    there is exactly one)."""
    by_goal = {item.goal: item for item in items}
    return [(n, goal, by_goal[n]) for n, goal in enumerate(plan.goals, 1)]


def context_dict(model: BaseModel) -> dict[str, Any]:
    """The names a template sees: the model's fields (the objects themselves, not copies)."""
    return {name: getattr(model, name) for name in type(model).model_fields}
