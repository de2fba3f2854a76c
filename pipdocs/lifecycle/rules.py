"""What an input must agree with in its plan: goal and support numbers, dates, checkpoints.

Every problem is collected, with its path in the input file, and raised at once as PlanInvalid
(exit 1), like a plan's own validation. Shared by the commands that make documents and by
``case verify``, so a document the command would refuse never passes the case check.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol

from pipdocs.core.errors import Problem
from pipdocs.core.i18n import tr
from pipdocs.core.plan import Plan
from pipdocs.lifecycle.metrics import Judgement, judge, overall
from pipdocs.lifecycle.models import CheckinInput, EvaluationInput, RefusalInput
from pipdocs.lifecycle.words import kind_word

#: The final evaluation meeting may be held up to two weeks after the last day of the period.
EVALUATION_GRACE_DAYS = 14
#: A refusal may be recorded from a month before the period (the plan is handed over) onwards.
REFUSAL_LEAD_DAYS = 30


class _Numbered(Protocol):
    @property
    def goal(self) -> int: ...


def period_end(plan: Plan, extended_until: date | None = None) -> date:
    """The last day of the plan, or of its extension."""
    return max(plan.period.end, extended_until) if extended_until else plan.period.end


def _outside(when: date, plan: Plan, end: date) -> str:
    return tr("{date} is outside the plan period {start} to {end}").format(
        date=when.isoformat(), start=plan.period.start.isoformat(), end=end.isoformat())


def goal_problems(items: Sequence[_Numbered], plan: Plan) -> list[Problem]:
    """Each entry names a goal of the plan, each goal once, and no goal is left out.

    A wrong goal number usually stands for the goal left out: one line then says both."""
    problems = []
    seen: set[int] = set()
    count = len(plan.goals)
    unknown: list[tuple[int, int]] = []
    for i, item in enumerate(items, 1):
        if not 1 <= item.goal <= count:
            unknown.append((i, item.goal))
        elif item.goal in seen:
            problems.append(Problem(f"goals[{i}].goal", tr(
                "goal {goal} is given twice; keep one entry per goal").format(goal=item.goal)))
        seen.add(item.goal)
    missing = ", ".join(str(n) for n in range(1, count + 1) if n not in seen)
    for i, number in unknown:
        message = tr("the plan has no goal {goal} (its goals are numbered 1 to {count})").format(
            goal=number, count=count)
        if missing:
            message += tr("; goal {missing} has no entry: is that the one meant?").format(
                missing=missing)
        problems.append(Problem(f"goals[{i}].goal", message))
    if missing and not unknown:
        problems.append(Problem("goals", tr("no entry for goal {missing} of the plan; give one"
                                            " entry per goal").format(missing=missing)))
    return problems


def checkpoint_number(inp: CheckinInput, plan: Plan) -> int | None:
    """The plan checkpoint a check-in stands for: its ``number``, else the one on its date."""
    if inp.number is not None:
        return inp.number
    for i, checkpoint in enumerate(plan.checkpoints, 1):
        if checkpoint.date == inp.date:
            return i
    return None


def checkin_problems(inp: CheckinInput, plan: Plan,
                     extended_until: date | None = None) -> list[Problem]:
    problems = goal_problems(inp.goals, plan)
    for i, number in enumerate(inp.support_given, 1):
        if not 1 <= number <= len(plan.support):
            problems.append(Problem(f"support_given[{i}]", tr(
                "the plan has no support item {number} (its support items are numbered 1 to"
                " {count})").format(number=number, count=len(plan.support))))
    end = period_end(plan, extended_until)
    if not plan.period.start <= inp.date <= end:
        problems.append(Problem("date", _outside(inp.date, plan, end)))
    if inp.number is not None and inp.number > len(plan.checkpoints):
        problems.append(Problem("number", tr("the plan has {count} checkpoints; leave number out"
                                             " for an extra check-in").format(
                                                 count=len(plan.checkpoints))))
    return problems


def evaluation_judgements(inp: EvaluationInput, plan: Plan) -> dict[int, Judgement | None]:
    """The computed result of each goal the evaluation names (None: not numeric)."""
    out: dict[int, Judgement | None] = {}
    for item in inp.goals:
        if 1 <= item.goal <= len(plan.goals):
            goal = plan.goals[item.goal - 1]
            out[item.goal] = judge(goal.target, item.actual, goal.baseline)
    return out


def evaluation_results(inp: EvaluationInput, plan: Plan) -> tuple[dict[int, str], str]:
    """Each goal's result (the manager's, else the computed one) and the overall outcome."""
    computed = evaluation_judgements(inp, plan)
    results = {}
    for item in inp.goals:
        judgement = computed.get(item.goal)
        results[item.goal] = item.result or (judgement.result if judgement else "not_met")
    ordered = [results[n] for n in sorted(results)]
    return results, inp.outcome or overall(ordered)


def evaluation_problems(inp: EvaluationInput, plan: Plan,
                        extended_until: date | None = None) -> list[Problem]:
    problems = goal_problems(inp.goals, plan)
    computed = evaluation_judgements(inp, plan)
    for i, item in enumerate(inp.goals, 1):
        if item.result is None and item.goal in computed and computed[item.goal] is None:
            target = plan.goals[item.goal - 1].target
            problems.append(Problem(f"goals[{i}].result", tr(
                "goal {goal}'s target '{target}' cannot be compared as a number; state the"
                " result: met, partially_met or not_met").format(goal=item.goal, target=target)))
    end = period_end(plan, extended_until)
    last = max((c.date for c in plan.checkpoints), default=plan.period.start)
    if inp.date < last:
        problems.append(Problem("date", tr(
            "{date} is before the plan's last checkpoint {last}; evaluate after it").format(
                date=inp.date.isoformat(), last=last.isoformat())))
    elif not plan.period.start <= inp.date <= end + timedelta(days=EVALUATION_GRACE_DAYS):
        problems.append(Problem("date", _outside(inp.date, plan, end) + tr(
            " (the evaluation may follow it by at most {days} days)").format(
                days=EVALUATION_GRACE_DAYS)))
    problems += _extension_problems(inp, end, extended_until)
    return problems


def _extension_problems(inp: EvaluationInput, end: date,
                        extended_until: date | None) -> list[Problem]:
    """decision: extend needs a later extend_until, once; any other decision none."""
    if inp.decision != "extend":
        return [] if inp.extend_until is None else [Problem("extend_until", tr(
            "is only for decision: extend, not {decision}; remove it").format(
                decision=inp.decision))]
    if inp.extend_until is None:
        return [Problem("extend_until", tr("is required with decision: extend; give the new"
                                           " last day of the plan"))]
    if inp.extend_until <= max(end, inp.date):
        return [Problem("extend_until", tr(
            "{date} must be after the period's end {end} and the evaluation's date").format(
                date=inp.extend_until.isoformat(), end=end.isoformat()))]
    if extended_until is not None:
        return [Problem("decision", tr(
            "the plan was already extended once (until {date}); it can be extended only"
            " once").format(date=extended_until.isoformat()))]
    return []


def refusal_problems(inp: RefusalInput, plan: Plan, parent_kind: str,
                     extended_until: date | None = None) -> list[Problem]:
    problems = []
    if inp.document != parent_kind:
        problems.append(Problem("document", tr(
            "says {said}, but the PDF given is a {kind}; record the refusal of the document"
            " given").format(said=kind_word(inp.document), kind=kind_word(parent_kind))))
    start = plan.period.start - timedelta(days=REFUSAL_LEAD_DAYS)
    end = period_end(plan, extended_until) + timedelta(days=EVALUATION_GRACE_DAYS)
    if not start <= inp.date <= end:
        problems.append(Problem("date", _outside(inp.date, plan,
                                                 period_end(plan, extended_until))))
    return problems
