"""Plans through the real pipeline (shipped templates, LibreOffice, prepare) and ``pipdocs pdf``.

One session fixture renders every plan below and converts them all in a single LibreOffice run;
the CLI test then runs the whole ``pipdocs pdf`` path once more end to end.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import pdf_text
from pypdf import PdfReader

from pipdocs.cli.main import cli
from pipdocs.core.plan import ROLES, SIGNATURE_FIELDS, Plan, load_plan, plan_from_data

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_EN = ROOT / "examples" / "engineering-en.yaml"
EXAMPLE_ZH = ROOT / "examples" / "engineering-zh.yaml"
pytestmark = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="LibreOffice and poppler-utils are needed",
)

HOSTILE = [
    "{{ 7*7 }}",
    "{% if %}",
    "<w:t>",
    "&amp;",
    "]]>",
    "😀",
    "{#",
    "\\n",
]
LONG_NAME = ("Maximiliana Alexandra Konstantinopoulou-Wolfeschlegelsteinhausen " * 4)[:200].strip()


def _data(path: Path) -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _hostile_data() -> dict[str, Any]:
    data = _data(EXAMPLE_EN)
    data["plan_id"] = "PIP-HOSTILE-1"
    data["employee"]["name"] = LONG_NAME
    data["diagnosis"]["summary"] = "Summary " + " ".join(HOSTILE) + "\nsecond line"
    data["goals"][0]["metric"] = "Metric {{ 7*7 }} and {% if %} and <w:t>"
    data["actions"][0]["task"] = "Task &amp; ]]> 😀 {% for x in y %}"
    data["support"][0] = "Support <script>alert(1)</script> {{ plan }}"
    return data


def _long_data() -> dict[str, Any]:
    """Long texts: the signature page lands later than in the short example."""
    data = _data(EXAMPLE_EN)
    data["plan_id"] = "PIP-LONG-1"
    sentence = "The defect trend was reviewed with the team and the tracker history. "
    data["diagnosis"]["summary"] = sentence * 25
    data["diagnosis"]["root_causes"] = [sentence * 4] * 6
    data["actions"] = [{"weeks": f"{i}-{i + 1}", "task": sentence * 5} for i in range(1, 12, 2)]
    data["support"] = [sentence * 3] * 8
    return data


PLANS = {
    "en": lambda: load_plan(EXAMPLE_EN),
    "zh": lambda: load_plan(EXAMPLE_ZH),
    "hostile": lambda: plan_from_data(_hostile_data()),
    "long": lambda: plan_from_data(_long_data()),
}


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Plan, Path]]:
    """Each plan rendered with the shipped templates, converted in one run, then prepared."""
    from pipdocs.document.pipeline import prepare_file
    from pipdocs.document.render import render_docx

    work = tmp_path_factory.mktemp("pdf-docs")
    plans = {name: make() for name, make in PLANS.items()}
    for name, plan in plans.items():
        render_docx(plan, work / f"{name}.docx")
    profile = tmp_path_factory.mktemp("lo-profile")
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless"]
        + ["--convert-to", "pdf", "--outdir", str(work)]
        + [str(work / f"{name}.docx") for name in plans],
        check=True,
        capture_output=True,
        timeout=300,
    )
    out = {}
    for name, plan in plans.items():
        out[name] = (plan, prepare_file(work / f"{name}.pdf", plan, work / f"{name}-ready.pdf"))
    return out


def _text(pdf: Path) -> str:
    """Text in content order; -raw also keeps a hyphen where a line breaks after it."""
    return pdf_text(pdf, "-raw")


def _squeeze(text: str) -> str:
    """Without whitespace: a long name may wrap anywhere inside its table cell."""
    return "".join(text.split())


def _marker_words(pdf: Path) -> dict[str, tuple[int, float, float, float, float]]:
    """Marker words from poppler in PDF user space: text -> (page, left, bottom, right, top)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    out = {}
    for page_no, page in enumerate(html.split("<page ")[1:]):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
            r"(\[\[sig:[^<]*)</word>",
            page,
        ):
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            assert m.group(5) not in out, f"{m.group(5)} appears twice"
            out[m.group(5)] = (page_no, x0, height - y1, x1, height - y0)
    return out


