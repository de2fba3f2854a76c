"""Documents an HR director sends as they are (issue 11): plan-driven text, privacy, typesetting.

Each role template is rendered with a plan that differs from its example in every field; none
of the example's plan-specific text may remain. Text is read from the .docx (no LibreOffice).
"""

from __future__ import annotations

import io
from itertools import pairwise
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from otherplans import other_plan_data

from pipdocs.core.errors import PlanInvalid
from pipdocs.core.plan import JOB_ROLES, LANGUAGES, load_plan, plan_from_data
from pipdocs.document.render import render_docx_bytes

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CASES = [(lang, role) for lang in LANGUAGES for role in JOB_ROLES]

# Sentences the templates used to print in every plan of the role (from the example cases).
OLD_TEMPLATE_TEXT = [
    "80分达标", "需求挖掘模拟测试", "跟进节点延误率", "每周进行一次一对一复盘", "EAP", "心理咨询",
    "JaCoCo", "架构师每周安排", "满意度评分", "协作台账", "产品知识考核", "原则上每两周一次",
    "pass mark 80", "weekly one-to-one review", "Employee Assistance", "counselling",
    "satisfaction scores collected", "architect holds a weekly", "normally every two weeks",
    "product-knowledge test every two weeks", "coordination ledger",
]


# Words a role's own note or label uses, and the default final checkpoint: not one case's text.
ROLE_VOCABULARY = {"客户满意度", "Administration", "Final evaluation", "期末评估"}


def document_text(data: bytes) -> str:
    """Every paragraph of the body, tables, headers and footers."""
    document = docx.Document(io.BytesIO(data))
    parts = [document.element.body]
    for section in document.sections:
        parts += [section.header._element, section.footer._element]
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                     for part in parts for p in part.iter(qn("w:p")))


