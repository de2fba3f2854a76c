"""(Re)build the lifecycle templates: templates/<zh|en>/<checkin|evaluation|refusal|revision>.docx.

    .venv/bin/python tools/build_lifecycle_templates.py [--out templates]

Same house style and rules as the plan templates (tools/build_templates.py, whose styles and
building blocks this script reuses): explicit CJK fonts, header and footer on every page, and one
signature box per signer, marked ``[[sig:<role>:begin]]`` / ``[[sig:<role>:end]]``. The output
is byte-for-byte reproducible. Wording lives in lifecycle_text.py. The revision template is a
cover page only: the revised plan itself is rendered from its role template and composed into
the same document after it (one page numbering).
"""

from __future__ import annotations

import sys
from typing import Any

from build_templates import (
    LABEL_FILL,
    add_row,
    document_bytes,
    letterhead,
    loop_row,
    new_document,
    new_table,
    para,
    parties_table,
    signature_table,
    write_templates,
)
from docx.shared import Pt
from lifecycle_text import COMMON, TEXT

KINDS = ("checkin", "evaluation", "refusal", "revision")
LABEL = "PIP Table Head"


def title_block(doc: Any, T: dict[str, Any], K: dict[str, Any],
                extra: list[tuple[str, str]]) -> None:
    letterhead(doc, K["title"], T["meta"])
    parties_table(doc, T, [(K["p_date"], "{{ date }}"), *extra])


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
    doc = new_document(lang, T)
    BUILDERS[kind](doc, T, K)
    return document_bytes(doc, lang, plain_title, f"PIP {lang} {kind}")


def main(argv: list[str] | None = None) -> int:
    return write_templates(argv, __doc__ or "", KINDS, build)


if __name__ == "__main__":
    sys.exit(main())
