"""(Re)build the lifecycle templates: templates/<zh|en>/<checkin|evaluation|refusal|revision>.docx.

    .venv/bin/python tools/build_lifecycle_templates.py [--out templates]

Same house style and rules as the plan templates (tools/build_templates.py, whose styles and
building blocks this script reuses): explicit CJK fonts, header and footer on every page, and one
signature box per signer, marked ``[[sig:<role>:begin]]`` / ``[[sig:<role>:end]]``. The output
is byte-for-byte reproducible. Wording lives in lifecycle_text.py. The revision template is a
cover page only: the revised plan itself is rendered from its role template and appended.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

from build_templates import (
    FIXED_TIME,
    FONTS,
    LABEL_FILL,
    add_row,
    drop_thumbnail,
    loop_row,
    new_table,
    normalise_zip,
    page_setup,
    para,
    setup_styles,
    signature_table,
)
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from lifecycle_text import COMMON, TEXT

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("checkin", "evaluation", "refusal", "revision")
LABEL = "PIP Table Head"


def info_table(doc: Any, T: dict[str, Any], extra: list[tuple[str, str]]) -> None:
    """Who and when: the parties, the period, and the document's own rows."""
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
            p.style = doc.styles[LABEL]
    para(doc, "", "PIP Body").paragraph_format.space_after = Pt(2)


def title_block(doc: Any, T: dict[str, Any], K: dict[str, Any],
                extra: list[tuple[str, str]]) -> None:
    para(doc, "{%p if organisation %}", "PIP Meta")
    para(doc, "{{ organisation }}", "PIP Meta").paragraph_format.space_after = Pt(0)
    para(doc, "{%p endif %}", "PIP Meta")
    para(doc, K["title"], "Title")
    para(doc, T["meta"], "PIP Meta")
    info_table(doc, T, [(K["p_date"], "{{ date }}"), *extra])


def signatures(doc: Any, T: dict[str, Any], K: dict[str, Any]) -> None:
    para(doc, K["h_sign"], "Heading 1")
    para(doc, K["sign_intro"], keep_next=True)
    # Before the boxes, not under them: LibreOffice would leave a note after the table alone
    # on the next page; here heading, text, note and boxes move to a page together.
    para(doc, T["follows"], "PIP Note", keep_next=True).paragraph_format.space_after = Pt(8)
    signature_table(doc, T, K["order"])


def listing(doc: Any, loop: str, item: str, empty: str | None = None) -> None:
    """A numbered list from a loop; ``empty`` is shown when the list has no items."""
    if empty:
        para(doc, "{%p if " + loop.split(" in ")[1].strip() + " %}", "PIP Item")
    para(doc, "{%p for " + loop + " %}", "PIP Item")
    para(doc, item, "PIP Item")
    para(doc, "{%p endfor %}", "PIP Item")
    if empty:
        para(doc, "{%p else %}", "PIP Item")
        para(doc, empty, "PIP Body")
        para(doc, "{%p endif %}", "PIP Item")


def checkin(doc: Any, T: dict[str, Any], K: dict[str, Any]) -> None:
    number = "{% if number %}" + K["number"] + "{% else %}{{ extra_label }}{% endif %}"
    title_block(doc, T, K, [(K["p_number"], number)])
    para(doc, K["h_goals"], "Heading 1")
    para(doc, K["goals_intro"], keep_next=True)
    table = new_table(doc, [2.6, 4.2, 4.0, 2.0, 4.2])
    add_row(table, K["goal_cols"].split("|"), header=True)
    loop_row(table, "{%tr for g in goals %}")
    add_row(table, list(K["goal_cells"]))
    loop_row(table, "{%tr endfor %}")
    para(doc, K["h_support"], "Heading 1")
    para(doc, K["support_intro"], keep_next=True)
    table = new_table(doc, [1.4, 12.0, 3.6])
    add_row(table, K["support_cols"].split("|"), header=True)
    loop_row(table, "{%tr for s in support %}")
    add_row(table, ["{{ s.number }}", "{{ s.text }}", "{{ s.given }}"])
    loop_row(table, "{%tr endfor %}")
    para(doc, K["h_feedback"], "Heading 1")
    para(doc, "{{ manager_feedback }}")
    para(doc, K["h_comment"], "Heading 1")
    para(doc, "{%p if employee_comment %}", "PIP Body")
    para(doc, "{{ employee_comment }}")
    para(doc, "{%p else %}", "PIP Body")
    para(doc, K["no_comment"], "PIP Note")
    para(doc, "{%p endif %}", "PIP Body")
    para(doc, K["h_next"], "Heading 1")
    listing(doc, "n in next_steps", "{{ loop.index }}. {{ n }}", K["next_none"])
    signatures(doc, T, K)


