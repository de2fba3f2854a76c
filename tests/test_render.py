"""Rendering plans into the Word templates: content, languages, hostile text, atomic output."""

from __future__ import annotations

import copy
import io
import os
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.oxml.ns import qn

from pipdocs.cli.main import cli
from pipdocs.core.errors import TemplateError
from pipdocs.core.plan import JOB_ROLES, ROLES, Plan, load_plan, plan_from_data
from pipdocs.document.jinja import format_date, format_span, week_span
from pipdocs.document.render import render_docx, render_docx_bytes
from pipdocs.document.templates import find_template

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))

HEADINGS = {
    "zh": ["一、需要改进的具体领域", "二、现状表现与期望标准", "三、改进目标",
           "四、改进方式与资源支持", "五、时间表与检查节点", "六、评估标准与可能结果",
           "七、员工声明与申诉渠道", "三方签字确认"],
    "en": ["1. Areas for improvement", "2. Current performance and expected standard",
           "3. Improvement goals", "4. Actions and support", "5. Timeline and checkpoints",
           "6. Evaluation and possible outcomes", "7. Employee's statement and right of appeal",
           "Signatures"],
}
# Words only the other language's template uses: a zh document must not carry English
# boilerplate and the reverse.
FOREIGN = {"zh": ["Performance Improvement Plan", "Signatures", "Confidential"],
           "en": ["绩效改进计划", "保密", "签字"]}
ROLE_HINTS = {  # the role's note on where the facts come from (nothing about one case)
    ("zh", "sales"): "销售岗的绩效事实", ("zh", "engineering"): "技术岗的绩效事实",
    ("zh", "admin"): "行政岗的绩效事实", ("zh", "customer_service"): "客服岗的绩效事实",
    ("en", "sales"): "In sales roles", ("en", "engineering"): "In engineering roles",
    ("en", "admin"): "In administration roles",
    ("en", "customer_service"): "In customer-service roles",
}
HOSTILE = ["{{ 7*7 }}", "{% if true %}X{% endif %}", "<w:t>", "&amp;", "]]>", "😀 🎉 👍",
           "{_{ x }_}", "{%p endfor %}", "\"double\" & 'single'", "</w:p><w:p>"]


def paragraphs(data: bytes) -> list[str]:
    """Every paragraph's text (body, tables, headers, footers), XML entities decoded."""
    document = docx.Document(io.BytesIO(data))
    elements = [document.element.body]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_footer):
            elements.append(part._element)
    out = []
    for element in elements:
        for p in element.iter(qn("w:p")):
            out.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return out


def text_of(data: bytes) -> str:
    return "\n".join(paragraphs(data))


@pytest.fixture(scope="module")
def plans() -> list[Plan]:
    return [load_plan(p) for p in EXAMPLE_FILES]


def with_role(plan: Plan, role: str) -> Plan:
    return plan.model_copy(update={"role": role})


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_template_renders_every_example(path: Path) -> None:
    """Each example through each role template of its language: names, goals, sections."""
    plan = load_plan(path)
    for role in JOB_ROLES:
        text = text_of(render_docx_bytes(with_role(plan, role)))
        for person in ROLES:
            party = plan.person(person)
            assert party.name in text and party.email in text and party.title in text
        for goal in plan.goals:
            assert goal.area in text and goal.metric in text and goal.target in text
        for action in plan.actions:
            assert action.task in text
        for item in plan.support:
            assert item in text
        for cause in plan.diagnosis.root_causes:
            assert cause in text
        assert plan.diagnosis.summary.splitlines()[0] in text
        assert str(plan.plan_id) in text
        positions = [text.find(h) for h in HEADINGS[plan.language]]
        assert -1 not in positions, HEADINGS[plan.language]
        assert positions == sorted(positions), "sections out of order"
        assert ROLE_HINTS[(plan.language, role)] in text
        for foreign in FOREIGN[plan.language]:
            assert foreign not in text
        assert "{{" not in text and "{%" not in text and "None" not in text
        for signer in ROLES:
            assert f"[[sig:{signer}:begin]]" in text and f"[[sig:{signer}:end]]" in text


