"""Wording of the eight PIP templates, kept apart from the layout code in build_templates.py.

Everything an HR person reads is here, per language; ``ROLE`` holds what differs by job family:
its label and a note on where the facts usually come from in that role. A template holds only
wording that is true for every plan of its role: everything about one employee (the problem and
its evidence, metrics, evaluation method, support, the manager's commitments, the check-in rhythm)
comes from the plan. Jinja expressions refer to the plan context documented in
pipdocs/document/render.py; dates print in the document's language without a filter.
"""

from __future__ import annotations

from typing import Any

ROLES = ("sales", "engineering", "admin", "customer_service")

TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "doc_title": "绩效改进计划",
        "title": "绩效改进计划（PIP）",
        "confidential": "保密",
        "header_right": "绩效改进计划 · 保密",
        "footer_left": "计划编号：{{ plan_id }} · 保密",
        "page_of": ("第 ", " 页 / 共 ", " 页"),
        "meta": "计划编号：{{ plan_id }}    密级：保密    岗位类别：{role_label}",
        "p_employee": "员工姓名",
        "p_employee_id": "员工编号",
        "p_department": "所属部门",
        "p_title": "岗位名称",
        "p_manager": "直接上级",
        "p_hr": "人力资源",
        "p_period": "计划周期",
        "person": "{{ %s.name }}（{{ %s.title }}）",
        "period": "{{ period.start }}至{{ period.end }}（共{{ period.days }}天，"
        "约{{ period.weeks }}周）",
        "intro": "为帮助员工在规定期限内将工作绩效提升至岗位要求，直接上级已与员工就绩效差距进行了"
        "充分沟通，双方共同制定本绩效改进计划，并经人力资源部审核。本计划明确需要改进的领域、改进"
        "目标、行动措施、公司提供的支持以及评估方式，目的是帮助员工重回绩效正轨，而非纪律处分。",
        "h1": "一、需要改进的具体领域",
        "l_summary": "问题描述",
        "l_causes": "原因分析",
        "cause_item": "（{{ loop.index }}）{{ c }}",
        "l_evidence": "事实依据",
        "evidence_item": "（{{ loop.index }}）{{ e }}",
        "l_role_note": "岗位说明：",
        "h2": "二、现状表现与期望标准",
        "t2_intro": "各项改进指标的现状、期望标准与改进目标如下：",
        "t2_cols": "衡量指标|现状|期望标准|改进目标|完成期限|衡量方式/数据来源",
        "h3": "三、改进目标",
        "goals_intro": "本计划聚焦以下关键改进点，各项目标均遵循SMART原则，即具体、可衡量、可实现、"
        "与岗位相关并有明确时限：",
        "goal_head": "目标{{ loop.index }}：{{ g.area }}——{{ g.metric }}",
        "goal_target": ("改进目标：", "{{ g.target }}"),
        "goal_baseline": ("目前状况：", "{{ g.baseline }}"),
        "goal_standard": ("期望标准：", "{{ g.standard }}"),
        "goal_deadline": ("完成期限：", "{{ g.deadline }}"),
        "goal_evidence": ("衡量方式：", "{{ g.measurement }}"),
        "goals_change": "改进期内如因业务调整等客观情况需要变更目标，须经员工、直接上级与人力资源部"
        "三方书面确认后方可调整，并记录变更原因。",
        "h4": "四、改进方式与资源支持",
        "h4_1": "（一）行动计划",
        "t4_cols": "周次|起止日期|具体行动|完成情况",
        "weeks_cell": "第{{ a.weeks|replace('-', '–') }}周",
        "h4_2": "（二）公司提供的支持",
        "support_item": "{{ loop.index }}. {{ s }}",
        "h4_3": "（三）直接上级的承诺",
        "commitment_item": "{{ loop.index }}. {{ m }}",
        "h5": "五、时间表与检查节点",
        "t5_intro": "改进期内，直接上级按下列日期与员工进行回顾面谈"
        "{% if checkin_frequency == 'weekly' %}（每周一次）"
        "{% elif checkin_frequency == 'biweekly' %}（每两周一次）{% endif %}，逐项检查目标进展，"
        "记录面谈要点，经员工确认后存档。面谈反馈遵循BEST原则：讲清具体行为（Behavior）及其影响"
        "（Effect），提出改进建议（Suggestion），并表达信任（Trust）。",
        "t5_cols": "序号|日期|回顾重点|进展与问题记录|结论/双方确认",
        "h6": "六、评估标准与可能结果",
        "eval_intro": "改进期结束时（{{ period.end }}），直接上级会同人力资源部，依据第三部分所列"
        "衡量方式和数据来源，逐项评估各改进目标的达成情况，与员工进行结果面谈，并书面告知评估结论。",
        "l_eval": "评估方式",
        "eval_item": "{{ loop.index }}. {{ v }}",
        "t6_cols": "评估结果|判定标准|后续安排",
        "met": "达成",
        "met_crit": "全部改进目标在期限内达成。",
        "met_next": "结束改进计划，恢复常规绩效管理；评估结果存入员工绩效档案。",
        "partial": "部分达成",
        "partial_crit": "主要目标取得明显进展，但未全部达成。",
        "partial_next": "经三方确认，可延长改进期一次（一般不超过30天），或根据员工能力与意愿调整至"
        "更匹配的岗位。",
        "notmet": "未达成",
        "notmet_crit": "公司已提供约定的支持，主要目标仍未达成。",
        "notmet_next": "依据本计划的完整过程记录，安排培训或调整工作岗位；经培训或调岗后仍不能"
        "胜任工作的，依法处理劳动关系。",
        "h7": "七、员工声明与申诉渠道",
        "h7_1": "（一）员工声明",
        "statement": "本人已收到本绩效改进计划，并已与直接上级就计划内容进行了沟通。本人签署时"
        "选择“同意本计划”、“知悉本计划”或“知悉本计划但不同意其内容”，并可填写意见（不超过500字）"
        "；意见随电子签名一并记录。如需进一步说明，可在签署后3个工作日内以书面形式提交人力资源部，"
        "与本计划一并存档。签署本计划不影响本人依法享有的各项权利。",
        "h7_2": "（二）申诉与复核渠道",
        "appeal": "员工如认为本计划的内容或最终评估结果不公正、不准确，可自收到本计划或评估结果之日"
        "起5个工作日内，以书面形式（含电子邮件）向人力资源部 {{ hr.name }}（{{ hr.email }}）提出"
        "申诉。人力资源部将会同非直接上级的管理者进行复核，并在10个工作日内书面答复。员工不会因"
        "提出申诉而受到任何不利对待。",
        "h_sig": "三方签字确认",
        "sig_intro": "本计划是公司的绩效管理措施，送达员工后，自计划开始之日起生效。直接上级签署，"
        "确认计划内容并承诺提供所列支持；人力资源部签署，确认本计划已经其审核。员工签署表示已收到"
        "本计划并知悉其内容，并注明同意、知悉或知悉但不同意；员工不同意或未签署，不影响本计划生效，"
        "如有异议可通过上述申诉渠道提出。各方均采用附可信时间戳的电子签名，签署时间以时间戳为准；"
        "文件签署后的任何改动都会导致签名验证失败。",
        "sig_employee": "员工签字",
        "sig_manager": "直接上级签字",
        "sig_hr": "人力资源部签字",
        "sig_name": ("姓名：", "{{ %s.name }}"),
        "sig_title_employee": "职务：{{ employee.title }}（{{ employee.department }}）",
        "sig_title": "职务：{{ %s.title }}",
        "sig_email": "邮箱：{{ %s.email }}",
        "closing": "签署本计划，是员工与公司共同确认各自的改进责任和支持承诺，并不代表对员工"
        "作出任何处理决定。",
    },
    "en": {
        "doc_title": "Performance Improvement Plan",
        "title": "Performance Improvement Plan",
        "confidential": "Confidential",
        "header_right": "Performance Improvement Plan · Confidential",
        "footer_left": "{{ plan_id }} · Confidential",
        "page_of": ("Page ", " of ", ""),
        "meta": "Plan ID: {{ plan_id }}    Confidential    Role family: {role_label}",
        "p_employee": "Employee",
        "p_employee_id": "Employee ID",
        "p_department": "Department",
        "p_title": "Job title",
        "p_manager": "Line manager",
        "p_hr": "Human Resources",
        "p_period": "Plan period",
        "person": "{{ %s.name }}, {{ %s.title }}",
        "period": "{{ period.start }} to {{ period.end }} ({{ period.days }} days, "
        "about {{ period.weeks }} weeks)",
        "intro": "This Performance Improvement Plan (PIP) was prepared by the line manager together"
        " with the employee after they discussed the performance concerns set out below, and was "
        "reviewed by Human Resources before it starts. It sets out where performance needs to "
        "improve, the goals to reach by the end of the plan period, the actions and support agreed,"
        " and how the result will be evaluated. Its purpose is to help the employee return to the "
        "expected standard; it is not a disciplinary sanction.",
        "h1": "1. Areas for improvement",
        "l_summary": "Performance concern",
        "l_causes": "Root causes",
        "cause_item": "{{ loop.index }}. {{ c }}",
        "l_evidence": "Facts and evidence",
        "evidence_item": "{{ loop.index }}. {{ e }}",
        "l_role_note": "Note: ",
        "h2": "2. Current performance and expected standard",
        "t2_intro": "The table compares current performance with the expected standard and the "
        "target for each measure.",
        "t2_cols": "Metric|Current|Expected standard|Target|Deadline|Measured by",
        "h3": "3. Improvement goals",
        "goals_intro": "The plan concentrates on the key points below. Each goal is specific, "
        "measurable, achievable with the support in section 4, relevant to the role and time-bound "
        "within the plan period.",
        "goal_head": "Goal {{ loop.index }}: {{ g.area }} — {{ g.metric }}",
        "goal_target": ("Target: ", "{{ g.target }}"),
        "goal_baseline": ("Current: ", "{{ g.baseline }}"),
        "goal_standard": ("Expected standard: ", "{{ g.standard }}"),
        "goal_deadline": ("Deadline: ", "{{ g.deadline }}"),
        "goal_evidence": ("Evidence: ", "{{ g.measurement }}"),
        "goals_change": "If circumstances outside the employee's control change during the plan "
        "(for example a reorganisation or a change of workload), a goal may be adjusted only with "
        "the written agreement of the employee, the line manager and HR, and the reason is "
        "recorded.",
        "h4": "4. Actions and support",
        "h4_1": "4.1 Action plan",
        "t4_cols": "Weeks|Dates|Action|Progress notes",
        "weeks_cell": "{{ a.weeks|replace('-', '–') }}",
        "h4_2": "4.2 Support from the company",
        "support_item": "{{ loop.index }}. {{ s }}",
        "h4_3": "4.3 The line manager's commitments",
        "commitment_item": "{{ loop.index }}. {{ m }}",
        "h5": "5. Timeline and checkpoints",
        "t5_intro": "The line manager and the employee meet on the dates below"
        "{% if checkin_frequency == 'weekly' %} (every week)"
        "{% elif checkin_frequency == 'biweekly' %} (every two weeks){% endif %} to review progress"
        " against each goal. The manager records the main points of each "
        "meeting, the employee confirms them, and the notes are kept with this plan. Feedback "
        "follows the BEST model: describe the Behaviour, its Effect, a Suggestion, and Thanks or "
        "Trust.",
        "t5_cols": "No.|Date|Focus|Progress and notes|Outcome / initials",
        "h6": "6. Evaluation and possible outcomes",
        "eval_intro": "At the end of the plan period ({{ period.end }}), the line manager and HR "
        "assess each goal against its target, using the evidence named in section 3, discuss the "
        "result with the employee and confirm it in writing.",
        "l_eval": "How results are assessed",
        "eval_item": "{{ loop.index }}. {{ v }}",
        "t6_cols": "Result|Criteria|What follows",
        "met": "Met",
        "met_crit": "All goals reached by their deadlines.",
        "met_next": "The plan closes and the employee returns to normal performance management. "
        "The result is kept on the employee's performance record.",
        "partial": "Partially met",
        "partial_crit": "Clear progress, but one or more goals not fully reached.",
        "partial_next": "By agreement of all three parties, the plan may be extended once "
        "(normally by up to 30 days), or a move to a role that better matches the employee's "
        "strengths may be considered.",
        "notmet": "Not met",
        "notmet_crit": "The main goals were not reached despite the agreed support.",
        "notmet_next": "Further training or a transfer to another role, decided on the basis of "
        "the complete record of this plan. If the employee still cannot do the work after that, "
        "the employment relationship is handled in line with the law.",
        "h7": "7. Employee's statement and right of appeal",
        "h7_1": "Employee's statement",
        "statement": "I have received this Performance Improvement Plan and discussed it with my "
        "line manager. When I sign, I state that I agree with the plan, that I acknowledge "
        "receipt of it, or that I acknowledge receipt but disagree, and I may add a comment of up "
        "to 500 characters, which is recorded with my signature. I may also set out my view in "
        "writing to HR within 3 working days of signing; it will be kept with this plan. "
        "Signing does not affect any of my legal rights.",
        "h7_2": "Appeal and review",
        "appeal": "If you believe that this plan or its final evaluation is unfair or inaccurate, "
        "you may appeal in writing (e-mail is fine) to {{ hr.name }}, {{ hr.title }} "
        "({{ hr.email }}), within 5 working days of receiving the plan or the evaluation. HR will "
        "review the matter with a manager who is not your line manager and reply in writing "
        "within 10 working days. Raising an appeal will not be held against you.",
        "h_sig": "Signatures",
        "sig_intro": "This plan is a management measure: it takes effect on its start date once "
        "it has been delivered to the employee. The line manager signs to confirm the plan and to "
        "commit to the support listed; HR signs to confirm that it has reviewed the plan. The "
        "employee's signature acknowledges receipt of the plan and its content, and records "
        "whether the employee agrees, acknowledges, or acknowledges but disagrees; disagreeing, or "
        "not signing, does not stop the plan from taking effect, and any objection can be raised "
        "through the appeal channel above. Each party signs digitally and every signature carries "
        "a trusted timestamp, which is the date and time of signing; any change made to the "
        "document after signing makes the signatures fail verification.",
        "sig_employee": "Employee",
        "sig_manager": "Line manager",
        "sig_hr": "Human Resources",
        "sig_name": ("", "{{ %s.name }}"),
        "sig_title_employee": "{{ employee.title }}, {{ employee.department }}",
        "sig_title": "{{ %s.title }}",
        "sig_email": "{{ %s.email }}",
        "closing": "Signing this plan is not a verdict: it records the commitments that the "
        "employee and the company each make.",
    },
}

