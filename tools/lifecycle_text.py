"""Wording of the lifecycle templates (check-in, evaluation, refusal, revision), per language.

Kept apart from the layout in build_lifecycle_templates.py, like template_text.py for the plans.
Jinja expressions refer to the contexts in pipdocs/lifecycle/contexts.py.
"""

from __future__ import annotations

from typing import Any

COMMON: dict[str, dict[str, Any]] = {
    "zh": {
        "header_right": "{title} · 保密",
        "footer_left": "计划编号：{{ plan_id }} · 第 {{ plan_version }} 版 · 保密",
        "page_of": ("第 ", " 页 / 共 ", " 页"),
        "meta": "计划编号：{{ plan_id }}    计划版本：第 {{ plan_version }} 版    密级：保密",
        "p_employee": "员工姓名", "p_employee_id": "员工编号", "p_department": "所属部门",
        "p_title": "岗位名称", "p_manager": "直接上级", "p_hr": "人力资源",
        "p_period": "计划周期",
        "person": "{{ %s.name }}（{{ %s.title }}）",
        "period": "{{ period.start }}至{{ period.end }}（共{{ period.days }}天）",
        "follows": "本文件依据已签署的绩效改进计划 {{ plan_id }} 第 {{ plan_version }} 版，"
        "其 PDF 文件的 SHA-256 摘要为 {{ plan_sha256 }}。{% if parent_sha256 != plan_sha256 %}"
        "本文件直接依据的上一份已签署文件的摘要为 {{ parent_sha256 }}。{% endif %}"
        "摘要可用于核对所依据的文件未被替换。",
        "sig_employee": "员工签字", "sig_manager": "直接上级签字", "sig_hr": "人力资源部签字",
        "sig_name": ("姓名：", "{{ %s.name }}"),
        "sig_title_employee": "职务：{{ employee.title }}（{{ employee.department }}）",
        "sig_title": "职务：{{ %s.title }}",
        "sig_email": "邮箱：{{ %s.email }}",
        "appeal": "员工如认为本文件的内容不公正、不准确，可自收到之日起5个工作日内，以书面形式"
        "（含电子邮件）向人力资源部 {{ hr.name }}（{{ hr.email }}）提出申诉。人力资源部将会同非直接"
        "上级的管理者进行复核，并在10个工作日内书面答复。员工不会因提出申诉而受到任何不利对待。",
    },
    "en": {
        "header_right": "{title} · Confidential",
        "footer_left": "{{ plan_id }} · version {{ plan_version }} · Confidential",
        "page_of": ("Page ", " of ", ""),
        "meta": "Plan ID: {{ plan_id }}    Plan version: {{ plan_version }}    Confidential",
        "p_employee": "Employee", "p_employee_id": "Employee ID", "p_department": "Department",
        "p_title": "Job title", "p_manager": "Line manager", "p_hr": "Human Resources",
        "p_period": "Plan period",
        "person": "{{ %s.name }}, {{ %s.title }}",
        "period": "{{ period.start }} to {{ period.end }} ({{ period.days }} days)",
        "follows": "This document follows the signed Performance Improvement Plan {{ plan_id }}, "
        "version {{ plan_version }}, whose PDF has the SHA-256 digest {{ plan_sha256 }}."
        "{% if parent_sha256 != plan_sha256 %} The signed document it directly follows has the"
        " digest {{ parent_sha256 }}.{% endif %} The digests show that the documents it follows"
        " were not replaced.",
        "sig_employee": "Employee", "sig_manager": "Line manager", "sig_hr": "Human Resources",
        "sig_name": ("Name: ", "{{ %s.name }}"),
        "sig_title_employee": "{{ employee.title }}, {{ employee.department }}",
        "sig_title": "{{ %s.title }}",
        "sig_email": "{{ %s.email }}",
        "appeal": "If you believe that this document is unfair or inaccurate, you may appeal in "
        "writing (e-mail is fine) to {{ hr.name }}, {{ hr.title }} ({{ hr.email }}), within 5 "
        "working days of receiving it. HR reviews the appeal with a manager other than your line "
        "manager and answers in writing within 10 working days. Raising an appeal will not be held "
        "against you.",
    },
}

