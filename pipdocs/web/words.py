"""Every text the service shows or mails, in the plan's language (zh or en)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "title": {"zh": "签署绩效改进计划", "en": "Sign the Performance Improvement Plan"},
    "plan": {"zh": "计划编号", "en": "Plan"},
    "role": {"zh": "您的角色", "en": "Your role"},
    "signer": {"zh": "签署人", "en": "Signer"},
    "document": {"zh": "文件全文", "en": "The whole document"},
    "page": {"zh": "第 {n} 页", "en": "Page {n}"},
    "agree": {"zh": "我同意本计划", "en": "I agree to the plan"},
    "disagree": {"zh": "我确认已收到，但不同意", "en": "I acknowledge receipt but disagree"},
    "comment": {"zh": "意见（可选）", "en": "Comment (optional)"},
    "request_code": {"zh": "发送验证码", "en": "Send me a code"},
    "code": {"zh": "验证码（6 位数字）", "en": "Code (6 digits)"},
    "code_sent": {"zh": "验证码已发送至 {email}，10 分钟内有效。",
                  "en": "A code was sent to {email}; it is valid for 10 minutes."},
    "sign": {"zh": "签署", "en": "Sign"},
    "decline": {"zh": "拒绝签署", "en": "Decline"},
    "decline_reason": {"zh": "拒绝理由", "en": "Reason for declining"},
    "key_note": {
        "zh": "签署时，您的浏览器会生成仅属于您的签名密钥；密钥不会离开此设备。",
        "en": "When you sign, your browser creates a signing key that is yours alone; it never"
              " leaves this device.",
    },
    "needs_js": {"zh": "签署需要启用 JavaScript。", "en": "Signing needs JavaScript."},
    "working": {"zh": "正在签署……", "en": "Signing…"},
    "st_ready": {"zh": "等待您签署", "en": "Waiting for your signature"},
    "st_waiting_for": {"zh": "等待 {name}（{role}）先签署",
                       "en": "Waiting for {name} ({role}) to sign first"},
    "st_signed": {"zh": "您已签署，谢谢", "en": "You have signed. Thank you"},
    "st_signed_next": {"zh": "您已签署；等待 {name}（{role}）签署",
                       "en": "You have signed; waiting for {name} ({role})"},
    "st_completed": {"zh": "已完成：各方均已签署", "en": "Completed: everyone has signed"},
    "st_declined": {"zh": "已拒绝签署；流程已停止", "en": "Declined; the envelope has stopped"},
    "st_cancelled": {"zh": "人事已取消此文件", "en": "HR cancelled this envelope"},
    "st_locked": {"zh": "验证码错误次数过多，已锁定；请联系人事",
                  "en": "Too many wrong codes: locked. Please contact HR"},
    "st_expired": {"zh": "链接已过期；请联系人事重新发送",
                   "en": "This link has expired; ask HR to send a new one"},
    "st_unknown": {"zh": "链接无效", "en": "This link is not valid"},
    "err_code": {"zh": "验证码错误或已过期（剩余 {left} 次）",
                 "en": "Wrong or expired code ({left} tries left)"},
    "err_rate": {"zh": "请稍后再请求验证码", "en": "Please wait before asking for another code"},
    "err_reason": {"zh": "请填写拒绝理由", "en": "Give a reason for declining"},
    "err_session": {"zh": "页面已过期，请刷新", "en": "This page has expired; reload it"},
    "mail_link_subject": {"zh": "请签署绩效改进计划 {plan}", "en": "Please sign the PIP {plan}"},
    "mail_link": {
        "zh": "{name}，您好：\n\n请以{role}身份签署绩效改进计划 {plan}。"
              "请打开您的个人链接：\n\n{url}\n\n链接有效期至 {expires}。"
              "签署时需输入发送到本邮箱的验证码，因此他人即使拿到链接也无法代您签署。\n",
        "en": "Dear {name},\n\nplease sign the Performance Improvement Plan {plan} as {role}."
              " Open your personal link:\n\n{url}\n\nThe link is valid until {expires}. Signing"
              " needs a code sent to this address, so nobody else can sign with it.\n",
    },
    "mail_code_subject": {"zh": "您的签署验证码", "en": "Your signing code"},
    "mail_code": {
        "zh": "您的一次性验证码：\n\n{code}\n\n10 分钟内有效。"
              "如非本人操作，请忽略本邮件并告知人事。\n",
        "en": "Your one-time code:\n\n{code}\n\nIt is valid for 10 minutes. If you did not ask for"
              " it, ignore this message and tell HR.\n",
    },
    "mail_declined_subject": {"zh": "绩效改进计划 {plan} 被拒绝签署",
                              "en": "PIP {plan} was declined"},
    "mail_declined": {
        "zh": "{name}（{role}）拒绝签署绩效改进计划 {plan}，流程已停止。\n\n理由：{reason}\n",
        "en": "{name} ({role}) declined to sign the PIP {plan}; the envelope has stopped.\n\n"
              "Reason: {reason}\n",
    },
    "mail_done_subject": {"zh": "绩效改进计划 {plan} 已签署完成",
                          "en": "PIP {plan} is fully signed"},
    "mail_done": {
        "zh": "绩效改进计划 {plan} 已由各方签署。附件为最终 PDF 及验证记录。\n\n{verdict}\n",
        "en": "The PIP {plan} has been signed by everyone. The final PDF and its verification"
              " record are attached.\n\n{verdict}\n",
    },
}


def word(key: str, lang: str, **params: str) -> str:
    text = WORDS[key]["zh" if lang == "zh" else "en"]
    return text.format(**params) if params else text
