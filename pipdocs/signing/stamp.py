"""The visible signature stamp: text in the document's language, in an embedded CJK font.

Why not hand pyHanko's GlyphAccumulatorFactory the system font directly: Noto Sans CJK is a
65,535-glyph CFF font inside a .ttc; pyHanko's factory re-reads and re-parses it for every stamp
and then subsets all of it (~0.5 s each time, most of it in fontTools). Instead the font is opened
once per process with HarfBuzz (memory-mapped, no parsing up front), and for each stamp the few
glyphs it needs are drawn into a tiny TrueType font (outlines converted once per character and
cached), which pyHanko's GlyphAccumulator then embeds as usual (subset, ToUnicode, widths).
A stamp therefore costs milliseconds after the first, and its text stays extractable.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import uharfbuzz as hb
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.stamp import TextStampStyle

from pipdocs.core.errors import InputError
from pipdocs.core.policy import StampLayout
from pipdocs.core.settings import ENVIRONMENT, current

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch, Alpine
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/Library/Fonts/NotoSansCJKsc-Regular.otf",
)
ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F))  # digits etc.: times differ, glyphs don't


@dataclass
class _FontSource:
    """One font face opened with HarfBuzz, plus the glyphs converted so far."""

    path: str
    index: int
    ps_name: str
    hb_font: Any
    upem: int
    ascender: int
    descender: int
    glyphs: dict[str, tuple[Any, int, int]] = field(default_factory=dict)  # char: glyph, adv, lsb

    def glyph(self, char: str) -> tuple[Any, int, int] | None:
        """TrueType glyph, advance and left side bearing for ``char``; None if the font lacks it."""
        cached = self.glyphs.get(char)
        if cached is not None:
            return cached
        gid = self.hb_font.get_nominal_glyph(ord(char))
        if not gid:
            return None
        pen = TTGlyphPen(None)
        self.hb_font.draw_glyph_with_pen(gid, Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        extents = self.hb_font.get_glyph_extents(gid)
        lsb = extents.x_bearing if extents else 0
        entry = (pen.glyph(), self.hb_font.get_glyph_h_advance(gid), lsb)
        self.glyphs[char] = entry
        return entry


def _face_names(face: Any) -> set[str]:
    names = set()
    for name_id in (hb.OTNameIdPredefined.FONT_FAMILY, hb.OTNameIdPredefined.FULL_NAME,
                    hb.OTNameIdPredefined.TYPOGRAPHIC_FAMILY):
        value = face.get_name(name_id)
        if value:
            names.add(value)
    return names


def open_font(path: str | None = None, face_name: str = "Noto Sans CJK SC") -> _FontSource:
    """The stamp font: ``path`` (the policy's stamp.font), else the configured one
    (PIPDOCS_STAMP_FONT), else the first of the usual places; opened once per process."""
    candidates = [path] if path else [current().stamp_font or ""] + list(FONT_CANDIDATES)
    found = next((p for p in candidates if p and Path(p).is_file()), None)
    if found is None:
        raise InputError(
            "no CJK font for the signature stamp: install fonts-noto-cjk, or set stamp.font in"
            f" the signing policy (or {ENVIRONMENT['stamp_font']}) to a .ttf/.otf/.ttc file"
        )
    return _open_font_file(found, face_name)


@lru_cache(maxsize=4)
def _open_font_file(found: str, face_name: str) -> _FontSource:
    """The font file opened; inside a collection, the face picked by name."""
    import uharfbuzz as hb

    blob = hb.Blob.from_file_path(found)
    count = hb.Face(blob).count
    index = 0
    for i in range(max(count, 1)):
        if face_name in _face_names(hb.Face(blob, i)):
            index = i
            break
    else:
        if count > 1:
            raise InputError(f"{found}: no face named '{face_name}'; fix stamp.font_face")
    face = hb.Face(blob, index)
    font = hb.Font(face)
    extents = font.get_font_extents("ltr")
    ps_name = face.get_name(hb.OTNameIdPredefined.POSTSCRIPT_NAME) or "PipdocsStamp"
    return _FontSource(found, index, ps_name, font, face.upem, extents.ascender,
                       extents.descender)


def font_bytes(text: str, path: str | None = None, face_name: str = "Noto Sans CJK SC") -> bytes:
    """A small TrueType font with the glyphs of ``text`` plus printable ASCII.

    Cached by character set: the same signer's next stamp differs only in digits of the time.
    """
    return _font_bytes("".join(sorted(set(text) - set(ALWAYS))), path, face_name)


@lru_cache(maxsize=64)
def _font_bytes(chars: str, path: str | None, face_name: str) -> bytes:
    source = open_font(path, face_name)
    order, cmap = [".notdef"], {}
    glyphs: dict[str, Any] = {".notdef": TTGlyphPen(None).glyph()}
    metrics = {".notdef": (source.upem // 2, 0)}
    for char in sorted(set(chars) | set(ALWAYS)):
        entry = source.glyph(char) if unicodedata.category(char)[0] != "C" else None
        if entry is None:
            continue
        name = f"u{ord(char):04X}"
        order.append(name)
        cmap[ord(char)] = name
        glyphs[name], advance, lsb = entry
        metrics[name] = (advance, lsb)
    builder = FontBuilder(source.upem, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics(metrics)
    builder.setupHorizontalHeader(ascent=source.ascender, descent=source.descender)
    builder.setupNameTable(
        {"familyName": "PipdocsStamp", "styleName": "Regular", "psName": source.ps_name},
        mac=False,
    )
    builder.setupOS2(sTypoAscender=source.ascender, sTypoDescender=source.descender,
                     usWinAscent=source.ascender, usWinDescent=-source.descender)
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def _font_factory(text: str, layout: StampLayout) -> Any:
    data = font_bytes(text, layout.font, layout.font_face)

    class StampFontFactory(FontEngineFactory):
        """GlyphAccumulator over the per-stamp font (pyHanko's factory wants a file path)."""

        def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
            if obj_stream is None and writer.stream_xrefs:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(writer, io.BytesIO(data), layout.font_size,
                                    obj_stream=obj_stream)

    return StampFontFactory()


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


Measure = Callable[[str], float]


#: Punctuation a Chinese line never starts with: it stays on the previous line (kinsoku).
NO_LINE_START = frozenset("，。、；：！？）》」』】”’,.;:!?)")


def wrap(line: str, limit: float, measure: Measure = _columns) -> list[str]:
    """Wrap one line so that ``measure`` of each part stays within ``limit``: at spaces in Latin
    text, anywhere between CJK characters; continuation lines are indented by two spaces."""
    out: list[str] = []
    current = ""
    tokens: list[str] = []
    for char in line:  # Latin words stay whole; every CJK character is its own token
        if tokens and _columns(char) == 1 and not char.isspace() \
                and _columns(tokens[-1][-1]) == 1 and not tokens[-1][-1].isspace():
            tokens[-1] += char
        else:
            tokens.append(char)
    for token in tokens:
        if current.strip() and measure(current + token) > limit and token not in NO_LINE_START:
            out.append(current.rstrip())
            current = "  " + token.lstrip()
        else:
            current += token
    out.append(current.rstrip())
    return [part for part in out if part.strip()] or [""]


MARGIN = 3  # points between the stamp's border and its text box
PADDING = 3  # points between the text box's edge and the text (pyHanko's default is 10)


def text_width(text: str, layout: StampLayout) -> float:
    """Width of ``text`` in points in the stamp font (advances, as the stamp will draw it)."""
    source = open_font(layout.font, layout.font_face)
    units = 0
    for char in text:
        entry = source.glyph(char)
        units += entry[1] if entry else source.upem // 2
    return units * layout.font_size / source.upem


#: pyHanko shrinks a stamp whose text is taller than its box; below this scale it is unreadable,
#: so longer text is cut with an ellipsis and a last line saying that the full reason is in the
#: signature record (the stamp never cuts a comment silently).
MIN_SCALE = 0.8
ELLIPSIS = "…"


def stamp_text(layout: StampLayout, language: str, *, width: float | None = None,
               height: float | None = None, **values: str) -> str:
    """The stamp's lines: the policy template filled in and wrapped to a field ``width`` points
    wide (measured in the stamp font), and to ``stamp.wrap`` columns if the policy sets it;
    with the field's ``height``, cut to the lines that stay legible there."""
    values = {k: " ".join(str(v).split()) for k, v in values.items()}  # one line per value
    filled = layout.template(language) % values
    groups: list[list[str]] = []  # wrapped parts of each template line
    for line in filled.splitlines():
        parts = [line]
        if width:
            limit = width - 2 * (MARGIN + layout.border_width + PADDING) - 4
            parts = wrap(line, max(limit, 40.0), lambda t: text_width(t, layout))
        if layout.wrap or not width:
            parts = [p for part in parts for p in wrap(part, layout.wrap or 44)]
        groups.append(parts)
    if height:
        leading = layout.leading or layout.font_size * 1.2
        usable = height - 2 * (MARGIN + layout.border_width + PADDING)
        max_lines = max(int(usable / (leading * MIN_SCALE)), len(groups) + 1, 2)
        if sum(map(len, groups)) > max_lines:
            # Never cut silently: the last line says the text goes on in the signature record.
            _cut(groups, max_lines - 1, layout, width)
            groups.append([layout.continued(language)])
    return "\n".join(part for parts in groups for part in parts)


def _cut(groups: list[list[str]], max_lines: int, layout: StampLayout,
         width: float | None) -> None:
    """Shorten the longest wrapped values (usually the reason) until ``max_lines`` remain."""
    while sum(map(len, groups)) > max_lines:
        longest = max(groups, key=len)
        if len(longest) < 2:
            break
        longest.pop()
        last = longest[-1].rstrip() + ELLIPSIS
        if width:
            limit = width - 2 * (MARGIN + layout.border_width + PADDING) - 4
            while len(last) > 2 and text_width(last, layout) > limit:
                last = last[:-2].rstrip() + ELLIPSIS
        longest[-1] = last


def stamp_style(text: str, layout: StampLayout) -> TextStampStyle:
    """A pyHanko TextStampStyle drawing exactly ``text`` in the embedded CJK font."""
    return TextStampStyle(
        stamp_text=text.replace("%", "%%"),  # pyHanko %-formats the template; text is data
        text_box_style=TextBoxStyle(
            box_layout_rule=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MIN,
                y_align=AxisAlignment.ALIGN_MID,
                margins=Margins.uniform(PADDING),
            ),
            font=_font_factory(text, layout),
            font_size=layout.font_size,
            leading=layout.leading,
            text_color=layout.text_color,
        ),
        border_width=layout.border_width,
        border_color=layout.border_color,
        background=None,
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins.uniform(MARGIN),
        ),
    )


def field_size(reader: PdfFileReader, field_name: str) -> tuple[float | None, float | None]:
    """Width and height of the field's widget in points, to fit the stamp text to it."""
    for _name, _value, ref in enumerate_sig_fields(reader, with_name=field_name):
        box = ref.get_object()
        widget = box if "/Rect" in box else box["/Kids"][0].get_object()
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
        return abs(x2 - x1) or None, abs(y2 - y1) or None
    return None, None