def test_signing_cells_keep_the_markers_first_and_last(plans: list[Plan]) -> None:
    document = docx.Document(io.BytesIO(render_docx_bytes(plans[0])))
    found = {}
    for tc in document.element.body.iter(qn("w:tc")):
        texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.findall(qn("w:p"))]
        for role in ROLES:
            if any(f"[[sig:{role}:" in t for t in texts):
                found[role] = (texts[0], texts[-1])
    assert found == {r: (f"[[sig:{r}:begin]]", f"[[sig:{r}:end]]") for r in ROLES}


def test_dates_are_written_in_the_documents_language(plans: list[Plan]) -> None:
    zh = next(p for p in plans if p.language == "zh")
    en = next(p for p in plans if p.language == "en")
    zh_text, en_text = text_of(render_docx_bytes(zh)), text_of(render_docx_bytes(en))
    assert format_date(zh.period.start, "zh") in zh_text
    assert f"{zh.period.days}天" in zh_text
    assert format_date(en.period.end, "en") in en_text
    assert en.period.start.isoformat() not in en_text


def test_date_formats() -> None:
    assert format_date(date(2026, 12, 1), "zh") == "2026年12月1日"
    assert format_date(date(2026, 9, 1), "zh") == "2026年9月1日"  # never zero-padded
    assert format_date(date(2026, 12, 1), "en") == "1 December 2026"
    assert format_span(date(2026, 12, 1), date(2026, 12, 28), "en") == "1–28 December 2026"
    assert format_span(date(2026, 12, 29), date(2027, 1, 25), "en") == (
        "29 December 2026 – 25 January 2027")
    assert format_span(date(2026, 11, 3), date(2026, 12, 1), "en") == (
        "3 November – 1 December 2026")
    assert format_span(date(2026, 12, 1), date(2026, 12, 28), "zh") == "2026年12月1日至12月28日"
    assert format_span(date(2026, 12, 29), date(2027, 1, 25), "zh") == (
        "2026年12月29日至2027年1月25日")


def test_week_span_stays_inside_the_period(plans: list[Plan]) -> None:
    plan = next(p for p in plans if p.period.days == 60)  # 8.6 weeks; the last action: 5-9
    last = plan.actions[-1]
    assert last.week_range == (5, 9)
    start, end = week_span(last, plan.period)
    assert start == plan.period.start + timedelta(days=28)
    assert end == plan.period.end


@pytest.fixture()
def hostile_plan() -> Plan:
    data: dict[str, Any] = copy.deepcopy(
        yaml.safe_load((EXAMPLES / "engineering-en.yaml").read_text(encoding="utf-8")))
    data["employee"]["name"] = "Ω" + "N" * 198 + "Z"  # 200 characters, no hyphen to drop
    data["organisation"] = "ACME {{ org }} <b>&amp;"
    data["diagnosis"]["summary"] = "first line {{ 7*7 }}\nsecond line <w:br/>"
    data["diagnosis"]["root_causes"] = HOSTILE
    data["goals"][0]["metric"] = "{{ employee.name }} ]]> &lt;"
    data["support"] = HOSTILE
    data["actions"][0]["task"] = "tab\there & {% raw %}"
    return plan_from_data(data)


def test_hostile_text_appears_literally(hostile_plan: Plan) -> None:
    paras = paragraphs(render_docx_bytes(hostile_plan))
    text = "\n".join(paras)
    for item in HOSTILE + [hostile_plan.employee.name, "ACME {{ org }} <b>&amp;",
                           "{{ employee.name }} ]]> &lt;", "& {% raw %}"]:
        assert item in text, item
    assert "49" not in text.replace("2049", "")
    # A newline starts a new paragraph; the second line is its own paragraph.
    assert "first line {{ 7*7 }}" in paras and "second line <w:br/>" in paras


