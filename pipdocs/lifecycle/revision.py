"""What a revision changes: the new plan against the version it replaces, in plain words.

Only the parts the parties agreed on are compared (goals with their targets and deadlines,
actions, support, checkpoints, the period); the list is printed on the revision's cover page and
kept in its record, so an arbitrator sees what changed without comparing two documents.
"""

from __future__ import annotations

from typing import Any

from pipdocs.core.errors import Problem
from pipdocs.core.i18n import tr
from pipdocs.core.plan import ROLES, Plan

_WORDS: dict[str, dict[str, Any]] = {
    "zh": {
        "goal_added": "新增目标{n}：{area}——{metric}，目标 {target}，期限 {deadline}",
        "goal_removed": "删除目标{n}：{area}——{metric}",
        "goal_field": "目标{n}（{area}）的{field}：{old} → {new}",
        "support_added": "新增支持：{text}", "support_removed": "取消支持：{text}",
        "action_added": "新增行动（第{weeks}周）：{text}",
        "action_removed": "取消行动（第{weeks}周）：{text}",
        "checkpoint_added": "新增检查节点 {date}：{focus}",
        "checkpoint_removed": "取消检查节点 {date}：{focus}",
        "period": "计划周期：{old} → {new}",
        "fields": {"area": "改进领域", "metric": "衡量指标", "baseline": "现状",
                   "standard": "期望标准", "target": "改进目标", "deadline": "完成期限",
                   "measurement": "衡量方式"},
    },
    "en": {
        "goal_added": "New goal {n}: {area} — {metric}, target {target} by {deadline}",
        "goal_removed": "Goal {n} removed: {area} — {metric}",
        "goal_field": "Goal {n} ({area}), {field}: {old} → {new}",
        "support_added": "Support added: {text}", "support_removed": "Support removed: {text}",
        "action_added": "Action added (weeks {weeks}): {text}",
        "action_removed": "Action removed (weeks {weeks}): {text}",
        "checkpoint_added": "Checkpoint added on {date}: {focus}",
        "checkpoint_removed": "Checkpoint removed on {date}: {focus}",
        "period": "Plan period: {old} → {new}",
        "fields": {"area": "area", "metric": "metric", "baseline": "baseline",
                   "standard": "standard", "target": "target", "deadline": "deadline",
                   "measurement": "measured by"},
    },
}


def _period(plan: Plan) -> str:
    return f"{plan.period.start.isoformat()} – {plan.period.end.isoformat()}"


def plan_changes(old: Plan, new: Plan) -> list[str]:
    """Every agreed change from ``old`` to ``new``, one line each, in the new plan's language."""
    w = _WORDS[new.language]
    out: list[str] = []
    if (old.period.start, old.period.days) != (new.period.start, new.period.days):
        out.append(w["period"].format(old=_period(old), new=_period(new)))
    for n in range(1, max(len(old.goals), len(new.goals)) + 1):
        before = old.goals[n - 1] if n <= len(old.goals) else None
        after = new.goals[n - 1] if n <= len(new.goals) else None
        if after is None and before is not None:
            out.append(w["goal_removed"].format(n=n, area=before.area, metric=before.metric))
        elif before is None and after is not None:
            out.append(w["goal_added"].format(n=n, area=after.area, metric=after.metric,
                                              target=after.target,
                                              deadline=after.deadline.isoformat()))
        elif before is not None and after is not None:
            for field, label in w["fields"].items():
                a, b = getattr(before, field), getattr(after, field)
                if a != b:
                    out.append(w["goal_field"].format(
                        n=n, area=after.area, field=label,
                        old=a.isoformat() if hasattr(a, "isoformat") else a or "—",
                        new=b.isoformat() if hasattr(b, "isoformat") else b or "—"))
    for key, items in (("support", (old.support, new.support)),):
        for text in items[1]:
            if text not in items[0]:
                out.append(w[f"{key}_added"].format(text=text))
        for text in items[0]:
            if text not in items[1]:
                out.append(w[f"{key}_removed"].format(text=text))
    old_actions = [(a.weeks, a.task) for a in old.actions]
    new_actions = [(a.weeks, a.task) for a in new.actions]
    out += [w["action_added"].format(weeks=k, text=t) for k, t in new_actions
            if (k, t) not in old_actions]
    out += [w["action_removed"].format(weeks=k, text=t) for k, t in old_actions
            if (k, t) not in new_actions]
    old_points = [(c.date, c.focus) for c in old.checkpoints]
    new_points = [(c.date, c.focus) for c in new.checkpoints]
    out += [w["checkpoint_added"].format(date=d.isoformat(), focus=f) for d, f in new_points
            if (d, f) not in old_points]
    out += [w["checkpoint_removed"].format(date=d.isoformat(), focus=f) for d, f in old_points
            if (d, f) not in new_points]
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