def _sig_fields(pdf: Path) -> dict[str, tuple[int, list[float]]]:
    reader = PdfReader(pdf)
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}  # type: ignore[union-attr]
    out = {}
    for ref in reader.trailer["/Root"]["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/FT") == "/Sig":
            assert "/V" not in field, "a prepared PDF has no signature yet"
            rect = [float(v) for v in field["/Rect"]]
            out[str(field["/T"])] = (pages[field.raw_get("/P").idnum], rect)
    return out


@pytest.mark.parametrize("name", ["en", "zh", "long", "hostile"])
def test_signature_fields_lie_inside_their_boxes(
    name: str, built: dict[str, tuple[Plan, Path]]
) -> None:
    _, pdf = built[name]
    markers = _marker_words(pdf)
    fields = _sig_fields(pdf)
    assert set(fields) == set(SIGNATURE_FIELDS.values())
    for role in ROLES:
        page, (llx, lly, urx, ury) = fields[SIGNATURE_FIELDS[role]]
        bpage, bl, _, _, bt = markers[f"[[sig:{role}:begin]]"]
        epage, _, eb, er, _ = markers[f"[[sig:{role}:end]]"]
        assert page == bpage == epage
        assert bl - 1 <= llx < urx <= er + 1 and eb - 1 <= lly < ury <= bt + 1
        assert urx - llx > 60 and ury - lly > 20


def test_boxes_follow_the_content(built: dict[str, tuple[Plan, Path]]) -> None:
    short = _sig_fields(built["en"][1])["sig_employee"]
    long = _sig_fields(built["long"][1])["sig_employee"]
    assert (long[0], -long[1][3]) > (short[0], -short[1][3])  # a later page, or lower down
    assert len(PdfReader(built["long"][1]).pages) > len(PdfReader(built["en"][1]).pages)