def test_organisation_is_optional(plans: list[Plan]) -> None:
    plan = plans[0].model_copy(update={"organisation": None})
    text = text_of(render_docx_bytes(plan))
    assert "None" not in text and plans[0].organisation not in text


def test_core_properties_name_the_plan(plans: list[Plan]) -> None:
    plan = next(p for p in plans if p.language == "zh")
    props = docx.Document(io.BytesIO(render_docx_bytes(plan))).core_properties
    assert props.subject == plan.plan_id
    assert props.title == f"绩效改进计划 – {plan.employee.name}"
    assert props.language == "zh-CN"


def test_render_docx_writes_atomically(tmp_path: Path, plans: list[Plan]) -> None:
    out = tmp_path / "sub" / "plan.docx"
    out.parent.mkdir()
    assert render_docx(plans[0], out) == out
    assert plans[0].employee.name in text_of(out.read_bytes())
    assert [p.name for p in out.parent.iterdir()] == ["plan.docx"]


def test_a_failed_render_leaves_the_old_file_alone(tmp_path: Path, plans: list[Plan]) -> None:
    out = tmp_path / "plan.docx"
    out.write_bytes(b"previous")
    with pytest.raises(TemplateError):
        render_docx(plans[0], out, templates_dir=tmp_path / "nowhere")
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.docx"]


def copy_templates(tmp_path: Path) -> Path:
    root = tmp_path / "tpl"
    for lang in ("zh", "en"):
        shutil.copytree(find_template(lang, "sales").parent, root / lang)
    return root


def test_templates_dir_is_used(tmp_path: Path, plans: list[Plan]) -> None:
    root = copy_templates(tmp_path)
    plan = next(p for p in plans if p.language == "en")
    path = root / "en" / f"{plan.role}.docx"
    document = docx.Document(path)
    document.add_paragraph("Custom clause for {{ employee.name }}.")
    document.save(path)
    assert f"Custom clause for {plan.employee.name}." in text_of(render_docx_bytes(plan, root))
    assert "Custom clause" not in text_of(render_docx_bytes(plan))


def test_a_template_with_an_unknown_name_fails_clearly(tmp_path: Path, plans: list[Plan]) -> None:
    root = copy_templates(tmp_path)
    plan = next(p for p in plans if p.language == "en")
    path = root / "en" / f"{plan.role}.docx"
    document = docx.Document(path)
    document.add_paragraph("{{ employe.name }}")
    document.save(path)
    with pytest.raises(TemplateError, match="templates check") as caught:
        render_docx_bytes(plan, root)
    assert "employe" in str(caught.value) and caught.value.exit_code == 2


