"""Sensitive personal information in a diagnosis: warned about, never silently kept.

Health, family circumstances, pregnancy, age, religion and similar matters are sensitive
personal information under the PIPL (art. 28) and grounds for discrimination claims; a PIP
states observable performance facts only. A word list per language finds the likely cases; a
hit is a warning (the plan still validates), because "family" may appear in a product name.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipdocs.core.errors import Problem
from pipdocs.core.i18n import N_, plan_language, tr

if TYPE_CHECKING:
    from pipdocs.core.plan import Plan

RULE = "PIPL-sensitive"

# topic -> words (zh matched as substrings, en as whole words, case ignored)
TOPICS_ZH: dict[str, tuple[str, ...]] = {
    "health": ("健康", "身体状况", "身体原因", "生病", "疾病", "病假", "住院", "手术", "抑郁",
               "焦虑", "心理问题", "心理咨询", "心理疾病", "倦怠", "失眠", "精神状态", "残疾",
               "伤病", "治疗", "咨询师", "压力大", "压力较大"),
    "family": ("家庭", "家人", "家事", "婚姻", "离婚", "配偶", "孩子", "子女", "父母", "照顾老人"),
    "pregnancy": ("怀孕", "孕期", "产假", "哺乳", "备孕", "生育", "流产"),
    "age": ("年龄", "年纪", "岁数", "年纪大", "年轻人", "老员工", "退休年龄"),
    "religion": ("宗教", "信仰", "礼拜", "斋月", "教徒"),
    "other": ("民族", "种族", "性取向", "政治面貌", "党员", "工会", "犯罪记录", "基因",
              "指纹", "病史", "残障"),
}
TOPICS_EN: dict[str, tuple[str, ...]] = {
    "health": ("health", "illness", "sick", "sickness", "disease", "medical",
               "hospital", "surgery", "depression", "depressed", "anxiety", "burnout",
               "burned out", "burnt out", "mental", "counselling", "counseling", "therapy",
               "disability", "disabled", "diagnosed", "insomnia", "stress leave"),
    "family": ("family", "marriage", "married", "divorce", "spouse", "husband", "wife",
               "child", "children", "childcare", "parents", "caring for"),
    "pregnancy": ("pregnant", "pregnancy", "maternity", "paternity", "breastfeeding",
                  "ivf", "miscarriage"),
    "age": ("age", "aged", "too old", "retirement age"),
    "religion": ("religion", "religious", "faith", "church", "mosque", "temple", "prayer",
                 "ramadan"),
    "other": ("ethnicity", "ethnic", "racial", "sexual orientation", "gay",
              "trade union", "union member", "union membership", "criminal record", "genetic",
              "biometric"),
}
TOPIC_NAMES = {"health": N_("health"), "family": N_("family circumstances"),
               "pregnancy": N_("pregnancy"), "age": N_("age"), "religion": N_("religion"),
               "other": N_("ethnicity, orientation, union membership or similar")}


def _find(text: str) -> list[tuple[str, str]]:
    """(topic, word) pairs found in ``text``, zh and en lists both (a plan may mix them)."""
    hits = []
    for topic, words in TOPICS_ZH.items():
        hits += [(topic, w) for w in words if w in text]
    lowered = text.lower()
    for topic, words in TOPICS_EN.items():
        hits += [(topic, w) for w in words if re.search(rf"\b{re.escape(w)}\b", lowered)]
    return hits


def sensitive_topics(plan: Plan) -> list[Problem]:
    """One warning per diagnosis text that mentions a protected topic, naming the rule."""
    texts = [("diagnosis.summary", plan.diagnosis.summary)]
    texts += [(f"diagnosis.root_causes[{i}]", t)
              for i, t in enumerate(plan.diagnosis.root_causes, 1)]
    texts += [(f"diagnosis.evidence[{i}]", t) for i, t in enumerate(plan.diagnosis.evidence, 1)]
    out = []
    with plan_language(plan.language):
        for path, text in texts:
            hits = _find(text)
            if not hits:
                continue
            topics = list(dict.fromkeys(tr(TOPIC_NAMES[t]) for t, _ in hits))
            words = list(dict.fromkeys(w for _, w in hits))
            sep = "、" if plan.language == "zh" else ", "
            out.append(Problem(path, tr(
                "[{rule}] mentions {topics} ('{words}'): sensitive personal information"
                " (PIPL art. 28) does not belong in a PIP; state observable performance facts"
                " only").format(rule=RULE, topics=sep.join(topics), words="', '".join(words))))
    return out
