"""Reading plan files safely: size and encoding checks, strict YAML and JSON parsing.

Kept apart from the model (plan.py) because it is about bytes and syntax, not about what a
plan means; its errors are InputError (exit 2), the model's are PlanInvalid (exit 1). Nesting
too deep for the parser is PlanInvalid too: the model refuses the same depth (MAX_DEPTH) in data.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from pipdocs.core.errors import InputError, PlanInvalid, Problem
from pipdocs.core.files import read_input
from pipdocs.core.i18n import N_, plan_language, tr

MAX_PLAN_FILE_BYTES = 1_000_000
_BRACKETS = re.compile(r"[\[\]{}]")
MAX_DEPTH = 12  # a plan nests 4 levels (goals -> goal -> field); anything deeper is not one
TOO_DEEP = (f"is nested more than {MAX_DEPTH} levels deep; a plan's fields hold text, lists"
            " of text or lists of fields (see `pipdocs schema`)")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON object hook: a key given twice would silently lose the first value."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InputError(f"the key '{key}' is given twice in one object; keep one")
        out[key] = value
    return out


def _whole(digits: str) -> int | str:
    """A JSON integer; one too long for int() (4,300+ digits) stays text, so the plan's
    validation names the field ("is not a whole number", "is too long")."""
    return int(digits) if len(digits) <= 30 else digits


@functools.cache
def _yaml_loader() -> Any:
    """A safe YAML loader for plan files: every plain value stays text, and no key twice.

    Aliases (``*name``) are refused: nested, they multiply a small file into billions of items.

    YAML 1.1 guesses types: an employee id 0012 becomes 10 (octal), a handling time 5:30 becomes
    330 (base 60), 12.50 becomes 12.5, and 2027-02-30 is a crash instead of a message. Every plan
    value is text or is parsed by the model (dates, days) with a path in its message, so only
    null keeps its YAML meaning. A key given twice (a pasted block) would silently drop the first.
    """
    import yaml

    null = "tag:yaml.org,2002:null"

    class PlanLoader(yaml.SafeLoader):
        yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers if tag == null]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }

        def compose_node(self, parent: Any, index: Any) -> Any:
            # An alias repeats a part of the file by reference: nine of them nested make a
            # billion items for whoever walks the plan. A plan never needs one.
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None,
                    f"*{event.anchor} is a YAML alias; plan files do not use aliases or"
                    " anchors: write the value out", event.start_mark)
            return super().compose_node(parent, index)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: dict[Any, int] = {}
                for key_node, _value in node.value:
                    key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                    if key is None or key == "<<":
                        continue
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None,
                            f"the key '{key}' is given twice (first at line {seen[key] + 1});"
                            " keep one",
                            key_node.start_mark,
                        )
                    seen[key] = key_node.start_mark.line
            return super().construct_mapping(node, deep=deep)

    return PlanLoader


def _parse_text(text: str, suffix: str, source: str) -> Any:
    """Parsed YAML or JSON; a file nested too deep for the parser is a problem of the plan."""
    try:
        if _bracket_depth(text) > 20 * MAX_DEPTH:  # PyYAML takes seconds to fail on these
            raise RecursionError
        return _parse(text, suffix, source)
    except RecursionError as exc:
        raise PlanInvalid([Problem("", f"the plan {TOO_DEEP}")], source) from exc


def _bracket_depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest, quotes not considered: far above any plan's depth only
    for a file nested on purpose (brackets in a plan's sentences stay near zero)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _parse(text: str, suffix: str, source: str) -> Any:
    if suffix == ".json":
        try:
            return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_int=_whole)
        except InputError as exc:
            raise InputError(f"{source}: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise InputError(tr(
                "{source}: JSON syntax error at line {line}, column {column}: {detail}").format(
                    source=source, line=exc.lineno, column=exc.colno, detail=exc.msg)) from exc
    import yaml

    try:
        return yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        hint = _yaml_hint(text, mark.line if mark else None)
        if hint is not None:
            raise InputError(tr("{source}: YAML syntax error at line {line}: {hint}").format(
                source=source, line=hint[0] + 1, hint=hint[1])) from exc
        where = tr(" at line {line}, column {column}").format(
            line=mark.line + 1, column=mark.column + 1) if mark else ""
        raise InputError(tr("{source}: YAML syntax error{where}: {detail}").format(
            source=source, where=where, detail=exc.problem or exc)) from exc
    except yaml.YAMLError as exc:
        raise InputError(tr("{source}: YAML syntax error: {detail}").format(
            source=source, detail=exc)) from exc


_FULL_WIDTH_KEY = re.compile(r"^\s*(?:-\s+)?[^\s:：#'\"{}\[\],，]+\s*：")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")


def _yaml_hint(text: str, line: int | None) -> tuple[int, str] | None:
    """The usual causes of a YAML error in a plan typed by hand, and the line that has them.

    PyYAML reports where it noticed the problem, often the line after the cause; the cause is
    on that line or one of the two before it.
    """
    if line is None:
        return None
    lines = text.splitlines()
    for number in range(min(line, len(lines) - 1), max(line - 3, -1), -1):
        source = _QUOTED.sub('""', lines[number])
        if _FULL_WIDTH_KEY.match(source):
            return number, tr("a full-width colon '：' after a field name; type an ASCII ':'"
                              " followed by a space")
        flow = source[source.find("{"):] if "{" in source else ""
        if "，" in flow and re.search(r"，\s*\w+\s*:", flow):
            return number, tr("a full-width comma '，' between fields inside {...}; separate"
                              " fields with an ASCII ',' or put the text in quotes")
        if flow and re.search(r":\s[^,{}]*:\s", flow):
            return number, tr("a ': ' inside a text starts a new field; put the whole text in"
                              " quotes, like task: \"...: ...\"")
    return None


def yaml_lines(text: str) -> dict[str, int]:
    """Plan path (``actions[1].task``) -> 1-based line in the YAML text, for messages."""
    import yaml

    try:
        root = yaml.compose(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, RecursionError):
        return {}
    out: dict[str, int] = {}

    def walk(node: Any, path: str) -> None:
        out.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
                child = f"{path}.{name}" if path else name
                out[child] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value, 1):
                walk(item, f"{path}[{i}]")

    try:
        if root is not None:
            walk(root, "")
    except RecursionError:  # too deep to be a plan: the model says so, without lines
        return {}
    return out


def with_lines(problems: list[Problem], lines: dict[str, int]) -> list[Problem]:
    """Each problem with the line of its field (or of the nearest enclosing one) appended."""
    out = []
    for problem in problems:
        path = problem.path
        while path and path not in lines:
            path = re.sub(r"(\[\d+\]|\.[^.\[]+|^[^.\[]+)$", "", path)
        line = lines.get(path) if path else None
        suffix = tr(" (line {line})").format(line=line) if line else ""
        out.append(Problem(problem.path, problem.message + suffix))
    return out


def read_plan_file(path: Path, what: str = N_("plan file")) -> Any:
    """The parsed contents of a plan file (.yaml, .yml or .json), not yet validated; ``what``
    names it when it is missing (a check-in file is not a plan file)."""
    return read_plan_source(path, what)[0]


def read_plan_source(path: Path, what: str = N_("plan file")) -> tuple[Any, dict[str, int]]:
    """A plan file's parsed contents, and the line of each field (YAML) for messages."""
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise InputError(tr("{path}: not a plan file; use a .yaml, .yml or .json file").format(
            path=path))
    raw = read_input(path, what)
    if len(raw) > MAX_PLAN_FILE_BYTES:
        raise InputError(f"{path}: larger than 1 MB; a plan file is a few kilobytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(tr("{path}: not UTF-8 text; save the file as UTF-8").format(
            path=path)) from exc
    if not text.strip():
        raise InputError(tr("{path}: the file is empty; write a plan (see `pipdocs schema`)"
                            ).format(path=path))
    # A plan that does not parse still says which language its writer reads.
    language = "zh" if re.search(r"^\s*\"?language\"?\s*:\s*\"?zh\b", text, re.M) else None
    with plan_language(language):
        data = _parse_text(text, suffix, str(path))
    return data, (yaml_lines(text) if suffix != ".json" else {})