def test_cli_render(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out.docx"
    ok = runner.invoke(cli, ["render", str(EXAMPLES / "sales-zh.yaml"), "-o", str(out)])
    assert ok.exit_code == 0, ok.output
    assert "PIP-2026-0101" in ok.output and "陈晓峰" in text_of(out.read_bytes())

    bad = tmp_path / "bad.yaml"
    bad.write_text("language: zh\nrole: sales\n", encoding="utf-8")
    invalid = runner.invoke(cli, ["render", str(bad), "-o", str(tmp_path / "x.docx")])
    assert invalid.exit_code == 1 and not (tmp_path / "x.docx").exists()

    no_tpl = runner.invoke(cli, ["render", str(EXAMPLES / "sales-zh.yaml"), "-o",
                                 str(tmp_path / "y.docx"), "--templates", str(tmp_path)])
    assert no_tpl.exit_code == 2 and "no zh template for role 'sales'" in no_tpl.output
    assert len(no_tpl.output.strip().splitlines()) == 1
    assert not (tmp_path / "y.docx").exists()


def test_pdf_text_has_names_headings_and_hostile_text(tmp_path: Path, hostile_plan: Plan) -> None:
    """Through LibreOffice: what a reader of the PDF sees (zh example and a hostile en plan)."""
    convert = pytest.importorskip("pipdocs.conversion.soffice")
    import subprocess

    zh = load_plan(EXAMPLES / "customer_service-zh.yaml")
    for plan, name in ((zh, "zh"), (hostile_plan, "en")):
        docx_path = render_docx(plan, tmp_path / f"{name}.docx")
        pdf = convert.convert_docx_to_pdf(docx_path, tmp_path / f"{name}.pdf")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        flat = "".join(text.split())
        for heading in HEADINGS[plan.language]:
            assert "".join(heading.split()) in flat, heading
        assert plan.employee.name in flat
        for goal in plan.goals:
            assert "".join(goal.area.split()) in flat
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
        if plan.language == "zh":
            assert any("CJK" in line for line in fonts)
    for item in ("{{7*7}}", "<w:t>", "&amp;", "]]>", "{_{x}_}"):
        assert item in flat, item


def test_cli_render_output_name_and_directory(tmp_path: Path) -> None:
    """render -o plan.pdf would write a Word file named .pdf; a typo'd directory is not made."""
    plan = str(EXAMPLES / "sales-zh.yaml")
    runner = CliRunner()
    for out, words in ((tmp_path / "plan.pdf", "name it .docx"),
                       (tmp_path / "nodir" / "plan.docx", "does not exist")):
        result = runner.invoke(cli, ["render", plan, "-o", str(out)])
        assert result.exit_code == 2 and words in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_the_docx_gets_the_usual_file_mode(tmp_path: Path, plans: list[Plan]) -> None:
    """Like the PDF (0666 less the umask), not mkstemp's 0600."""
    old = os.umask(0o022)
    try:
        out = render_docx(plans[0], tmp_path / "plan.docx")
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


# --- one document from several (a revision: cover, then the revised plan) -------------------------


def test_composed_document_keeps_the_first_ones_section_and_breaks_the_page(
        plans: list[Plan]) -> None:
    from pipdocs.document.render import compose_docx

    first, second = (render_docx_bytes(p) for p in plans[:2])
    merged = docx.Document(io.BytesIO(compose_docx(first, second)))
    texts = [p.text for p in merged.paragraphs]
    (cut,) = [i for i, p in enumerate(merged.paragraphs) if p.paragraph_format.page_break_before]
    assert texts[cut] == docx.Document(io.BytesIO(second)).paragraphs[0].text
    before, after = "\n".join(texts[:cut]), "\n".join(texts[cut:])
    assert str(plans[0].plan_id) in before and str(plans[0].plan_id) not in after
    assert str(plans[1].plan_id) in after and str(plans[1].plan_id) not in before
    # one section, so one header, one footer and one page numbering from the first page on
    assert len(merged.element.body.findall(f".//{qn('w:sectPr')}")) == 1
    assert len(merged.sections) == 1


def test_core_properties_still_work_after_composing(plans: list[Plan]) -> None:
    """docxcompose remaps python-docx's 'cp' prefix process-wide; pipdocs puts it back, or a
    keyword would be written a second time in the wrong namespace (Word: damaged file)."""
    import zipfile

    from pipdocs.document.render import compose_docx

    compose_docx(render_docx_bytes(plans[0]), render_docx_bytes(plans[1]))
    document = docx.Document()
    document.core_properties.keywords = "PIP revision"
    out = io.BytesIO()
    document.save(out)
    core = zipfile.ZipFile(out).read("docProps/core.xml").decode("utf-8")
    core_ns = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    assert "custom-properties" not in core
    tree = docx.oxml.parse_xml(core.encode("utf-8"))
    assert [k.text for k in tree.iter(f"{{{core_ns}}}keywords")] == ["PIP revision"]