TEXT: dict[str, dict[str, dict[str, Any]]] = {
    "zh": {
        "checkin": {
            "title": "绩效改进计划回顾面谈记录",
            "p_date": "面谈日期", "p_number": "面谈节点",
            "number": "第 {{ number }} 个检查节点（共 {{ checkpoint_count }} 个）"
            "{% if checkpoint %}：{{ checkpoint.focus }}{% endif %}",
            "h_goals": "一、各项目标进展",
            "goals_intro": "对照计划中的衡量指标，逐项记录目标进展、当前状态与依据：",
            "goal_cols": "目标|衡量指标与改进目标|进展|状态|依据",
            "goal_cells": ("{{ g.number }}. {{ g.area }}",
                           "{{ g.metric }}：{{ g.target }}（{{ g.deadline }}前）",
                           "{{ g.progress }}", "{{ g.status }}", "{{ g.evidence or '—' }}"),
            "h_support": "二、支持落实情况",
            "support_intro": "计划约定的公司支持自上次面谈以来的落实情况：",
            "support_cols": "序号|计划约定的支持|落实情况",
            "h_feedback": "三、直接上级反馈",
            "h_comment": "四、员工意见",
            "no_comment": "员工在面谈中未提出书面意见，可在签署时注明意见。",
            "h_next": "五、下一步行动",
            "next_none": "按原计划继续推进。",
            "h_sign": "六、双方确认",
            "sign_intro": "直接上级先签署，确认本记录如实反映面谈"
            "内容；员工随后签署，表示已收到本记录，"
            "并可注明同意或不同意见。",
            "order": ("manager", "employee"),
        },
        "evaluation": {
            "title": "绩效改进计划最终评估",
            "p_date": "评估日期",
            "h_goals": "一、各项目标评估",
            "goals_intro": "依据计划第三部分所列衡量方式，逐项对"
            "照改进目标评估实际结果。衡量指标为数值"
            "时，系统计算结果列于说明栏，供评估人参考：",
            "goal_cols": "目标|现状与改进目标|实际结果|评估结果|说明",
            "goal_cells": ("{{ g.number }}. {{ g.area }}",
                           "{{ g.metric }}：{{ g.baseline }} → {{ g.target }}",
                           "{{ g.actual }}", "{{ g.result }}",
                           "{{ g.computed or '' }}{% if g.computed and g.comment %}；"
                           "{% endif %}{{ g.comment or '' }}"),
            "h_outcome": "二、总体评估结果",
            "outcome": "总体评估结果：{{ outcome }}",
            "h_decision": "三、后续安排",
            "decision": "决定：{{ decision }}",
            "extend": "改进期延长至 {{ extend_until }}"
            "，延长期间继续按计划进行回顾面谈，期满后再次评估。",
            "law_label": "法律提示：",
            "h_summary": "四、评估说明",
            "h_statement": "五、员工声明与申诉渠道",
            "statement": "员工签署本评估表示已收到评估结果，不"
            "代表同意。员工可在签署时注明不同意见，"
            "或于签署后3个工作日内以书面形式提交人力资源部，作为本评估的组成部分一并存档。",
            "h_sign": "六、签字确认",
            "sign_intro": "本评估由直接上级作出，经人力资源部审核后，交员工签收。",
            "order": ("manager", "hr", "employee"),
        },
        "refusal": {
            "title": "拒签记录",
            "p_date": "记录日期",
            "h_facts": "一、送达与拒签情况",
            "facts_intro": "公司已向员工送达下列文件，员工拒绝签署。现将送达与拒签情况记录如下：",
            "rows": (("所涉文件", "{{ document }}"),
                     ("文件摘要", "SHA-256：{{ document_sha256 }}"),
                     ("送达日期", "{{ date }}"),
                     ("送达方式", "{{ delivered }}"),
                     ("员工陈述的理由", "{{ reason or '员工未说明理由' }}"),
                     ("见证人", "{{ witness.name }}（{{ witness.title }}）"),
                     ("人事部补充说明", "{{ note or '无' }}")),
            "h_effect": "二、说明",
            "effect": "上述文件已依法送达员工。员工拒绝签署不"
            "影响该文件所载改进计划的执行；本记录与该"
            "文件一并存档，在案卷中代替员工对该文件的签署"
            "步骤。员工仍可随时以书面形式提出意见或申诉。",
            "h_sign": "三、签字确认",
            "sign_intro": "直接上级与人力资源部依次签署，确认以上送达与拒签情况属实。",
            "order": ("manager", "hr"),
        },
        "revision": {
            "title": "绩效改进计划变更（第 {{ version }} 版）",
            "p_date": "变更日期",
            "h_reason": "一、变更原因",
            "h_changes": "二、变更内容",
            "no_changes": "（计划内容未变）",
            "h_versions": "三、版本关系",
            "versions": "本版本（第 {{ version }} 版）替代第 {{ previous_version }}"
            " 版（已签署文件的"
            "SHA-256：{{ parent_sha256 }}），送达员工后自变更日期起生效；员工签署表示已收到并知悉"
            "本次变更。此后的回顾面谈与最终评估均以本版本为准。变更后的完整计划附后。",
            "order": (),
        },
    },
    "en": {
        "checkin": {
            "title": "Performance Improvement Plan: check-in record",
            "p_date": "Date", "p_number": "Checkpoint",
            "number": "Checkpoint {{ number }} of {{ checkpoint_count }}"
            "{% if checkpoint %}: {{ checkpoint.focus }}{% endif %}",
            "h_goals": "1. Progress on each goal",
            "goals_intro": "Progress against each goal's metric, its status and the evidence:",
            "goal_cols": "Goal|Metric and target|Progress|Status|Evidence",
            "goal_cells": ("{{ g.number }}. {{ g.area }}",
                           "{{ g.metric }}: {{ g.target }} (by {{ g.deadline }})",
                           "{{ g.progress }}", "{{ g.status }}", "{{ g.evidence or '—' }}"),
            "h_support": "2. Support given",
            "support_intro": "Whether the support agreed in the plan was given since the last "
            "check-in:",
            "support_cols": "No.|Support agreed in the plan|Since the last check-in",
            "h_feedback": "3. Manager's feedback",
            "h_comment": "4. Employee's comments",
            "no_comment": "The employee gave no written comment in the meeting; they may add one "
            "when signing.",
            "h_next": "5. Next steps",
            "next_none": "Continue as planned.",
            "h_sign": "6. Confirmation",
            "sign_intro": "The line manager signs first, confirming that this record reflects the "
            "meeting; the employee then signs to acknowledge receipt and may agree or add a "
            "comment.",
            "order": ("manager", "employee"),
        },
        "evaluation": {
            "title": "Performance Improvement Plan: final evaluation",
            "p_date": "Date",
            "h_goals": "1. Result for each goal",
            "goals_intro": "Each goal is assessed against its target using the evidence named in "
            "the plan. Where the metric is numeric, the computed result is shown in the notes for "
            "reference:",
            "goal_cols": "Goal|Baseline and target|Actual|Result|Notes",
            "goal_cells": ("{{ g.number }}. {{ g.area }}",
                           "{{ g.metric }}: {{ g.baseline }} → {{ g.target }}",
                           "{{ g.actual }}", "{{ g.result }}",
                           "{{ g.computed or '' }}{% if g.computed and g.comment %}; "
                           "{% endif %}{{ g.comment or '' }}"),
            "h_outcome": "2. Overall outcome",
            "outcome": "Overall outcome: {{ outcome }}",
            "h_decision": "3. Decision",
            "decision": "Decision: {{ decision }}",
            "extend": "The plan period is extended until {{ extend_until }}. Check-ins continue "
            "as planned and the plan is evaluated again at the end of the extension.",
            "law_label": "Legal note: ",
            "h_summary": "4. Summary",
            "h_statement": "5. Employee's statement and right of appeal",
            "statement": "By signing, the employee acknowledges receipt of this evaluation; "
            "signing does not mean agreement. The employee may record disagreement when signing, "
            "or in writing to HR within 3 working days; it is kept with this evaluation.",
            "h_sign": "6. Signatures",
            "sign_intro": "The line manager issues this evaluat"
            "ion, HR reviews it, and the employee "
            "acknowledges receipt.",
            "order": ("manager", "hr", "employee"),
        },
        "refusal": {
            "title": "Record of refusal to sign",
            "p_date": "Date",
            "h_facts": "1. Delivery and refusal",
            "facts_intro": "The document below was delivered to the employee, who refused to sign "
            "it:",
            "rows": (("Document", "{{ document }}"),
                     ("Digest", "SHA-256: {{ document_sha256 }}"),
                     ("Delivered on", "{{ date }}"),
                     ("How delivered", "{{ delivered }}"),
                     ("Reason given", "{{ reason or 'No reason given' }}"),
                     ("Witness", "{{ witness.name }}, {{ witness.title }}"),
                     ("HR's note", "{{ note or 'None' }}")),
            "h_effect": "2. Effect",
            "effect": "The document was delivered to the employee. Refusing to sign does not stop "
            "the improvement plan from applying; this record is kept with the document and stands "
            "in the case file for the employee's signature on it. The employee may still comment "
            "or appeal in writing at any time.",
            "h_sign": "3. Signatures",
            "sign_intro": "The line manager and HR sign, in that order, to confirm this record.",
            "order": ("manager", "hr"),
        },
        "revision": {
            "title": "Plan revision: version {{ version }}",
            "p_date": "Date",
            "h_reason": "1. Reason for the revision",
            "h_changes": "2. What changed",
            "no_changes": "(no change to the plan's content)",
            "h_versions": "3. Versions",
            "versions": "This version ({{ version }}) replaces version {{ previous_version }} "
            "(signed PDF SHA-256: {{ parent_sha256 }}) from its date, once it has been delivered "
            "to the employee; the employee's signature acknowledges receipt. Later check-ins and "
            "the final evaluation refer to this version. The full revised plan follows.",
            "order": (),
        },
    },
}
