"""Half-width punctuation in Chinese plan text: a warning, so the document reads natively.

A Chinese document uses full-width punctuation (，：；（）); a half-width ',' or ':' typed after
Chinese text (an English keyboard) stands out on the printed page. It is only a warning, and
only where the mark follows a Chinese character: "1,000" or "CRM: 80%" stay as written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipdocs.core.errors import Problem
from pipdocs.core.i18n import plan_language, tr

if TYPE_CHECKING:
    from pipdocs.core.plan import Plan

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# , ; : ? ! touching Chinese on either side; ( before and ) after Chinese; . between Chinese.
_HALF = re.compile(f"(?<=[{_HAN}])[,;:?!)]|[,;:?!(](?=[{_HAN}])|(?<=[{_HAN}])\\.(?=[{_HAN}])")
FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}


def texts(plan: Plan) -> list[tuple[str, str]]:
    """(path, text) of every free text a person wrote in the plan."""
    out = [("diagnosis.summary", plan.diagnosis.summary)]
    for key in ("root_causes", "evidence"):
        out += [(f"diagnosis.{key}[{i}]", t)
                for i, t in enumerate(getattr(plan.diagnosis, key), 1)]
    for i, goal in enumerate(plan.goals, 1):
        out += [(f"goals[{i}].{f}", str(getattr(goal, f) or ""))
                for f in ("area", "metric", "baseline", "standard", "target", "measurement")]
    out += [(f"actions[{i}].task", a.task) for i, a in enumerate(plan.actions, 1)]
    for key in ("support", "commitments", "evaluation"):
        out += [(f"{key}[{i}]", t) for i, t in enumerate(getattr(plan, key), 1)]
    return out


def half_width(plan: Plan) -> list[Problem]:
    """One warning per text of a Chinese plan with half-width punctuation after Chinese."""
    if plan.language != "zh":
        return []
    out = []
    with plan_language(plan.language):
        for path, text in texts(plan):
            found = _HALF.search(text)
            if found:
                mark = found.group()
                out.append(Problem(path, tr(
                    "half-width '{mark}' after Chinese text ('...{context}'); a Chinese document"
                    " uses '{full}'").format(mark=mark, full=FULL[mark],
                                             context=text[max(found.start() - 6, 0):found.end()])))
    return out
