"""What each lifecycle template sees: one model per document, built from the plan and the input.

The models are the contract with the Word templates (``templates/<lang>/<kind>.docx``):
``templates check`` accepts exactly their fields. Words that depend on a value (status, result,
decision) are resolved here, in the document's language, so a template holds only fixed wording.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel

from pipdocs.core.i18n import MESSAGE_LANGUAGES, N_, tr_in
from pipdocs.core.plan import Checkpoint, Employee, Party, Period, Plan
from pipdocs.lifecycle.metrics import Judgement

#: What each value a lifecycle document shows reads as: the English is the message id, and
#: :func:`label` gives it in the document's language (the catalog holds the Chinese).
LABEL_IDS: dict[str, str] = {
    "on_track": N_("On track"), "at_risk": N_("At risk"), "off_track": N_("Off track"),
    "met": N_("Met"), "partially_met": N_("Partially met"), "not_met": N_("Not met"),
    "close": N_("Close the plan and return to normal performance management"),
    "extend": N_("Extend the plan once"),
    "training": N_("Arrange training"),
    "transfer": N_("Transfer to another position"),
    "terminate": N_("Termination considered"),
    "terminate_refused": N_("Termination not considered (the case shows no earlier training or"
                            " change of position)"),
    "given": N_("Given"), "not_given": N_("Not given"),
    "plan": N_("Performance Improvement Plan"), "revision": N_("Plan revision"),
    "checkin": N_("Check-in record"), "evaluation": N_("Final evaluation"),
    "refusal": N_("Refusal record"),
    "extra": N_("Extra check-in (not one of the plan's checkpoints)"),
}


def label(key: str, lang: str) -> str:
    """The word for the value ``key`` in the document's language ``lang``."""
    return tr_in(lang, LABEL_IDS[key])


class Labels(Mapping[str, dict[str, str]]):
    """``LABELS[lang][key]``: every label in one language, read from the catalog (for callers
    not yet calling :func:`label`)."""

    def __getitem__(self, lang: str) -> dict[str, str]:
        return {key: label(key, lang) for key in LABEL_IDS}

    def __iter__(self) -> Iterator[str]:
        return iter(MESSAGE_LANGUAGES)

    def __len__(self) -> int:
        return len(MESSAGE_LANGUAGES)


LABELS = Labels()


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
    return tr_in(lang, "Computed: {result} (actual {actual}, target {op} {target})").format(
        result=label(judgement.result, lang), actual=f"{judgement.actual:g}",
        op="≥" if judgement.higher_is_better else "≤", target=f"{judgement.target:g}")


def goals_with(plan: Plan, items: list[Any]) -> list[tuple[int, Any, Any]]:
    """Each goal of the plan (number, goal) with the input's entry for it (rules checked that
    there is exactly one)."""
    by_goal = {item.goal: item for item in items}
    return [(n, goal, by_goal[n]) for n, goal in enumerate(plan.goals, 1)]


def context_dict(model: BaseModel) -> dict[str, Any]:
    """The names a template sees: the model's fields (the objects themselves, not copies)."""
    return {name: getattr(model, name) for name in type(model).model_fields}
