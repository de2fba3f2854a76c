"""Plan -> Word document: the plan's role template rendered with docxtpl.

User text is data, never template code: rendering uses autoescape, and a value is output once,
never re-parsed, so ``{{ 7*7 }}`` or ``<w:t>`` in a plan prints literally. A newline in a text
starts a new line: a new paragraph with the same formatting (so Chinese first-line indents
hold). Dates print in the document's language (``2026年12月01日`` / ``1 December 2026``)
without a filter.

Template context: the plan's own fields, as the plan file names them (``plan_id``,
``organisation``, ``employee.name``, ``period.start``/``period.end``/``period.weeks``,
``diagnosis.root_causes``, ``goals`` with ``g.standard`` optional, ``actions``, ``support``,
``checkpoints``); the filter ``week_dates`` turns an action's weeks into dates.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipdocs.errors import TemplateError
from pipdocs.files import write_atomic
from pipdocs.templates import find_template

if TYPE_CHECKING:
    from jinja2 import Environment

    from pipdocs.plan import Action, Period, Plan

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
DOC_TITLE = {"zh": "绩效改进计划", "en": "Performance Improvement Plan"}
DOC_LANG = {"zh": "zh-CN", "en": "en-GB"}

_envs: dict[str, Environment] = {}
_template_cache: dict[Path, tuple[tuple[int, int], bytes]] = {}


def format_date(value: date, language: str) -> str:
    """2026年12月01日 (zh) or 1 December 2026 (en); independent of the process locale."""
    if language == "zh":
        return f"{value.year}年{value.month:02d}月{value.day:02d}日"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_span(first: date, last: date, language: str) -> str:
    """A date range as people write it: 2026年12月01日至12月28日 / 1–28 December 2026."""
    if language == "zh":
        tail = f"{last.month:02d}月{last.day:02d}日" if first.year == last.year else (
            format_date(last, "zh"))
        return f"{format_date(first, 'zh')}至{tail}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{format_date(last, 'en')}"
    if first.year == last.year:
        return f"{first.day} {MONTHS[first.month - 1]} – {format_date(last, 'en')}"
    return f"{format_date(first, 'en')} – {format_date(last, 'en')}"


def week_span(action: Action, period: Period) -> tuple[date, date]:
    """Calendar days of an action's weeks (week 1 starts on the plan's first day)."""
    first, last = action.week_range
    start = period.start + timedelta(days=7 * (first - 1))
    end = period.start + timedelta(days=7 * last - 1)
    if start <= period.end < end:
        end = period.end
    return start, end


def jinja_env(language: str) -> Environment:
    """The Jinja environment for one document language (cached: built once per process)."""
    env = _envs.get(language)
    if env is not None:
        return env
    from jinja2 import Environment, StrictUndefined, pass_context
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

    class CachingEnvironment(Environment):
        """Compiles each template part once per process: docxtpl asks for every render."""

        compiled: dict[str, Any] = {}

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
    env.filters["week_dates"] = week_dates
    _envs[language] = env
    return env


def plan_context(plan: Plan) -> dict[str, Any]:
    """The names a template sees: the plan's fields (the models themselves, nothing copied)."""
    return {name: getattr(plan, name) for name in type(plan).model_fields}


def _template_bytes(path: Path) -> bytes:
    """Template file contents, re-read only when the file changes."""
    try:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        cached = _template_cache.get(path)
        if cached and cached[0] == key:
            return cached[1]
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"{path}: cannot be read ({exc.strerror})") from exc
    _template_cache[path] = (key, data)
    return data


def render_docx_bytes(plan: Plan, templates_dir: Path | None = None) -> bytes:
    """The plan rendered into its role template, as .docx bytes."""
    import zipfile

    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError as JinjaError

    path = find_template(plan.language, plan.role, templates_dir)
    tpl = DocxTemplate(io.BytesIO(_template_bytes(path)))
    try:
        tpl.render(plan_context(plan), jinja_env=jinja_env(plan.language), autoescape=True)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as exc:
        raise TemplateError(f"{path}: not a Word .docx file; save it as .docx") from exc
    except JinjaError as exc:
        raise TemplateError(
            f"{path}: {exc.message or type(exc).__name__};"
            f" run `pipdocs templates check {path}` to find the paragraph"
        ) from exc
    props = tpl.docx.core_properties
    props.title = f"{DOC_TITLE[plan.language]} – {plan.employee.name}"[:250]
    props.subject = plan.plan_id or ""
    props.language = DOC_LANG[plan.language]
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def render_docx(plan: Plan, out: Path, templates_dir: Path | None = None) -> Path:
    """Render the plan to ``out`` (.docx), atomically."""
    return write_atomic(Path(out), render_docx_bytes(plan, templates_dir))