def evaluation(doc: Any, T: dict[str, Any], K: dict[str, Any]) -> None:
    title_block(doc, T, K, [])
    para(doc, K["h_goals"], "Heading 1")
    para(doc, K["goals_intro"], keep_next=True)
    table = new_table(doc, [2.6, 4.2, 2.6, 2.2, 5.4])
    add_row(table, K["goal_cols"].split("|"), header=True)
    loop_row(table, "{%tr for g in goals %}")
    add_row(table, list(K["goal_cells"]))
    loop_row(table, "{%tr endfor %}")
    para(doc, K["h_outcome"], "Heading 1")
    para(doc, [(K["outcome"], True)], "PIP Body")
    para(doc, K["h_decision"], "Heading 1")
    para(doc, [(K["decision"], True)], "PIP Body")
    para(doc, "{%p if extend_until %}", "PIP Body")
    para(doc, K["extend"])
    para(doc, "{%p endif %}", "PIP Body")
    para(doc, "{%p if law_note %}", "PIP Note")
    para(doc, [(K["law_label"], True), ("{{ law_note }}", False)], "PIP Note")
    para(doc, "{%p endif %}", "PIP Note")
    para(doc, K["h_summary"], "Heading 1")
    para(doc, "{{ summary }}")
    para(doc, K["h_statement"], "Heading 1")
    para(doc, K["statement"])
    para(doc, T["appeal"])
    signatures(doc, T, K)


def refusal(doc: Any, T: dict[str, Any], K: dict[str, Any]) -> None:
    title_block(doc, T, K, [])
    para(doc, K["h_facts"], "Heading 1")
    para(doc, K["facts_intro"], keep_next=True)
    table = new_table(doc, [4.0, 13.0])
    for label, value in K["rows"]:
        row = add_row(table, [label, value], fills=[LABEL_FILL, None])
        row.cells[0].paragraphs[0].style = doc.styles[LABEL]
    para(doc, K["h_effect"], "Heading 1")
    para(doc, K["effect"])
    para(doc, T["appeal"])
    signatures(doc, T, K)


def revision(doc: Any, T: dict[str, Any], K: dict[str, Any]) -> None:
    title_block(doc, T, K, [])
    para(doc, K["h_reason"], "Heading 1")
    para(doc, "{{ reason }}")
    para(doc, K["h_changes"], "Heading 1")
    listing(doc, "c in changes", "{{ loop.index }}. {{ c }}", K["no_changes"])
    para(doc, K["h_versions"], "Heading 1")
    para(doc, K["versions"])


BUILDERS = {"checkin": checkin, "evaluation": evaluation, "refusal": refusal,
            "revision": revision}


def build(lang: str, kind: str) -> bytes:
    """The template for one language and document kind, as .docx bytes."""
    T, K = dict(COMMON[lang]), TEXT[lang][kind]
    plain_title = K["title"].split("（")[0].split(" (")[0]
    T["header_right"] = T["header_right"].format(title=plain_title)
    doc = Document()
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    setup_styles(doc, lang)
    page_setup(doc, T)
    BUILDERS[kind](doc, T, K)
    props = doc.core_properties
    props.title = plain_title
    props.subject = ""
    props.author = props.last_modified_by = "pipdocs"
    props.language = FONTS[lang][3]
    props.keywords = f"PIP {lang} {kind}"
    props.comments = "Template for pipdocs: edit freely, then run `pipdocs templates check`."
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    drop_thumbnail(doc)
    raw = io.BytesIO()
    doc.save(raw)
    return bytes(normalise_zip(raw.getvalue()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / "templates")
    args = parser.parse_args(argv)
    for lang in ("zh", "en"):
        for kind in KINDS:
            path = args.out / lang / f"{kind}.docx"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(build(lang, kind))
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
