"""Validation errors as sentences a person understands, in the user's language.

Kept apart from the model (plan.py) so the wording (gettext message ids) is in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from difflib import get_close_matches
from typing import Any

from pipdocs.core.dates import why_not_a_date
from pipdocs.core.i18n import N_, is_zh, tr


def error_path(loc: tuple[int | str, ...]) -> str:
    """('goals', 0, 'deadline') -> 'goals[1].deadline' (1-based, like the spreadsheet columns)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def shown(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: repr, shortened (a 5,000-digit number, a nested list)."""
    import reprlib

    if isinstance(value, int) and value.bit_length() > 200:  # repr() refuses 4,300+ digits
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    short = reprlib.Repr()
    short.maxlevel, short.maxstring, short.maxother, short.maxlong = 3, limit, limit, limit
    try:
        text = short.repr(value)
    except (ValueError, RecursionError):
        return f"a {type(value).__name__}"
    return text if len(text) <= limit + 10 else text[:limit] + "..."


class _Shown(str):
    """Text that ``!r`` prints as is: an input already made short by :func:`shown`."""

    def __repr__(self) -> str:
        return str(self)


def pydantic_message(error: Any, field_names: Callable[[str], list[str]]) -> str:
    """A sentence a person understands for one pydantic error, in the message language."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    original = error.get("input")
    value: Any = _Shown(shown(original)) if original is not None else None
    if kind == "extra_forbidden":
        loc = [p for p in error["loc"] if isinstance(p, str)]
        parent = loc[-2] if len(loc) > 1 else ""
        name = str(loc[-1])
        if original is None and not re.fullmatch(r"[A-Za-z_][\w.]*", name):
            return tr("is not a field of a plan: it looks like the rest of a text cut at a ','"
                      " (inside {...} a ',' separates fields); put the whole text in quotes")
        guess = get_close_matches(name, field_names(parent), n=1)
        if guess:
            return tr("is not a field of a plan (did you mean '{guess}'?); remove or rename"
                      " it").format(guess=guess[0])
        return tr("is not a field of a plan; remove or rename it")
    if kind.startswith("date_"):
        return date_message(str(original)[:60])
    if kind == "string_type" and isinstance(original, dict):
        return tr("must be text, but YAML read it as fields: a ': ' inside the text (or a"
                  " ',' inside {...}) starts a new field; put the whole text in quotes")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    template = _MESSAGES.get(kind)
    if template is None:
        return str(error["msg"])
    return tr(template).format(
        value=value, expected=ctx.get("expected", ""), max=ctx.get("max_length"),
        min=ctx.get("min_length"), type=type(original).__name__, ge=ctx.get("ge"), le=ctx.get("le"))


# pydantic error type -> message (English text is the gettext message id).
_MESSAGES: dict[str, str] = {
    "missing": N_("is required"),
    "literal_error": N_("must be one of {expected}, not {value!r}"),
    "int_parsing": N_("{value!r} is not a whole number"),
    "int_parsing_size": N_("{value!r} is not a whole number"),
    "int_type": N_("{value!r} is not a whole number"),
    "int_from_float": N_("{value!r} is not a whole number"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("is too long (at most {max} characters)"),
    "too_short": N_("needs at least {min} item(s)"),
    "too_long": N_("has too many items (at most {max})"),
    "greater_than_equal": N_("{value!r} is out of range (at least {ge})"),
    "less_than_equal": N_("{value!r} is out of range (at most {le})"),
    "string_type": N_("must be text, not {type}"),
    "list_type": N_("must be a list (one item per line)"),
    "model_type": N_("must be a mapping of fields (name: value)"),
    "dict_type": N_("must be a mapping of fields (name: value)"),
    "model_attributes_type": N_("must be a mapping of fields (name: value)"),
}


def date_message(value: str) -> str:
    """'2027-04-31' is not a date: say why (April has 30 days) and which forms are accepted."""
    why = why_not_a_date(value)
    if why and why[0] == "day":
        from babel.dates import format_skeleton

        values = why[1]
        month = format_skeleton("yMMMM", date(values["year"], values["month"], 1),
                                locale="zh_CN" if is_zh() else "en_GB")
        return tr("'{value}' is not a date: {month} has {days} days").format(
            value=value, month=month, days=values["days"])
    if why:
        return tr("'{value}' is not a date: there is no month {month}").format(
            value=value, **why[1])
    return tr("'{value}' is not a date; write it as YYYY-MM-DD (2027-03-01) or 2027/3/1").format(
        value=value)