# What differs by job family: the label and where the facts usually come from in that role (seed
# 004). Nothing here may describe one employee's case: that comes from the plan.
ROLE: dict[str, dict[str, dict[str, str]]] = {
    "zh": {
        "sales": {
            "label": "销售岗",
            "note": "销售岗的绩效事实一般取自CRM系统中的客户拜访、商机推进和签约记录，并与可比区域"
            "或团队的同期数据对照，以排除市场等客观因素的影响。",
        },
        "engineering": {
            "label": "技术岗",
            "note": "技术岗的绩效事实一般取自缺陷跟踪系统、持续集成中的测试报告和代码评审记录，"
            "并核实需求变更、排期等外部因素的影响。",
        },
        "admin": {
            "label": "行政岗",
            "note": "行政岗的绩效事实一般取自服务部门的书面反馈、需求响应记录和协作过程记录，"
            "并核实所需的协调权限和资源是否到位。",
        },
        "customer_service": {
            "label": "客服岗",
            "note": "客服岗的绩效事实一般取自客户满意度调查、通话录音质检和工单处理记录，"
            "只记录可观察、可核实的工作表现。",
        },
    },
    "en": {
        "sales": {
            "label": "Sales",
            "note": "In sales roles the facts usually come from the CRM (customer visits, pipeline "
            "progress and signed contracts), compared with colleagues in comparable territories "
            "over the same period, so that market conditions are ruled out.",
        },
        "engineering": {
            "label": "Engineering",
            "note": "In engineering roles the facts usually come from the issue tracker, test "
            "reports from continuous integration and code-review records, after checking the "
            "effect of changing requirements or schedules.",
        },
        "admin": {
            "label": "Administration",
            "note": "In administration roles the facts usually come from written feedback from "
            "the departments served, records of requests and response times, and coordination "
            "records, after checking that the authority and resources needed were in place.",
        },
        "customer_service": {
            "label": "Customer service",
            "note": "In customer-service roles the facts usually come from customer-satisfaction "
            "surveys, quality reviews of recorded calls and ticket records; only observable, "
            "verifiable work performance is recorded.",
        },
    },
}
