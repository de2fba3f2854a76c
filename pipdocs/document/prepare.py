"""Prepare a converted PDF for signing: signature fields, embedded plan, metadata.

The signature fields go where the template's boxes landed on the page. Each role's box is a table
cell that carries two invisible (white, 2 pt) marker paragraphs, ``[[sig:<role>:begin]]`` at its
top left and ``[[sig:<role>:end]]`` at its bottom right. We find them with poppler's
``pdftotext -bbox-layout`` (word boxes, tens of milliseconds per document, where pypdf's
positional extraction took a fifth of a second), so the field follows the box wherever long
content pushes it; nothing here knows page coordinates.

The output is one clean file (a fresh PDF written by pyHanko, no incremental update), which the
three signatures later extend incrementally.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from pipdocs.core import names
from pipdocs.core.errors import ConversionError, InputError, TemplateError
from pipdocs.core.names import LANGUAGE_TAGS, PLAN_ATTACHMENT, SIG_MARKER, marker
from pipdocs.core.plan import ROLES, SIGNATURE_FIELDS, Plan

#: How far the field sits inside the marker rectangle (points), so it never touches the cell border.
INSET = 2.0
#: Smallest box (points) that still holds a readable stamp (name, role, time, reason).
MIN_WIDTH, MIN_HEIGHT = 60.0, 20.0
LANG_TAGS = LANGUAGE_TAGS
ATTACHMENT_NAME = PLAN_ATTACHMENT


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

#: What to tell the user when poppler is missing (it is a required system package).
PDFTOTEXT_MISSING = (
    "poppler's pdftotext is not installed (it locates the signature boxes): run `make setup`"
    " or apt-get install poppler-utils"
)
#: pdftotext needs tens of milliseconds for a plan; a minute means it is stuck on a broken file.
PDFTOTEXT_TIMEOUT = 60.0

# pdftotext -bbox-layout writes XHTML (doc > page > flow > block > line > word) with attributes in a
# fixed order and the word text escaped, so strict patterns read it without an XML parser.
_PAGE = re.compile(r'width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(
    r'<word xMin="(-?[\d.]+)" yMin="(-?[\d.]+)" xMax="(-?[\d.]+)" yMax="(-?[\d.]+)">([^<]*)</word>'
)


@dataclass(frozen=True)
class _Page:
    """A page's MediaBox (normalised) and /Rotate: what maps poppler's coordinates to user space."""

    left: float
    bottom: float
    right: float
    top: float
    rotate: int

    def user(self, x: float, y: float) -> tuple[float, float]:
        """poppler's point (top-left origin of the displayed, rotated page) -> PDF user space."""
        if self.rotate == 90:
            return self.left + y, self.bottom + x
        if self.rotate == 180:
            return self.right - x, self.bottom + y
        if self.rotate == 270:
            return self.right - y, self.top - x
        return self.left + x, self.top - y


@dataclass(frozen=True)
class _Word:
    """One word as poppler reports it, its box in user space."""

    text: str
    left: float
    bottom: float
    right: float
    top: float

    def x_at(self, index: int) -> float:
        """Left edge of character ``index`` (``len(text)``: the right edge), by even spacing."""
        return self.left + (self.right - self.left) * index / max(len(self.text), 1)


def _pages(pdf_bytes: bytes) -> list[_Page]:
    """Every page's geometry (pypdf; no text extraction, a few milliseconds)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(pdf_bytes))
        if reader.is_encrypted:
            raise InputError("the PDF is encrypted; convert the document again without a password")
        pages = []
        for page in reader.pages:
            box = [float(v) for v in page.mediabox]
            rotate = int(page.rotation) % 360
            pages.append(
                _Page(
                    min(box[0], box[2]),
                    min(box[1], box[3]),
                    max(box[0], box[2]),
                    max(box[1], box[3]),
                    rotate if rotate % 90 == 0 else 0,
                )
            )
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"the PDF cannot be read ({exc}); convert the document again") from exc
    return pages


def _pdftotext_bbox(pdf_bytes: bytes) -> str:
    """poppler's ``pdftotext -bbox-layout`` output for the PDF, fed on stdin."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ConversionError(PDFTOTEXT_MISSING)
    try:
        done = subprocess.run(
            [exe, "-bbox-layout", "-enc", "UTF-8", "-", "-"],
            input=pdf_bytes,
            capture_output=True,
            timeout=PDFTOTEXT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ConversionError(
            f"pdftotext took over {PDFTOTEXT_TIMEOUT:.0f} s to read the PDF; convert the document"
            " again"
        ) from exc
    except OSError as exc:
        raise ConversionError(f"{PDFTOTEXT_MISSING} ({exe}: {exc.strerror})") from exc
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        why = lines[-1] if lines else f"pdftotext exit code {done.returncode}"
        raise InputError(f"the PDF cannot be read ({why}); convert the document again")
    return done.stdout.decode("utf-8", "replace")


def _lines(xhtml: str, pages: list[_Page]) -> list[tuple[int, list[_Word]]]:
    """(page index, words) of every text line that can hold a marker: one with a ``[`` in it.

    Skipping the other lines before parsing them saves most of the time on long documents.
    """
    doc = xhtml.find("<doc>")
    chunks = xhtml[doc:].split("<page ")[1:] if doc >= 0 else []
    if len(chunks) != len(pages):
        raise InputError(
            f"the PDF cannot be read (poppler finds {len(chunks)} pages, pypdf {len(pages)});"
            " convert the document again"
        )
    lines: list[tuple[int, list[_Word]]] = []
    for page_no, (chunk, page) in enumerate(zip(chunks, pages, strict=True)):
        size = _PAGE.match(chunk)
        width, height = page.right - page.left, page.top - page.bottom
        if size is None or abs(float(size[1]) - width) + abs(float(size[2]) - height) > 1:
            raise InputError(
                f"the PDF cannot be read (page {page_no + 1}'s size differs between poppler and"
                " pypdf); convert the document again"
            )
        if "[" not in chunk:
            continue
        for line in chunk.split("<line ")[1:]:
            if "[" not in line:
                continue
            words = []
            for m in _WORD.finditer(line):
                (xa, ya), (xb, yb) = (
                    page.user(float(m[1]), float(m[2])),
                    page.user(float(m[3]), float(m[4])),
                )
                text = html.unescape(m[5])
                words.append(_Word(text, min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)))
            lines.append((page_no, words))
    return lines


