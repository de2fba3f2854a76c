"""Messages in the user's language (issue 11 item 5): gettext catalog, plan, sheet and CLI.

Chinese applies with a Chinese plan, with LANG=zh_CN.UTF-8, or with `pipdocs --lang zh`.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from otherplans import other_plan_data

from pipdocs.bulk.sheet import LABELS_ZH, parse_date
from pipdocs.bulk.workbook import plan_to_row
from pipdocs.cli.main import cli
from pipdocs.core.errors import PlanInvalid
from pipdocs.core.i18n import LOCALE_DIR
from pipdocs.core.plan import load_plan, plan_from_data

ROOT = Path(__file__).resolve().parent.parent
EN_ENV = {"LANG": "C.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
ZH_ENV = {**EN_ENV, "LANG": "zh_CN.UTF-8"}


def tool(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_translation_and_the_mo_matches_the_po() -> None:
    messages = tool("messages")
    catalog = messages.load()
    ids = set(messages.extracted())  # (context, message id): code and page templates
    translated = {(m.context, m.id) for m in catalog if m.id and m.string}
    assert ids - translated == set(), "run tools/messages.py and translate the new messages"
    committed = (LOCALE_DIR / "zh" / "LC_MESSAGES" / "pipdocs.mo").read_bytes()
    assert committed == messages.compiled(catalog), "run tools/messages.py to compile the .mo"


def write(tmp_path: Path, data: dict[str, Any] | str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def validate(*args: str | Path, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], env=env or EN_ENV)


def test_a_chinese_plan_gets_chinese_errors_with_lines(tmp_path: Path) -> None:
    data = other_plan_data("zh", "sales")
    data["period"]["start"] = "2027-04-31"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path = write(tmp_path, text)
    line = text.splitlines().index(next(s for s in text.splitlines() if "2027-04-31" in s)) + 1
    result = validate("validate", path)
    assert result.exit_code == 1
    assert result.output.startswith("错误：")
    expected = f"period.start: “2027-04-31”不是有效日期：2027年4月只有30天（第{line}行）"
    assert expected in result.output


@pytest.mark.parametrize("how", ["lang", "env"])
def test_chinese_by_option_or_locale_for_an_english_plan(tmp_path: Path, how: str) -> None:
    data = other_plan_data("en", "admin")
    data["hr"]["email"] = data["employee"]["email"]
    path = write(tmp_path, data)
    args = ["--lang", "zh", "validate", path] if how == "lang" else ["validate", path]
    result = validate(*args, env=ZH_ENV if how == "env" else EN_ENV)
    assert result.exit_code == 1
    assert "错误：" in result.output and "hr.email: 与员工的邮箱相同" in result.output
    english = validate("--lang", "en", "validate", path, env=ZH_ENV)
    assert "hr.email: is the same as the employee's e-mail" in english.output


def test_april_has_30_days_in_english(tmp_path: Path) -> None:
    data = other_plan_data("en", "admin")
    data["goals"][0]["deadline"] = "2028-06-31"
    with pytest.raises(PlanInvalid) as caught:
        plan_from_data(data)
    assert str(caught.value.problems[0]) == (
        "goals[1].deadline: '2028-06-31' is not a date: June 2028 has 30 days")


def test_file_and_usage_errors_follow_the_locale(tmp_path: Path) -> None:
    missing = validate("validate", tmp_path / "nope.yaml", env=ZH_ENV)
    assert missing.exit_code == 2
    assert missing.output.strip() == f"错误：{tmp_path / 'nope.yaml'}：找不到计划文件，请检查路径"
    usage = validate("validate", "--bogus", env=ZH_ENV)
    assert usage.exit_code == 2 and "没有这个选项：--bogus" in usage.output
    assert "用法见“" in usage.output and "validate --help”" in usage.output
    english = validate("validate", tmp_path / "nope.yaml")
    assert english.output.startswith("error: ") and "plan file not found" in english.output


# --- YAML: the usual causes, at the right line ----------------------------------------------


def _plan_yaml(lang: str) -> list[str]:
    data = other_plan_data(lang, "sales")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).splitlines()


@pytest.mark.parametrize("case", ["full-width colon", "full-width comma", "colon in text"])
def test_yaml_syntax_errors_explain_the_cause(tmp_path: Path, case: str) -> None:
    lines = _plan_yaml("zh")
    at = lines.index("actions:") + 1
    if case == "full-width colon":
        at = next(i for i, s in enumerate(lines) if s.startswith("  summary:"))
        lines[at] = lines[at].replace("summary:", "summary：")
        expected = "中文冒号"
    elif case == "full-width comma":
        lines[at:at + 2] = ["- {weeks: 1-6， task: 整理续约台账}"]
        expected = "中文逗号"
    else:
        lines[at:at + 2] = ["- {weeks: 1-6, task: 整理台账: 每周更新}"]
        expected = "放在引号中"
    path = write(tmp_path, "\n".join(lines) + "\n")
    result = validate("validate", path)
    assert result.exit_code == 2, result.output
    assert f"第{at + 1}行有 YAML 语法错误" in result.output and expected in result.output


def test_an_unquoted_comma_in_braces_is_explained_not_blamed_on_the_user(tmp_path: Path) -> None:
    lines = _plan_yaml("en")
    at = lines.index("actions:") + 1
    lines[at:at + 2] = ["- {weeks: 1-6, task: Draft the review template, trial it with two}"]
    path = write(tmp_path, "\n".join(lines) + "\n")
    result = validate("validate", path)
    assert result.exit_code == 1
    assert "actions[1].trial it with two: is not a field of a plan: it looks like the rest of a" \
           " text cut at a ','" in result.output
    assert f"put the whole text in quotes (line {at + 1})" in result.output
    assert "remove or rename it" not in result.output


# --- dates: the same forms in a plan file and a sheet -----------------------------------------


@pytest.mark.parametrize("text", ["2028/5/8", "2028.5.8", "2028年5月8日", "2028-05-08"])
def test_plan_files_and_sheets_accept_the_same_date_forms(tmp_path: Path, text: str) -> None:
    data = other_plan_data("zh", "admin")
    data["period"]["start"] = text
    assert plan_from_data(data).period.start.isoformat() == "2028-05-08"
    assert parse_date(text) is not None and parse_date(text).isoformat() == "2028-05-08"
    assert load_plan(write(tmp_path, f"{yaml.safe_dump(data, allow_unicode=True)}"))
    import re

    from pipdocs.core.plan import plan_json_schema

    pattern = plan_json_schema()["$defs"]["Period"]["properties"]["start"]["pattern"]
    assert re.fullmatch(pattern, text)  # editors checking against `pipdocs schema` agree


# --- the sheet names columns as the user sees them ----------------------------------------------


def test_sheet_errors_name_the_column_label_in_chinese(tmp_path: Path) -> None:
    data = other_plan_data("zh", "customer_service")
    data["hr"]["email"] = data["employee"]["email"]
    data["goals"][0]["deadline"] = "2028-06-31"
    row = plan_to_row(data, "zh")
    path = tmp_path / "plans.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        keys = list(row)
        writer.writerow([LABELS_ZH[k] for k in keys])
        writer.writerow([row[k] for k in keys])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["bulk", str(path), "-o", str(out), "--format", "docx"],
                                env=EN_ENV)
    assert result.exit_code == 1, result.output
    with (out / "report.csv").open(encoding="utf-8-sig") as handle:
        message = next(csv.DictReader(handle))["message"]
    assert "HR邮箱：与员工的邮箱相同" in message and "hr.email" not in message
    assert "“2028-06-31”不是有效日期：2028年6月只有30天" in message
    assert "目标1截止日期" in message or "2028年6月只有30天" in message


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))


def test_the_sheet_carries_the_new_plan_fields(tmp_path: Path) -> None:
    """evidence, commitments, evaluation and the check-in rhythm round-trip through a sheet."""
    from pipdocs.bulk.sheet import read_sheet

    data = other_plan_data("zh", "engineering")
    data["commitments"] = ["前端组长每周检查一次性能周报", "每月安排一次代码走查"]
    row = plan_to_row(data, "zh")
    assert row["checkin_frequency"] == "每周" and row["role"] == "技术岗"
    path = tmp_path / "plans.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([LABELS_ZH[k] for k in row])
        writer.writerow(list(row.values()))
    (sheet_row,) = list(read_sheet(path))
    plan = plan_from_data(sheet_row.data)
    assert plan.commitments == data["commitments"] and plan.evaluation == data["evaluation"]
    assert plan.diagnosis.evidence == data["diagnosis"]["evidence"]
    assert plan.checkin_frequency == "weekly" and plan.role == "engineering"
    assert plan.period.start.isoformat() == "2028-05-08"  # written 2028/5/8 in the plan


def test_the_lang_option_does_not_outlive_its_command(tmp_path: Path) -> None:
    from pipdocs.core.i18n import message_language

    validate("--lang", "zh", "validate", tmp_path / "nope.yaml")
    assert message_language() == "en"  # EN_ENV is gone again; nothing chosen any more
