"""Every text the service shows or mails, in the plan's language (zh or en)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "title": {"zh": "签署绩效改进计划", "en": "Sign the Performance Improvement Plan"},
    "title_checkin": {"zh": "签署回顾面谈记录", "en": "Sign the check-in record"},
    "title_revision": {"zh": "签署计划变更", "en": "Sign the plan revision"},
    "title_refusal": {"zh": "签署拒签记录", "en": "Sign the refusal record"},
    "title_evaluation": {"zh": "签署最终评估", "en": "Sign the final evaluation"},
    # the document in a sentence, by its kind (mails)
    "doc_plan": {"zh": "绩效改进计划 {plan}", "en": "the Performance Improvement Plan {plan}"},
    "doc_checkin": {"zh": "绩效改进计划 {plan} 的回顾面谈记录",
                    "en": "the check-in record of the PIP {plan}"},
    "doc_revision": {"zh": "绩效改进计划 {plan} 的计划变更", "en": "the revised PIP {plan}"},
    "doc_refusal": {"zh": "绩效改进计划 {plan} 的拒签记录",
                    "en": "the refusal record of the PIP {plan}"},
    "doc_evaluation": {"zh": "绩效改进计划 {plan} 的最终评估",
                       "en": "the final evaluation of the PIP {plan}"},
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
    "mail_link_subject": {"zh": "请签署{doc}", "en": "Please sign {doc}"},
    "mail_link": {
        "zh": "{name}，您好：\n\n请以{role}身份签署{doc}。"
              "请打开您的个人链接：\n\n{url}\n\n链接有效期至 {expires}。"
              "签署时需输入发送到本邮箱的验证码，因此他人即使拿到链接也无法代您签署。\n",
        "en": "Dear {name},\n\nplease sign {doc} as {role}."
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
    "mail_declined_subject": {"zh": "{doc}被拒绝签署", "en": "Declined: {doc}"},
    "mail_declined": {
        "zh": "{name}（{role}）拒绝签署{doc}，流程已停止。\n\n理由：{reason}\n",
        "en": "{name} ({role}) declined to sign {doc}; the envelope has stopped.\n\n"
              "Reason: {reason}\n",
    },
    "mail_done_subject": {"zh": "{doc}已签署完成", "en": "Fully signed: {doc}"},
    "mail_done": {
        "zh": "{doc}已由各方签署。附件为最终 PDF 及验证记录。\n\n{verdict}\n",
        "en": "Everyone has signed {doc}. The final PDF and its verification record are"
              " attached.\n\n{verdict}\n",
    },
    # --- the refusal record's facts (in the document's language) -----------------------------
    "rf_mailed": {"zh": "签署链接于 {at} 通过电子邮件发送至 {email}",
                  "en": "the signing link was e-mailed to {email} on {at}"},
    "rf_opened": {"zh": "该链接于 {at} 被打开", "en": "the link was opened on {at}"},
    "rf_verified": {"zh": "签署人于 {at} 输入了发送至该邮箱的一次性验证码",
                    "en": "the one-time code sent to that address was entered on {at}"},
    "rf_declined": {"zh": "于 {at} 通过该链接拒绝签署",
                    "en": "signing was declined through that link on {at}"},
    "rf_declined_code": {
        "zh": "拒签的浏览器会话于 {code_at} 验证了发送至 {email} 的一次性验证码，"
              "随后于 {at} 通过该链接拒绝签署",
        "en": "signing was declined through that link on {at}, after verifying the one-time"
              " code sent to {email} at {code_at}"},
    "rf_declined_nocode": {
        "zh": "于 {at} 通过该链接拒绝签署，拒签前未验证一次性验证码",
        "en": "signing was declined through that link on {at}, without verifying the one-time"
              " code"},
    "rf_not_declined": {"zh": "此文件未被拒签，无法制作拒签记录",
                        "en": "This envelope was not declined: there is no refusal to record"},
    "rf_not_employee": {
        "zh": "此文件由{role}拒绝签署，而非员工；拒签记录只记录员工的拒签",
        "en": "This envelope was declined by {role}, not by the employee: a refusal record"
              " records only the employee's refusal",
    },
    "rf_already": {"zh": "此拒签已制作过拒签记录", "en": "The refusal was already recorded"},
}

#: The HR pages, in the HR user's language (cookie from the switch, else Accept-Language).
HR_WORDS: dict[str, dict[str, str]] = {
    "hr_login_title": {"zh": "人事登录", "en": "HR login"},
    "hr_email": {"zh": "电子邮箱", "en": "E-mail"},
    "hr_password": {"zh": "密码", "en": "Password"},
    "hr_login": {"zh": "登录", "en": "Log in"},
    "hr_logout": {"zh": "退出登录", "en": "Log out"},
    "hr_wrong_login": {"zh": "邮箱或密码错误", "en": "Wrong e-mail or password"},
    "hr_too_many": {"zh": "登录失败次数过多，请 {minutes} 分钟后再试",
                    "en": "Too many failed logins; try again in {minutes} minutes"},
    "hr_envelopes": {"zh": "签署文件", "en": "Envelopes"},
    "hr_upload": {"zh": "待签 PDF（由 pipdocs pdf 或 pipdocs 文件命令生成）",
                  "en": "Prepared PDF (from pipdocs pdf or a lifecycle command)"},
    "hr_send": {"zh": "发起签署", "en": "Send for signing"},
    "hr_plan": {"zh": "计划编号", "en": "Plan"},
    "hr_document": {"zh": "文件", "en": "Document"},
    "hr_status": {"zh": "状态", "en": "Status"},
    "hr_signers": {"zh": "签署人", "en": "Signers"},
    "hr_updated": {"zh": "更新时间（UTC）", "en": "Updated (UTC)"},
    "hr_final_pdf": {"zh": "最终 PDF", "en": "final PDF"},
    "hr_current_pdf": {"zh": "当前 PDF", "en": "current PDF"},
    "hr_resend": {"zh": "重新发送链接", "en": "Resend link"},
    "hr_cancel": {"zh": "取消", "en": "Cancel"},
    "hr_none": {"zh": "暂无签署文件。", "en": "No envelopes yet."},
    "hr_declined_by": {"zh": "{role}拒签：{reason}", "en": "Declined by {role}: {reason}"},
    "hr_record_refusal": {"zh": "制作拒签记录", "en": "Record the refusal"},
    "hr_refusal_made": {"zh": "已制作拒签记录（{status}）",
                        "en": "Refusal recorded ({status})"},
    "hr_no_refusal": {"zh": "非员工拒签，不制作员工拒签记录",
                      "en": "Not the employee: no employee refusal record"},
    "hr_refusal_of": {"zh": "拒签记录，对应被拒签的文件", "en": "refusal record of"},
    "hr_refusal_title": {"zh": "制作拒签记录", "en": "Record the refusal"},
    "hr_refusal_intro": {
        "zh": "以下事实取自签署服务的记录，将原样写入拒签记录。请填写见证人。拒签记录生成后，"
              "将按策略依次发送给经理和人事签署。",
        "en": "These facts come from the signing service's own records and go into the refusal"
              " record as they are. Add the witness. The record is then sent to its signers"
              " (by default the manager, then HR).",
    },
    "hr_rf_date": {"zh": "拒签日期", "en": "Date of the refusal"},
    "hr_rf_document": {"zh": "被拒签的文件", "en": "Document refused"},
    "hr_rf_employee": {"zh": "员工", "en": "Employee"},
    "hr_rf_delivered": {"zh": "送达方式", "en": "How it was delivered"},
    "hr_rf_reason": {"zh": "员工陈述的理由", "en": "The employee's stated reason"},
    "hr_rf_no_reason": {"zh": "（未陈述）", "en": "(none given)"},
    "hr_rf_sha": {"zh": "被拒签文件的 SHA-256", "en": "SHA-256 of the document refused"},
    "hr_rf_unconfirmed": {
        "zh": "说明：拒签无需验证码。签署服务能证明发给员工的链接被使用过，"
              "不能证明使用者是员工本人；拒签由见证人及拒签记录的签署人证明。",
        "en": "Note: declining needs no one-time code. The service shows that the link mailed to"
              " the employee was used, not who used it; the witness and the record's signers"
              " attest the refusal.",
    },
    "hr_rf_code": {"zh": "一次性验证码", "en": "One-time code"},
    "hr_rf_code_yes": {"zh": "拒签前已验证（证明拒签者能接收发送至计划所列邮箱的验证码）",
                       "en": "verified before declining (the decliner received the code sent to"
                             " the plan's address)"},
    "hr_rf_code_no": {"zh": "拒签前未验证", "en": "not verified before declining"},
    "hr_rf_witness_name": {"zh": "见证人姓名", "en": "Witness: name"},
    "hr_rf_witness_title": {"zh": "见证人职务", "en": "Witness: title"},
    "hr_rf_note": {"zh": "送达补充说明（可选，如面谈时当面送达）",
                   "en": "More on delivery (optional, e.g. handed over at a meeting)"},
    "hr_rf_submit": {"zh": "生成拒签记录并发送签署", "en": "Make the refusal record and send it"},
    "hr_back": {"zh": "返回列表", "en": "Back to the list"},
    "hr_language": {"zh": "English", "en": "中文"},
    "kind_plan": {"zh": "绩效改进计划", "en": "plan"},
    "kind_checkin": {"zh": "回顾面谈记录", "en": "check-in"},
    "kind_revision": {"zh": "计划变更", "en": "revision"},
    "kind_refusal": {"zh": "拒签记录", "en": "refusal record"},
    "kind_evaluation": {"zh": "最终评估", "en": "evaluation"},
    "status_in_progress": {"zh": "签署中", "en": "in_progress"},
    "status_completed": {"zh": "已完成", "en": "completed"},
    "status_declined": {"zh": "已拒签", "en": "declined"},
    "status_cancelled": {"zh": "已取消", "en": "cancelled"},
    "status_waiting": {"zh": "待签", "en": "waiting"},
    "status_signed": {"zh": "已签", "en": "signed"},
}
WORDS.update(HR_WORDS)


def word(key: str, lang: str, **params: str) -> str:
    text = WORDS[key]["zh" if lang == "zh" else "en"]
    return text.format(**params) if params else text


def doc(kind: str, lang: str, plan_id: str) -> str:
    """The document in a sentence, for mails: 'the refusal record of the PIP X'."""
    return word(f"doc_{kind}" if f"doc_{kind}" in WORDS else "doc_plan", lang, plan=plan_id)
