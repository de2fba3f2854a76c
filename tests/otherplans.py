"""For each role and language, a plan that differs from the shipped example in every field.

Rendering these shows whether a template still carries text from its example case: nothing of
the example may appear in a document made from one of these.
"""

from __future__ import annotations

from typing import Any

_PEOPLE = {
    "zh": ({"id": "Z9001", "name": "欧阳明轩", "email": "ouyang.mx@kunpeng.example.cn",
            "title": "{title}", "department": "{dept}"},
           {"name": "司马静", "email": "sima.jing@kunpeng.example.cn", "title": "{boss}"},
           {"name": "诸葛亮亮", "email": "zhuge.ll@kunpeng.example.cn", "title": "人力资源总监"}),
    "en": ({"id": "X-7788", "name": "Rowan Achterberg", "email": "rowan.a@fjord.example.org",
            "title": "{title}", "department": "{dept}"},
           {"name": "Imogen Castellanos", "email": "imogen.c@fjord.example.org", "title": "{boss}"},
           {"name": "Bartholomew Okafor", "email": "bart.okafor@fjord.example.org",
            "title": "People Operations Lead"}),
}

_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("zh", "sales"): {
        "title": "渠道销售代表", "dept": "渠道合作部", "boss": "渠道总监",
        "summary": "上半年渠道伙伴续约率为61%，部门要求为80%。",
        "causes": ["对渠道伙伴的季度经营回顾流于形式"],
        "evidence": ["渠道管理系统导出的续约台账（1至6月）"],
        "goal": ("渠道续约", "渠道伙伴续约率", "61%", "部门要求80%", "75%以上",
                 "渠道管理系统季度续约台账"),
        "actions": ["为每家重点渠道伙伴制定季度经营回顾模板并试用"],
        "support": ["渠道总监陪同拜访两家重点渠道伙伴"],
        "commitments": ["渠道总监每两周审阅一次续约进展"],
        "evaluation": ["以渠道管理系统中的续约台账为准，期末统计一次"],
    },
    ("zh", "engineering"): {
        "title": "前端开发工程师", "dept": "移动端研发部", "boss": "前端组长",
        "summary": "近两个迭代页面首屏加载时间平均为4.8秒，团队标准为2秒。",
        "causes": ["图片资源未做懒加载处理"],
        "evidence": ["性能监控平台的首屏加载时间周报"],
        "goal": ("页面性能", "首屏加载时间", "4.8秒", "团队标准2秒", "2.5秒以内",
                 "性能监控平台周报"),
        "actions": ["梳理首页资源清单并完成懒加载改造"],
        "support": ["提供性能分析工具的团队授权"],
        "commitments": ["前端组长每周检查一次性能周报"],
        "evaluation": ["以性能监控平台最近两周的平均值为准"],
    },
    ("zh", "admin"): {
        "title": "资产管理专员", "dept": "综合管理部", "boss": "综合管理部经理",
        "summary": "年度固定资产盘点差异率为7%，公司要求不超过1%。",
        "causes": ["资产领用未及时登记"],
        "evidence": ["财务部出具的年度盘点差异报告"],
        "goal": ("资产登记", "盘点差异率", "7%", "公司要求1%以内", "2%以内",
                 "财务部抽盘结果"),
        "actions": ["补录近半年的资产领用单据"],
        "support": ["开通资产管理系统的批量导入权限"],
        "commitments": ["综合管理部经理每月抽查一次资产台账"],
        "evaluation": ["期末由财务部进行一次抽盘"],
    },
    ("zh", "customer_service"): {
        "title": "在线客服代表", "dept": "电商客服组", "boss": "客服组长",
        "summary": "近一个月在线会话平均首次响应时间为95秒，组内标准为30秒。",
        "causes": ["同时接待的会话数设置过高，未使用快捷回复"],
        "evidence": ["在线客服系统的响应时间月报"],
        "goal": ("响应速度", "平均首次响应时间", "95秒", "组内标准30秒", "40秒以内",
                 "在线客服系统月报"),
        "actions": ["整理常见问题快捷回复并在组内评审"],
        "support": ["客服组长调整排班，减少高峰期并发会话"],
        "commitments": ["客服组长每两周抽查一次会话记录"],
        "evaluation": ["以在线客服系统月报中的平均首次响应时间为准"],
    },
    ("en", "sales"): {
        "title": "Channel Partner Manager", "dept": "Partner Sales", "boss": "Head of Partners",
        "summary": "Partner renewals stood at 61% in the first half against a target of 80%.",
        "causes": ["Quarterly business reviews with partners are held as a formality"],
        "evidence": ["Renewal log exported from the partner portal, January to June"],
        "goal": ("Renewals", "Partner renewal rate", "61%", "Department target 80%",
                 "75% or higher", "Partner portal renewal log"),
        "actions": ["Draft a quarterly business review template and trial it with two partners"],
        "support": ["The head of partners joins two key partner meetings"],
        "commitments": ["The head of partners reviews renewal progress every two weeks"],
        "evaluation": ["The renewal log in the partner portal, counted once at the end"],
    },
    ("en", "engineering"): {
        "title": "Frontend Developer", "dept": "Mobile Web", "boss": "Frontend Lead",
        "summary": "First-screen load time averaged 4.8 seconds over two iterations against a"
                   " team standard of 2 seconds.",
        "causes": ["Images are loaded eagerly on the home page"],
        "evidence": ["Weekly first-screen report from the performance monitor"],
        "goal": ("Page speed", "First-screen load time", "4.8 seconds", "Team standard 2 seconds",
                 "2.5 seconds or less", "Performance monitor weekly report"),
        "actions": ["List the home page assets and lazy-load the images"],
        "support": ["A team licence for the profiling tool"],
        "commitments": ["The frontend lead checks the performance report every week"],
        "evaluation": ["The average of the last two weeks in the performance monitor"],
    },
    ("en", "admin"): {
        "title": "Asset Officer", "dept": "Facilities", "boss": "Facilities Manager",
        "summary": "The annual asset count differed from the register by 7%; the company allows"
                   " at most 1%.",
        "causes": ["Equipment issued to staff is not logged at once"],
        "evidence": ["Finance's report on the annual asset count"],
        "goal": ("Asset register", "Count discrepancy", "7%", "Company limit 1%", "2% or less",
                 "Spot count by Finance"),
        "actions": ["Enter the issue slips of the last six months into the register"],
        "support": ["Bulk-import rights in the asset system"],
        "commitments": ["The facilities manager spot-checks the register every month"],
        "evaluation": ["One spot count by Finance at the end of the plan"],
    },
    ("en", "customer_service"): {
        "title": "Live Chat Agent", "dept": "Online Store Support", "boss": "Chat Team Lead",
        "summary": "Average first response time in live chat was 95 seconds last month against"
                   " a team standard of 30 seconds.",
        "causes": ["Too many parallel chats are accepted and saved replies are not used"],
        "evidence": ["Monthly response-time report from the chat system"],
        "goal": ("Response speed", "Average first response time", "95 seconds",
                 "Team standard 30 seconds", "40 seconds or less", "Chat system monthly report"),
        "actions": ["Collect saved replies for common questions and have the team review them"],
        "support": ["Rota changes that reduce parallel chats at peak times"],
        "commitments": ["The chat team lead samples chat transcripts every two weeks"],
        "evaluation": ["The average first response time in the chat system's monthly report"],
    },
}


