"""Prepare a converted PDF for signing: signature fields, embedded plan, metadata.

The signature fields go where the template's boxes landed on the page. Each role's box is a table
cell that carries two invisible (white, 2 pt) marker paragraphs, ``[[sig:<role>:begin]]`` at its
top left and ``[[sig:<role>:end]]`` at its bottom right. We find them by text extraction, so the
field follows the box wherever long content pushes it; nothing here knows page coordinates.

The output is one clean file (a fresh PDF written by pyHanko, no incremental update), which the
three signatures later extend incrementally.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

from pipdocs.errors import InputError, TemplateError
from pipdocs.plan import ROLES, SIGNATURE_FIELDS, Plan

log = logging.getLogger(__name__)

#: How far the field sits inside the marker rectangle (points), so it never touches the cell border.
INSET = 2.0
#: Smallest box (points) that still holds a readable stamp (name, role, time, reason).
MIN_WIDTH, MIN_HEIGHT = 60.0, 20.0
LANG_TAGS = {"zh": "zh-CN", "en": "en-GB"}
TITLES = {"zh": "绩效改进计划", "en": "Performance Improvement Plan"}
ATTACHMENT_NAME = "plan.json"


def marker(role: str, end: bool) -> str:
    """The marker text the templates put in ``role``'s signature box."""
    return f"[[sig:{role}:{'end' if end else 'begin'}]]"


@dataclass(frozen=True)
class Box:
    """A signature box found on a page: ``page`` is 0-based, coordinates in PDF user space."""

    page: int
    left: float
    bottom: float
    right: float
    top: float

    def rect(self, inset: float = INSET) -> tuple[float, float, float, float]:
        """(llx, lly, urx, ury) shrunk by ``inset`` on every side."""
        return (self.left + inset, self.bottom + inset, self.right - inset, self.top - inset)


# --- finding the boxes ---------------------------------------------------------------------------

Matrix = tuple[float, float, float, float, float, float]


class _Metrics:
    """Glyph widths and vertical extent of a PDF font, in units of the font size."""

    def __init__(self, font_dict: Any) -> None:
        self.widths: dict[str, float] = {}
        self.default = 0.55
        self.ascent, self.descent = 0.88, -0.12
        if font_dict is None:
            return
        try:
            # pypdf's font model knows both simple and CID fonts' width tables; its widths are
            # keyed by character code, its character map goes code -> Unicode.
            from pypdf.generic._font import Font

            font = Font.from_font_resource(font_dict)
            to_code = {v: k for k, v in font.character_map.items() if isinstance(v, str)}
            for char, code in to_code.items():
                if code in font.character_widths:
                    self.widths[char] = font.character_widths[code] / 1000
            descriptor = _font_descriptor(font_dict)
            if descriptor is not None:
                ascent = float(descriptor.get("/Ascent", 0)) / 1000
                descent = float(descriptor.get("/Descent", 0)) / 1000
                if 0.5 < ascent < 1.5:
                    self.ascent = ascent
                if -0.6 < descent < 0:
                    self.descent = descent
        except Exception as exc:  # noqa: BLE001 - estimates are good enough for 2 pt markers
            log.debug("font metrics unavailable, estimating: %s", exc)

    def width(self, text: str) -> float:
        return sum(self.widths.get(ch, self.default) for ch in text)


@dataclass
class _Chunk:
    """One piece of text as pypdf reports it, with what is needed to place any character of it."""

    text: str
    cm: Matrix
    tm: Matrix
    metrics: _Metrics
    size: float
    start: int = 0  # index of the chunk's first character in the page string

    def point(self, x: float, y: float) -> tuple[float, float]:
        """Text-space (x, y) (already scaled by the font size) -> user space (via Tm, then CTM)."""
        a, b, c, d, e, f = self.tm
        tx, ty = a * x + c * y + e, b * x + d * y + f
        a, b, c, d, e, f = self.cm
        return a * tx + c * ty + e, b * tx + d * ty + f


def _font_descriptor(font_dict: Any) -> Any:
    font_dict = font_dict.get_object()
    if "/FontDescriptor" in font_dict:
        return font_dict["/FontDescriptor"].get_object()
    for descendant in font_dict.get("/DescendantFonts", []):
        descendant = descendant.get_object()
        if "/FontDescriptor" in descendant:
            return descendant["/FontDescriptor"].get_object()
    return None


