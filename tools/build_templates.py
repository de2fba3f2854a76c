"""(Re)build the eight PIP Word templates: templates/<zh|en>/<role>.docx.

    .venv/bin/python tools/build_templates.py [--out templates]

The committed .docx files are what users edit and what pipdocs loads; this script is how they
were made, so a change of wording or layout stays reviewable and the output is byte-for-byte
reproducible (fixed zip timestamps and core properties). Wording lives in template_text.py.

Layout rules the rest of pipdocs relies on:
- every page: organisation + "Confidential" in the header; plan id and "Page X of Y" (PAGE and
  NUMPAGES fields) in the footer; A4 with 2 cm margins;
- the six sections of a PIP in order (problem, expected standard, SMART goals, actions and
  support, timetable and checkpoints, evaluation and outcomes), then the employee's statement
  and appeal channel;
- a signature page with one box per role, each box a row of ONE table whose rows cannot split
  and keep together (LibreOffice splits separate tables across pages); the blank signing area is
  a table cell whose first paragraph is ``[[sig:<role>:begin]]`` (left) and last
  ``[[sig:<role>:end]]`` (right), white 2 pt text, so the PDF stage finds the box wherever it
  lands;
- fonts named explicitly (no theme fonts) with w:eastAsia and w:lang eastAsia="zh-CN" in the
  document defaults and in every style, so LibreOffice picks and embeds the right faces.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from template_text import ROLE, ROLES, TEXT

from pipdocs.core.names import marker

ROOT = Path(__file__).resolve().parent.parent
NAVY = "1F3864"
GREY = "595959"
BORDER = "8C97AA"
HEAD_FILL = "DCE3EE"
LABEL_FILL = "F2F4F8"
OUTCOME_FILLS = ("E2EFDA", "FFF2CC", "FBE4E4")
CONTENT_CM = 17.0
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)

FONTS = {
    # lang: (body, heading/table, east-asian fallback for the body, w:lang val)
    "zh": ("Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Serif CJK SC", "zh-CN"),
    "en": ("Carlito", "Carlito", "Noto Sans CJK SC", "en-GB"),
}
# w:lang w:val is the language of Latin text: en-US in Chinese documents (as Word does), so
# LibreOffice breaks "JaCoCo" or "80%" at word boundaries, not between letters.
LATIN_LANG = {"zh-CN": "en-US", "en-GB": "en-GB"}
SIZES = {"zh": (10.5, 9.5, 14, 12, 20), "en": (11, 10, 14, 12, 22)}  # body, table, h1, h2, title

# Schema order of child elements, so Word accepts what we insert.
PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
    "rPr", "sectPr", "pPrChange",
]
RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr",
    "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish",
]
TCPR_ORDER = [
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark",
]
TBLPR_ORDER = [
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook",
]
TRPR_ORDER = [
    "cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit", "trHeight",
    "tblHeader", "tblCellSpacing", "jc", "hidden",
]


def child(parent, tag: str, order: list[str]):
    """The ``w:tag`` child of ``parent``, created in schema order if missing."""
    found = parent.find(qn(f"w:{tag}"))
    if found is not None:
        return found
    new = OxmlElement(f"w:{tag}")
    later = order[order.index(tag) + 1:]
    for sibling in parent:
        name = sibling.tag.rsplit("}", 1)[-1]
        if name in later:
            sibling.addprevious(new)
            return new
    parent.append(new)
    return new


def set_attrs(el, **attrs: str) -> None:
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)


def twips(cm: float) -> str:
    return str(round(cm / 2.54 * 1440))


# --- styles -----------------------------------------------------------------------------------


def rpr_fonts(rpr, latin: str, east_asian: str, lang: str) -> None:
    """Explicit fonts for every script and the zh-CN East Asian language tag."""
    fonts = child(rpr, "rFonts", RPR_ORDER)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    set_attrs(fonts, ascii=latin, hAnsi=latin, eastAsia=east_asian, cs=latin)
    set_attrs(child(rpr, "lang", RPR_ORDER), val=LATIN_LANG[lang], eastAsia="zh-CN",
              bidi="ar-SA")


def style_paragraph(doc, name: str, lang: str, *, size: float, heading: bool = False,
                    bold: bool = False, color: str | None = None, before: float = 0,
                    after: float = 4, line: float | None = None, keep_next: bool = False,
                    base: str | None = "Normal"):
    """Create or restyle a paragraph style with explicit fonts (never theme fonts)."""
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(
        name, WD_STYLE_TYPE.PARAGRAPH)
    if base and name != base:
        style.base_style = styles[base]
    body, head, east, lang_tag = FONTS[lang]
    latin = head if heading else body
    rpr_fonts(style.element.get_or_add_rPr(), latin, head if heading else east, lang_tag)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor.from_string(color or "000000")
    pf = style.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line:
        pf.line_spacing = line
    pf.keep_with_next = keep_next
    ppr = style.element.get_or_add_pPr()
    for tag in ("pBdr", "numPr"):
        found = ppr.find(qn(f"w:{tag}"))
        if found is not None:
            ppr.remove(found)
    return style


def setup_styles(doc, lang: str) -> None:
    body_pt, table_pt, h1_pt, h2_pt, title_pt = SIZES[lang]
    body, head, east, lang_tag = FONTS[lang]
    # Remove theme fonts everywhere, then set the document defaults.
    for fonts in doc.styles.element.iter(qn("w:rFonts")):
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attr}"), None)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rpr_fonts(rpr, body, east, lang_tag)
    child(rpr, "sz", RPR_ORDER).set(qn("w:val"), str(int(body_pt * 2)))
    child(rpr, "szCs", RPR_ORDER).set(qn("w:val"), str(int(body_pt * 2)))
    line = 1.3 if lang == "zh" else 1.12
    style_paragraph(doc, "Normal", lang, size=body_pt, after=4, line=line, base=None)
    style_paragraph(doc, "Title", lang, size=title_pt, heading=True, bold=True, color=NAVY,
                    after=4, line=1.0)
    style_paragraph(doc, "Heading 1", lang, size=h1_pt, heading=True, bold=True, color=NAVY,
                    before=14, after=6, line=1.15, keep_next=True)
    style_paragraph(doc, "Heading 2", lang, size=h2_pt, heading=True, bold=True, color=NAVY,
                    before=8, after=4, line=1.15, keep_next=True)
    h1 = doc.styles["Heading 1"].element.get_or_add_pPr()
    bdr = child(h1, "pBdr", PPR_ORDER)
    set_attrs(child(bdr, "bottom", ["top", "left", "bottom", "right"]), val="single", sz="6",
              space="2", color=NAVY)
    style_paragraph(doc, "PIP Body", lang, size=body_pt, after=4, line=line)
    if lang == "zh":
        doc.styles["PIP Body"].paragraph_format.first_line_indent = Pt(body_pt * 2)
    style_paragraph(doc, "PIP Label", lang, size=body_pt, heading=True, bold=True, color=NAVY,
                    before=6, after=2, keep_next=True)
    style_paragraph(doc, "PIP Item", lang, size=body_pt, after=2, line=line)
    item = doc.styles["PIP Item"].paragraph_format
    item.left_indent, item.first_line_indent = Cm(0.9), Cm(-0.6)
    style_paragraph(doc, "PIP Goal", lang, size=body_pt, heading=True, bold=True, color=NAVY,
                    before=6, after=2, keep_next=True)
    style_paragraph(doc, "PIP Goal Text", lang, size=body_pt, after=2, line=line)
    doc.styles["PIP Goal Text"].paragraph_format.left_indent = Cm(0.6)
    style_paragraph(doc, "PIP Note", lang, size=table_pt, color=GREY, before=4, after=6,
                    line=line)
    style_paragraph(doc, "PIP Table Text", lang, size=table_pt, after=0, line=1.1)
    style_paragraph(doc, "PIP Table Head", lang, size=table_pt, heading=True, bold=True,
                    color=NAVY, after=0, line=1.1)
    style_paragraph(doc, "PIP Meta", lang, size=table_pt, heading=True, color=GREY, after=8)
    style_paragraph(doc, "PIP Marker", lang, size=2, color="FFFFFF", after=0)
    marker = doc.styles["PIP Marker"].paragraph_format
    marker.space_before = Pt(0)
    marker.line_spacing_rule, marker.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(2)
    for name in ("Header", "Footer"):
        style_paragraph(doc, name, lang, size=8.5, heading=True, color=GREY, after=0)
        tabs = doc.styles[name].element.get_or_add_pPr().find(qn("w:tabs"))
        if tabs is not None:
            tabs.getparent().remove(tabs)


# --- building blocks --------------------------------------------------------------------------


def add_runs(p: Paragraph, text: str | list[tuple[str, bool]]) -> None:
    """Append ``text`` (plain, or runs of (text, bold)) to ``p``."""
    runs = [(text, False)] if isinstance(text, str) else text
    for chunk, bold in runs:
        if chunk:
            run = p.add_run(chunk)
            if bold:
                run.bold = True


def para(container, text: str | list[tuple[str, bool]] = "", style: str = "PIP Body",
         align=None, keep_next: bool | None = None) -> Paragraph:
    """A paragraph; ``text`` may be runs of (text, bold). Jinja tags stay within one run."""
    p = container.add_paragraph(style=style)
    add_runs(p, text)
    if align is not None:
        p.alignment = align
    if keep_next is not None:
        p.paragraph_format.keep_with_next = keep_next
    return p


def cell_text(cell: _Cell, text: str | list[tuple[str, bool]], style: str) -> Paragraph:
    p = cell.paragraphs[0]
    p.style = style
    add_runs(p, text)
    return p


def shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    set_attrs(child(tcpr, "shd", TCPR_ORDER), val="clear", color="auto", fill=fill)


def new_table(container, widths: list[float]) -> Table:
    """Fixed-layout table with set column widths, thin grey borders and roomy cells."""
    table = container.add_table(rows=0, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblpr = table._tbl.tblPr
    set_attrs(child(tblpr, "tblW", TBLPR_ORDER), w=twips(sum(widths)), type="dxa")
    set_attrs(child(tblpr, "tblLayout", TBLPR_ORDER), type="fixed")
    borders = child(tblpr, "tblBorders", TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        set_attrs(edge, val="single", sz="4", space="0", color=BORDER)
        borders.append(edge)
    margins = child(tblpr, "tblCellMar", TBLPR_ORDER)
    for side, cm in (("top", 0.08), ("left", 0.15), ("bottom", 0.08), ("right", 0.15)):
        edge = OxmlElement(f"w:{side}")
        set_attrs(edge, w=twips(cm), type="dxa")
        margins.append(edge)
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), twips(width))
    table._pip_widths = widths  # type: ignore[attr-defined]
    return table


def add_row(table: Table, cells: list, style: str = "PIP Table Text", *, header: bool = False,
            fills: list[str | None] | None = None, cant_split: bool = True):
    """Append a row; ``cells`` are texts (or run lists). Header rows repeat on every page."""
    row = table.add_row()
    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        child(trpr, "cantSplit", TRPR_ORDER)
    if header:
        child(trpr, "tblHeader", TRPR_ORDER)
    widths = table._pip_widths  # type: ignore[attr-defined]
    for i, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        cell.width = Cm(widths[i])
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        cell_text(cell, text, "PIP Table Head" if header else style)
        fill = HEAD_FILL if header else (fills[i] if fills else None)
        if fill:
            shade(cell, fill)
    return row


def loop_row(table: Table, tag: str) -> None:
    """A row holding only a docxtpl ``{%tr ... %}`` tag: replaced by the tag when rendering."""
    add_row(table, [tag] + [""] * (len(table.columns) - 1))


def page_field(paragraph: Paragraph, instr: str) -> None:
    """A PAGE / NUMPAGES field (Word and LibreOffice both update it)."""
    for kind, text in (("begin", None), ("instr", f" {instr} "), ("separate", None),
                       ("text", "1"), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            set_attrs(el, fldCharType=kind)
        run._r.append(el)


def right_tab(paragraph: Paragraph, border: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = child(ppr, "pBdr", PPR_ORDER)
    set_attrs(child(bdr, border, ["top", "left", "bottom", "right"]), val="single", sz="4",
              space="4", color=BORDER)
    tabs = child(ppr, "tabs", PPR_ORDER)
    tab = OxmlElement("w:tab")
    set_attrs(tab, val="right", pos=twips(CONTENT_CM))
    tabs.append(tab)


# --- the document -----------------------------------------------------------------------------


def page_setup(doc, T: dict[str, Any]) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
    section.header_distance = section.footer_distance = Cm(1.0)
    # The first page carries the letterhead in the body, so its page header stays empty.
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].style = doc.styles["Header"]
    head = section.header.paragraphs[0]
    head.style = doc.styles["Header"]
    head.add_run("{{ organisation }}")
    head.add_run("\t" + T["header_right"])
    right_tab(head, "bottom")
    for footer in (section.footer, section.first_page_footer):
        page_footer(doc, footer.paragraphs[0], T)


def page_footer(doc, foot: Paragraph, T: dict[str, Any]) -> None:
    """Plan id, 'Confidential' and 'Page X of Y' (fields, so they stay right after editing)."""
    foot.style = doc.styles["Footer"]
    foot.add_run(T["footer_left"] + "\t" + T["page_of"][0])
    page_field(foot, "PAGE")
    foot.add_run(T["page_of"][1])
    page_field(foot, "NUMPAGES")
    if T["page_of"][2]:
        foot.add_run(T["page_of"][2])
    right_tab(foot, "top")


def title_block(doc, T: dict[str, Any], R: dict[str, str]) -> None:
    letterhead(doc, T["title"], T["meta"].replace("{role_label}", R["label"]))
    parties_table(doc, T)
    para(doc, T["intro"])


def letterhead(doc, title: str, meta: str) -> None:
    """The organisation (when the plan names one), the document's title and its meta line."""
    para(doc, "{%p if organisation %}", "PIP Meta")
    para(doc, "{{ organisation }}", "PIP Meta").paragraph_format.space_after = Pt(0)
    para(doc, "{%p endif %}", "PIP Meta")
    para(doc, title, "Title")
    para(doc, meta, "PIP Meta")


