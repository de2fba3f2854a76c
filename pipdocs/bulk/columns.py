"""The columns of a plan sheet: keys, the Chinese labels users see, aliases, and cell values.

One table for the sheet reader and the workbook writer, so a column's key, its label (HR邮箱)
and the values its drop-down offers (技术岗, the document's own word) cannot drift apart.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

GOAL_FIELDS = ("area", "metric", "baseline", "standard", "target", "deadline", "measurement")
GOAL_COUNT = 3
LIST_KEYS = ("diagnosis.root_causes", "diagnosis.evidence", "actions", "support", "commitments",
             "evaluation", "checkpoints")
TEXT_LISTS = ("diagnosis.root_causes", "diagnosis.evidence", "support", "commitments",
              "evaluation")

_GOAL_ZH = {"area": "领域", "metric": "指标", "baseline": "现状", "standard": "标准",
            "target": "目标值", "deadline": "截止日期", "measurement": "衡量方式"}
LABELS_ZH: dict[str, str] = {
    "example": "示例行",
    "plan_id": "计划编号", "language": "语言", "role": "岗位类别", "organisation": "公司名称",
    "employee.id": "员工工号", "employee.name": "员工姓名", "employee.email": "员工邮箱",
    "employee.title": "员工职位", "employee.department": "员工部门",
    "manager.name": "经理姓名", "manager.email": "经理邮箱", "manager.title": "经理职位",
    "hr.name": "HR姓名", "hr.email": "HR邮箱", "hr.title": "HR职位",
    "period.start": "开始日期", "period.days": "周期天数",
    "diagnosis.summary": "问题概述", "diagnosis.root_causes": "原因分析",
    "diagnosis.evidence": "事实依据",
    **{f"goals.{n}.{f}": f"目标{n}{zh}" for n in range(1, GOAL_COUNT + 1)
       for f, zh in _GOAL_ZH.items()},
    "actions": "行动计划", "support": "支持资源", "commitments": "上级承诺",
    "evaluation": "评估方式", "checkin_frequency": "回顾频率", "checkpoints": "检查点",
}
COLUMNS: tuple[str, ...] = tuple(LABELS_ZH)  # sheet order
OPTIONAL = {"example", "plan_id", "organisation", "checkpoints", "diagnosis.root_causes",
            "diagnosis.evidence", "commitments", "evaluation", "checkin_frequency",
            *(f"goals.{n}.standard" for n in range(1, GOAL_COUNT + 1))}
DATE_KEYS = {"period.start", *(f"goals.{n}.deadline" for n in range(1, GOAL_COUNT + 1))}

LANGUAGE_VALUES = {"zh": "zh", "en": "en", "中文": "zh", "英文": "en", "chinese": "zh",
                   "english": "en", "简体中文": "zh", "cn": "zh", "zh-cn": "zh"}
ROLE_VALUES = {"sales": "sales", "engineering": "engineering", "admin": "admin",
               "customer service": "customer_service",
               "销售": "sales", "研发": "engineering", "技术": "engineering",
               "工程": "engineering", "行政": "admin", "客服": "customer_service",
               "客户服务": "customer_service", "销售岗": "sales", "技术岗": "engineering",
               "研发岗": "engineering", "行政岗": "admin", "客服岗": "customer_service"}
# The drop-down uses the words the document prints ("岗位类别：技术岗").
ROLE_LABELS_ZH = {"sales": "销售岗", "engineering": "技术岗", "admin": "行政岗",
                  "customer_service": "客服岗"}
# A cell in the example column marks the template's sample row: it is never made into a document.
EXAMPLE_MARKS = {"示例", "示例行", "例", "example", "sample", "yes", "是", "x", "true", "1"}
LANGUAGE_LABELS_ZH = {"zh": "中文", "en": "英文"}
FREQUENCY_VALUES = {"weekly": "weekly", "每周": "weekly", "每周一次": "weekly",
                    "biweekly": "biweekly", "bi-weekly": "biweekly", "fortnightly": "biweekly",
                    "每两周": "biweekly", "每两周一次": "biweekly", "双周": "biweekly"}
FREQUENCY_LABELS_ZH = {"weekly": "每周", "biweekly": "每两周"}

_SEPARATORS = re.compile(r"[\s\-_—–·:：.()（）\[\]【】/]+")


def _norm(header: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", header)).lower()


# Other names people give these columns (a sheet written without our template).
_ALIASES_ZH: dict[str, tuple[str, ...]] = {
    "plan_id": ("PIP编号",), "language": ("文档语言",), "role": ("岗位类型", "职能类别"),
    "organisation": ("公司", "组织名称", "单位名称"),
    "employee.id": ("工号", "员工编号"), "employee.email": ("员工电子邮件", "员工邮件"),
    "employee.title": ("员工岗位", "岗位名称"), "employee.department": ("所属部门", "部门"),
    "manager.name": ("直属经理", "直属经理姓名", "上级姓名"),
    "manager.email": ("直属经理邮箱", "上级邮箱"), "manager.title": ("直属经理职位", "上级职位"),
    "hr.name": ("人力资源姓名", "HRBP姓名"), "hr.email": ("人力资源邮箱", "HRBP邮箱"),
    "hr.title": ("人力资源职位", "HRBP职位"),
    "period.start": ("计划开始日期", "起始日期"), "period.days": ("计划天数", "周期（天）"),
    "diagnosis.summary": ("问题描述", "绩效问题"), "diagnosis.root_causes": ("根本原因", "根因"),
    "actions": ("改进措施", "行动措施"), "support": ("公司支持", "支持措施"),
    "checkpoints": ("检查节点", "跟进节点"),
}
_GOAL_ALIASES_ZH = {"area": ("改进领域",), "metric": ("衡量指标",),
                    "baseline": ("基线", "当前水平"), "target": ("目标",),
                    "deadline": ("期限", "完成期限"), "measurement": ("衡量方法", "评估方式")}
for _n in range(1, GOAL_COUNT + 1):
    for _f, _names in _GOAL_ALIASES_ZH.items():
        _ALIASES_ZH[f"goals.{_n}.{_f}"] = tuple(f"目标{_n}{name}" for name in _names)

_HEADER_LOOKUP: dict[str, str] = {}
for _key in COLUMNS:
    for _name in (_key, LABELS_ZH[_key], *_ALIASES_ZH.get(_key, ())):
        _HEADER_LOOKUP[_norm(_name)] = _key
    if _key.startswith("goals."):  # goal1.area, goals[1].area
        _HEADER_LOOKUP[_norm(_key.replace("goals.", "goal"))] = _key


# The check-in sheet (``pipdocs bulk SHEET --plans DIR``): one row per check-in meeting.
CHECKIN_LABELS_ZH: dict[str, tuple[str, ...]] = {
    "plan_id": ("计划编号",), "date": ("面谈日期", "日期"), "number": ("检查节点",),
    "support_given": ("已提供的支持",), "manager_feedback": ("直接上级反馈",),
    "employee_comment": ("员工意见",), "next_steps": ("下一步行动",),
}
CHECKIN_GOAL_LABELS_ZH = {"progress": "进展", "status": "状态", "evidence": "依据"}
#: Goal numbers a check-in header may name (the plan says which exist).
CHECKIN_GOALS = range(1, 100)
_CHECKIN_LOOKUP: dict[str, str] = {}
for _key, _names in CHECKIN_LABELS_ZH.items():
    for _name in (_key, *_names):
        _CHECKIN_LOOKUP[_norm(_name)] = _key
for _n in CHECKIN_GOALS:
    for _f, _zh in CHECKIN_GOAL_LABELS_ZH.items():
        for _name in (f"goals.{_n}.{_f}", f"goal{_n}.{_f}", f"目标{_n}{_zh}"):
            _CHECKIN_LOOKUP[_norm(_name)] = f"goals.{_n}.{_f}"
_LOOKUPS = {"plans": _HEADER_LOOKUP, "checkins": _CHECKIN_LOOKUP}


def column_key(header: Any, sheet: str = "plans") -> str | None:
    """The column key a header names (key or Chinese label, spacing and case ignored) in a
    plan sheet, or in a check-in sheet (``sheet="checkins"``)."""
    return _LOOKUPS[sheet].get(_norm(str(header))) if header is not None else None


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
