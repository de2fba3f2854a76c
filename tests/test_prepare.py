"""prepare_pdf on PDFs made by real LibreOffice from small Word files with signature boxes.

The Word files are built here (python-docx), independent of the shipped templates, so marker
finding is tested on its own: boxes that move, markers split into runs, missing/doubled markers.
Positions are checked against poppler's ``pdftotext -bbox``, an independent text locator.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from pypdf import PdfReader

from pipdocs.core.errors import ConversionError, InputError, TemplateError
from pipdocs.core.plan import ROLES, SIGNATURE_FIELDS, Plan, load_plan, plan_from_json_bytes
from pipdocs.document.prepare import find_boxes, prepare_pdf

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")


# --- synthetic documents -------------------------------------------------------------------------

EXAMPLE = load_plan(ROOT / "examples" / "engineering-en.yaml")
ZH_NAMES = {"employee": "张伟", "manager": "李娜", "hr": "王芳"}


def _white(run: Any) -> None:
    run.font.size = Pt(2)
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def _sized_runs(paragraph: Any, parts: tuple[str, str, str]) -> None:
    """One marker written as three white runs of 2, 3 and 2.5 pt."""
    for part, size in zip(parts, (2, 3, 2.5), strict=True):
        run = paragraph.add_run(part)
        _white(run)
        run.font.size = Pt(size)


def _doc(
    lang: str = "en",
    filler: int = 0,
    skip: str = "",
    double: str = "",
    split_runs: bool = False,
    split_sizes: bool = False,
    tall: int = 4,
) -> Any:
    """A4 document: a heading, ``filler`` long paragraphs, then one signature box per role."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    normal = doc.styles["Normal"]
    normal.font.name = "Noto Sans CJK SC" if lang == "zh" else "Liberation Sans"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    doc.add_heading("绩效改进计划" if lang == "zh" else "Performance Improvement Plan", 1)
    for _ in range(filler):
        doc.add_paragraph(("这是一段很长的文字。" if lang == "zh" else "Long text here. ") * 30)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for role in ROLES:
        label, cell = table.add_row().cells
        person = EXAMPLE.person(role)  # the page names each signer, as plan.json does
        names = f"{person.name}\n{ZH_NAMES[role]}" if lang == "zh" else person.name
        label.text = f"{role}\n{names}\n{person.email}"
        if role != skip:
            first = cell.paragraphs[0]
            first.alignment = WD_ALIGN_PARAGRAPH.LEFT
            if split_runs:  # the same marker as three runs in different fonts
                for part, font in (("[[sig:", "DejaVu Serif"), (role, None), (":begin]]", None)):
                    run = first.add_run(part)
                    _white(run)
                    if font:
                        run.font.name = font
                    else:
                        run.bold = True
            elif split_sizes:  # runs of different sizes: poppler reports them as separate words
                _sized_runs(first, ("[[sig:", role, ":begin]]"))
            else:
                _white(first.add_run(f"[[sig:{role}:begin]]"))
        for _ in range(tall):
            cell.add_paragraph("")
        last = cell.add_paragraph()
        last.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if split_sizes:
            _sized_runs(last, ("[[sig:", f"{role}:", "end]]"))
        else:
            _white(last.add_run(f"[[sig:{role}:end]]"))
        if role == double:
            _white(cell.add_paragraph().add_run(f"[[sig:{role}:end]]"))
    return doc