def parties_table(doc, T: dict[str, Any], extra: Sequence[tuple[str, str]] = ()) -> None:
    """Who and when: the parties, the period, then ``extra`` (label, value) rows."""
    table = new_table(doc, [3.1, 5.4, 3.1, 5.4])
    fills = [LABEL_FILL, None, LABEL_FILL, None]
    add_row(table, [T["p_employee"], "{{ employee.name }}", T["p_employee_id"],
                    "{{ employee.id }}"], fills=fills)
    add_row(table, [T["p_department"], "{{ employee.department }}", T["p_title"],
                    "{{ employee.title }}"], fills=fills)
    add_row(table, [T["p_manager"], T["person"] % ("manager", "manager"), T["p_hr"],
                    T["person"] % ("hr", "hr")], fills=fills)
    for label, value in [(T["p_period"], T["period"]), *extra]:
        row = add_row(table, [label, value, "", ""], fills=fills)
        row.cells[1].merge(row.cells[3])
    for row in table.rows:
        for p in row.cells[0].paragraphs + row.cells[2].paragraphs:
            p.style = doc.styles["PIP Table Head"]
    para(doc, "", "PIP Body").paragraph_format.space_after = Pt(2)


def section_diagnosis(doc, T: dict[str, Any], R: dict[str, str]) -> None:
    para(doc, T["h1"], "Heading 1")
    para(doc, T["l_summary"], "PIP Label")
    para(doc, "{{ diagnosis.summary }}")
    para(doc, "{%p if diagnosis.root_causes %}", "PIP Label")
    para(doc, T["l_causes"], "PIP Label")
    para(doc, "{%p for c in diagnosis.root_causes %}", "PIP Item")
    para(doc, T["cause_item"], "PIP Item")
    para(doc, "{%p endfor %}", "PIP Item")
    para(doc, "{%p endif %}", "PIP Item")
    listing(doc, "diagnosis.evidence", "e", T["l_evidence"], T["evidence_item"])
    para(doc, [(T["l_role_note"], True), (R["note"], False)], "PIP Note")