@pytest.mark.parametrize("name", ["en", "zh", "hostile"])
def test_every_font_is_embedded(name: str, built: dict[str, tuple[Plan, Path]]) -> None:
    listing = subprocess.run(
        ["pdffonts", str(built[name][1])], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    header = listing[0]
    emb = header.index(" emb ") + 1
    rows = listing[2:]
    assert rows, "no fonts at all"
    for row in rows:
        assert row[emb : emb + 3] == "yes", f"font not embedded: {row}"


def test_hostile_text_appears_literally(built: dict[str, tuple[Plan, Path]]) -> None:
    plan, pdf = built["hostile"]
    text = _squeeze(_text(pdf))
    for needle in [*HOSTILE, "<script>alert(1)</script>", "{% for x in y %}", "{{ plan }}"]:
        assert _squeeze(needle) in text, f"{needle!r} is not in the PDF text"
    assert _squeeze(LONG_NAME) in text
    assert "Summary49" not in text  # the template did not evaluate the user's {{ 7*7 }}
    (raw,) = PdfReader(pdf).attachments["plan.json"]
    assert raw == plan.to_json_bytes()


def test_chinese_plan_text_and_metadata(built: dict[str, tuple[Plan, Path]]) -> None:
    plan, pdf = built["zh"]
    text = _text(pdf)
    assert plan.employee.name in text and plan.manager.name in text
    reader = PdfReader(pdf)
    assert reader.metadata is not None
    assert reader.metadata.title == f"绩效改进计划 – {plan.employee.name}"
    assert reader.metadata.subject == plan.plan_id
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    (raw,) = reader.attachments["plan.json"]
    assert raw == plan.to_json_bytes()


# --- pipdocs pdf ----------------------------------------------------------------------------------


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_cli_pdf_writes_a_prepared_pdf(tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    result = _run("pdf", str(EXAMPLE_EN), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "ready to sign" in result.output and "employee -> manager -> hr" in result.output
    assert set(_sig_fields(out)) == set(SIGNATURE_FIELDS.values())
    assert "Dana Lee" in _text(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.pdf"]
    result = _run("pdf", str(EXAMPLE_ZH), "-o", str(tmp_path / "zh.pdf"))  # said in Chinese
    assert result.exit_code == 0 and "可以签署" in result.output, result.output
    assert "签署顺序：员工 → 直接上级 → 人力资源" in result.output


def test_cli_pdf_invalid_plan_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    data = _data(EXAMPLE_EN)
    data["role"] = "astronaut"
    data["employee"]["email"] = "not-an-email"
    import yaml

    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = _run("pdf", str(bad), "-o", str(tmp_path / "out.pdf"))
    assert result.exit_code == 1
    assert "role" in result.output and "employee.email" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.pdf").exists()


def test_cli_pdf_missing_plan_exits_2(tmp_path: Path) -> None:
    result = _run("pdf", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "out.pdf"))
    assert result.exit_code == 2
    assert "not found" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_pdf_missing_output_directory_exits_2(tmp_path: Path) -> None:
    result = _run("pdf", str(EXAMPLE_EN), "-o", str(tmp_path / "no" / "such" / "out.pdf"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_no_partial_file_when_the_template_is_missing(tmp_path: Path) -> None:
    empty = tmp_path / "templates"
    (empty / "en").mkdir(parents=True)
    out = tmp_path / "out"
    out.mkdir()
    result = _run("pdf", str(EXAMPLE_EN), "-o", str(out / "x.pdf"), "--templates", str(empty))
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(out.iterdir()) == []


def test_no_partial_file_when_the_template_has_no_signature_boxes(tmp_path: Path) -> None:
    """Render and conversion succeed, preparing fails: still nothing at the output path."""
    from docx import Document

    templates = tmp_path / "templates"
    (templates / "en").mkdir(parents=True)
    doc = Document()
    doc.add_paragraph("Plan for {{ employee.name }}")
    doc.save(templates / "en" / "engineering.docx")
    out = tmp_path / "out"
    out.mkdir()
    result = _run("pdf", str(EXAMPLE_EN), "-o", str(out / "x.pdf"), "--templates", str(templates))
    assert result.exit_code == 2, result.output
    assert "missing its marker [[sig:employee:begin]]" in result.output
    assert list(out.iterdir()) == []


def test_conversion_failure_exits_2_without_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipdocs.conversion.soffice
    from pipdocs.core.errors import ConversionError

    def fail(*args: Any, **kwargs: Any) -> Path:
        raise ConversionError("LibreOffice failed: simulated; check the installation")

    monkeypatch.setattr(pipdocs.conversion.soffice, "convert_docx_to_pdf", fail)
    result = _run("pdf", str(EXAMPLE_EN), "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert result.output.strip() == "error: LibreOffice failed: simulated; check the installation"
    assert list(tmp_path.iterdir()) == []


def test_prepare_file_replaces_atomically(tmp_path: Path) -> None:
    """An existing output stays intact when preparing fails."""
    from pipdocs.core.errors import InputError
    from pipdocs.document.pipeline import prepare_file

    out = tmp_path / "x.pdf"
    out.write_bytes(b"old")
    bad = tmp_path / "in.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(InputError):
        prepare_file(bad, load_plan(EXAMPLE_EN), out)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.pdf", "x.pdf"]


def test_signature_fields_are_unsigned_and_plan_round_trips(
    built: dict[str, tuple[Plan, Path]],
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    from pipdocs.core.plan import plan_from_json_bytes

    plan, pdf = built["en"]
    with pdf.open("rb") as fh:
        reader = PdfFileReader(io.BytesIO(fh.read()))
        assert {n: v for n, v, _ in enumerate_sig_fields(reader)} == dict.fromkeys(
            SIGNATURE_FIELDS.values()
        )
    (raw,) = PdfReader(pdf).attachments["plan.json"]
    assert plan_from_json_bytes(raw) == plan