DOCS: dict[str, dict[str, Any]] = {
    "en": {},
    "zh": {"lang": "zh"},
    "long": {"filler": 9},  # pushes the boxes down to page 2
    "split": {"split_runs": True},
    "split_sizes": {"split_sizes": True},
    "missing": {"skip": "manager"},
    "double": {"double": "hr"},
    "broken": {"filler": 2, "tall": 70},  # a box taller than a page
}


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every synthetic document converted by one LibreOffice run."""
    work = tmp_path_factory.mktemp("prepare-docs")
    for name, kwargs in DOCS.items():
        _doc(**kwargs).save(work / f"{name}.docx")
    profile = tmp_path_factory.mktemp("lo-profile")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            *(str(work / f"{name}.docx") for name in DOCS),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return {name: (work / f"{name}.pdf").read_bytes() for name in DOCS}


@pytest.fixture(scope="session")
def plan_en() -> Plan:
    return load_plan(ROOT / "examples" / "engineering-en.yaml")


@pytest.fixture(scope="session")
def plan_zh(plan_en: Plan) -> Plan:
    from pipdocs.core.plan import plan_from_data

    data = plan_en.model_dump(mode="json")
    data.update(language="zh", plan_id="PIP-ZH-0001")
    data["employee"].update(name=ZH_NAMES["employee"], title="后端工程师", department="支付部")
    data["manager"].update(name=ZH_NAMES["manager"])
    data["hr"].update(name=ZH_NAMES["hr"])
    return plan_from_data(data)


def _bbox_words(pdf: bytes, tmp: Path) -> list[tuple[int, str, float, float, float, float]]:
    """Words with their boxes from poppler, in PDF user space (y up): (page, text, l, b, r, t)."""
    path = tmp / "in.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    out = []
    for page_no, page in enumerate(html.split("<page ")[1:]):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            page,
        ):
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            out.append((page_no, m.group(5), x0, height - y1, x1, height - y0))
    return out


def _fields(pdf: bytes) -> dict[str, tuple[int, list[float], Any]]:
    """Signature fields by name: (page index, /Rect, field dictionary)."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}  # type: ignore[union-attr]
    out = {}
    for ref in reader.trailer["/Root"]["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/FT") == "/Sig":
            rect = [float(v) for v in field["/Rect"]]
            out[str(field["/T"])] = (pages[field.raw_get("/P").idnum], rect, field)
    return out


# --- tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["en", "zh", "long", "split"])
def test_each_field_lies_inside_its_box(
    name: str, pdfs: dict[str, bytes], plan_en: Plan, tmp_path: Path
) -> None:
    prepared = prepare_pdf(pdfs[name], plan_en)
    words = _bbox_words(pdfs[name], tmp_path)
    fields = _fields(prepared)
    assert set(fields) == set(SIGNATURE_FIELDS.values())
    for role in ROLES:
        # poppler joins the split runs into one word too
        (begin,) = [w for w in words if w[1] == f"[[sig:{role}:begin]]"]
        (end,) = [w for w in words if w[1] == f"[[sig:{role}:end]]"]
        page, (llx, lly, urx, ury), _ = fields[SIGNATURE_FIELDS[role]]
        assert page == begin[0] == end[0]
        # inside the rectangle spanned by the markers (1 pt tolerance for glyph metrics) ...
        assert begin[2] - 1 <= llx < urx <= end[4] + 1
        assert end[3] - 1 <= lly < ury <= begin[5] + 1
        # ... and filling most of it: a real box, not a sliver
        assert urx - llx > 0.9 * (end[4] - begin[2]) - 6
        assert ury - lly > 0.9 * (begin[5] - end[3]) - 6
    if name == "long":  # the boxes moved with the content
        assert {fields[f][0] for f in SIGNATURE_FIELDS.values()} != {0}


def _spelled(
    words: list[tuple[int, str, float, float, float, float]], needle: str
) -> list[tuple[int, float, float, float, float]]:
    """Runs of consecutive poppler words that together spell ``needle``: (page, l, b, r, t)."""
    found = []
    for i, first in enumerate(words):
        text = ""
        for j in range(i, len(words)):
            text += words[j][1]
            if words[j][0] != first[0] or not needle.startswith(text):
                break
            if text == needle:
                part = words[i : j + 1]
                box = (min(w[2] for w in part), min(w[3] for w in part))
                found.append((first[0], *box, max(w[4] for w in part), max(w[5] for w in part)))
                break
    return found