def listing(doc, items: str, var: str, label: str, item: str, style: str = "PIP Label") -> None:
    """An optional labelled list from the plan: nothing at all when the plan has none."""
    para(doc, f"{{%p if {items} %}}", style)
    para(doc, label, style)
    para(doc, f"{{%p for {var} in {items} %}}", "PIP Item")
    para(doc, item, "PIP Item")
    para(doc, "{%p endfor %}", "PIP Item")
    para(doc, "{%p endif %}", "PIP Item")


def section_gap(doc, T: dict[str, Any]) -> None:
    para(doc, T["h2"], "Heading 1")
    para(doc, T["t2_intro"], keep_next=True)
    table = new_table(doc, [3.4, 2.2, 2.8, 2.9, 2.6, 3.1])
    add_row(table, T["t2_cols"].split("|"), header=True)
    loop_row(table, "{%tr for g in goals %}")
    add_row(table, ["{{ g.metric }}", "{{ g.baseline }}", "{{ g.standard or '—' }}",
                    "{{ g.target }}", "{{ g.deadline }}", "{{ g.measurement }}"])
    loop_row(table, "{%tr endfor %}")


def section_goals(doc, T: dict[str, Any]) -> None:
    para(doc, T["h3"], "Heading 1")
    para(doc, T["goals_intro"], keep_next=True)  # never alone at the foot of a page
    para(doc, "{%p for g in goals %}", "PIP Goal Text")
    para(doc, T["goal_head"], "PIP Goal")
    # Every line but the last keeps with the next: a goal never splits across pages.
    for key in ("goal_target", "goal_baseline", "goal_standard", "goal_deadline",
                "goal_evidence"):
        label, value = T[key]
        if key == "goal_standard":
            para(doc, "{%p if g.standard %}", "PIP Goal Text")
        para(doc, [(label, True), (value, False)], "PIP Goal Text",
             keep_next=key != "goal_evidence")
        if key == "goal_standard":
            para(doc, "{%p endif %}", "PIP Goal Text")
    para(doc, "{%p endfor %}", "PIP Goal Text")
    para(doc, T["goals_change"]).paragraph_format.space_before = Pt(6)


