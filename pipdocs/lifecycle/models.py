"""What HR writes after the plan is signed: check-ins, the final evaluation, a refusal.

Each input file (YAML or JSON, read like a plan file) becomes a validated model; every problem
is reported at once with its path (``goals[2].status``), exactly as for plans. What only the plan
can tell (is goal 4 one of its goals, is the date inside its period) is checked afterwards by
:mod:`pipdocs.lifecycle.rules`, with the same kind of message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipdocs.core.errors import PlanInvalid, Problem
from pipdocs.core.i18n import N_, tr
from pipdocs.core.plan import ShortText, Text
from pipdocs.core.planmessages import error_path, pydantic_message

Status = Literal["on_track", "at_risk", "off_track"]
Result = Literal["met", "partially_met", "not_met"]
Decision = Literal["close", "extend", "training", "transfer", "terminate"]
RefusedKind = Literal["plan", "checkin", "revision", "evaluation"]

STATUSES: tuple[Status, ...] = get_args(Status)
RESULTS: tuple[Result, ...] = get_args(Result)
DECISIONS: tuple[Decision, ...] = get_args(Decision)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              coerce_numbers_to_str=True)


class GoalProgress(_Model):
    """One goal of the plan at a check-in: where it stands against its metric."""

    goal: int = Field(ge=1, le=20, description="the plan's goal number (1-based)")
    progress: Text
    status: Status
    evidence: Text | None = None


class CheckinInput(_Model):
    """A review meeting (回顾面谈): progress per goal, support given, feedback, next steps."""

    date: dt.date
    number: int | None = Field(default=None, ge=1, le=60,
                               description="the plan's checkpoint (1-based); absent: by date")
    goals: list[GoalProgress] = Field(min_length=1, max_length=20)
    support_given: list[int] = Field(default_factory=list, max_length=20)
    manager_feedback: Text
    employee_comment: Text | None = None
    next_steps: list[Text] = Field(default_factory=list, max_length=20)


class GoalResult(_Model):
    """One goal at the final evaluation: the actual result, and the manager's judgement."""

    goal: int = Field(ge=1, le=20)
    actual: ShortText
    result: Result | None = None
    comment: Text | None = None


class EvaluationInput(_Model):
    """The final evaluation (最终评估): per goal, overall outcome and the decision."""

    date: dt.date
    goals: list[GoalResult] = Field(min_length=1, max_length=20)
    outcome: Result | None = None
    decision: Decision
    extend_until: dt.date | None = None
    summary: Text


class Witness(_Model):
    name: ShortText
    title: ShortText


class RefusalInput(_Model):
    """The employee was given a document and refused to sign it (拒签记录)."""

    date: dt.date
    document: RefusedKind = "plan"
    delivered: Text
    reason: Text | None = None
    witness: Witness
    note: Text | None = None  # HR's own words, printed apart from how it was delivered


InputModel = TypeVar("InputModel", CheckinInput, EvaluationInput, RefusalInput)

WHAT = {CheckinInput: N_("check-in"), EvaluationInput: N_("evaluation"),
        RefusalInput: N_("refusal")}
_NESTED: dict[str, type[BaseModel]] = {"goals": GoalProgress, "witness": Witness}


def _fields(model: type[BaseModel]) -> Callable[[str], list[str]]:
    """Field names of ``model``'s nested parts by parent name, for "did you mean" hints."""
    nested = dict(_NESTED)
    if model is EvaluationInput:
        nested["goals"] = GoalResult

    def names(parent: str) -> list[str]:
        return list(nested.get(parent, model).model_fields)

    return names


def _problems(exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """The plan's wording for each error, but naming this kind of file for unknown fields."""
    names = _fields(model)
    out = []
    for error in exc.errors():
        path = error_path(tuple(error["loc"]))
        if error["type"] != "extra_forbidden":
            out.append(Problem(path, pydantic_message(error, names)))
            continue
        loc = [p for p in error["loc"] if isinstance(p, str)]
        guess = get_close_matches(str(loc[-1]), names(loc[-2] if len(loc) > 1 else ""), n=1)
        hint = tr(" (did you mean '{name}'?)").format(name=guess[0]) if guess else ""
        out.append(Problem(path, tr("is not a field of a {what}{hint}; remove or rename it").format(
            what=tr(WHAT.get(model, N_("document"))), hint=hint)))
    return out


def input_from_data(model: type[InputModel], data: Any, source: str = "") -> InputModel:
    """Validate parsed YAML/JSON into ``model``; PlanInvalid lists every problem."""
    what = tr(WHAT.get(model, N_("document")))
    if not isinstance(data, dict):
        raise PlanInvalid([Problem("", tr("a {what} file must be a mapping of fields (date: ...,"
                                          " goals: ...)").format(what=what))], source)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise PlanInvalid(_problems(exc, model), source) from exc


def load_input(model: type[InputModel], path: Path | str) -> InputModel:
    """Read and validate a check-in, evaluation or refusal file (.yaml, .yml or .json)."""
    from pipdocs.core.planfile import read_plan_file

    return input_from_data(model, read_plan_file(Path(path), N_("file")), source=str(path))
