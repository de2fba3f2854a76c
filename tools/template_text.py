"""Wording of the eight PIP templates, kept apart from the layout code in build_templates.py.

Everything an HR person reads is here, per language; ``ROLE`` holds what differs by job family
(the diagnosis basis, reference metrics, the manager's commitment and how results are assessed,
after the role templates of seed 004). Jinja expressions refer to the plan context documented in
pipdocs/render.py; dates print in the document's language without a filter.
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
        "l_basis": "诊断依据：",
        "h2": "二、现状表现与期望标准",
        "t2_intro": "各项改进指标的现状、期望标准与改进目标如下：",
        "t2_cols": "衡量指标|现状|期望标准|改进目标|完成期限|衡量方式/数据来源",
        "l_metrics": "参考指标：",
        "h3": "三、改进目标",
        "goals_intro": "本计划聚焦以下关键改进点，各项目标均遵循SMART原则，即具体、可衡量、可实现、"
        "与岗位相关并有明确时限：",
        "goal_head": "目标{{ loop.index }}:{{ g.area }}——{{ g.metric }}",
        "goal_target": ("改进目标：", "{{ g.target }}（现状：{{ g.baseline }}"
                        "{% if g.standard %}；期望标准：{{ g.standard }}{% endif %}）"),
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
        "l_commitment": "管理者承诺：",
        "h5": "五、时间表与检查节点",
        "t5_intro": "改进期内，直接上级将按下列节点与员工进行回顾面谈（原则上每两周一次），逐项检查"
        "目标进展，记录面谈要点，经员工确认后存档。反馈遵循BEST原则：描述具体行为（Behavior）、"
        "说明影响（Effect）、提出建议（Suggestion）、表达信任（Trust）。",
        "t5_cols": "序号|日期|回顾重点|进展与问题记录|结论/双方确认",
        "h6": "六、评估标准与可能结果",
        "eval_intro": "改进期结束时（{{ period.end }}），直接上级会同人力资源部，依据第三部分所列"
        "衡量方式和数据来源，逐项评估各改进目标的达成情况，与员工进行结果面谈，并书面告知评估结论。"
        "",
        "l_eval": "评估方式：",
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
        "notmet_next": "依据本计划完整的过程记录，与员工协商调整岗位或协商解除劳动关系，相关处理依"
        "法依规进行。",
        "h7": "七、员工声明与申诉渠道",
        "h7_1": "（一）员工声明",
        "statement": "本人已收到本绩效改进计划，并已与直接上级就计划内容进行了沟通。本人在签署时注"
        "明“知悉”或“同意”本计划，并可填写意见；如对计划内容有不同意见，亦可于签署后3个工作日内"
        "以书面形式提交人力资源部，作为本计划的组成部分一并存档。签署本计划不影响本人依法享有的"
        "各项权利。",
        "h7_2": "（二）申诉与复核渠道",
        "appeal": "员工如认为本计划的内容或最终评估结果不公正、不准确，可自收到本计划或评估结果之日"
        "起5个工作日内，以书面形式（含电子邮件）向人力资源部 {{ hr.name }}（{{ hr.email }}）提出"
        "申诉。人力资源部将会同非直接上级的管理者进行复核，并在10个工作日内书面答复。员工不会因"
        "提出申诉而受到任何不利对待。",
        "h_sig": "三方签字确认",
        "sig_intro": "本计划经员工、直接上级和人力资源部三方依次签署后生效：员工签署表示"
        "已知悉或同意本计划；直接上级签署表示确认计划内容，并承诺提供所列支持；人力资源部最后"
        "签署，确认本计划已经审核。各方均采用附可信时间戳的电子签名，签署时间以时间戳为准；文件"
        "签署后的任何改动都会导致签名验证失败。",
        "sig_employee": "员工签字",
        "sig_manager": "直接上级签字",
        "sig_hr": "人力资源部签字",
        "sig_name": ("姓名：", "{{ %s.name }}"),
        "sig_title_employee": "职务：{{ employee.title }}（{{ employee.department }}）",
        "sig_title": "职务：{{ %s.title }}",
        "sig_email": "邮箱：{{ %s.email }}",
        "closing": "本计划的签署不是“最后通牒”，而是员工与公司对各自责任的共同承诺。",
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
        "l_basis": "Basis of the diagnosis: ",
        "h2": "2. Current performance and expected standard",
        "t2_intro": "The table compares current performance with the expected standard and the "
        "target for each measure.",
        "t2_cols": "Metric|Current|Expected standard|Target|Deadline|Measured by",
        "l_metrics": "Reference metrics: ",
        "h3": "3. Improvement goals",
        "goals_intro": "The plan concentrates on the key points below. Each goal is specific, "
        "measurable, achievable with the support in section 4, relevant to the role and time-bound "
        "within the plan period.",
        "goal_head": "Goal {{ loop.index }}: {{ g.area }} — {{ g.metric }}",
        "goal_target": ("Target: ", "{{ g.target }} (currently {{ g.baseline }}"
                        "{% if g.standard %}; expected standard: {{ g.standard }}{% endif %})"),
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
        "l_commitment": "Manager's commitment: ",
        "h5": "5. Timeline and checkpoints",
        "t5_intro": "The line manager and the employee meet on the dates below (normally every two "
        "weeks) to review progress against each goal. The manager records the main points of each "
        "meeting, the employee confirms them, and the notes are kept with this plan. Feedback "
        "follows the BEST model: describe the Behaviour, its Effect, a Suggestion, and Thanks or "
        "Trust.",
        "t5_cols": "No.|Date|Focus|Progress and notes|Outcome / initials",
        "h6": "6. Evaluation and possible outcomes",
        "eval_intro": "At the end of the plan period ({{ period.end }}), the line manager and HR "
        "assess each goal against its target, using the evidence named in section 3, discuss the "
        "result with the employee and confirm it in writing.",
        "l_eval": "How results are assessed: ",
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
        "notmet_next": "A transfer to another role or a negotiated end of employment, decided on "
        "the basis of the complete record of this plan and in line with applicable law and "
        "company policy.",
        "h7": "7. Employee's statement and right of appeal",
        "h7_1": "Employee's statement",
        "statement": "I have received this Performance Improvement Plan and discussed it with my "
        "line manager. When I sign, I state whether I agree with the plan or acknowledge receipt of"
        " "
        "it, and I may add a comment. If I disagree with any part of it, I may also set out my view"
        " in writing to HR within 3 working days of signing; it will be kept with this plan. "
        "Signing does not affect any of my legal rights.",
        "h7_2": "Appeal and review",
        "appeal": "If you believe that this plan or its final evaluation is unfair or inaccurate, "
        "you may appeal in writing (e-mail is fine) to {{ hr.name }}, {{ hr.title }} "
        "({{ hr.email }}), within 5 working days of receiving the plan or the evaluation. HR will "
        "review the matter with a manager who is not your line manager and reply in writing "
        "within 10 working days. Raising an appeal will not be held against you.",
        "h_sig": "Signatures",
        "sig_intro": "This plan takes effect once the employee, the line manager and HR have "
        "signed it, in that order. The employee's signature records acknowledgement of, or "
        "agreement with, the plan; the line manager's confirms the plan and commits to the support "
        "listed; HR signs last to confirm that the plan has been reviewed. Each party signs "
        "digitally and every signature carries a trusted timestamp, which is the date and time of "
        "signing; any change made to the document after signing makes the signatures fail "
        "verification.",
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

# What differs by job family (seed 004's four role templates).
ROLE: dict[str, dict[str, dict[str, str]]] = {
    "zh": {
        "sales": {
            "label": "销售岗",
            "basis": "销售岗的诊断以近一个季度以上的CRM系统数据为依据（客户拜访量、各阶段转化率、"
            "跟进及时率），并与同类区域的团队均值对比，以排除市场环境等客观因素。",
            "metrics": "新客户转化率（CRM：新签约客户数/拜访客户数）、每周有效客户拜访次数"
            "（以CRM记录为准）、客户需求挖掘深度评分（内部评估，满分10分）、客户跟进节点延误率。",
            "commitment": "改进期内，直接上级（或销售总监）每周与员工进行一次一对一复盘，重点回顾客"
            "户管道、拜访质量与方案呈现，并提供行业案例与研究报告资料。",
            "eval": "每两周一次需求挖掘模拟测试（案例题+实操题，80分达标）；每月根据CRM数据统计新"
            "客户转化率；跟进节点延误率由运营系统按月统计并反馈。",
        },
        "engineering": {
            "label": "技术岗",
            "basis": "技术岗的诊断以近两个及以上项目的缺陷跟踪数据、持续集成中的测试覆盖率报告和"
            "代码评审记录为依据，与团队均值对比，并排除需求不清、排期不合理等外部因素。",
            "metrics": "新功能模块缺陷率（缺陷跟踪系统）、单元测试覆盖率（持续集成报告，如JaCoCo）"
            "、每月代码评审有效建议数及采纳数、由本人变更引发的线上故障数。",
            "commitment": "改进期内，架构师每周安排一次一对一答疑，直接上级每两周与员工复盘缺陷趋势"
            "；公司提供测试工具权限及团队缺陷案例库。",
            "eval": "每周单元测试报告（覆盖率及用例质量）；项目组每周缺陷统计（按模块归属人分析）；"
            "代码评审记录（建议数量及采纳率）。",
        },
        "admin": {
            "label": "行政岗",
            "basis": "行政岗的诊断以服务部门的反馈（活动复盘意见、需求响应时效）和协作过程记录为"
            "依据，并排除跨部门协作权限不足、资源不到位等客观因素。",
            "metrics": "跨部门协作台账信息更新延迟率、各部门需求匹配准确率（活动前预沟通问卷验证）"
            "、服务部门满意度评分（匿名评价，满分100分）、资源冲突次数。",
            "commitment": "改进期内，直接上级每周与员工共同检查协作台账，协助建立与各部门对接人的"
            "沟通机制，并提供公司《项目管理手册》及相关模板。",
            "eval": "协作台账更新记录（按周统计延迟率）；活动前各部门预沟通问卷；每场活动结束后"
            "各部门匿名满意度评分。",
        },
        "customer_service": {
            "label": "客服岗",
            "basis": "客服岗的诊断以客户满意度调查和通话录音质检结果为依据，并结合与员工的深入面谈"
            "，区分产品知识不足、流程问题与工作压力等个人因素。",
            "metrics": "月度客户满意度、产品功能模块考核通过情况（正确率≥95%）、通话录音质检评分、"
            "每月跨部门需求沟通次数。",
            "commitment": "改进期内，公司安排绩优客服专员担任导师，直接上级每周复盘通话录音；员工可"
            "通过员工帮助计划（EAP）获得保密的心理咨询服务，由人力资源部协调安排。",
            "eval": "每两周一次产品知识考核；每月客户满意度抽样统计；导师对通话录音的复盘评分；"
            "跨部门沟通记录。",
        },
    },
    "en": {
        "sales": {
            "label": "Sales",
            "basis": "For sales roles the diagnosis rests on at least a quarter of CRM data "
            "(customer visits, conversion at each pipeline stage, timeliness of follow-ups), "
            "compared with the team average in comparable territories, so that market conditions "
            "are ruled out as the cause.",
            "metrics": "new-customer conversion rate (CRM: new contracts / customers visited), "
            "effective customer visits per week as recorded in the CRM, needs-discovery score "
            "(internal assessment, out of 10), share of follow-up milestones missed.",
            "commitment": "the line manager (or sales director) holds a weekly one-to-one review "
            "of the pipeline, visit quality and proposals, and provides industry case studies and "
            "research reports.",
            "eval": "a needs-discovery simulation test every two weeks (case and role-play, pass "
            "mark 80); the new-customer conversion rate computed monthly from the CRM; the "
            "follow-up delay rate reported monthly by the operations system.",
        },
        "engineering": {
            "label": "Engineering",
            "basis": "For engineering roles the diagnosis rests on defect data from the issue "
            "tracker for the last two or more projects, test-coverage reports from CI and "
            "code-review records, compared with the team average, so that unclear requirements or "
            "unrealistic schedules are ruled out as the cause.",
            "metrics": "defect rate of new modules (issue tracker), unit-test coverage (CI report, "
            "e.g. JaCoCo), useful code-review suggestions per month and how many are adopted, "
            "production incidents traced to the employee's own changes.",
            "commitment": "the architect holds a weekly one-to-one Q&A session and the line "
            "manager reviews the defect trend with the employee every two weeks; the company "
            "provides testing tools and the team's defect case library.",
            "eval": "the weekly unit-test report (coverage and quality of the tests); weekly "
            "defect statistics by module owner; code-review records (suggestions made and "
            "adopted).",
        },
        "admin": {
            "label": "Administration",
            "basis": "For administration roles the diagnosis rests on feedback from the "
            "departments served (event reviews, response times to requests) and on the "
            "coordination records, so that missing authority or resources are ruled out as the "
            "cause.",
            "metrics": "coordination ledger kept up to date (share of entries updated late), "
            "accuracy in matching departments' needs (checked by a pre-event questionnaire), "
            "satisfaction score from the departments served (anonymous, out of 100), resource "
            "conflicts per event.",
            "commitment": "the line manager reviews the coordination ledger with the employee "
            "every week, helps set up a contact person in each department, and provides the "
            "company's project-management handbook and templates.",
            "eval": "the coordination ledger's update log (late updates counted weekly); "
            "pre-event questionnaires to the departments involved; anonymous satisfaction scores "
            "collected after each event.",
        },
        "customer_service": {
            "label": "Customer service",
            "basis": "For customer-service roles the diagnosis rests on customer-satisfaction "
            "(CSAT) surveys and quality reviews of recorded calls, together with an in-depth "
            "conversation with the employee, to tell product-knowledge gaps and process issues "
            "apart from personal factors such as workload or stress.",
            "metrics": "monthly customer satisfaction (CSAT), product-module tests passed (score "
            "of 95% or more), quality-review score of recorded calls, cross-department syncs per "
            "month.",
            "commitment": "a mentor from the best-performing agents is assigned and the line "
            "manager reviews call recordings with the employee every week; the Employee "
            "Assistance Programme (EAP) offers confidential counselling, which HR can arrange on "
            "request.",
            "eval": "a product-knowledge test every two weeks; a monthly CSAT sample; the "
            "mentor's review of recorded calls; the record of cross-department syncs.",
        },
    },
}
