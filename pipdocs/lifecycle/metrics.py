"""Judging an actual result against a goal's target, where both are numbers.

"≥95%" against "96%" is met; "8%以下" against "9.5%" is not. The comparison comes from the
target's words (≥, 至少, at least, 以下, at most ...) or, when it has none, from the baseline: a
target below the baseline means lower is better. A result that moved from the baseline towards
the target without reaching it is partially met. A target with several numbers is read only when
it says which is final ("期末达到80%", "80% by the end"); anything else is left to the manager,
who may always overrule the suggestion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_AT_LEAST = ("≥", ">=", "至少", "不少于", "不低于", "以上", "及以上", "达到", "at least",
             "minimum", "min.", "or more", "or higher", "or better", "no fewer", "no less", "above",
             ">", "高于", "超过")
_AT_MOST = ("≤", "<=", "以下", "以内", "不超过", "不高于", "低于", "少于", "at most", "maximum",
            "max.", "or less", "or lower", "or fewer", "no more", "below", "under", "<", "降至",
            "控制在")
_VOCABULARY = sorted([(w, True) for w in _AT_LEAST] + [(w, False) for w in _AT_MOST],
                     key=lambda item: -len(item[0]))
_FINAL = ("期末", "最终", "final", "by the end", "end of the plan")


@dataclass(frozen=True)
class Judgement:
    """A computed result and how it was reached (shown next to the manager's own)."""

    result: str  # met | partially_met | not_met
    target: float
    actual: float
    higher_is_better: bool


def _numbers(text: str) -> list[float]:
    return [float(m.replace(",", ".")) for m in _NUMBER.findall(text)]


_TIME = re.compile(
    r"(?:第\s*|(?:week|month|day|year)s?\s*)[-+]?\d+(?:[.,]\d+)?"
    r"|[-+]?\d+(?:[.,]\d+)?\s*(?:个月|个|月|周|天|日|年|weeks?\b|months?\b|days?\b|years?\b)",
    re.IGNORECASE,
)


def _target_number(target: str) -> tuple[float, str] | None:
    """The number a target is judged by, and the words around it (durations do not count)."""
    numbers = _NUMBER.findall(target)
    if len(numbers) == 1:
        return float(numbers[0].replace(",", ".")), target
    measures = _NUMBER.findall(_TIME.sub(" ", target))
    if len(measures) == 1 and not any(w in target.lower() for w in _FINAL):
        return float(measures[0].replace(",", ".")), target
    lowered = target.lower()
    for word in _FINAL:
        at = lowered.rfind(word)
        if at >= 0:
            tail = target[at:]
            found = _NUMBER.findall(tail)
            if found:
                return float(found[0].replace(",", ".")), tail
    return None


def _direction(words: str, target: float, baseline: str) -> bool | None:
    """True: higher is better; False: lower is better; None: cannot tell.

    The comparison word nearest the target's number wins ("2个月以内达到90%": 达到). Longer
    words are read first and blanked, so a word inside another does not count ("不超过" is at
    most, though it holds "超过")."""
    lowered = _TIME.sub(lambda m: " " * len(m.group()), words.lower())
    number = _NUMBER.search(lowered)
    at = number.start() if number else 0
    best: tuple[int, bool] | None = None
    for word, higher in _VOCABULARY:
        for match in re.finditer(re.escape(word), lowered):
            distance = min(abs(match.start() - at), abs(match.end() - at))
            if best is None or distance < best[0]:
                best = (distance, higher)
            lowered = lowered[:match.start()] + " " * len(word) + lowered[match.end():]
    if best is not None:
        return best[1]
    base = _numbers(baseline)
    if len(base) == 1 and base[0] != target:
        return target > base[0]
    return None


def judge(target: str, actual: str, baseline: str = "") -> Judgement | None:
    """The computed result of ``actual`` against ``target``, or None when it is not numeric."""
    found = _target_number(target)
    values = _numbers(actual)
    if found is None or len(values) != 1:
        return None
    goal, words = found
    higher = _direction(words, goal, baseline)
    if higher is None:
        return None
    value = values[0]
    if ("%" in target) != ("%" in actual) and "%" in actual:
        return None  # a rate against a count: not comparable
    if (value >= goal) if higher else (value <= goal):
        return Judgement("met", goal, value, higher)
    base = _numbers(baseline)
    improved = len(base) == 1 and ((value > base[0]) if higher else (value < base[0]))
    return Judgement("partially_met" if improved else "not_met", goal, value, higher)


def overall(results: list[str]) -> str:
    """The plan's outcome from its goals: all met, none met, or in between."""
    if results and all(r == "met" for r in results):
        return "met"
    if results and all(r == "not_met" for r in results):
        return "not_met"
    return "partially_met"
