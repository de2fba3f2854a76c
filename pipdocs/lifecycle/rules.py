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
from pipdocs.core.plan import Plan
from pipdocs.lifecycle.metrics import Judgement, judge, overall
from pipdocs.lifecycle.models import CheckinInput, EvaluationInput, RefusalInput

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


def _span(plan: Plan, end: date) -> str:
    return f"{plan.period.start.isoformat()} to {end.isoformat()}"


def goal_problems(items: Sequence[_Numbered], plan: Plan) -> list[Problem]:
    """Each entry names a goal of the plan, each goal once, and no goal is left out."""
    problems = []
    seen: set[int] = set()
    count = len(plan.goals)
    for i, item in enumerate(items, 1):
        if not 1 <= item.goal <= count:
            problems.append(Problem(f"goals[{i}].goal", f"the plan has no goal {item.goal}"
                                    f" (its goals are numbered 1 to {count})"))
        elif item.goal in seen:
            problems.append(Problem(f"goals[{i}].goal", f"goal {item.goal} is given twice;"
                                    " keep one entry per goal"))
        seen.add(item.goal)
    missing = [n for n in range(1, count + 1) if n not in seen]
    if missing:
        problems.append(Problem("goals", "no entry for goal " + ", ".join(map(str, missing))
                                + " of the plan; give one entry per goal"))
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
            problems.append(Problem(f"support_given[{i}]", f"the plan has no support item {number}"
                                    f" (its support items are numbered 1 to {len(plan.support)})"))
    end = period_end(plan, extended_until)
    if not plan.period.start <= inp.date <= end:
        problems.append(Problem("date", f"{inp.date.isoformat()} is outside the plan period"
                                f" {_span(plan, end)}"))
    if inp.number is not None and inp.number > len(plan.checkpoints):
        problems.append(Problem("number", f"the plan has {len(plan.checkpoints)} checkpoints;"
                                " leave number out for an extra check-in"))
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
            problems.append(Problem(f"goals[{i}].result", f"goal {item.goal}'s target '{target}'"
                                    " cannot be compared as a number; state the result: met,"
                                    " partially_met or not_met"))
    end = period_end(plan, extended_until)
    last = max((c.date for c in plan.checkpoints), default=plan.period.start)
    if inp.date < last:
        problems.append(Problem("date", f"{inp.date.isoformat()} is before the plan's last"
                                f" checkpoint {last.isoformat()}; evaluate after it"))
    elif not plan.period.start <= inp.date <= end + timedelta(days=EVALUATION_GRACE_DAYS):
        problems.append(Problem("date", f"{inp.date.isoformat()} is outside the plan period"
                                f" {_span(plan, end)} (the evaluation may follow it by at most"
                                f" {EVALUATION_GRACE_DAYS} days)"))
    if inp.decision == "extend":
        if inp.extend_until is None:
            problems.append(Problem("extend_until", "is required with decision: extend;"
                                    " give the new last day of the plan"))
        elif inp.extend_until <= max(end, inp.date):
            problems.append(Problem("extend_until", f"{inp.extend_until.isoformat()} must be"
                                    f" after the period's end {end.isoformat()} and the"
                                    " evaluation's date"))
        elif extended_until is not None:
            problems.append(Problem("decision", "the plan was already extended once (until"
                                    f" {extended_until.isoformat()}); it can be extended only"
                                    " once"))
    elif inp.extend_until is not None:
        problems.append(Problem("extend_until", f"is only for decision: extend, not"
                                f" {inp.decision}; remove it"))
    return problems


def refusal_problems(inp: RefusalInput, plan: Plan, parent_kind: str,
                     extended_until: date | None = None) -> list[Problem]:
    problems = []
    if inp.document != parent_kind:
        problems.append(Problem("document", f"says {inp.document}, but the PDF given is a"
                                f" {parent_kind}; record the refusal of the document given"))
    start = plan.period.start - timedelta(days=REFUSAL_LEAD_DAYS)
    end = period_end(plan, extended_until) + timedelta(days=EVALUATION_GRACE_DAYS)
    if not start <= inp.date <= end:
        problems.append(Problem("date", f"{inp.date.isoformat()} is outside the plan period"
                                f" {_span(plan, period_end(plan, extended_until))}"))
    return problems
