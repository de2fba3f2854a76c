"""``pipdocs bulk-template``: a workbook HR can fill in without reading any documentation.

Headers are the column keys (Chinese labels with ``--lang zh``), with drop-downs for language,
role and period length, date-formatted date columns, wrapped multi-line cells, a frozen header,
one example row and a guide sheet that explains every column in Chinese and English.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from pipdocs.bulk.sheet import (
    COLUMNS,
    DATE_KEYS,
    FREQUENCY_LABELS_ZH,
    LABELS_ZH,
    LANGUAGE_LABELS_ZH,
    LIST_KEYS,
    OPTIONAL,
    ROLE_LABELS_ZH,
)
from pipdocs.core.dates import parse_ymd
from pipdocs.core.errors import InputError
from pipdocs.core.files import write_atomic

MAX_ROWS = 5000  # rows that get drop-downs and formats

_GOAL_GUIDE = {
    "area": ("改进领域，如“代码质量”", "What to improve, e.g. Code quality"),
    "metric": ("衡量指标，如“新模块缺陷率”", "The metric, e.g. Defect rate of new modules"),
    "baseline": ("当前水平，如 12%", "Where it stands now, e.g. 12%"),
    "standard": ("（可选）岗位或团队标准，如“团队均值5%”",
                 "(optional) The team standard, e.g. Team average 5%"),
    "target": ("目标值，必须含数字，如 8%以下", "Target with a number, e.g. 8% or less"),
    "deadline": ("截止日期，须在计划周期内", "Deadline, inside the plan period"),
    "measurement": ("如何衡量，如“缺陷系统每周统计”",
                    "How it is measured, e.g. Weekly defect report"),
}
GUIDE: dict[str, tuple[str, str]] = {
    "example": ("示例行：填了“示例”的行不会生成文档（报告中注明已跳过）；填写真实计划时留空",
                "Sample row: a row marked 'example' is never made into a document (report.csv"
                " notes it); leave it empty in real rows"),
    "plan_id": ("（可选）计划编号，也是PDF文件名；留空则用“PIP-工号-开始日期”",
                "(optional) Plan id, also the PDF file name; empty: PIP-<employee id>-<start>"),
    "language": ("文档语言：中文(zh) 或 英文(en)", "Document language: zh or en"),
    "role": ("岗位类别：销售岗(sales)、技术岗(engineering)、行政岗(admin)、"
             "客服岗(customer_service)",
             "Job family: sales, engineering, admin or customer_service"),
    "organisation": ("（可选）公司名称，印在文档上", "(optional) Company name on the document"),
    "employee.id": ("员工工号", "Employee number"),
    "employee.name": ("员工姓名", "Employee's full name"),
    "employee.email": ("员工邮箱，须与其签名证书一致",
                       "Employee's e-mail (as in their signing key)"),
    "employee.title": ("员工职位", "Employee's job title"),
    "employee.department": ("员工所在部门", "Employee's department"),
    "manager.name": ("直属经理姓名", "Line manager's name"),
    "manager.email": ("经理邮箱", "Manager's e-mail"),
    "manager.title": ("经理职位", "Manager's job title"),
    "hr.name": ("HR姓名", "HR partner's name"),
    "hr.email": ("HR邮箱", "HR partner's e-mail"),
    "hr.title": ("HR职位", "HR partner's job title"),
    "period.start": ("计划开始日期（日期格式，或 2026-12-01、2026/12/1）",
                     "First day of the plan (a date cell, 2026-12-01 or 2026/12/1)"),
    "period.days": ("计划周期天数：30、60 或 90", "Length in days: 30, 60 or 90"),
    "diagnosis.summary": ("问题概述：用数据说明差距", "The gap, in numbers"),
    "diagnosis.root_causes": ("（可选）根本原因，每行一条（Alt+Enter换行）",
                              "(optional) Root causes, one per line (Alt+Enter)"),
    **{f"goals.{n}.{f}": (f"目标{n}：{zh}" + ("（目标2、3可整列留空）" if n > 1 else ""),
                          f"Goal {n}: {en}" + (" (leave goal 2 or 3 empty if unused)"
                                               if n > 1 else ""))
       for n in range(1, 4) for f, (zh, en) in _GOAL_GUIDE.items()},
    "actions": ("行动计划，每行一条：周次: 任务，如“1-4: 参加单元测试培训”",
                "Actions, one per line as weeks: task, e.g. 1-4: Unit-testing workshop"),
    "support": ("公司提供的支持，每行一条", "Support the company gives, one per line"),
    "diagnosis.evidence": ("（可选）事实依据，每行一条，如“CRM系统1-3月拜访记录”",
                           "(optional) Evidence, one per line, e.g. CRM visit log Jan-Mar"),
    "commitments": ("（可选）直接上级的承诺，每行一条，如“每周复盘一次”",
                    "(optional) The manager's commitments, one per line"),
    "evaluation": ("（可选）评估方式，每行一条",
                   "(optional) How results are assessed, one per line"),
    "checkin_frequency": ("（可选）回顾频率：每周 或 每两周",
                          "(optional) Check-ins: weekly or biweekly"),
    "checkpoints": ("（可选）检查点，每行一条：日期: 重点；留空则每14天一次",
                    "(optional) Check-ins, one per line as date: focus; empty: every 14 days"),
}
_WIDE = {"diagnosis.summary", "diagnosis.root_causes", "actions", "support", "checkpoints"}

EXAMPLES: dict[str, dict[str, Any]] = {
    "en": {
        "plan_id": "PIP-2026-0001", "language": "en", "role": "engineering",
        "employee": {"id": "E1024", "name": "Dana Lee", "email": "dana.lee@example.com",
                     "title": "Backend Engineer", "department": "Payments"},
        "manager": {"name": "Sam Ortiz", "email": "sam.ortiz@example.com",
                    "title": "Engineering Manager"},
        "hr": {"name": "Kim Park", "email": "kim.park@example.com", "title": "HR Business Partner"},
        "period": {"start": date(2026, 12, 1), "days": 90},
        "diagnosis": {"summary": "Defect rate 12% over the last two projects against a team "
                                 "average of 5%.",
                      "root_causes": ["Unit-test coverage 40% (standard 80%)",
                                      "Misread framework configuration"]},
        "goals": [{"area": "Code quality", "metric": "Defect rate of new modules",
                   "baseline": "12%", "target": "8%", "deadline": date(2027, 1, 31),
                   "measurement": "Weekly defect report from the tracker"}],
        "actions": [{"weeks": "1-4", "task": "Unit-testing workshop (8 hours)"},
                    {"weeks": "5-8", "task": "Weekly configuration review with the architect"}],
        "support": ["Weekly 1:1 with the architect", "Defect case library"],
        "commitments": ["The manager reviews the defect trend with Dana every two weeks"],
        "evaluation": ["Weekly defect report from the tracker, counted at the deadline"],
        "checkin_frequency": "biweekly",
    },
    "zh": {
        "plan_id": "PIP-2026-0002", "language": "zh", "role": "engineering",
        "employee": {"id": "E1187", "name": "赵磊", "email": "zhao.lei@example.com",
                     "title": "Java开发工程师", "department": "支付平台研发部"},
        "manager": {"name": "孙浩", "email": "sun.hao@example.com", "title": "研发经理"},
        "hr": {"name": "吴静", "email": "wu.jing@example.com", "title": "人力资源业务伙伴"},
        "period": {"start": date(2026, 12, 1), "days": 90},
        "diagnosis": {"summary": "近2个项目代码缺陷率为12%，团队均值为5%。",
                      "root_causes": ["单元测试覆盖率仅40%（团队要求80%）",
                                      "对框架配置规则理解有误"]},
        "goals": [{"area": "代码质量", "metric": "新功能模块缺陷率", "baseline": "12%",
                   "target": "8%以下", "deadline": date(2027, 1, 31),
                   "measurement": "缺陷跟踪系统每周统计"}],
        "actions": [{"weeks": "1-4", "task": "参加单元测试训练营（共8课时）"},
                    {"weeks": "5-8", "task": "每周与架构师评审配置方案"}],
        "support": ["架构师每周1次一对一答疑", "开放团队缺陷案例库"],
        "commitments": ["直接上级每两周与员工复盘一次缺陷趋势"],
        "evaluation": ["以缺陷跟踪系统截至期限的统计为准"],
        "checkin_frequency": "biweekly",
    },
}


def plan_to_row(plan: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """A plan (as in a plan file) -> column key -> cell value; the inverse of reading a row."""
    row: dict[str, Any] = {}
    for key in COLUMNS:
        if key.startswith("goals.") or key in LIST_KEYS:
            continue
        value: Any = plan
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            row[key] = _date(value) if key in DATE_KEYS else value
    for n, goal in enumerate(plan.get("goals") or [], 1):
        for name, value in goal.items():
            row[f"goals.{n}.{name}"] = _date(value) if name == "deadline" else value
    diagnosis = plan.get("diagnosis") or {}
    lists = {"diagnosis.root_causes": diagnosis.get("root_causes") or [],
             "diagnosis.evidence": diagnosis.get("evidence") or [],
             "support": plan.get("support") or [],
             "commitments": plan.get("commitments") or [],
             "evaluation": plan.get("evaluation") or [],
             "actions": [f"{a['weeks']}: {a['task']}" for a in plan.get("actions") or []],
             "checkpoints": [f"{_date(c['date'])}: {c['focus']}"
                             for c in plan.get("checkpoints") or []]}
    row.update({k: "\n".join(map(str, v)) for k, v in lists.items() if v})
    if lang == "zh":
        row["language"] = LANGUAGE_LABELS_ZH.get(row.get("language", ""), row.get("language"))
        row["role"] = ROLE_LABELS_ZH.get(row.get("role", ""), row.get("role"))
        if "checkin_frequency" in row:
            row["checkin_frequency"] = FREQUENCY_LABELS_ZH.get(row["checkin_frequency"])
    return row


def _date(value: Any) -> Any:
    """A date cell where the plan has a date (2027-03-01 or 2027/3/1); other text as it is."""
    return value if isinstance(value, date) else (parse_ymd(str(value)) or str(value))


def write_template(out: Path, lang: str = "en", plans: Iterable[dict[str, Any]] | None = None,
                   ) -> Path:
    """Write the workbook to ``out`` atomically; rows from ``plans``, else one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    if lang not in ("zh", "en"):
        raise InputError(f"--lang {lang}: use zh or en")
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"{out}: the template is an Excel workbook; name it *.xlsx")
    zh = lang == "zh"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "计划" if zh else "plans"
    header = [LABELS_ZH[k] if zh else k for k in COLUMNS]
    sheet.append(header)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap_top = Alignment(wrap_text=True, vertical="top")
    for index, key in enumerate(COLUMNS, 1):
        cell = sheet.cell(1, index)
        cell.font, cell.alignment = bold, Alignment(wrap_text=True, vertical="center")
        cell.fill = fill if key not in OPTIONAL else PatternFill("solid", fgColor="F2F2F2")
        letter = cell.column_letter
        dim = sheet.column_dimensions[letter]
        dim.width = 42 if key in _WIDE else 14 if key in DATE_KEYS else 20
        dim.alignment = wrap_top
        if key in DATE_KEYS:
            dim.number_format = "yyyy-mm-dd"
    sample = plans is None  # the one sample row is marked, so `bulk` never makes it
    for plan in plans if plans is not None else [EXAMPLES[lang]]:
        values = plan_to_row(plan, lang)
        if sample:
            values["example"] = "示例" if zh else "example"
        sheet.append([values.get(k) for k in COLUMNS])
        row = sheet.max_row
        for index, key in enumerate(COLUMNS, 1):
            cell = sheet.cell(row, index)
            cell.alignment = wrap_top
            if key in DATE_KEYS:
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    _validations(sheet, zh, DataValidation)
    _guide(book.create_sheet("说明" if zh else "guide"), bold, wrap_top)
    data = io.BytesIO()
    book.save(data)
    return write_atomic(out, data.getvalue())