def test_marker_split_into_words_of_different_sizes(
    pdfs: dict[str, bytes], plan_en: Plan, tmp_path: Path
) -> None:
    """poppler keeps runs of different sizes apart; the pieces still make one marker."""
    prepared = prepare_pdf(pdfs["split_sizes"], plan_en)
    words = _bbox_words(pdfs["split_sizes"], tmp_path)
    fields = _fields(prepared)
    for role in ROLES:
        begin_text, end_text = f"[[sig:{role}:begin]]", f"[[sig:{role}:end]]"
        assert not [w for w in words if w[1] in (begin_text, end_text)]  # really in pieces
        (begin,) = _spelled(words, begin_text)
        (end,) = _spelled(words, end_text)
        page, (llx, lly, urx, ury), _ = fields[SIGNATURE_FIELDS[role]]
        assert page == begin[0] == end[0]
        assert begin[1] - 1 <= llx < urx <= end[3] + 1
        assert end[2] - 1 <= lly < ury <= begin[4] + 1
        assert urx - llx > 0.9 * (end[3] - begin[1]) - 6
        assert ury - lly > 0.9 * (begin[4] - end[2]) - 6


def test_missing_pdftotext_says_how_to_install(
    pdfs: dict[str, bytes], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConversionError, match=r"pdftotext is not installed.*make setup") as err:
        find_boxes(pdfs["en"])
    assert "\n" not in str(err.value)


def test_encrypted_pdf_is_refused(pdfs: dict[str, bytes], plan_en: Plan) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdfs["en"])))
    writer.encrypt(user_password="", owner_password="owner", permissions_flag=0)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(InputError, match="the PDF is encrypted"):
        prepare_pdf(out.getvalue(), plan_en)


