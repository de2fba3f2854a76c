"""Templates are data an HR person edits: rendering is sandboxed, and the check flags escapes."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from pipdocs.cli.main import cli
from pipdocs.core.errors import TemplateError
from pipdocs.core.plan import Plan, load_plan
from pipdocs.document.render import render_docx_bytes
from pipdocs.document.templates import check_template, find_template

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(EXAMPLES / "sales-en.yaml")


def hostile_templates(tmp_path: Path, *paragraphs: str) -> Path:
    """A --templates directory whose en/sales.docx carries ``paragraphs``."""
    root = tmp_path / "tpl"
    (root / "en").mkdir(parents=True)
    path = root / "en" / "sales.docx"
    shutil.copy(find_template("en", "sales"), path)
    document = docx.Document(path)
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return root


ESCAPES = [
    "{{ cycler.__init__.__globals__.os.popen('touch MARK').read() }}",
    "{{ employee.__class__.__mro__[1].__subclasses__() }}",
    "{{ employee.model_copy.__globals__ }}",
    "{{ (goals|first).__init__.__globals__['__builtins__']['open']('MARK', 'w') }}",
    "{{ lipsum.__globals__.os.popen('touch MARK').read() }}",
    "{% for k in namespace.__init__.__globals__ %}{% endfor %}",
]


@pytest.mark.parametrize("escape", ESCAPES)
def test_a_template_cannot_run_code(tmp_path: Path, plan: Plan, escape: str) -> None:
    mark = tmp_path / "ran"
    root = hostile_templates(tmp_path, escape.replace("MARK", str(mark)))
    with pytest.raises(TemplateError) as caught:
        render_docx_bytes(plan, root)
    assert not mark.exists()
    assert caught.value.exit_code == 2 and "templates check" in str(caught.value)


def test_the_cli_refuses_the_hostile_template(tmp_path: Path) -> None:
    mark = tmp_path / "ran"
    root = hostile_templates(tmp_path, ESCAPES[0].replace("MARK", str(mark)))
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(cli, ["render", str(EXAMPLES / "sales-en.yaml"), "-o", str(out),
                                      "--templates", str(root)])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("error:")
    assert not mark.exists() and not out.exists()


def test_model_methods_are_not_reachable(tmp_path: Path, plan: Plan) -> None:
    root = hostile_templates(tmp_path, "{{ employee.model_dump() }}")
    with pytest.raises(TemplateError, match="model_dump"):
        render_docx_bytes(plan, root)


def test_filters_templates_use_still_work(tmp_path: Path, plan: Plan) -> None:
    root = hostile_templates(
        tmp_path, "X {{ plan_id|upper }} {{ goals|length }} {{ employee.name|lower }}"
                  " {{ (actions|first)|week_dates }} {{ period.end }} {{ period.weeks }}")
    document = docx.Document(io.BytesIO(render_docx_bytes(plan, root)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert (f"X {plan.plan_id.upper()} {len(plan.goals)} {plan.employee.name.lower()} "
            in text)


def test_check_reports_private_and_foreign_attributes(tmp_path: Path) -> None:
    root = hostile_templates(tmp_path, *ESCAPES[:3])
    found = [str(p) for p in check_template(root / "en" / "sales.docx")]
    joined = "\n".join(found)
    assert "'cycler' is not part of a plan" in joined
    assert "'__init__'" in joined and "'__globals__'" in joined
    assert "'__class__'" in joined and "'__mro__'" in joined
    assert "'model_copy'" in joined
    assert all("(in paragraph" in m for m in found), found


def test_check_reports_attributes_of_plain_values(tmp_path: Path) -> None:
    root = hostile_templates(tmp_path, "{{ employee.name.upper() }} {{ period.start.year }}",
                             "{{ plan_id['__len__'] }} {{ employee['email'] }}",
                             "{{ (goals|first).area }} {{ goals[0].metric }}",
                             "{% for g in goals %}{{ loop.index }} {{ loop.cycle }}{% endfor %}")
    found = [str(p) for p in check_template(root / "en" / "sales.docx")]
    joined = "\n".join(found)
    assert "'upper'" in joined and "'year'" in joined and "'__len__'" in joined
    assert "'loop.cycle'" in joined and "'loop.index'" not in joined
    assert [m.split("':")[0] for m in found] == [
        "body: 'employee.name.upper", "body: 'period.start.year", "body: 'plan_id.__len__",
        "body: 'loop.cycle"], found

    root = hostile_templates(tmp_path / "attr", "{{ goals|attr('__len__') }}")
    found = [str(p) for p in check_template(root / "en" / "sales.docx")]
    assert len(found) == 1 and "No filter named 'attr'" in found[0]


def test_cli_check_fails_the_hostile_template(tmp_path: Path) -> None:
    root = hostile_templates(tmp_path, ESCAPES[0])
    result = CliRunner().invoke(cli, ["templates", "check", str(root / "en" / "sales.docx")])
    assert result.exit_code == 1 and ": ok" not in result.output
    assert "__globals__" in result.output


def test_check_reads_the_document_properties(tmp_path: Path) -> None:
    root = hostile_templates(tmp_path)
    path = root / "en" / "sales.docx"
    document = docx.Document(path)
    document.core_properties.comments = "{{ employee.__class__ }}"
    document.save(path)
    found = [str(p) for p in check_template(path)]
    assert len(found) == 1 and found[0].startswith("document property comments:")
    assert "'__class__'" in found[0]


def test_check_reports_a_computed_key_on_a_plan_model(tmp_path: Path) -> None:
    root = hostile_templates(tmp_path, "{% set k = '__class__' %}{{ employee[k] }}"
                                       " {{ goals[0].area }} {{ goals[goals|length - 1].area }}")
    found = [str(p) for p in check_template(root / "en" / "sales.docx")]
    assert len(found) == 1 and "'employee[…]': a template reads a plan field by its name" \
        in found[0], found