def section_actions(doc, T: dict[str, Any]) -> None:
    para(doc, T["h4"], "Heading 1")
    para(doc, T["h4_1"], "Heading 2")
    table = new_table(doc, [2.0, 3.6, 7.4, 4.0])
    add_row(table, T["t4_cols"].split("|"), header=True)
    loop_row(table, "{%tr for a in actions %}")
    add_row(table, [T["weeks_cell"], "{{ a|week_dates }}", "{{ a.task }}", ""])
    loop_row(table, "{%tr endfor %}")
    para(doc, T["h4_2"], "Heading 2")
    para(doc, "{%p for s in support %}", "PIP Item")
    para(doc, T["support_item"], "PIP Item")
    para(doc, "{%p endfor %}", "PIP Item")
    listing(doc, "commitments", "m", T["h4_3"], T["commitment_item"], "Heading 2")


def section_checkpoints(doc, T: dict[str, Any]) -> None:
    para(doc, T["h5"], "Heading 1")
    para(doc, T["t5_intro"], keep_next=True)
    table = new_table(doc, [1.0, 3.3, 5.0, 4.7, 3.0])
    add_row(table, T["t5_cols"].split("|"), header=True)
    loop_row(table, "{%tr for c in checkpoints %}")
    row = add_row(table, ["{{ loop.index }}", "{{ c.date }}", "{{ c.focus }}", "", ""])
    row.height, row.height_rule = Cm(1.1), WD_ROW_HEIGHT_RULE.AT_LEAST  # room for notes
    loop_row(table, "{%tr endfor %}")


