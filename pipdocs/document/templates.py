"""Where templates live, and checking a template an HR person edited before it is used.

Search order: ``--templates DIR`` (``DIR/<lang>/<role>.docx``) when given; otherwise the copy
shipped in the wheel (``pipdocs/_data/templates``); otherwise the repository's ``templates/``
(editable installs). ``check_template`` reports Jinja syntax errors with the paragraph's text,
names and fields the plan does not have (``{{ employe.name }}``, ``{{ employee.nmae }}``), any
read that is not a plan field (``name.upper``, ``__class__``: rendering is sandboxed, and the check
says so before a batch fails), and missing or misplaced signature markers, so a broken template
is caught before a batch runs.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, Union

from pipdocs.core.errors import Problem, TemplateError
from pipdocs.core.limits import SHORT_DETAIL, cut
from pipdocs.core.names import marker
from pipdocs.core.plan import JOB_ROLES, LANGUAGES, ROLES
from pipdocs.core.resources import shipped
from pipdocs.core.ziplimits import DOCX_LIMITS, check_zip

if TYPE_CHECKING:
    from pydantic import BaseModel

PACKAGED_DIR, REPO_DIR = shipped("templates")


@dataclass(frozen=True)
class TemplateInfo:
    language: str
    role: str
    path: Path | None  # None: no template found for this language and role
    source: str  # "--templates", "packaged" or "repository"


def default_dirs() -> list[tuple[str, Path]]:
    """The built-in template directories that exist, best first."""
    found = [("packaged", PACKAGED_DIR), ("repository", REPO_DIR)]
    return [(name, d) for name, d in found if d.is_dir()]


def find_template(language: str, role: str, templates_dir: Path | None = None) -> Path:
    """Path of the template for a plan's language and role (raises TemplateError)."""
    name = Path(language) / f"{role}.docx"
    if templates_dir is not None:
        path = Path(templates_dir) / name
        if not path.is_file():
            raise TemplateError(
                f"{path}: no {language} template for role '{role}' in {templates_dir};"
                f" copy templates/{name} there (see `pipdocs templates list`)"
            )
        return path
    for _, base in default_dirs():
        if (base / name).is_file():
            return base / name
    raise TemplateError(
        f"no built-in template {name}: the installation is incomplete; reinstall pipdocs"
        " or pass --templates DIR"
    )


def list_templates(templates_dir: Path | None = None) -> list[TemplateInfo]:
    """One entry per language and role: which file would be used."""
    out = []
    for language in LANGUAGES:
        for role in JOB_ROLES:
            try:
                path: Path | None = find_template(language, role, templates_dir)
            except TemplateError:
                path = None
            if templates_dir is not None:
                source = "--templates"
            else:
                source = next(
                    (n for n, d in default_dirs() if path and path.is_relative_to(d)), "missing"
                )
            out.append(TemplateInfo(language, role, path, source))
    return out


# --- checking -----------------------------------------------------------------------------------

_TAGS = re.compile(r"<[^>]+>")
# ("model", cls) / ("list", cls) / None (text, number, anything not checked)
Kind: TypeAlias = "tuple[str, type[BaseModel]] | None"


def _kind(annotation: Any) -> Kind:
    """('list', Goal) for list[Goal], ('model', Period) for Period, None for scalars."""
    from pydantic import BaseModel

    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _kind(args[0]) if len(args) == 1 else None
    if origin is list:
        inner = _kind(typing.get_args(annotation)[0])
        return ("list", inner[1]) if inner and inner[0] == "model" else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ("model", annotation)
    return None


def context_kinds(model: type[BaseModel] | None = None) -> dict[str, Kind]:
    """Top-level names a template may use, with what they hold: a plan's fields, or those of
    ``model`` (a lifecycle document's context)."""
    from pipdocs.core.plan import Plan

    model = model or Plan
    return {name: _kind(field.annotation) for name, field in model.model_fields.items()}


LOOP_ATTRS = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length",
                        "previtem", "nextitem", "depth", "depth0"})


