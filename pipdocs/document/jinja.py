"""The Jinja environment templates are rendered with, and the values they see.

Shared by rendering and by the template check, so both judge a template the same way.
Dates print in the document's language without a filter.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

    from pipdocs.core.plan import Action, Period, Plan

LOCALES = {"zh": "zh_CN", "en": "en_GB"}

_envs: dict[str, Environment] = {}
# The only filters a template may use: text and list helpers, no attribute or markup tricks
# (``attr``, ``safe``, ``map``, ``format`` are left out; week_dates is pipdocs's own).
FILTERS = ("abs", "capitalize", "center", "count", "d", "default", "e", "escape", "first",
           "float", "int", "join", "last", "length", "lower", "replace", "round", "string",
           "title", "trim", "truncate", "upper", "wordcount")


def format_date(value: date, language: str) -> str:
    """2026年9月1日 (zh) or 1 September 2026 (en): Babel's long form for the document's language,
    independent of the process locale; Chinese dates are never zero-padded."""
    from babel.dates import format_date as babel_date

    return str(babel_date(value, format="long", locale=LOCALES.get(language, "en_GB")))


def _day_month(value: date, language: str) -> str:
    """9月28日 / 28 September: the part of a date that differs inside one year."""
    from babel.dates import format_skeleton

    return str(format_skeleton("MMMMd", value, locale=LOCALES.get(language, "en_GB")))


def format_span(first: date, last: date, language: str) -> str:
    """A date range as people write it: 2026年12月1日至12月28日 / 1–28 December 2026."""
    if language == "zh":
        tail = _day_month(last, "zh") if first.year == last.year else format_date(last, "zh")
        return f"{format_date(first, 'zh')}至{tail}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{format_date(last, 'en')}"
    if first.year == last.year:
        return f"{_day_month(first, 'en')} – {format_date(last, 'en')}"
    return f"{format_date(first, 'en')} – {format_date(last, 'en')}"


def week_span(action: Action, period: Period) -> tuple[date, date]:
    """Calendar days of an action's weeks (week 1 starts on the plan's first day)."""
    first, last = action.week_range
    start = period.start + timedelta(days=7 * (first - 1))
    end = period.start + timedelta(days=7 * last - 1)
    if start <= period.end < end:
        end = period.end
    return start, end


def template_may_read(obj: Any, attr: str) -> bool:
    """A plan model's fields and computed properties (``period.end``), nothing else of it:
    no pydantic method (``model_copy``) and nothing private; other values: what the sandbox
    allows."""
    from pydantic import BaseModel

    if attr.startswith("_"):
        return False
    if isinstance(obj, BaseModel):
        return attr in type(obj).model_fields or isinstance(
            getattr(type(obj), attr, None), property)
    return True


def jinja_env(language: str) -> Environment:
    """The Jinja environment for one document language (cached: built once per process)."""
    env = _envs.get(language)
    if env is not None:
        return env
    from jinja2 import StrictUndefined, pass_context
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from markupsafe import Markup, escape

    def finalize(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, date):
            return format_date(value, language)
        if isinstance(value, str) and not isinstance(value, Markup):
            if "{_" in value or "_}" in value:
                # docxtpl turns "{_{" into "{{" after rendering: keep user text literal.
                value = Markup(str(escape(value)).replace("_", "&#95;"))
            if "\n" in value:
                # docxtpl turns "\a" into a new paragraph with the same formatting (a plan
                # cannot contain "\a" itself: validation refuses control characters).
                value = value.replace("\n", "\a")
        return value

    @pass_context
    def week_dates(context: Any, action: Action) -> str:
        first, last = week_span(action, context["period"])
        return format_span(first, last, language)

    class CachingEnvironment(ImmutableSandboxedEnvironment):
        """A sandbox (templates are edited by people, not trusted code) that compiles each
        template part once per process: docxtpl asks for every render."""

        compiled: dict[str, Any] = {}

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            return template_may_read(obj, attr) and super().is_safe_attribute(obj, attr, value)

        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            template = self.compiled.get(source)
            if template is None:
                if len(self.compiled) >= 64:
                    self.compiled.clear()
                template = self.compiled[source] = super().from_string(source)
            return template

    env = CachingEnvironment(autoescape=True, undefined=StrictUndefined, finalize=finalize,
                             keep_trailing_newline=True)
    env.compiled = {}
    env.globals.clear()  # range, cycler, lipsum, namespace...: nothing a plan document needs
    env.filters = {name: env.filters[name] for name in FILTERS if name in env.filters}
    env.filters["week_dates"] = week_dates
    _envs[language] = env
    return env


def plan_context(plan: Plan) -> dict[str, Any]:
    """The names a template sees: the plan's fields (the models themselves, nothing copied)."""
    return {name: getattr(plan, name) for name in type(plan).model_fields}