def _runs(words: list[_Word]) -> list[list[_Word]]:
    """Words of one line grouped where they touch, so a marker in pieces is found whole.

    LibreOffice writes a marker as several text runs when its font or size changes inside it;
    poppler merges touching runs of one size into a word itself, but not runs of different sizes.
    """
    runs: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: w.left):
        if runs:
            prev = runs[-1][-1]
            height = max(min(prev.top - prev.bottom, word.top - word.bottom), 1.0)
            overlap = min(prev.top, word.top) - max(prev.bottom, word.bottom)
            if overlap >= 0.5 * height and abs(word.left - prev.right) <= 0.4 * height:
                runs[-1].append(word)
                continue
        runs.append([word])
    return runs


def _char(run: list[_Word], index: int) -> tuple[_Word, int]:
    """The word holding character ``index`` of the run's joined text, and the offset into it."""
    for word in run:
        if index < len(word.text):
            return word, index
        index -= len(word.text)
    raise AssertionError("index past the end of the run")  # pragma: no cover


def find_boxes(pdf_bytes: bytes, roles: Sequence[str] = ROLES) -> dict[str, Box]:
    """Find each of ``roles``' signature boxes from its two markers; TemplateError if one is
    unusable."""
    pages = _pages(pdf_bytes)
    hits: dict[str, list[tuple[int, float, float]]] = {}
    wanted = [(marker(role, end), end) for role in roles for end in (False, True)]
    for page_no, words in _lines(_pdftotext_bbox(pdf_bytes), pages):
        for run in _runs(words):
            text = "".join(word.text for word in run)
            if SIG_MARKER not in text:
                continue
            for needle, end in wanted:
                at = text.find(needle)
                while at >= 0:
                    if end:  # bottom right of the last character
                        word, offset = _char(run, at + len(needle) - 1)
                        point = (word.x_at(offset + 1), word.bottom)
                    else:  # top left of the first character
                        word, offset = _char(run, at)
                        point = (word.x_at(offset), word.top)
                    hits.setdefault(needle, []).append((page_no, *point))
                    at = text.find(needle, at + len(needle))
    boxes: dict[str, Box] = {}
    for role in roles:
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
    return names.document_title(plan.language, plan.employee.name)


def prepare_pdf(
    pdf_bytes: bytes, plan: Plan, *, order: Sequence[str] | None = None,
    record: bytes | None = None, title: str | None = None,
) -> bytes:
    """Add the empty signature fields, the plan as ``plan.json`` and metadata.

    ``order`` (a lifecycle document's signers) limits the fields to those roles and locks the
    last one's; ``record`` is embedded as ``document.json`` (document/record.py) and ``title``
    replaces the plan's. Locking: the last signer's field carries a FieldMDP lock on all fields
    with DocMDP P=1, so once it has signed nothing may change; the first signature certifies
    with P=2 (sign.py).
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

    roles = tuple(order) if order else ROLES
    boxes = find_boxes(pdf_bytes, roles)
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        if reader.encrypted:
            raise InputError("the PDF is encrypted; convert the document again without a password")
        if reader.embedded_signatures:
            raise InputError("the PDF already carries signatures; prepare the unsigned PDF instead")
        writer = copy_into_new_writer(reader)
    except PdfError as exc:
        raise InputError(f"the PDF cannot be read ({exc}); convert the document again") from exc

    from pipdocs.core.policy import load_policy

    policy = load_policy()
    for role in roles:
        box = boxes[role]
        person = plan.person(role)
        lock = role == (roles[-1] if order else "hr")
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

    if record is not None:
        from pipdocs.document.record import attach_record

        attach_record(writer, record)
    title = title or document_title(plan)
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