def _attr_of(node: Any) -> str | None:
    """The name read by ``x.name`` or ``x['name']``; None for ``x[0]`` or ``x[i]``."""
    from jinja2 import nodes

    if isinstance(node, nodes.Getattr):
        return str(node.attr)
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return node.arg.value if isinstance(node.arg.value, str) else None
    return None


def _root_name(node: Any) -> str | None:
    from jinja2 import nodes

    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        node = node.node
    return str(node.name) if isinstance(node, nodes.Name) else None


class _AttrChecker:
    """Walk a Jinja AST, following loop variables, and flag every read that is not a plan field:
    fields a plan model lacks, attributes of plain values (``name.upper``), anything private."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []

    def kind_of(self, node: Any, scope: dict[str, Kind]) -> Kind:
        from jinja2 import nodes

        if isinstance(node, nodes.Name):
            return scope.get(node.name)
        attr = _attr_of(node)
        if attr is not None:
            base = self.kind_of(node.node, scope)
            if base and base[0] == "model" and attr in base[1].model_fields:
                return _kind(base[1].model_fields[attr].annotation)
            return None
        inner = self.kind_of(getattr(node, "node", None), scope)
        picks = isinstance(node, nodes.Getitem) or (
            isinstance(node, nodes.Filter) and node.name in ("first", "last"))
        if picks and inner and inner[0] == "list":
            return ("model", inner[1])  # goals[0], goals|first
        return None

    def judge(self, node: Any, attr: str, scope: dict[str, Kind]) -> str | None:
        """Why reading ``attr`` here is not allowed, or None."""
        from jinja2 import nodes

        dotted = _dotted(node)
        if attr.startswith("_"):
            return (f"'{dotted}': '{attr}' starts with '_'; a template may read plan fields"
                    " only")
        root = _root_name(node)
        if root is not None and root not in scope and root != "loop":
            return None  # an unknown name: reported once, as not part of a plan
        if root == "loop" and isinstance(node.node, nodes.Name):
            return None if attr in LOOP_ATTRS else (
                f"'{dotted}': loop has no '{attr}' a template may use;"
                f" use one of {', '.join(sorted(LOOP_ATTRS))}")
        base = self.kind_of(node.node, scope)
        if base and base[0] == "model":
            model = base[1]
            if attr in model.model_fields or isinstance(getattr(model, attr, None), property):
                return None
            fields = list(model.model_fields)
            guess = get_close_matches(attr, fields, n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            return (f"'{dotted}': a plan has no field '{attr}' here{hint};"
                    f" fields: {', '.join(fields)}")
        return (f"'{dotted}': '{attr}' is not a plan field; a template may read plan fields"
                " only (use a filter such as |upper for text)")

    def visit(self, node: Any, scope: dict[str, Kind]) -> None:
        from jinja2 import nodes

        if isinstance(node, nodes.For):
            self.visit(node.iter, scope)
            inner = dict(scope)
            iterated = self.kind_of(node.iter, scope)
            for target in node.target.find_all(nodes.Name):
                inner[target.name] = None
            if isinstance(node.target, nodes.Name) and iterated and iterated[0] == "list":
                inner[node.target.name] = ("model", iterated[1])
            for child in node.body:
                self.visit(child, inner)
            for child in node.else_:
                self.visit(child, scope)
            return
        if isinstance(node, nodes.Assign):
            for target in node.target.find_all(nodes.Name):
                scope[target.name] = None
        attr = _attr_of(node)
        if attr is not None:
            problem = self.judge(node, attr, scope)
            if problem:
                self.found.append((node.lineno, problem))
        elif isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
            base = self.kind_of(node.node, scope)
            if base and base[0] == "model":  # employee[key]: a field chosen at render time
                self.found.append((node.lineno, f"'{_dotted(node)}': a template reads a plan"
                                   " field by its name (employee.name), not by a computed key"))
        for child in node.iter_child_nodes():
            self.visit(child, scope)


def _dotted(node: Any) -> str:
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return str(node.name)
    attr = _attr_of(node)
    if attr is not None:
        return f"{_dotted(node.node)}.{attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_dotted(node.node)}[…]"
    return "…"


def _paragraph_at(xml: str, lineno: int) -> str:
    lines = xml.splitlines()
    text = _TAGS.sub("", lines[min(max(lineno, 1), len(lines)) - 1]) if lines else ""
    text = " ".join(text.split())
    return cut(text, SHORT_DETAIL)


def _check_part(label: str, xml: str, tpl: Any, env: Any,
                kinds: dict[str, Kind] | None = None) -> list[Problem]:
    """Syntax, unknown names and unknown fields in one part (body, header, footer)."""
    from jinja2 import TemplateSyntaxError, meta

    xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))
    try:
        ast = env.parse(xml)
        env.from_string(xml)  # also catches unknown filters and tests
    except TemplateSyntaxError as exc:
        where = _paragraph_at(xml, exc.lineno or 1)
        return [Problem(label, f"Jinja syntax error: {exc.message} (in paragraph \"{where}\")")]
    problems = []
    kinds = kinds or context_kinds()
    for name in sorted(meta.find_undeclared_variables(ast) - set(kinds)):
        guess = get_close_matches(name, list(kinds), n=1)
        hint = f" (did you mean '{guess[0]}'?)" if guess else ""
        line = next(
            (i for i, text in enumerate(xml.splitlines(), 1) if re.search(rf"\b{name}\b", text)),
            1,
        )
        problems.append(
            Problem(label, f"'{name}' is not part of a plan{hint}"
                    f" (in paragraph \"{_paragraph_at(xml, line)}\")")
        )
    checker = _AttrChecker()
    checker.visit(ast, dict(kinds))
    for lineno, message in checker.found:
        where = _paragraph_at(xml, lineno)
        problems.append(Problem(label, f"{message} (in paragraph \"{where}\")"))
    return problems


def _check_markers(document: Any, roles: Sequence[str] = ROLES) -> list[Problem]:
    """Each role: one cell whose first paragraph is the begin marker and last the end marker."""
    from docx.oxml.ns import qn

    problems = []
    cells = list(document.element.body.iter(qn("w:tc")))
    for role in roles:
        begin, end = marker(role), marker(role, end=True)
        holders = []
        for tc in cells:
            texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))).strip()
                     for p in tc.findall(qn("w:p"))]
            if any(begin in t or end in t for t in texts):
                holders.append(texts)
        if not holders:
            problems.append(Problem("signature page", f"no signature box for '{role}': a table"
                                    f" cell must start with {begin} and end with {end}"))
        elif len(holders) > 1:
            problems.append(Problem("signature page", f"the '{role}' signature markers appear in"
                                    f" {len(holders)} cells; keep exactly one box per role"))
        elif holders[0][0] != begin or holders[0][-1] != end:
            problems.append(Problem("signature page", f"the '{role}' signing cell must have"
                                    f" {begin} as its first paragraph and {end} as its last"))
    return problems


def check_template(path: Path, context: type[BaseModel] | None = None,
                   roles: Sequence[str] = ROLES) -> list[Problem]:
    """Every problem in a template file; an empty list means it is safe to use.

    ``context`` is the model whose fields the template may use (default: a plan's) and
    ``roles`` the signature boxes it must have (a lifecycle document has its own)."""
    import zipfile

    from docx.opc.exceptions import PackageNotFoundError

    from pipdocs.document.docxlib import docx_template
    from pipdocs.document.jinja import jinja_env

    path = Path(path)
    if not path.is_file():
        raise TemplateError(f"{path}: file not found; check the path")
    check_zip(path, "Word template", DOCX_LIMITS, TemplateError)
    try:
        tpl = docx_template()(path)
        document = tpl.get_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateError(f"{path}: not a Word .docx file ({exc}); save it as .docx") from exc
    env = jinja_env("en")
    kinds = context_kinds(context)
    problems = _check_part("body", tpl.get_xml(), tpl, env, kinds)
    for uri, label in ((tpl.HEADER_URI, "header"), (tpl.FOOTER_URI, "footer")):
        for _, part in tpl.get_headers_footers(uri):
            problems += _check_part(label, tpl.get_part_xml(part), tpl, env, kinds)
    props = document.core_properties
    for name in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(props, name) or ""
        if "{" in value:  # docxtpl renders these too
            problems += _check_part(f"document property {name}", value, tpl, env, kinds)
    return problems + _check_markers(document, roles)
