"""The eight shipped templates, finding them, and `templates check` on broken copies."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from pipdocs.cli.main import cli
from pipdocs.core.errors import TemplateError
from pipdocs.core.plan import JOB_ROLES, LANGUAGES
from pipdocs.document.templates import check_template, find_template, list_templates

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [(lang, role) for lang in LANGUAGES for role in JOB_ROLES]


def shipped(lang: str, role: str) -> Path:
    return find_template(lang, role)


def test_list_finds_all_eight() -> None:
    infos = list_templates()
    assert {(i.language, i.role) for i in infos} == set(SHIPPED)
    assert all(i.path is not None and i.path.is_file() for i in infos)
    assert {i.source for i in infos} <= {"packaged", "repository"}


def test_a_templates_dir_without_the_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"no en template for role 'admin'") as caught:
        find_template("en", "admin", tmp_path)
    assert caught.value.exit_code == 2
    infos = list_templates(tmp_path)
    assert all(i.path is None and i.source == "--templates" for i in infos)


@pytest.mark.parametrize("lang,role", SHIPPED)
def test_shipped_templates_pass_the_check(lang: str, role: str) -> None:
    assert check_template(shipped(lang, role)) == []


@pytest.mark.parametrize("lang,role", SHIPPED)
def test_layout_a4_fonts_footer_and_tables(lang: str, role: str) -> None:
    path = shipped(lang, role)
    document = docx.Document(path)
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == round(section.right_margin.cm, 1) == 2.0
    for footer in (section.footer, section.first_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and "NUMPAGES" in xml and "{{ plan_id }}" in xml
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode("utf-8")
    assert "Theme=" not in styles.replace("w:themeColor", ""), "theme fonts must not be used"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f".//{qn('w:rFonts')}")
    lang_el = defaults.find(f".//{qn('w:lang')}")
    assert fonts.get(qn("w:eastAsia")).startswith("Noto S")
    assert "CJK SC" in fonts.get(qn("w:eastAsia"))
    assert lang_el.get(qn("w:eastAsia")) == "zh-CN"
    if lang == "zh":
        assert "CJK SC" in fonts.get(qn("w:ascii"))
    tables = document.tables
    assert len(tables) == 6  # parties, 4 content tables, one table of the 3 signature boxes
    headers = [t for t in tables if t.rows[0]._tr.find(f".//{qn('w:tblHeader')}") is not None]
    assert len(headers) == 4  # gap, actions, checkpoints, outcomes repeat their header row
    for table in tables:
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


@pytest.mark.parametrize("lang,role", SHIPPED)
def test_signature_areas_are_3cm_cells_with_white_markers(lang: str, role: str) -> None:
    document = docx.Document(shipped(lang, role))
    for who in ("employee", "manager", "hr"):
        cell_tc = next(
            tc for tc in document.element.body.iter(qn("w:tc"))
            if f"[[sig:{who}:begin]]" in "".join(t.text or "" for t in tc.iter(qn("w:t")))
        )
        row = cell_tc.getparent()
        height = row.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
        assert height.get(qn("w:hRule")) == "atLeast" and int(height.get(qn("w:val"))) >= 1600
        assert row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
        marker = document.styles["PIP Marker"]
        assert str(marker.font.color.rgb) == "FFFFFF" and marker.font.size.pt == 2


def test_role_templates_differ_in_substance() -> None:
    def body(lang: str, role: str) -> str:
        return "\n".join(p.text for p in docx.Document(shipped(lang, role)).paragraphs)

    for lang in LANGUAGES:
        texts = {role: body(lang, role) for role in JOB_ROLES}
        assert len(set(texts.values())) == len(JOB_ROLES)
    assert "CRM" in body("en", "sales") and "issue tracker" in body("en", "engineering")
    assert "departments served" in body("en", "admin")
    assert "recorded calls" in body("en", "customer_service")
    assert "CRM" in body("zh", "sales") and "缺陷跟踪系统" in body("zh", "engineering")
    assert "服务部门" in body("zh", "admin") and "通话录音质检" in body("zh", "customer_service")


def test_committed_templates_match_the_build_script() -> None:
    """tools/build_templates.py reproduces the committed wording (run it after editing it)."""
    spec = importlib.util.spec_from_file_location(
        "build_templates", ROOT / "tools" / "build_templates.py",
        submodule_search_locations=[str(ROOT / "tools")])
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for lang, role in SHIPPED:
            built = docx.Document(io.BytesIO(module.build(lang, role)))
            committed = docx.Document(shipped(lang, role))
            assert [p.text for p in built.paragraphs] == [p.text for p in committed.paragraphs]
            assert [c.text for t in built.tables for c in t._cells] == [
                c.text for t in committed.tables for c in t._cells]
    finally:
        sys.path.remove(str(ROOT / "tools"))


# --- checking broken templates --------------------------------------------------------------------


def broken(tmp_path: Path, *paragraphs: str, base: Path | None = None) -> Path:
    """A copy of a shipped template (or a blank document) with extra paragraphs."""
    document = docx.Document(base) if base else docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / "edited.docx"
    document.save(path)
    return path


def messages(path: Path) -> list[str]:
    return [str(p) for p in check_template(path)]


def test_check_finds_unknown_names_and_fields(tmp_path: Path) -> None:
    path = broken(tmp_path, "Dear {{ employe.name }},", "Mail {{ employee.nmae }}",
                  "{%p for g in goals %}", "{{ g.metrc }} {{ g.metric }} {{ loop.index }}",
                  "{%p endfor %}", "{{ period.end }} {{ period.weeks }} {{ plan_id|upper }}",
                  base=shipped("en", "sales"))
    found = messages(path)
    assert len(found) == 3, found
    assert "'employe' is not part of a plan (did you mean 'employee'?)" in found[0]
    assert 'in paragraph "Dear {{ employe.name }},"' in found[0]
    assert "'employee.nmae'" in found[1] and "did you mean 'name'?" in found[1]
    assert "'g.metrc'" in found[2] and "did you mean 'metric'?" in found[2]


def test_check_reports_syntax_errors_with_the_paragraph(tmp_path: Path) -> None:
    path = broken(tmp_path, "Before", "Goal: {% if goals %}{{ goals|length }}", "Done",
                  base=shipped("zh", "admin"))
    found = messages(path)
    assert len(found) == 1 and "Jinja syntax error" in found[0]
    assert "endif" in found[0] or "end of template" in found[0]

    path = broken(tmp_path, "{{ plan_id | nosuchfilter }}", base=shipped("zh", "admin"))
    found = messages(path)
    assert len(found) == 1 and "No filter named 'nosuchfilter'" in found[0]
    assert "nosuchfilter" in found[0].split("in paragraph")[1]


def test_check_reads_headers_and_footers(tmp_path: Path) -> None:
    document = docx.Document(shipped("en", "admin"))
    document.sections[0].footer.paragraphs[0].add_run(" {{ plan.id }}")
    path = tmp_path / "footer.docx"
    document.save(path)
    found = messages(path)
    assert len(found) == 1 and found[0].startswith("footer:") and "'plan'" in found[0]


def test_check_requires_the_signature_markers(tmp_path: Path) -> None:
    found = messages(broken(tmp_path, "{{ employee.name }}"))
    assert len(found) == 3 and all("no signature box" in m for m in found)

    document = docx.Document(shipped("en", "engineering"))
    for p in document.element.body.iter(qn("w:p")):
        texts = list(p.iter(qn("w:t")))
        if texts and texts[0].text == "[[sig:manager:begin]]":
            texts[0].text = "Sign here [[sig:manager:begin]]"
    path = tmp_path / "moved.docx"
    document.save(path)
    found = messages(path)
    assert len(found) == 1 and "'manager' signing cell must have" in found[0]


def test_check_refuses_a_file_that_is_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(TemplateError, match="not a Word .docx file"):
        check_template(path)


def test_cli_templates_list_and_check(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["templates", "list"])
    assert listed.exit_code == 0 and len(listed.output.strip().splitlines()) == 8
    assert "customer_service" in listed.output

    ok = runner.invoke(cli, ["templates", "check", str(shipped("zh", "sales"))])
    assert ok.exit_code == 0 and ": ok" in ok.output

    bad = broken(tmp_path, "{{ employe.name }}", base=shipped("zh", "sales"))
    failed = runner.invoke(cli, ["templates", "check", str(bad)])
    assert failed.exit_code == 1
    assert failed.output.strip().splitlines() == [
        f"error: {bad}: body: 'employe' is not part of a plan (did you mean 'employee'?)"
        ' (in paragraph "{{ employe.name }}")']

    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"nope")
    unusable = runner.invoke(cli, ["templates", "check", str(fake)])
    assert unusable.exit_code == 2 and "not a Word .docx file" in unusable.output

    empty = runner.invoke(cli, ["templates", "list", "--templates", str(tmp_path)])
    assert empty.exit_code == 1 and "8 template(s) missing" in empty.output