def _font_key(font_dict: Any) -> tuple[int, int]:
    """A stable key for a font: pypdf hands out a new dictionary object for every text chunk."""
    ref = getattr(font_dict, "indirect_reference", None)
    if ref is not None:
        return (ref.idnum, ref.generation)
    return (-1, id(font_dict))


def _page_chunks(page: Any, fonts: dict[tuple[int, int], _Metrics]) -> tuple[str, list[_Chunk]]:
    """All text of a page as one string plus the chunks it is made of.

    Chunks on the same baseline that touch are joined without a separator, so a marker that
    LibreOffice wrote as several text runs is still found in one piece. ``fonts`` caches font
    metrics across pages (parsing a CJK font's tables costs milliseconds per call).
    """
    chunks: list[_Chunk] = []

    def visit(text: str, cm: Any, tm: Any, font_dict: Any, size: Any) -> None:
        if text and text.strip():
            key = _font_key(font_dict)
            if key not in fonts:
                fonts[key] = _Metrics(font_dict)
            chunks.append(
                _Chunk(text, tuple(map(float, cm)), tuple(map(float, tm)), fonts[key], float(size))  # type: ignore[arg-type]
            )

    page.extract_text(visitor_text=visit)
    out = ""
    prev_end: tuple[float, float] | None = None
    for chunk in chunks:
        x0, y0 = chunk.point(0, 0)
        if prev_end is not None:
            same_line = abs(y0 - prev_end[1]) <= 0.3 * max(chunk.size, 1)
            touching = abs(x0 - prev_end[0]) <= 0.5 * max(chunk.size, 1)
            if not (same_line and touching):
                out += "\n"
        chunk.start = len(out)
        out += chunk.text
        prev_end = chunk.point(chunk.metrics.width(chunk.text) * chunk.size, 0)
    return out, chunks


def _locate(chunks: list[_Chunk], index: int) -> tuple[_Chunk, int]:
    """The chunk holding character ``index`` of the page string, and the offset into it."""
    for chunk in reversed(chunks):
        if chunk.start <= index:
            return chunk, index - chunk.start
    raise AssertionError("index before the first chunk")  # pragma: no cover


