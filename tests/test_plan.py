"""The plan model's validation rules, file loading, plan.json round trip and the plan CLI."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from pipdocs.cli.main import cli
from pipdocs.core.errors import InputError, PlanInvalid
from pipdocs.core.plan import (
    load_plan,
    plan_from_data,
    plan_from_json_bytes,
    plan_json_schema,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture()
def data() -> dict[str, Any]:
    """A valid plan as parsed YAML (the engineering example), safe to modify."""
    raw = yaml.safe_load((EXAMPLES / "engineering-en.yaml").read_text(encoding="utf-8"))
    return copy.deepcopy(raw)


def problems(data: dict[str, Any]) -> dict[str, str]:
    """path -> message for every problem plan_from_data reports."""
    with pytest.raises(PlanInvalid) as caught:
        plan_from_data(data, source="t.yaml")
    assert caught.value.exit_code == 1
    return {p.path: p.message for p in caught.value.problems}


def test_the_example_is_valid(data: dict[str, Any]) -> None:
    plan = plan_from_data(data)
    assert plan.plan_id == "PIP-2026-0042"
    assert plan.period.end == date(2027, 2, 28)
    assert plan.person("hr").email == "kim.park@example.com"


def test_unknown_role_and_language(data: dict[str, Any]) -> None:
    data["role"], data["language"] = "marketing", "fr"
    found = problems(data)
    assert "engineering" in found["role"] and "marketing" in found["role"]
    assert "'zh'" in found["language"] and "'fr'" in found["language"]


def test_missing_party(data: dict[str, Any]) -> None:
    del data["manager"]
    assert problems(data) == {"manager": "is required"}


def test_malformed_email(data: dict[str, Any]) -> None:
    data["hr"]["email"] = "kim.park(at)example"
    found = problems(data)
    assert "not an e-mail address" in found["hr.email"]


def test_goal_without_metric_or_target(data: dict[str, Any]) -> None:
    del data["goals"][1]["metric"]
    del data["goals"][1]["target"]
    found = problems(data)
    assert found["goals[2].metric"] == "is required"
    assert found["goals[2].target"] == "is required"


def test_target_must_be_measurable(data: dict[str, Any]) -> None:
    data["goals"][0]["target"] = "much better"
    assert "not measurable" in problems(data)["goals[1].target"]


def test_deadline_outside_the_period(data: dict[str, Any]) -> None:
    data["goals"][0]["deadline"] = "2027-03-31"
    message = problems(data)["goals[1].deadline"]
    assert "2027-03-31 is outside the plan period 2026-12-01 to 2027-02-28" == message


def test_more_than_three_goals(data: dict[str, Any]) -> None:
    data["goals"].append(dict(data["goals"][0]))
    assert "at most 3" in problems(data)["goals"]


def test_checkpoint_outside_the_period(data: dict[str, Any]) -> None:
    data["checkpoints"][0]["date"] = "2026-11-30"
    assert "outside the plan period" in problems(data)["checkpoints[1].date"]


def test_unknown_keys_name_the_likely_field(data: dict[str, Any]) -> None:
    data["employee"]["emial"] = data["employee"].pop("email")
    data["goal"] = []
    found = problems(data)
    assert "did you mean 'email'" in found["employee.emial"]
    assert "did you mean 'goals'" in found["goal"]
    assert found["employee.email"] == "is required"


def test_the_three_signers_must_be_different_people(data: dict[str, Any]) -> None:
    data["manager"]["email"] = data["employee"]["email"].upper()
    assert "three different people" in problems(data)["manager.email"]


def test_signature_markers_are_reserved(data: dict[str, Any]) -> None:
    data["support"][0] = "see [[sig:hr:begin]]"
    assert "reserved for signature boxes" in problems(data)["support[1]"]


def test_control_characters_are_refused(data: dict[str, Any]) -> None:
    data["diagnosis"]["summary"] = "bell \x07 here"
    assert "U+0007" in problems(data)["diagnosis.summary"]


def test_every_problem_is_reported_at_once(data: dict[str, Any]) -> None:
    data["language"] = "de"
    data["hr"]["email"] = "nope"
    data["goals"][0]["deadline"] = "2030-01-01"
    assert {"language", "hr.email", "goals[1].deadline"} <= set(problems(data))


def test_defaults_plan_id_and_fortnightly_checkpoints(data: dict[str, Any]) -> None:
    del data["plan_id"], data["checkpoints"]
    plan = plan_from_data(data)
    assert plan.plan_id == "PIP-E1024-20261201"
    dates = [c.date for c in plan.checkpoints]
    assert dates[:3] == [date(2026, 12, 15), date(2026, 12, 29), date(2027, 1, 12)]
    assert all((b - a).days == 14 for a, b in zip(dates[:-2], dates[1:-1], strict=True))
    assert dates[-1] == plan.period.end and plan.checkpoints[-1].focus == "Final evaluation"


def test_chinese_defaults_are_in_chinese(data: dict[str, Any]) -> None:
    del data["checkpoints"]
    data["language"] = "zh"
    plan = plan_from_data(data)
    assert plan.checkpoints[-1].focus == "期末评估"


def test_plan_json_round_trip(data: dict[str, Any]) -> None:
    plan = plan_from_data(data)
    raw = plan.to_json_bytes()
    again = plan_from_json_bytes(raw)
    assert again == plan
    assert again.to_json_bytes() == raw
    assert json.loads(raw)["employee"]["name"] == "Dana Lee"


def test_plan_json_that_is_not_json() -> None:
    with pytest.raises(InputError, match="not valid JSON"):
        plan_from_json_bytes(b"{nope")


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan_id: X\nrole: [sales\nlanguage: en\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"YAML syntax error at line \d+") as caught:
        load_plan(bad)
    assert caught.value.exit_code == 2


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n "role": "sales",\n "language": en\n}\n', encoding="utf-8")
    with pytest.raises(InputError, match="JSON syntax error at line 3"):
        load_plan(bad)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found") as caught:
        load_plan(tmp_path / "absent.yaml")
    assert caught.value.exit_code == 2


def test_a_json_plan_loads_like_yaml(tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    assert load_plan(path) == plan_from_data(data)


def test_every_example_is_valid() -> None:
    paths = sorted(EXAMPLES.glob("*.yaml"))
    assert len(paths) == 8
    plans = [load_plan(p) for p in paths]
    assert {(p.role, p.language) for p in plans} == {
        (r, lang) for r in ("sales", "engineering", "admin", "customer_service")
        for lang in ("zh", "en")
    }
    assert len({p.plan_id for p in plans}) == 8
    emails = [p.person(r).email for p in plans for r in ("employee", "manager", "hr")]
    people = {(p.person(r).name, p.person(r).email) for p in plans
               for r in ("employee", "manager", "hr")}
    assert len(set(emails)) == len(people), "one e-mail per person"


# --- CLI ------------------------------------------------------------------------------------------


def test_cli_validate_exit_codes(tmp_path: Path, data: dict[str, Any]) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["validate", str(EXAMPLES / "engineering-en.yaml")])
    assert ok.exit_code == 0 and "valid (PIP-2026-0042, en, engineering)" in ok.output

    data["goals"][0]["deadline"] = "2027-06-01"
    data["hr"]["email"] = "bad"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    invalid = runner.invoke(cli, ["validate", str(bad)])
    assert invalid.exit_code == 1
    lines = invalid.output.strip().splitlines()
    assert any(line.startswith(f"error: {bad}: goals[1].deadline:") for line in lines)
    assert any(line.startswith(f"error: {bad}: hr.email:") for line in lines)
    assert "Traceback" not in invalid.output

    missing = runner.invoke(cli, ["validate", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2 and "file not found" in missing.output

    broken = tmp_path / "broken.yaml"
    broken.write_text("role: [sales\n", encoding="utf-8")
    syntax = runner.invoke(cli, ["validate", str(broken)])
    assert syntax.exit_code == 2 and "YAML syntax error at line" in syntax.output


def test_cli_validate_warns_about_unusual_periods(tmp_path: Path, data: dict[str, Any]) -> None:
    data["period"]["days"] = 100
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0 and "warning:" in result.output and "100 days" in result.output


def test_cli_schema_is_json_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema == json.loads(json.dumps(plan_json_schema()))
    assert {"employee", "manager", "hr", "goals", "period"} <= set(schema["properties"])
    assert set(schema["required"]) >= {"language", "role", "employee", "goals"}


# --- held-out QA regressions ----------------------------------------------------------------------


def test_an_email_cannot_carry_a_signature_marker(data: dict[str, Any]) -> None:
    data["employee"]["email"] = "[[sig:employee:begin]]@example.com"
    assert "reserved for signature boxes" in problems(data)["employee.email"]


def test_yaml_values_stay_as_written(tmp_path: Path) -> None:
    """YAML 1.1 would read id 0012 as 10 (octal) and 5:30 as 330 (base 60)."""
    text = (EXAMPLES / "engineering-en.yaml").read_text(encoding="utf-8")
    text = text.replace("id: E1024", "id: 0012").replace("baseline: 12%", "baseline: 5:30")
    text = text.replace("baseline: 40%", "baseline: 12.50")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    plan = load_plan(path)
    assert plan.employee.id == "0012" and plan.plan_id == "PIP-2026-0042"
    assert [g.baseline for g in plan.goals[:2]] == ["5:30", "12.50"]
    assert plan.period.days == 90 and plan.period.start == date(2026, 12, 1)


def test_an_impossible_yaml_date_is_a_problem_with_its_path(tmp_path: Path) -> None:
    text = (EXAMPLES / "engineering-en.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text.replace("start: 2026-12-01", "start: 2026-02-30"), encoding="utf-8")
    with pytest.raises(PlanInvalid) as caught:
        load_plan(path)
    assert [p.path for p in caught.value.problems] == ["period.start"]


def test_late_deadline_is_reported_alongside_other_problems_from_yaml(tmp_path: Path) -> None:
    text = (EXAMPLES / "engineering-en.yaml").read_text(encoding="utf-8")
    text = text.replace("deadline: 2027-01-31", "deadline: 2027-06-01")
    text = text.replace("kim.park@example.com", "not-an-email")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanInvalid) as caught:
        load_plan(path)
    assert {"goals[1].deadline", "hr.email"} <= {p.path for p in caught.value.problems}


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_key_given_twice_is_refused(tmp_path: Path, data: dict[str, Any], suffix: str) -> None:
    if suffix == ".yaml":
        text = (EXAMPLES / "engineering-en.yaml").read_text(encoding="utf-8") + "language: zh\n"
    else:
        text = json.dumps(data, default=str)[:-1] + ', "language": "zh"}'
    path = tmp_path / f"p{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="'language' is given twice") as caught:
        load_plan(path)
    assert caught.value.exit_code == 2


def test_short_plan_has_no_review_the_week_before_the_final_one(data: dict[str, Any]) -> None:
    data.pop("checkpoints")
    data["period"]["days"] = 30
    data["goals"] = data["goals"][:1]
    data["goals"][0]["deadline"] = "2026-12-20"
    plan = plan_from_data(data)
    dates = [c.date for c in plan.checkpoints]
    assert dates[-1] == plan.period.end
    gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
    assert min(gaps) >= 7, dates


def test_punycode_top_level_domain_is_an_email(data: dict[str, Any]) -> None:
    data["hr"]["email"] = "hr@example.xn--fiqs8s"
    assert plan_from_data(data).hr.email == "hr@example.xn--fiqs8s"


def test_empty_file_is_unusable_input(tmp_path: Path) -> None:
    empty = tmp_path / "plan.yaml"
    empty.write_text("\n  \n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        load_plan(empty)