def section_evaluation(doc, T: dict[str, Any]) -> None:
    para(doc, T["h6"], "Heading 1")
    para(doc, T["eval_intro"], keep_next=True)
    listing(doc, "evaluation", "v", T["l_eval"], T["eval_item"])
    table = new_table(doc, [2.8, 5.7, 8.5])
    header = add_row(table, T["t6_cols"].split("|"), header=True)
    rows = [header]
    for key, fill in zip(("met", "partial", "notmet"), OUTCOME_FILLS, strict=True):
        row = add_row(table, [[(T[key], True)], T[f"{key}_crit"], T[f"{key}_next"]],
                      fills=[fill, None, None])
        row.cells[0].paragraphs[0].style = doc.styles["PIP Table Head"]
        rows.append(row)
    for row in rows[:-1]:  # the three outcomes are read together: never split the table
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
    # No page break before the statement: a forced break left the page before it half empty.
    # The signature block keeps together (keep-with-next from its heading to the HR box).
    para(doc, T["h7"], "Heading 1")
    para(doc, T["h7_1"], "Heading 2")
    para(doc, T["statement"])
    para(doc, T["h7_2"], "Heading 2")
    para(doc, T["appeal"])


def signature_box(doc, table: Table, T: dict[str, Any], role: str) -> None:
    """One role's box, an unsplittable row of the signature table: who signs (left) and the
    signing area (right).

    The signing area is at least 3 cm high; its first paragraph is the begin marker and its last
    the end marker, so the PDF stage puts the signature field exactly over it.
    """
    title = T["sig_title_employee"] if role == "employee" else T["sig_title"] % role
    label, name = T["sig_name"]
    row = add_row(table, [[(T[f"sig_{role}"], True)], ""], fills=[LABEL_FILL, None])
    row.height, row.height_rule = Cm(3.0), WD_ROW_HEIGHT_RULE.AT_LEAST
    who = row.cells[0]
    who.paragraphs[0].style = doc.styles["PIP Table Head"]
    who.paragraphs[0].paragraph_format.space_after = Pt(3)
    name_para = who.add_paragraph(style=doc.styles["PIP Table Text"])
    name_para.add_run(label)
    name_para.add_run(name % role).bold = True
    who.add_paragraph(title, style=doc.styles["PIP Table Text"])
    who.add_paragraph(T["sig_email"] % role, style=doc.styles["PIP Table Text"])
    area = row.cells[1]
    begin = area.paragraphs[0]
    begin.style = doc.styles["PIP Marker"]
    begin.add_run(marker(role))
    begin.alignment = WD_ALIGN_PARAGRAPH.LEFT
    spacer = area.add_paragraph(style=doc.styles["PIP Marker"])
    spacer.paragraph_format.line_spacing = Pt(72)  # 2.54 cm: the end marker sits at the bottom
    end = area.add_paragraph(style=doc.styles["PIP Marker"])
    end.add_run(marker(role, end=True))
    end.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for cell in row.cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True


