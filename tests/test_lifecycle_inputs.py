"""Lifecycle inputs without LibreOffice: the input models, the rules against a plan, metrics,
the templates and their builder, and the policy's document kinds."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipdocs.cli.main import cli
from pipdocs.core.errors import PlanInvalid
from pipdocs.core.plan import Plan, load_plan
from pipdocs.core.policy import load_policy
from pipdocs.lifecycle.metrics import judge, overall
from pipdocs.lifecycle.models import CheckinInput, EvaluationInput, RefusalInput, input_from_data
from pipdocs.lifecycle.rules import (
    checkin_problems,
    checkpoint_number,
    evaluation_problems,
    evaluation_results,
    refusal_problems,
)

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "case-zh"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(CASE / "plan-v1-zh.yaml")


def checkin(**changes: object) -> CheckinInput:
    data: dict[str, object] = {
        "date": "2025-10-22", "number": "1",
        "goals": [{"goal": n, "progress": "p", "status": "on_track"} for n in (1, 2, 3)],
        "support_given": ["1"], "manager_feedback": "好", "next_steps": ["继续"],
    }
    data.update(changes)
    return input_from_data(CheckinInput, data)


def evaluation(**changes: object) -> EvaluationInput:
    data: dict[str, object] = {
        "date": "2025-12-31", "decision": "close", "summary": "s",
        "goals": [{"goal": 1, "actual": "82%"}, {"goal": 2, "actual": "7.5%"},
                  {"goal": 3, "actual": "3", "result": "met"}],
    }
    data.update(changes)
    return input_from_data(EvaluationInput, data)


def test_every_input_problem_is_reported_at_once_with_its_path() -> None:
    with pytest.raises(PlanInvalid) as caught:
        input_from_data(CheckinInput, {
            "date": "2026-02-30", "goals": [{"goal": 1, "progres": "x", "status": "fine"}],
        }, "checkin.yaml")
    found = {p.path: p.message for p in caught.value.problems}
    assert "2026-02-30" in found["date"]
    assert "did you mean 'progress'" in found["goals[1].progres"]
    assert "on_track" in found["goals[1].status"]
    assert found["manager_feedback"] == "is required"


def test_refusal_and_evaluation_inputs_name_their_own_fields() -> None:
    with pytest.raises(PlanInvalid) as caught:
        input_from_data(RefusalInput, {"date": "2026-03-02", "delivered": "当面",
                                       "witness": {"name": "王芳", "titel": "行政主管"}})
    found = {p.path: p.message for p in caught.value.problems}
    assert "did you mean 'title'" in found["witness.titel"]
    with pytest.raises(PlanInvalid) as caught:
        evaluation(decision="fire")
    assert "close" in str(caught.value.problems[0])


def test_checkin_rules_against_the_plan(plan: Plan) -> None:
    assert checkin_problems(checkin(), plan) == []
    bad = checkin(date="2026-02-01", number="9", support_given=["7"],
                  goals=[{"goal": 5, "progress": "p", "status": "on_track"},
                         {"goal": 1, "progress": "p", "status": "on_track"},
                         {"goal": 1, "progress": "p", "status": "at_risk"}])
    found = {p.path: p.message for p in checkin_problems(bad, plan)}
    assert "no goal 5" in found["goals[1].goal"]
    assert "given twice" in found["goals[3].goal"]
    # the wrong number and the goals left out are one problem, on one line
    assert "goal 2, 3 has no entry" in found["goals[1].goal"] and "goals" not in found
    missing = checkin(goals=[{"goal": 1, "progress": "p", "status": "on_track"}])
    assert [str(p) for p in checkin_problems(missing, plan)] == [
        "goals: no entry for goal 2, 3 of the plan; give one entry per goal"]
    assert "no support item 7" in found["support_given[1]"]
    assert "outside the plan period 2025-10-08 to 2026-01-05" in found["date"]
    assert "3 checkpoints" in found["number"]
    assert checkpoint_number(checkin(number=None, date="2025-11-05"), plan) == 2
    assert checkpoint_number(checkin(number=None, date="2025-11-06"), plan) is None


def test_evaluation_rules_dates_results_and_extension(plan: Plan) -> None:
    assert evaluation_problems(evaluation(), plan) == []
    early = {p.path: p.message for p in evaluation_problems(evaluation(date="2025-11-20"), plan)}
    assert "before the plan's last checkpoint 2025-12-03" in early["date"]
    unclear = evaluation(goals=[{"goal": 1, "actual": "82%"}, {"goal": 2, "actual": "7.5%"},
                                {"goal": 3, "actual": "3 条"}])
    assert [p.path for p in evaluation_problems(unclear, plan)] == ["goals[3].result"]
    extend = {p.path for p in evaluation_problems(evaluation(decision="extend"), plan)}
    assert extend == {"extend_until"}
    assert evaluation_problems(evaluation(decision="extend", extend_until="2026-02-05"),
                               plan) == []
    results, outcome = evaluation_results(evaluation(), plan)
    assert results == {1: "met", 2: "met", 3: "met"} and outcome == "met"
    results, outcome = evaluation_results(
        evaluation(goals=[{"goal": 1, "actual": "70%"}, {"goal": 2, "actual": "13%"},
                          {"goal": 3, "actual": "1", "result": "not_met"}]), plan)
    assert results == {1: "partially_met", 2: "not_met", 3: "not_met"}
    assert outcome == "partially_met"


def test_refusal_rules(plan: Plan) -> None:
    refusal = input_from_data(RefusalInput, {
        "date": "2025-10-08", "document": "plan", "delivered": "当面送达",
        "witness": {"name": "王芳", "title": "行政主管"}})
    assert refusal_problems(refusal, plan, "plan") == []
    found = {p.path for p in refusal_problems(refusal, plan, "checkin")}
    assert found == {"document"}


@pytest.mark.parametrize(("target", "actual", "baseline", "expected"), [
    ("≥95%", "96%", "", "met"),
    ("≥95%", "90%", "85%", "partially_met"),
    ("8%以下", "9.5%", "12%", "partially_met"),
    ("8%以下", "13%", "12%", "not_met"),
    ("第4周达到60%，期末达到80%", "82%", "40%", "met"),
    ("2个月以内达到90%", "91%", "80%", "met"),
    ("at least 90 within 2 months", "85", "80", "partially_met"),
    ("9% or lower", "8.7%", "12%", "met"),
    ("每周至少进行 8 次有效客户拜访", "9次", "5次", "met"),
    # a word inside a longer one is not read ("不超过" is at most, though it holds "超过")
    ("每月不超过3次", "2次", "12次", "met"),
    ("每月不超过3次", "5次", "12次", "partially_met"),
    ("投诉率不高于2%", "1.5%", "", "met"),
    ("不少于5次", "4次", "", "not_met"),
    ("不低于90分", "95分", "", "met"),
])
def test_numeric_targets_are_judged(target: str, actual: str, baseline: str,
                                    expected: str) -> None:
    judgement = judge(target, actual, baseline)
    assert judgement is not None and judgement.result == expected


def test_targets_that_are_not_one_number_are_left_to_the_manager() -> None:
    assert judge("每月至少3条，其中被采纳不少于1条", "3条") is None
    assert judge("完成配置台账", "已完成") is None
    assert overall(["met", "met"]) == "met" and overall(["not_met"]) == "not_met"
    assert overall(["met", "not_met"]) == "partially_met"


def test_policy_names_signers_per_document_kind() -> None:
    policy = load_policy()
    assert policy.order_for("checkin") == ("manager", "employee")
    assert policy.order_for("refusal") == ("manager", "hr")
    assert policy.order_for("evaluation") == ("manager", "hr", "employee")
    assert policy.order_for("revision") == policy.order == policy.order_for("plan")
    assert policy.reason("manager", "zh", kind="checkin") == "直接上级确认本次回顾面谈记录"
    assert policy.reason("employee", "en", kind="evaluation").startswith(
        "Employee acknowledges receipt of this final evaluation")


@pytest.mark.parametrize("name", ["checkin", "evaluation", "refusal", "revision"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lifecycle_templates_pass_the_template_check(lang: str, name: str) -> None:
    result = CliRunner().invoke(cli, ["templates", "check", str(ROOT / "templates" / lang /
                                                               f"{name}.docx")])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_template_check_catches_a_field_the_document_lacks(tmp_path: Path) -> None:
    from docx import Document

    doc = Document(str(ROOT / "templates" / "zh" / "checkin.docx"))
    doc.add_paragraph("{{ manager_feedbak }} {{ diagnosis.summary }}")
    broken = tmp_path / "checkin.docx"
    doc.save(str(broken))
    result = CliRunner().invoke(cli, ["templates", "check", str(broken)])
    assert result.exit_code == 1
    assert "manager_feedbak" in result.output and "manager_feedback" in result.output
    assert "'diagnosis'" in result.output


def test_lifecycle_template_builder_reproduces_the_committed_templates(tmp_path: Path) -> None:
    tools = ROOT / "tools"
    sys.path.insert(0, str(tools))
    try:
        spec = importlib.util.spec_from_file_location("build_lifecycle_templates",
                                                      tools / "build_lifecycle_templates.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(tools))
    for lang in ("zh", "en"):
        for name in ("checkin", "evaluation", "refusal", "revision"):
            committed = (ROOT / "templates" / lang / f"{name}.docx").read_bytes()
            assert module.build(lang, name) == committed, f"{lang}/{name}.docx is stale"


def test_dates_in_inputs_are_dates() -> None:
    assert checkin().date == date(2025, 10, 22)


def test_case_status_of_a_folder_of_cases(tmp_path: Path) -> None:
    import json
    import shutil

    running, done = tmp_path / "a-running", tmp_path / "b-done"
    running.mkdir()
    shutil.copytree(CASE, done)
    for name in ("01-plan.pdf", "02-checkin-1.pdf"):
        shutil.copyfile(CASE / name, running / name)
    result = CliRunner().invoke(cli, ["case", "status", str(tmp_path), "--today", "2025-11-20",
                                      "--json"])
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.output)
    assert first["version"] == 1 and first["employee"] == "赵磊"
    assert [c["number"] for c in first["overdue"]] == [2]
    assert first["next_checkpoint"]["date"] == "2025-12-03"
    assert first["evaluation"] == "not_due"
    assert second["version"] == 2 and second["evaluation"] == "done" and not second["overdue"]
    result = CliRunner().invoke(cli, ["case", "status", str(running), "--today", "2026-01-03"])
    assert "#2 2025-11-05, #3 2025-12-03" in result.output  # a Chinese case: a Chinese table
    assert "逾期的回顾面谈" in result.output
    last = result.output.rstrip().splitlines()[-1]
    assert last.split()[-2:] == ["到期", str(running)], last  # the folder names the case
    result = CliRunner().invoke(cli, ["--lang", "en", "case", "status", str(tmp_path), "--today",
                                      "2026-01-03"])
    rows = result.output.splitlines()
    assert rows[1].split()[-2:] == ["evaluation", "folder"], rows  # one plan id, two folders
    assert rows[2].split()[-2:] == ["due", str(running)], rows
    assert rows[3].split()[-2:] == ["done", str(done)], rows
    assert rows[2].index(str(running)) == rows[3].index(str(done))  # the columns line up


def test_timeline_line_of_a_refusal_without_a_reason(plan: Plan) -> None:
    """No reason given: the timeline names the refused document, without a dangling colon."""
    from datetime import date
    from pathlib import Path

    from pipdocs.lifecycle.records import Document, Record
    from pipdocs.lifecycle.timeline import summary

    def refusal(reason: str | None) -> Document:
        data = {"document": "checkin"} | ({"reason": reason} if reason else {})
        record = Record(kind="refusal", order=["manager", "hr"], plan_id=plan.plan_id or "",
                        plan_version=1, plan_sha256="0" * 64, parent_sha256="1" * 64,
                        parent_kind="checkin", date=date(2025, 10, 23), data=data)
        return Document(Path("r.pdf"), b"", "2" * 64, "refusal", plan, record)

    assert summary(refusal(None), "zh") == "回顾面谈记录"
    assert summary(refusal("目标过高"), "zh") == "回顾面谈记录：目标过高"


def test_a_parent_of_the_wrong_kind_is_named(tmp_path: Path) -> None:
    """An evaluation made from a check-in: one line naming both kinds, in either language."""
    out = tmp_path / "evaluation.pdf"
    args = ["evaluate", str(CASE / "02-checkin-1.pdf"), str(CASE / "evaluation.yml"), "-o",
            str(out)]
    result = CliRunner().invoke(cli, ["--lang", "en", *args])
    assert result.exit_code == 1 and "is a document of kind 'check-in'" in result.output
    assert "follows: plan or revision" in result.output and not out.exists()
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "这是回顾面谈记录；本文件须依据计划或计划变更制作" in result.output
