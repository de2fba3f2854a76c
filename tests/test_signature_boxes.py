"""Signature boxes never split across pages (plan and lifecycle templates).

A plan that differs from the example in every field once put the employee's box at the foot of
page 3 and the manager's and HR's alone on page 4: LibreOffice does not keep one table with the
next, so three one-row tables split. The boxes are now rows of ONE table that cannot split and
keep together. Checked in the .docx (every template) and through LibreOffice: the boxes'
markers, found as signing finds them, are all on one page, with the signature heading.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from helpers import pdf_text
from otherplans import other_plan_data

from pipdocs.core.names import marker
from pipdocs.core.plan import JOB_ROLES, LANGUAGES, Plan, plan_from_data
from pipdocs.document.boxes import find_boxes
from pipdocs.document.render import render_docx_bytes, render_template_bytes
from pipdocs.document.templates import find_template
from pipdocs.lifecycle.contexts import (
    CheckinContext,
    CheckinGoal,
    SupportItem,
    context_dict,
    header,
)

#: Each template with signature boxes, and the roles it has boxes for.
SIGNED = ([(lang, role, ("employee", "manager", "hr")) for lang in LANGUAGES for role in JOB_ROLES]
          + [(lang, "checkin", ("manager", "employee")) for lang in LANGUAGES]
          + [(lang, "evaluation", ("manager", "hr", "employee")) for lang in LANGUAGES]
          + [(lang, "refusal", ("manager", "hr")) for lang in LANGUAGES])
HEADING = {"zh": "三方签字确认", "en": "Signatures"}
#: Check-ins with this many next steps (one line each): the page end sweeps over the boxes, in
#: steps shorter than one box, so some of them would split the boxes if they could split.
STEPS = range(20, 44, 4)
STEP = {"zh": "按约定时限完成首次响应，并在周会上汇报进展。",
        "en": "Answer every chat within the agreed time and report at the weekly meeting."}


def text_of(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


@pytest.mark.parametrize("lang,kind,roles", SIGNED)
def test_the_boxes_are_rows_of_one_table_that_keep_together(lang: str, kind: str,
                                                             roles: tuple[str, ...]) -> None:
    body = docx.Document(find_template(lang, kind)).element.body
    tables = [t for t in body.iter(qn("w:tbl")) if any(marker(r) in text_of(t) for r in roles)]
    assert len(tables) == 1, "the signature boxes are in more than one table"
    rows = list(tables[0].iter(qn("w:tr")))
    assert [r for role in roles for r in rows if marker(role) in text_of(r)] == rows
    for row in rows:
        assert row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
        for p in row.iter(qn("w:p")):
            assert p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None, text_of(p)


def checkin(plan: Plan, steps: int) -> dict[str, Any]:
    """A check-in of ``plan`` with ``steps`` next steps."""
    goal = plan.goals[0]
    return context_dict(CheckinContext(
        **header(plan, 1, "a" * 64, "b" * 64, date(2028, 5, 22)), number=1,
        checkpoint=plan.checkpoints[0], checkpoint_count=len(plan.checkpoints),
        extra_label="extra", support=[SupportItem(number=1, text=plan.support[0], given="✓")],
        goals=[CheckinGoal(number=1, area=goal.area, metric=goal.metric, target=goal.target,
                           deadline=goal.deadline, progress="60", status="✓", evidence=None)],
        manager_feedback=STEP[plan.language], employee_comment=None,
        next_steps=[STEP[plan.language]] * steps))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """name -> PDF: the other customer-service plans and the check-in sweeps, converted by one
    LibreOffice run."""
    from pipdocs.conversion.soffice import find_soffice, profile_slot, run_batch

    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed")
    work = tmp_path_factory.mktemp("sigboxes")
    docs = []
    for lang in LANGUAGES:
        plan = plan_from_data(other_plan_data(lang, "customer_service"))
        docs.append(work / f"plan-{lang}.docx")
        docs[-1].write_bytes(render_docx_bytes(plan))
        for steps in STEPS:
            docs.append(work / f"checkin-{lang}-{steps}.docx")
            docs[-1].write_bytes(render_template_bytes(
                find_template(lang, "checkin"), checkin(plan, steps), lang, "check-in", "X"))
    with profile_slot() as profile:
        missing, reason = run_batch(find_soffice(), profile, docs, work / "pdf", 120)
    assert not missing, reason
    return {d.stem: work / "pdf" / f"{d.stem}.pdf" for d in docs}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_plans_boxes_and_heading_share_one_page(rendered: dict[str, Path], lang: str) -> None:
    """The plan of the page-image check: every box and the heading on the last page."""
    pdf = rendered[f"plan-{lang}"]
    boxes = find_boxes(pdf.read_bytes())
    pages = {role: box.page for role, box in boxes.items()}
    assert len(set(pages.values())) == 1, pages
    page = pages["employee"] + 1
    assert HEADING[lang] in pdf_text(pdf, "-f", str(page), "-l", str(page))
    assert page == pdf_text(pdf).count("\f")  # the last page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_checkins_boxes_share_one_page_wherever_the_page_ends(rendered: dict[str, Path],
                                                               lang: str) -> None:
    pages = []
    for steps in STEPS:
        boxes = find_boxes(rendered[f"checkin-{lang}-{steps}"].read_bytes(),
                           ("manager", "employee"))
        on = {role: box.page for role, box in boxes.items()}
        assert len(set(on.values())) == 1, (steps, on)
        pages.append(on["manager"])
    assert len(set(pages)) > 1, "the sweep never moved the boxes to the next page"
