"""``pipdocs checkin``: the record of a review meeting, signed by the manager, then the employee."""

from __future__ import annotations

from pathlib import Path

from pipdocs.core.i18n import tr
from pipdocs.core.plan import Plan
from pipdocs.lifecycle.contexts import (
    CheckinContext,
    CheckinGoal,
    SupportItem,
    context_dict,
    goals_with,
    header,
    label,
)
from pipdocs.lifecycle.make import (
    Draft,
    Made,
    Options,
    check_input,
    in_force,
    made_from,
    policy_of,
    record_for,
    start,
)
from pipdocs.lifecycle.models import CheckinInput, load_input
from pipdocs.lifecycle.records import Document
from pipdocs.lifecycle.rules import checkin_problems, checkpoint_number


def checkin_context(inp: CheckinInput, parent: Document) -> CheckinContext:
    plan: Plan = parent.plan
    lang = plan.language
    number = checkpoint_number(inp, plan)
    goals = []
    for n, goal, item in goals_with(plan, inp.goals):
        goals.append(CheckinGoal(number=n, area=goal.area, metric=goal.metric, target=goal.target,
                                 deadline=goal.deadline, progress=item.progress,
                                 status=label(item.status, lang), evidence=item.evidence))
    support = [SupportItem(number=n, text=text,
                           given=label("given" if n in inp.support_given else "not_given", lang))
               for n, text in enumerate(plan.support, 1)]
    return CheckinContext(
        **header(plan, parent.version, parent.plan_sha256, parent.sha256, inp.date),
        number=number, checkpoint=plan.checkpoints[number - 1] if number else None,
        checkpoint_count=len(plan.checkpoints), extra_label=label("extra", lang), goals=goals,
        support=support, manager_feedback=inp.manager_feedback,
        employee_comment=inp.employee_comment, next_steps=list(inp.next_steps),
    )


def make_checkin(parent_pdf: Path, input_file: Path, out: Path, options: Options) -> Made:
    """Check-in record for the signed plan version ``parent_pdf`` (see the module docstring)."""
    return checkin_from_input(parent_pdf, load_input(CheckinInput, input_file), str(input_file),
                              out, options)


def checkin_from_input(parent_pdf: Path, inp: CheckinInput, source: str, out: Path,
                       options: Options) -> Made:
    """The same from a validated input (a spreadsheet row: ``source`` names it)."""
    return made_from(checkin_draft(parent_pdf, inp, source, out, options), out, options)


def checkin_draft(parent_pdf: Path, inp: CheckinInput, source: str, out: Path,
                  options: Options) -> Draft:
    """Every check of a check-in against its parent, and what to render (nothing written)."""
    parent, facts = start(out, parent_pdf, options, ("plan", "revision"))
    in_force(parent, facts)
    check_input(checkin_problems(inp, parent.plan, facts.extended_until()), Path(source),
                parent.plan)
    number = checkpoint_number(inp, parent.plan)
    data = inp.model_dump(mode="json", exclude_none=True) | {
        "checkpoint": number, "extra": number is None}
    order = policy_of(options).order_for("checkin")
    record = record_for("checkin", parent, inp.date, data, order)
    context = context_dict(checkin_context(inp, parent))
    warnings = [] if number else [tr("{source}: {date} is none of the plan's checkpoints:"
                                     " recorded as an extra check-in").format(
                                         source=source, date=inp.date.isoformat())]
    return Draft("checkin", parent.plan, context, record, warnings)