def _validations(sheet: Any, zh: bool, validation: Any) -> None:
    def column(key: str) -> str:
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(COLUMNS.index(key) + 1)
        return f"{letter}2:{letter}{MAX_ROWS}"

    languages = "中文,英文" if zh else "zh,en"
    roles = ",".join(ROLE_LABELS_ZH.values()) if zh else "sales,engineering,admin,customer_service"
    rules = [
        ("example", "示例" if zh else "example", "stop", "示例行" if zh else "example"),
        ("checkin_frequency", "每周,每两周" if zh else "weekly,biweekly", "stop",
         "回顾频率" if zh else "checkin_frequency"),
        ("language", languages, "stop", "语言" if zh else "language"),
        ("role", roles, "stop", "岗位类别" if zh else "role"),
        ("period.days", "30,60,90", "warning", "周期天数" if zh else "period.days"),
    ]
    for key, values, style, title in rules:
        rule = validation(type="list", formula1=f'"{values}"', allow_blank=True,
                          showErrorMessage=True, errorStyle=style, errorTitle=title,
                          error=(f"请从列表中选择：{values}" if zh else f"Choose one of: {values}"),
                          promptTitle=title, prompt=values, showInputMessage=True)
        rule.add(column(key))
        sheet.add_data_validation(rule)
    for key in DATE_KEYS:
        rule = validation(type="date", operator="greaterThan", formula1="36526",
                          allow_blank=True, showErrorMessage=True, errorStyle="warning",
                          error=("请输入日期，如 2026-12-01" if zh
                                 else "Enter a date, e.g. 2026-12-01"))
        rule.add(column(key))
        sheet.add_data_validation(rule)