def other_plan_data(language: str, role: str) -> dict[str, Any]:
    """A valid plan for ``language`` and ``role`` sharing nothing with the shipped example."""
    case = _CASES[(language, role)]
    employee, manager, hr = (dict(p) for p in _PEOPLE[language])
    employee["title"], employee["department"] = case["title"], case["dept"]
    manager["title"] = case["boss"]
    area, metric, baseline, standard, target, measurement = case["goal"]
    return {
        "plan_id": f"OTHER-{language}-{role}", "language": language, "role": role,
        "organisation": "鲲鹏新材料股份有限公司" if language == "zh" else "Fjordline Materials AS",
        "employee": employee, "manager": manager, "hr": hr,
        "period": {"start": "2028/5/8", "days": 45},
        "diagnosis": {"summary": case["summary"], "root_causes": case["causes"],
                      "evidence": case["evidence"]},
        "goals": [{"area": area, "metric": metric, "baseline": baseline, "standard": standard,
                   "target": target, "deadline": "2028-06-20", "measurement": measurement}],
        "actions": [{"weeks": "1-6", "task": case["actions"][0]}],
        "support": case["support"], "commitments": case["commitments"],
        "evaluation": case["evaluation"], "checkin_frequency": _FREQUENCY[(language, role)],
    }


# The other rhythm than the example's, so the check-in wording must follow the plan.
_FREQUENCY = {("zh", "sales"): "weekly", ("en", "sales"): "biweekly",
              ("zh", "engineering"): "weekly", ("en", "engineering"): "weekly",
              ("zh", "admin"): "biweekly", ("en", "admin"): "biweekly",
              ("zh", "customer_service"): "biweekly", ("en", "customer_service"): "biweekly"}
