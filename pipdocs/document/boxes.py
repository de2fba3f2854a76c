"""Where each role's signature box is on the page, and what the page prints next to it.

Each role's box is a table cell that carries two invisible (white, 2 pt) marker paragraphs,
``[[sig:<role>:begin]]`` at its top left and ``[[sig:<role>:end]]`` at its bottom right. We find
them with poppler's ``pdftotext -bbox-layout`` (word boxes, tens of milliseconds per document,
where pypdf's positional extraction took a fifth of a second), so the field follows the box
wherever long content pushes it; nothing here knows page coordinates.

The same pass reads the text of each box's table row (the role's label, name and e-mail): the
verdict rests on the embedded plan.json, so prepare, sign and verify all check that the page
prints the same people as plan.json (:func:`party_mismatches`).
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pipdocs.core.errors import ConversionError, InputError, TemplateError
from pipdocs.core.names import SIG_MARKER, marker
from pipdocs.core.plan import ROLES, Plan

#: How far the field sits inside the marker rectangle (points), so it never touches the cell border.
INSET = 2.0
#: Smallest box (points) that still holds a readable stamp (name, role, time, reason).
MIN_WIDTH, MIN_HEIGHT = 60.0, 20.0


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
    """(page index, words) of every text line on the pages that hold a marker.

    Skipping the other pages before parsing them saves most of the time on long documents.
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
        if SIG_MARKER not in chunk:
            continue
        for line in chunk.split("<line ")[1:]:
            words = []
            for m in _WORD.finditer(line):
                (xa, ya), (xb, yb) = (
                    page.user(float(m[1]), float(m[2])),
                    page.user(float(m[3]), float(m[4])),
                )
                text = html.unescape(m[5])
                words.append(_Word(text, min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)))
            if words:
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
    return read_boxes(pdf_bytes, roles)[0]


def read_boxes(pdf_bytes: bytes, roles: Sequence[str] = ROLES,
               ) -> tuple[dict[str, Box], dict[str, str]]:
    """Each of ``roles``' signature boxes (a lifecycle document has fewer signers than a plan),
    and the text of its table row (one line per text line)."""
    lines = _lines(_pdftotext_bbox(pdf_bytes), _pages(pdf_bytes))
    boxes = _boxes(lines, roles)
    return boxes, {role: _row_text(lines, box, _floor(box, boxes.values()))
                   for role, box in boxes.items()}


def _boxes(lines: list[tuple[int, list[_Word]]], roles: Sequence[str]) -> dict[str, Box]:
    hits: dict[str, list[tuple[int, float, float]]] = {}
    wanted = [(marker(role, end), end) for role in roles for end in (False, True)]
    for page_no, words in lines:
        if not any("[" in word.text for word in words):
            continue
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




# --- who the page names in each box's row ---------------------------------------------------------

#: How far (points) a row's text may reach above or below its box's markers.
ROW_TOLERANCE = 3.0


def _floor(box: Box, boxes: Iterable[Box]) -> float:
    """Where ``box``'s row ends at the latest: the next box below it on the page. (The row may be
    taller than the box when a long name wraps in the label cell.)"""
    below = [b.top for b in boxes if b.page == box.page and b.top < box.bottom]
    return max(below) + ROW_TOLERANCE if below else float("-inf")


def _row_text(lines: list[tuple[int, list[_Word]]], box: Box, floor: float) -> str:
    """The text left of ``box``'s right edge from its top down to ``floor``, one line each."""
    out = []
    for page_no, words in lines:
        if page_no != box.page:
            continue
        kept = [w.text for w in words
                if w.left < box.right and SIG_MARKER not in w.text
                and floor < (w.top + w.bottom) / 2 <= box.top + ROW_TOLERANCE]
        if kept:
            out.append(" ".join(kept))
    return "\n".join(out)


def _norm(text: str) -> str:
    """Compared as a reader would: Unicode-normalised, any case, whitespace ignored (a name
    wraps at a space, after a hyphen, or anywhere in Chinese)."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _shows(row: str, value: str) -> bool:
    """``value`` appears in one line of ``row`` as a whole: not inside a longer word or address
    ('Sam' is not shown by 'Sam Ortiz', 'a@b.com' not by 'xa@b.com')."""
    needle = _norm(value)
    if not needle:
        return False
    inner = r"[\w.%+@-]"
    pattern = re.compile(rf"(?<!{inner}){re.escape(needle)}(?!{inner})")
    lines = [_norm(line) for line in row.splitlines()]
    return any(pattern.search("".join(lines[i:j]))  # a long name wraps over lines
               for i in range(len(lines)) for j in range(i + 1, len(lines) + 1))


def parties(plan: Plan) -> dict[str, tuple[str, str]]:
    """Each role's (name, e-mail) as plan.json gives them."""
    return {role: (plan.person(role).name, plan.person(role).email) for role in ROLES}


def party_mismatches(rows: Mapping[str, str],
                     parties: Mapping[str, tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(role, 'name' or 'e-mail', plan's value) for each party the role's row does not show."""
    missing = []
    for role, (name, email) in parties.items():
        row = rows.get(role, "")
        for what, value in (("name", name), ("e-mail", email)):
            if not _shows(row, value):
                missing.append((role, what, value))
    return missing
