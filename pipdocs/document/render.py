"""Plan -> Word document: the plan's role template rendered with docxtpl.

User text is data, never template code: rendering uses autoescape, and a value is output once,
never re-parsed, so ``{{ 7*7 }}`` or ``<w:t>`` in a plan prints literally. Templates are not
trusted code either (HR edits them): Jinja runs in an immutable sandbox that reads plan fields
only, with a short list of filters (document/jinja.py). A newline in a text
starts a new line: a new paragraph with the same formatting (so Chinese first-line indents
hold). Dates print in the document's language (``2026年12月1日`` / ``1 December 2026``)
without a filter.

Template context: the plan's own fields, as the plan file names them (``plan_id``,
``organisation``, ``employee.name``, ``period.start``/``period.end``/``period.weeks``,
``diagnosis.root_causes``, ``goals`` with ``g.standard`` optional, ``actions``, ``support``,
``checkpoints``); the filter ``week_dates`` turns an action's weeks into dates.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipdocs.core.errors import TemplateError
from pipdocs.core.files import write_atomic
from pipdocs.core.names import LANGUAGE_TAGS, document_title
from pipdocs.core.ziplimits import DOCX_LIMITS, check_zip
from pipdocs.document.jinja import jinja_env, plan_context
from pipdocs.document.templates import find_template

if TYPE_CHECKING:
    from pipdocs.core.plan import Plan


_template_cache: dict[Path, tuple[tuple[int, int], bytes]] = {}


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
    check_zip(data, "Word template", DOCX_LIMITS, TemplateError, name=str(path))
    _template_cache[path] = (key, data)
    return data


def render_docx_bytes(plan: Plan, templates_dir: Path | None = None) -> bytes:
    """The plan rendered into its role template, as .docx bytes."""
    path = find_template(plan.language, plan.role, templates_dir)
    title = document_title(plan.language, plan.employee.name)
    return render_template_bytes(path, plan_context(plan), plan.language, title,
                                 plan.plan_id or "")


def render_template_bytes(
    path: Path, context: dict[str, Any], language: str, title: str, subject: str
) -> bytes:
    """Any template (a plan's, or a lifecycle document's) rendered with ``context``."""
    import zipfile

    from docx.opc.exceptions import PackageNotFoundError
    from jinja2 import TemplateError as JinjaError

    from pipdocs.document.docxlib import docx_template

    tpl = docx_template()(io.BytesIO(_template_bytes(path)))
    try:
        tpl.render(context, jinja_env=jinja_env(language), autoescape=True)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as exc:
        raise TemplateError(f"{path}: not a Word .docx file; save it as .docx") from exc
    except JinjaError as exc:
        raise TemplateError(
            f"{path}: {exc.message or type(exc).__name__};"
            f" run `pipdocs templates check {path}` to find the paragraph"
        ) from exc
    props = tpl.docx.core_properties
    props.title = title[:250]
    props.subject = subject
    props.language = LANGUAGE_TAGS[language]
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def compose_docx(first: bytes, *more: bytes) -> bytes:
    """One Word document from several: each of ``more`` starts on a new page.

    The result keeps ``first``'s page setup, header and footer throughout, so LibreOffice numbers
    its pages as one document (a revision's cover and its plan read "page 3 of 7", not two
    "page 1 of ..." runs). docxcompose carries styles, numbering and images across.
    """
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from pipdocs.document.docxlib import composer

    merged = composer()(docx.Document(io.BytesIO(first)))
    for part in more:
        doc = docx.Document(io.BytesIO(part))
        start = doc.element.body[0]
        if start.tag != qn("w:p"):  # a table first: give it a paragraph to break before
            start = OxmlElement("w:p")
            doc.element.body.insert(0, start)
        start.get_or_add_pPr().pageBreakBefore_val = True
        merged.append(doc, remove_property_fields=False)  # ours have no property fields
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()


def render_docx(plan: Plan, out: Path, templates_dir: Path | None = None) -> Path:
    """Render the plan to ``out`` (.docx), atomically."""
    return write_atomic(Path(out), render_docx_bytes(plan, templates_dir))