def signature_table(doc, T: dict[str, Any], roles: list[str] | tuple[str, ...]) -> None:
    """Every signer's box in ONE table of unsplittable rows that keep with the next.

    LibreOffice does not honour keep-with-next from one table to the next (three tables split
    over two pages); inside one table it keeps the rows together, so the boxes never split. The
    last row keeps with the paragraph after the table too, so no note is left alone on a page.
    """
    table = new_table(doc, [8.0, 9.0])
    for role in roles:
        signature_box(doc, table, T, role)
    para(doc, "", "PIP Marker").paragraph_format.space_after = Pt(8)


def section_signatures(doc, T: dict[str, Any]) -> None:
    para(doc, T["h_sig"], "Heading 1")
    space = "" if T is TEXT["zh"] else " "
    intro = para(doc, T["closing"] + space + T["sig_intro"], keep_next=True)
    intro.paragraph_format.space_after = Pt(8)
    signature_table(doc, T, ("employee", "manager", "hr"))


def build(lang: str, role: str) -> bytes:
    """The template for one language and role, as .docx bytes."""
    T, R = TEXT[lang], ROLE[lang][role]
    doc = new_document(lang, T)
    title_block(doc, T, R)
    section_diagnosis(doc, T, R)
    section_gap(doc, T)
    section_goals(doc, T)
    section_actions(doc, T)
    section_checkpoints(doc, T)
    section_evaluation(doc, T)
    section_signatures(doc, T)
    return document_bytes(doc, lang, f"{T['doc_title']} ({R['label']})", f"PIP {lang} {role}")


def new_document(lang: str, T: dict[str, Any]) -> Any:
    """An empty document with the house styles, A4 page, header and footer (plan and lifecycle
    templates alike)."""
    doc = Document()
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    setup_styles(doc, lang)
    page_setup(doc, T)
    return doc


def document_bytes(doc: Any, lang: str, title: str, keywords: str) -> bytes:
    """The finished template as reproducible .docx bytes: fixed core properties, no thumbnail."""
    props = doc.core_properties
    props.title = title
    props.subject = ""
    props.author = props.last_modified_by = "pipdocs"
    props.language = FONTS[lang][3]
    props.keywords = keywords
    props.comments = "Template for pipdocs: edit freely, then run `pipdocs templates check`."
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    drop_thumbnail(doc)
    raw = io.BytesIO()
    doc.save(raw)
    return normalise_zip(raw.getvalue())


def drop_thumbnail(doc) -> None:
    """python-docx's blank document carries a generic thumbnail: not ours to ship."""
    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            rels.pop(rid)


def normalise_zip(data: bytes) -> bytes:
    """Same input, same bytes: fixed timestamps and order in the zip container."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()


def write_templates(argv: list[str] | None, doc: str, names: Sequence[str],
                    build_one: Callable[[str, str], bytes]) -> int:
    """The command line of both build scripts: ``build_one(lang, name)`` for every language and
    name, written to <out>/<lang>/<name>.docx."""
    parser = argparse.ArgumentParser(description=doc.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / "templates")
    args = parser.parse_args(argv)
    for lang in ("zh", "en"):
        for name in names:
            path = args.out / lang / f"{name}.docx"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(build_one(lang, name))
            print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    return write_templates(argv, __doc__ or "", ROLES, build)


if __name__ == "__main__":
    sys.exit(main())