def test_fields_named_unsigned_and_hr_locks_everything(
    pdfs: dict[str, bytes], plan_en: Plan
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    prepared = prepare_pdf(pdfs["en"], plan_en)
    reader = PdfFileReader(io.BytesIO(prepared))
    found = {name: value for name, value, _ in enumerate_sig_fields(reader)}
    assert found == {"sig_employee": None, "sig_manager": None, "sig_hr": None}
    fields = _fields(prepared)
    lock = fields["sig_hr"][2]["/Lock"].get_object()
    assert lock["/Action"] == "/All" and lock["/P"] == 1
    assert "/Lock" not in fields["sig_employee"][2] and "/Lock" not in fields["sig_manager"][2]
    assert "Dana Lee" in str(fields["sig_employee"][2]["/TU"])


def test_plan_json_round_trip_and_metadata(pdfs: dict[str, bytes], plan_zh: Plan) -> None:
    prepared = prepare_pdf(pdfs["zh"], plan_zh)
    reader = PdfReader(io.BytesIO(prepared))
    (raw,) = reader.attachments["plan.json"]
    assert raw == plan_zh.to_json_bytes()
    assert plan_from_json_bytes(raw) == plan_zh
    (terms,) = reader.attachments["signing.json"]  # the order it was prepared for
    assert json.loads(terms)["order"] == ["employee", "manager", "hr"]
    root = reader.trailer["/Root"]
    spec, _ = [ref.get_object() for ref in root["/AF"]]
    assert spec["/F"] == "plan.json" and spec["/AFRelationship"] == "/Source"
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"
    assert root["/Lang"] == "zh-CN"
    assert reader.metadata is not None
    assert reader.metadata.title == "绩效改进计划 – 张伟"
    assert reader.metadata.subject == "PIP-ZH-0001"
    xmp = reader.xmp_metadata
    assert xmp is not None and xmp.dc_title and "张伟" in xmp.dc_title["x-default"]


def test_english_metadata_and_one_clean_revision(pdfs: dict[str, bytes], plan_en: Plan) -> None:
    prepared = prepare_pdf(pdfs["en"], plan_en)
    assert prepared.count(b"%%EOF") == 1  # a fresh file, not an update on LibreOffice's output
    reader = PdfReader(io.BytesIO(prepared))
    assert reader.metadata is not None
    assert reader.metadata.title == "Performance Improvement Plan – Dana Lee"
    assert reader.metadata.subject == "PIP-2026-0042"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert len(reader.pages) == len(PdfReader(io.BytesIO(pdfs["en"])).pages)


def test_missing_marker_names_the_role(pdfs: dict[str, bytes], plan_en: Plan) -> None:
    with pytest.raises(TemplateError, match=r"signature box for manager is missing its marker"):
        prepare_pdf(pdfs["missing"], plan_en)


def test_doubled_marker_is_refused(pdfs: dict[str, bytes]) -> None:
    with pytest.raises(TemplateError, match=r"for hr has its marker 2 times \[\[sig:hr:end\]\]"):
        find_boxes(pdfs["double"])


def test_box_split_across_pages_is_refused(pdfs: dict[str, bytes]) -> None:
    with pytest.raises(TemplateError, match=r"split across pages"):
        find_boxes(pdfs["broken"])


def test_not_a_pdf_and_already_prepared(pdfs: dict[str, bytes], plan_en: Plan) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        prepare_pdf(b"%PDF-1.7 this is not really a PDF", plan_en)
    once = prepare_pdf(pdfs["en"], plan_en)
    with pytest.raises(InputError, match="sig_employee"):
        prepare_pdf(once, plan_en)


def _self_signed(name: str) -> tuple[Any, Any]:
    """A throwaway signer: (pyHanko SimpleSigner, asn1crypto certificate)."""
    import datetime

    from asn1crypto import keys as akeys
    from asn1crypto import x509 as ax509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    asn_cert = ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    asn_key = akeys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return signers.SimpleSigner(
        signing_cert=asn_cert, signing_key=asn_key, cert_registry=None
    ), asn_cert


@pytest.mark.skipif(not shutil.which("pdfsig"), reason="poppler's pdfsig is not installed")
def test_prepared_pdf_takes_three_incremental_signatures(
    pdfs: dict[str, bytes], plan_en: Plan, tmp_path: Path
) -> None:
    """The lock design end to end: certify (P=2), approve, approve into the locked HR field."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    data = prepare_pdf(pdfs["en"], plan_en)
    certs = []
    for role in ROLES:
        signer, cert = _self_signed(role)
        certs.append(cert)
        first = role == "employee"
        meta = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELDS[role],
            subfilter=fields.SigSeedSubFilter.PADES,
            certify=first,
            docmdp_permissions=fields.MDPPerm.FILL_FORMS if first else None,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        data = signers.PdfSigner(meta, signer).sign_pdf(writer).getvalue()
    reader = PdfFileReader(io.BytesIO(data))
    context = ValidationContext(trust_roots=certs)
    statuses = [validate_pdf_signature(s, context) for s in reader.embedded_signatures]
    assert [s.bottom_line for s in statuses] == [True, True, True]
    assert all(s.docmdp_ok for s in statuses)
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(data)
    report = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True).stdout
    assert report.count("Signature is Valid") == 3
    for name in SIGNATURE_FIELDS.values():
        assert f"Signature Field Name: {name}" in report


def test_active_content_in_the_converted_pdf_is_refused(pdfs: dict[str, bytes],
                                                        plan_en: Plan) -> None:
    """A hyperlink (or script, or form field) the template produced would make every signed
    copy fail verification: prepare says so while HR can still fix the template."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(pdfs["en"]), strict=False)
    page_ref = w.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    link = w.add_object(generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Link"),
        generic.pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(n)
                                                        for n in (0, 0, 10, 10)]),
        generic.pdf_name("/A"): generic.DictionaryObject({
            generic.pdf_name("/S"): generic.pdf_name("/URI"),
            generic.pdf_name("/URI"): generic.TextStringObject("https://example.com/"),
        }),
    }))
    page["/Annots"] = generic.ArrayObject([link])
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    with pytest.raises(TemplateError, match="URI action|Link annotation"):
        prepare_pdf(out.getvalue(), plan_en)