def leaves(value: Any) -> list[str]:
    """Every text value of a parsed plan file."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in leaves(v)]
    if isinstance(value, list):
        return [s for v in value for s in leaves(v)]
    return [str(value)]


def example_data(lang: str, role: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / f"{role}-{lang}.yaml").read_text("utf-8"))
    return data


@pytest.mark.parametrize("lang,role", CASES)
def test_a_template_holds_nothing_of_its_example_case(lang: str, role: str) -> None:
    example = example_data(lang, role)
    other = plan_from_data(other_plan_data(lang, role))
    text = document_text(render_docx_bytes(other))
    # a 4-character term such as 代码评审 may be a role's own vocabulary; a sentence may not
    specific = {s for s in leaves(example) if len(s) >= 5 and s not in (lang, role)}
    specific -= {"biweekly", "weekly"}  # field values, never printed as such
    specific -= ROLE_VOCABULARY
    found = sorted(s for s in specific if s in text)
    assert not found, f"example text in a {lang}/{role} plan's document: {found}"
    old = [s for s in OLD_TEMPLATE_TEXT if s in text]
    assert not old, f"sample-case wording still in the template: {old}"
    # ... and what the other plan says is there: evidence, commitments, evaluation, rhythm
    data = other_plan_data(lang, role)
    for value in (data["diagnosis"]["evidence"] + data["commitments"] + data["evaluation"]):
        assert value in text
    weekly = "每周一次" if lang == "zh" else "(every week)"
    biweekly = "每两周一次" if lang == "zh" else "(every two weeks)"
    expected, absent = (weekly, biweekly) if data["checkin_frequency"] == "weekly" else (
        biweekly, weekly)
    assert expected in text and absent not in text


def test_without_commitments_or_evaluation_nothing_is_promised() -> None:
    data = other_plan_data("zh", "customer_service")
    for key in ("commitments", "evaluation", "checkin_frequency"):
        data.pop(key)
    text = document_text(render_docx_bytes(plan_from_data(data)))
    assert "直接上级的承诺" not in text and "评估方式\n" not in text
    assert "每周一次" not in text and "每两周一次" not in text
    assert "回顾面谈，逐项检查" in text  # the sentence reads on without the rhythm


def test_checkin_frequency_sets_the_default_checkpoints() -> None:
    data = other_plan_data("en", "admin")
    data["checkin_frequency"] = "weekly"
    weekly = plan_from_data(data)
    gaps = {(b.date - a.date).days for a, b in pairwise(weekly.checkpoints)}
    assert 7 in gaps and 14 not in gaps
    data["checkin_frequency"] = "fortnightly"
    with pytest.raises(PlanInvalid) as caught:
        plan_from_data(data)
    assert caught.value.problems[0].path == "checkin_frequency"


# --- privacy --------------------------------------------------------------------------------


def test_examples_and_templates_carry_no_sensitive_personal_information() -> None:
    for path in EXAMPLES.glob("*.yaml"):
        plan = load_plan(path)
        assert not [w for w in plan.warnings() if "PIPL" in w], path
        text = document_text(render_docx_bytes(plan))
        for word in ("家庭", "倦怠", "心理", "EAP", "burnout", "counsel", "stress", "at home"):
            assert word not in text, (path.name, word)


@pytest.mark.parametrize("lang,text,topic", [
    ("zh", "近期家庭压力较大，出现职业倦怠", "家庭"),
    ("zh", "怀孕后出勤减少", "怀孕"),
    ("zh", "年龄偏大，学习新系统较慢", "年龄"),
    ("en", "Pressure at home and burnout reduce her output", "burnout"),
    ("en", "Her religion means she leaves early on Fridays", "religion"),
    ("en", "Since the pregnancy she works fewer hours", "pregnancy"),
])
def test_validate_warns_about_protected_topics(lang: str, text: str, topic: str) -> None:
    data = other_plan_data(lang, "sales")
    data["diagnosis"]["root_causes"] = [text]
    plan = plan_from_data(data)  # a warning, not an error
    warnings = [w for w in plan.warnings() if "PIPL" in w]
    assert len(warnings) == 1 and warnings[0].startswith("diagnosis.root_causes[1]: ")
    assert "[PIPL-sensitive]" in warnings[0] and topic in warnings[0]
    if lang == "zh":
        assert "敏感个人信息" in warnings[0]


def test_a_performance_fact_is_not_a_protected_topic() -> None:
    data = other_plan_data("en", "engineering")
    data["diagnosis"]["summary"] = "Race conditions in the cache layer; the union of two sets."
    data["diagnosis"]["root_causes"] = ["Team spirit is fine; unclear page ownership"]
    assert not [w for w in plan_from_data(data).warnings() if "PIPL" in w]


# --- typesetting ----------------------------------------------------------------------------


def test_folded_chinese_lines_join_without_a_space(tmp_path: Path) -> None:
    data = other_plan_data("zh", "admin")
    data["diagnosis"]["summary"] = "年度盘点差异率为7%。 公司要求不超过1%，\n差异集中在 IT 设备。"
    plan = plan_from_data(data)
    assert plan.diagnosis.summary == "年度盘点差异率为7%。公司要求不超过1%，\n差异集中在 IT 设备。"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_chinese_punctuation_and_no_spliced_fragments(lang: str) -> None:
    data = other_plan_data(lang, "admin")
    text = document_text(render_docx_bytes(plan_from_data(data)))
    if lang == "zh":
        assert "目标1：资产登记——盘点差异率" in text
        assert "2028年5月8日至2028年6月21日" in text  # Babel, no zero padding
        for line in text.splitlines():
            if any("\u4e00" <= c <= "\u9fff" for c in line):
                assert not any(f"{c} " in line for c in "。，；："), line
    else:
        assert "currently 7%" not in text and "(currently" not in text
        assert "Current: 7%" in text and "Expected standard: Company limit 1%" in text
        assert "8 May 2028 to 21 June 2028" in text


def test_outcome_table_and_goal_blocks_keep_together() -> None:
    document = docx.Document(io.BytesIO(render_docx_bytes(plan_from_data(
        other_plan_data("zh", "sales")))))
    outcome = next(t for t in document.tables if t.rows[0].cells[0].text == "评估结果")
    for row in outcome.rows[:-1]:
        assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
    for row in outcome.rows:
        assert row._tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
    body = [p for p in document.paragraphs if p.text]
    head = next(i for i, p in enumerate(body) if p.text.startswith("目标1："))
    block = body[head:head + 6]
    assert block[-1].text.startswith("衡量方式：")
    keeps = [p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next
             for p in block]
    assert all(keeps[:-1]), keeps


# --- the employee's statement ---------------------------------------------------------------


@pytest.mark.parametrize("lang,choices", [
    ("zh", {"agree": ("“同意本计划”", "员工同意本绩效改进计划"),
            "ack": ("“知悉本计划”", "员工已知悉本绩效改进计划"),
            "disagree": ("“知悉本计划但不同意其内容”",
                         "员工已知悉本绩效改进计划，但不同意其内容")}),
    ("en", {"agree": ("that I agree with the plan", "Employee agrees to this improvement plan"),
            "ack": ("that I acknowledge receipt of it",
                    "Employee acknowledges receipt of this improvement plan"),
            "disagree": ("that I acknowledge receipt but disagree",
                         "Employee acknowledges receipt of this improvement plan but disagrees")}),
])
def test_the_signature_reason_uses_the_documents_words(lang: str, choices: dict[str, Any]
                                                       ) -> None:
    """The statement tells the employee what to choose; the reason records that same choice."""
    from pipdocs.core.policy import load_policy

    policy = load_policy()
    text = document_text(render_docx_bytes(plan_from_data(other_plan_data(lang, "admin"))))
    reasons = {"agree": policy.reason("employee", lang, agree=True),
               "ack": policy.reason("employee", lang),
               "disagree": policy.reason("employee", lang, disagree=True)}
    for choice, (offered, recorded) in choices.items():
        assert offered in text, offered
        assert reasons[choice].startswith(recorded), reasons[choice]
    assert "确认已收到并理解" not in reasons["ack"] and "understanding" not in reasons["ack"]


def test_half_width_punctuation_after_chinese_is_a_warning() -> None:
    data = other_plan_data("zh", "admin")
    data["diagnosis"]["summary"] = "年度盘点差异率为7%,公司要求不超过1%"
    data["support"] = ["开通批量导入权限(资产管理系统)", "盘点数量1,000件以上时增派人手"]
    warnings = [w for w in plan_from_data(data).warnings() if "半角" in w]
    assert warnings == [
        "diagnosis.summary: 中文后面用了半角的“,”（“……差异率为7%,”）；中文文档应使用全角的“，”",
        "support[1]: 中文后面用了半角的“(”（“……批量导入权限(”）；中文文档应使用全角的“（”",
    ]  # "1,000" is a number, not punctuation after Chinese
    data["language"] = "en"
    assert not [w for w in plan_from_data(data).warnings() if "half-width" in w]
