"""What a revision changes: the new plan against the version it replaces, in plain words.

Only the parts the parties agreed on are compared (goals with their targets and deadlines,
actions, support, checkpoints, the period); the list is printed on the revision's cover page and
kept in its record, so an arbitrator sees what changed without comparing two documents.
"""

from __future__ import annotations

from pipdocs.core.errors import Problem
from pipdocs.core.i18n import N_, in_language, tr
from pipdocs.core.plan import ROLES, Plan

#: A goal's fields as the list of changes names them (English: the message id).
GOAL_FIELDS = {"area": N_("area"), "metric": N_("metric"), "baseline": N_("baseline"),
               "standard": N_("standard"), "target": N_("target"), "deadline": N_("deadline"),
               "measurement": N_("measured by")}


def _period(plan: Plan) -> str:
    return f"{plan.period.start.isoformat()} – {plan.period.end.isoformat()}"


def plan_changes(old: Plan, new: Plan) -> list[str]:
    """Every agreed change from ``old`` to ``new``, one line each, in the new plan's language."""
    with in_language(new.language):
        return _goal_changes(old, new) + _list_changes(old, new)


def _goal_changes(old: Plan, new: Plan) -> list[str]:
    out: list[str] = []
    if (old.period.start, old.period.days) != (new.period.start, new.period.days):
        out.append(tr("Plan period: {old} → {new}").format(old=_period(old), new=_period(new)))
    for n in range(1, max(len(old.goals), len(new.goals)) + 1):
        before = old.goals[n - 1] if n <= len(old.goals) else None
        after = new.goals[n - 1] if n <= len(new.goals) else None
        if after is None and before is not None:
            out.append(tr("Goal {n} removed: {area} — {metric}").format(
                n=n, area=before.area, metric=before.metric))
        elif before is None and after is not None:
            out.append(tr("New goal {n}: {area} — {metric}, target {target} by {deadline}").format(
                n=n, area=after.area, metric=after.metric, target=after.target,
                deadline=after.deadline.isoformat()))
        elif before is not None and after is not None:
            for field, label in GOAL_FIELDS.items():
                a, b = getattr(before, field), getattr(after, field)
                if a != b:
                    out.append(tr("Goal {n} ({area}), {field}: {old} → {new}").format(
                        n=n, area=after.area, field=tr(label),
                        old=a.isoformat() if hasattr(a, "isoformat") else a or "—",
                        new=b.isoformat() if hasattr(b, "isoformat") else b or "—"))
    return out


def _list_changes(old: Plan, new: Plan) -> list[str]:
    """Support, actions and checkpoints added or removed."""
    out = [tr("Support added: {text}").format(text=t) for t in new.support if t not in old.support]
    out += [tr("Support removed: {text}").format(text=t) for t in old.support
            if t not in new.support]
    old_actions = [(a.weeks, a.task) for a in old.actions]
    new_actions = [(a.weeks, a.task) for a in new.actions]
    out += [tr("Action added (weeks {weeks}): {text}").format(weeks=k, text=t)
            for k, t in new_actions if (k, t) not in old_actions]
    out += [tr("Action removed (weeks {weeks}): {text}").format(weeks=k, text=t)
            for k, t in old_actions if (k, t) not in new_actions]
    old_points = [(c.date, c.focus) for c in old.checkpoints]
    new_points = [(c.date, c.focus) for c in new.checkpoints]
    out += [tr("Checkpoint added on {date}: {focus}").format(date=d.isoformat(), focus=f)
            for d, f in new_points if (d, f) not in old_points]
    out += [tr("Checkpoint removed on {date}: {focus}").format(date=d.isoformat(), focus=f)
            for d, f in old_points if (d, f) not in new_points]
    return out


def same_parties(old: Plan, new: Plan) -> list[Problem]:
    """A revision keeps the plan id, the language and the three people."""
    problems = []
    if old.plan_id != new.plan_id:
        problems.append(Problem("plan_id", tr("'{new}' is not the plan being revised ('{old}');"
                                              " a revision keeps the plan id").format(
                                                  new=new.plan_id, old=old.plan_id)))
    if old.language != new.language:
        problems.append(Problem("language", tr("must stay '{old}', as in the plan").format(
            old=old.language)))
    if old.employee.id != new.employee.id:
        problems.append(Problem("employee.id", tr("must stay '{old}': a revision is for the same"
                                                  " employee").format(old=old.employee.id)))
    for role in ROLES:
        a, b = old.person(role).email, new.person(role).email
        if a.casefold() != b.casefold():
            problems.append(Problem(f"{role}.email", tr(
                "'{new}' differs from the plan's '{old}'; the parties stay the same (start a new"
                " plan otherwise)").format(new=b, old=a)))
    return problems