def find_boxes(pdf_bytes: bytes) -> dict[str, Box]:
    """Find every role's signature box from its two markers; TemplateError if one is unusable."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(pdf_bytes))
        pages = list(reader.pages)
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise InputError(f"the PDF cannot be read ({exc}); convert the document again") from exc
    hits: dict[str, list[tuple[int, float, float]]] = {}
    fonts: dict[tuple[int, int], _Metrics] = {}
    wanted = [(role, end) for role in ROLES for end in (False, True)]
    for page_no, page in enumerate(pages):
        text, chunks = _page_chunks(page, fonts)
        for role, end in wanted:
            needle = marker(role, end)
            at = text.find(needle)
            while at >= 0:
                if end:
                    last_char = at + len(needle) - 1
                    chunk, offset = _locate(chunks, last_char)
                    m = chunk.metrics
                    x = m.width(chunk.text[: offset + 1]) * chunk.size
                    px, py = chunk.point(x, m.descent * chunk.size)
                else:
                    chunk, offset = _locate(chunks, at)
                    m = chunk.metrics
                    x = m.width(chunk.text[:offset]) * chunk.size
                    px, py = chunk.point(x, m.ascent * chunk.size)
                hits.setdefault(needle, []).append((page_no, px, py))
                at = text.find(needle, at + len(needle))
    boxes: dict[str, Box] = {}
    for role in ROLES:
        first, last = marker(role, False), marker(role, True)
        for needle in (first, last):
            count = len(hits.get(needle, []))
            if count != 1:
                found = "is missing its marker" if count == 0 else f"has its marker {count} times"
                raise TemplateError(
                    f"the template's signature box for {role} {found} {needle}: the {role}'s box"
                    f" must contain {first} (first paragraph) and {last} (last paragraph) exactly"
                    " once; restore them from the shipped template"
                )
        (bpage, bx, by), (epage, ex, ey) = hits[first][0], hits[last][0]
        if bpage != epage:
            raise TemplateError(
                f"the template's signature box for {role} is split across pages {bpage + 1} and"
                f" {epage + 1}: keep the box's table row on one page (turn off 'allow row to"
                " break across pages')"
            )
        box = Box(bpage, min(bx, ex), min(by, ey), max(bx, ex), max(by, ey))
        if ex - bx < MIN_WIDTH or by - ey < MIN_HEIGHT:
            raise TemplateError(
                f"the template's signature box for {role} on page {bpage + 1} is"
                f" {ex - bx:.0f} x {by - ey:.0f} pt: {first} must be at the top left and {last} at"
                f" the bottom right of a box at least {MIN_WIDTH:.0f} x {MIN_HEIGHT:.0f} pt"
            )
        boxes[role] = box
    return boxes


# --- writing the prepared PDF ---------------------------------------------------------------------


def document_title(plan: Plan) -> str:
    """Title viewers show: '绩效改进计划 – 张伟', 'Performance Improvement Plan – Dana Lee'."""
    return f"{TITLES[plan.language]} – {plan.employee.name}"


def prepare_pdf(pdf_bytes: bytes, plan: Plan) -> bytes:
    """Add the three empty signature fields, the plan as ``plan.json`` and metadata.

    Locking: ``sig_hr`` carries a FieldMDP lock on all fields with DocMDP P=1, so once HR has
    signed nothing may change; the employee's first signature certifies with P=2 (sign.py).
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.embed import (
        EmbeddedFileObject,
        EmbeddedFileParams,
        FileSpec,
        embed_file,
    )
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer
    from pyhanko.sign.fields import (
        FieldMDPAction,
        FieldMDPSpec,
        MDPPerm,
        SigFieldSpec,
        VisibleSigSettings,
        append_signature_field,
    )

    boxes = find_boxes(pdf_bytes)
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        if reader.encrypted:
            raise InputError("the PDF is encrypted; convert the document again without a password")
        if reader.embedded_signatures:
            raise InputError("the PDF already carries signatures; prepare the unsigned PDF instead")
        writer = copy_into_new_writer(reader)
    except PdfError as exc:
        raise InputError(f"the PDF cannot be read ({exc}); convert the document again") from exc

    from pipdocs.policy import load_policy

    policy = load_policy()
    for role in ROLES:
        box = boxes[role]
        person = plan.person(role)
        lock = role == "hr"
        spec = SigFieldSpec(
            sig_field_name=SIGNATURE_FIELDS[role],
            on_page=box.page,
            box=box.rect(),  # type: ignore[arg-type]  # pyHanko accepts floats
            readable_field_name=f"{policy.role_label(role, plan.language)}: {person.name}",
            field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL) if lock else None,
            doc_mdp_update_value=MDPPerm.NO_CHANGES if lock else None,
            visible_sig_settings=VisibleSigSettings(rotate_with_page=True),
        )
        try:
            append_signature_field(writer, spec)
        except PdfError as exc:
            raise InputError(
                f"cannot add the signature field for {role} ({exc}); prepare the unsigned PDF"
                " straight from the converter"
            ) from exc

    data = plan.to_json_bytes()
    ef = EmbeddedFileObject.from_file_data(
        writer,
        data,
        mime_type="application/json",
        params=EmbeddedFileParams(embed_size=True, embed_checksum=True),
    )
    embed_file(
        writer,
        FileSpec(
            file_spec_string=ATTACHMENT_NAME,
            file_name=ATTACHMENT_NAME,
            embedded_data=ef,
            description="The validated plan this document was generated from (pipdocs)",
            af_relationship=generic.pdf_name("/Source"),
        ),
    )

    title = document_title(plan)
    root = writer.root
    root["/Lang"] = generic.TextStringObject(LANG_TAGS[plan.language])
    prefs = root.get("/ViewerPreferences")
    prefs = prefs.get_object() if prefs is not None else generic.DictionaryObject()
    prefs["/DisplayDocTitle"] = generic.BooleanObject(True)
    root["/ViewerPreferences"] = prefs
    writer.update_root()
    meta = writer.document_meta
    meta.title = title
    meta.subject = plan.plan_id
    meta.keywords = ["PIP", plan.plan_id or "", plan.role]
    meta.author = plan.organisation or plan.hr.name
    meta.creator = "pipdocs"
    # PDF 2.0 documents keep metadata in XMP; pyHanko then only updates existing /Info keys, so
    # make sure the keys exist for readers (pdfinfo, older viewers) that only look at /Info.
    info = writer.trailer_view.get("/Info")
    if info is not None:
        info = info.get_object()
        for key in ("/Title", "/Author", "/Subject", "/Keywords"):
            if key not in info:
                info[key] = generic.TextStringObject("")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