def _guide(sheet: Any, bold: Any, wrap: Any) -> None:
    sheet.append(["column / 列", "中文列名", "说明", "Description", "required / 必填"])
    for cell in sheet[1]:
        cell.font = bold
    for key in COLUMNS:
        zh_text, en_text = GUIDE[key]
        sheet.append([key, LABELS_ZH[key], zh_text, en_text,
                      "" if key in OPTIONAL else "✓"])
    notes = [
        ("", "", "每行一个计划；表头可用英文键或中文列名。目标2、3整列留空表示没有该目标。",
         "One row per plan; headers by key or Chinese label. Leave goal 2/3 empty for no goal."),
        ("", "", "多条内容放在同一单元格内，每行一条（Alt+Enter换行）。"
                 "日期可用日期格式、2026-12-01 或 2026/12/1（计划文件也接受这几种写法）。",
         "Lists go in one cell, one item per line (Alt+Enter). Dates: a date cell, 2026-12-01"
         " or 2026/12/1 (plan files accept the same forms)."),
        ("", "", "运行：pipdocs bulk 本文件.xlsx -o 输出目录；问题行在 report.csv 中按单元格列出。",
         "Run: pipdocs bulk this.xlsx -o DIR; rows to fix are listed by cell in report.csv."),
    ]
    for note in notes:
        sheet.append(list(note))
    for letter, width in zip("ABCDE", (24, 16, 50, 50, 14), strict=True):
        sheet.column_dimensions[letter].width = width
        sheet.column_dimensions[letter].alignment = wrap
    sheet.freeze_panes = "A2"


def write_examples(examples: Path) -> list[Path]:
    """examples/bulk-<lang>.xlsx from examples/*-<lang>.yaml (run again when those change)."""
    import yaml

    written = []
    for lang in ("en", "zh"):
        plans = [yaml.safe_load(p.read_text(encoding="utf-8"))
                 for p in sorted(examples.glob(f"*-{lang}.yaml"))]
        written.append(write_template(examples / f"bulk-{lang}.xlsx", lang, plans))
    return written


if __name__ == "__main__":  # python -m pipdocs.bulk.workbook examples/
    import sys

    for path in write_examples(Path(sys.argv[1] if len(sys.argv) > 1 else "examples")):
        print(path)
