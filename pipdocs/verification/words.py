"""What a verification report says, in English and Chinese: problem messages, labels, verdicts.

Problems carry a stable ``code`` and parameters; :func:`message` turns them into a sentence in
the document's language (a ``detail_zh`` parameter stands in for ``detail`` in Chinese).
"""

from __future__ import annotations

from pipdocs.core.policy import shipped_policy
from pipdocs.document.rulebook import RULE_MESSAGES, fill, rule_message

# code -> (English, Chinese). Parameters are filled with str.format; every code is stable. The
# codes of the rules sign applies as well are in the rule book (RULE_MESSAGES), with the catalog.
MESSAGES: dict[str, tuple[str, str]] = {
    "no_signatures": (
        "the document carries no signature",
        "文档中没有任何签名",
    ),
    "no_trust_anchors": (
        "no trust anchor given: pass --trust ROOT.pem (the organisation's root) to verify the"
        " signers",
        "未提供信任根：请用 --trust ROOT.pem（组织根证书）验证签名人身份",
    ),
    "unreadable_signature": (
        "{field}: the signature cannot be read or classified ({detail})",
        "{field}：无法读取或识别该签名（{detail}）",
    ),
    "signer_untrusted": (
        "{field}: the signer's certificate does not chain to a trust anchor ({detail})",
        "{field}：签名人证书无法链接到信任根（{detail}）",
    ),
    "signed_outside_validity": (
        "{field}: signed at {detail}, outside the certificate's validity",
        "{field}：签署时间 {detail} 不在证书有效期内",
    ),
    "timestamp_untrusted": (
        "{field}: the timestamp authority ({detail}) does not chain to a trust anchor",
        "{field}：时间戳机构（{detail}）无法链接到信任根",
    ),
    "coverage": (
        "{field}: the signature does not cover its whole revision ({detail})",
        "{field}：签名未覆盖其所在的完整版本（{detail}）",
    ),
    "revision_modified": (
        "revision {revision} ({kind}) changes what it may not: {detail}",
        "第 {revision} 版（{kind}）做了不允许的改动：{detail}",
    ),
    "extra_revision": (
        "{field}: an unsigned revision was added before this signature",
        "{field}：在此签名之前插入了未签名的修订版本",
    ),
    "timestamp_order": (
        "{field}: its timestamp is earlier than the previous signature's",
        "{field}：时间戳早于前一个签名",
    ),
    "missing_role": (
        "the {role} signature is missing",
        "缺少{role}的签名",
    ),
    "not_certified": (
        "the first signature is not the employee's certification signature ({detail})",
        "第一个签名不是员工的认证签名（{detail}）",
    ),
    "encrypted": (
        "the document is encrypted; pipdocs documents never are",
        "文档已加密，pipdocs 生成的文档不会加密",
    ),
    "audit_trail": (
        "the audit trail sealed after the last signature does not check out: {detail}",
        "最后签名之后封存的审计记录校验失败：{detail}",
    ),
    "audit_missing": (
        "signed in the browser (pipdocs serve), but the audit trail the service seals after the"
        " last signature is missing: the record was cut short or the trail was stripped",
        "在线签署（pipdocs serve）的文件缺少签署服务在最后签名之后封存的审计记录："
        "文件被截断，或审计记录被删除",
    ),
    "audit_sealed": (
        "audit.json: {events} events, hash chain intact, appended after the last signature and"
        " {how} (this report covers the document as the last signer left it)",
        "audit.json：{events} 条事件，哈希链完整，于最后签名之后附加，{how}"
        "（本报告针对最后签署人签署后的文件）",
    ),
    "validation_error": (
        "{field}: validation could not be completed ({detail}); treated as a failure",
        "{field}：验证无法完成（{detail}），按失败处理",
    ),
    "key_usage": (
        "{field}: the signer's certificate cannot sign documents: {detail}",
        "{field}：签名人证书不能用于签署文件：{detail}",
    ),
    "weak_key": (
        "{field}: the signer's key is not acceptable: {detail}",
        "{field}：签名人的密钥不可接受：{detail}",
    ),
    "name_mismatch": (
        "{field}: certificate name '{detail}' differs from the plan's '{expected}'"
        " (the e-mail matches)",
        "{field}：证书姓名“{detail}”与计划中的“{expected}”不同（电子邮件一致）",
    ),
    # long-term validation (pipdocs.verification.ltv)
    "revoked_before_signing": (
        "{field}: the certificate of {subject} was revoked on {when} ({reason}), before this"
        " signature was made: the signature is not valid",
        "{field}：{subject}的证书已于 {when} 被吊销（{reason}），早于本次签署，签名无效",
    ),
    "revoked_after_signing": (
        "{field}: the certificate of {subject} was revoked on {when} ({reason}), after this"
        " signature was made; the signature remains valid",
        "{field}：{subject}的证书于 {when} 被吊销（{reason}），晚于本次签署，签名仍然有效",
    ),
    "revocation_data_missing": (
        "{field}: the document holds no revocation data for the certificate of {subject}"
        " (the validation data was removed, or the signature was made without it)",
        "{field}：文档中缺少{subject}证书的吊销状态数据（验证数据被删除，或签署时未嵌入）",
    ),
    "lta_missing": (
        "the archive timestamp that seals the completed record (PAdES B-LTA) is missing: it was"
        " removed, or the record was not finished by pipdocs",
        "缺少封存已完成记录的归档时间戳（PAdES B-LTA）：时间戳被删除，或记录未经 pipdocs 完成",
    ),
    "document_timestamp_invalid": (
        "{field}: the archive timestamp does not hold ({detail})",
        "{field}：归档时间戳无效（{detail}）",
    ),
    "timestamp_lapsed": (
        "{field}: the certificate of its timestamp authority expired on {when}, before the next"
        " archive timestamp ({next}) renewed the evidence",
        "{field}：其时间戳机构证书已于 {when} 到期，而下一个归档时间戳（{next}）在此之后才加盖，"
        "证据链中断",
    ),
    "evidence_expired": (
        "the record could be verified only until {when}: the last timestamp's certificate has"
        " expired since; it should have been refreshed (pipdocs archive refresh) before then",
        "本记录的可验证期限已于 {when} 届满：最后一个时间戳的证书已过期，应在此之前"
        "执行 pipdocs archive refresh 续期",
    ),
    "refresh_due": (
        "the record stays verifiable until {when}; refresh it before then"
        " (pipdocs archive refresh)",
        "本记录可验证至 {when}，请在此之前续期（pipdocs archive refresh）",
    ),
    "revocation_not_established": (
        "{field}: revocation not yet established: no revocation status of {subject}'s"
        " certificate was issued after the signature's timestamp ({signed}; the latest is from"
        " {latest}), so a revocation before it signed (a stolen key) cannot be ruled out; not"
        " valid until 'pipdocs archive refresh' (or the last signer's archive step) embeds a"
        " status fetched after it",
        "{field}：吊销状态尚未确认：{subject}的证书没有在签名时间戳（{signed}）之后签发的吊销状态"
        "（最新的签发于 {latest}），无法排除证书在签署前已被吊销（密钥被盗）；在 pipdocs archive"
        " refresh（或最后一位签署人的归档步骤）嵌入签署之后获取的状态之前，不能认定有效",
    ),
    "evidence_unsealed": (
        "the verification record carries no timestamp of the organisation",
        "验证记录没有组织的时间戳",
    ),
    "evidence_not_sealed": (
        "the verification record is not sealed by an organisation seal, only timestamped: it"
        " proves when it was made, not who made it or that its verdict is true (anyone can have"
        " pipdocs build a record that says 'valid' about any file); only a record sealed by the"
        " organisation's seal attests a verdict",
        "该验证记录未加盖组织印章，仅有时间戳：只能证明其制作时间，不能证明由谁制作，也不能证明"
        "其结论属实（任何人都能用 pipdocs 为任意文件制作一份写着“有效”的记录）；只有加盖组织印章的"
        "记录才能证明核验结论",
    ),
    "evidence_seal_invalid": (
        "{field}: the verification record's seal does not hold ({detail}); it is not the"
        " organisation's seal",
        "{field}：验证记录的印章无效（{detail}），不是组织的印章",
    ),
    "evidence_sealed": (
        "sealed by {sealed_by}'s organisation seal (a timestamped signature of its seal key):"
        " the record proves who made it and that it is unchanged since",
        "由{sealed_by}的组织印章封存（印章密钥的签名，附时间戳）：可证明记录由谁制作且此后未被改动",
    ),
    "evidence_unreadable": (
        "the verification record's attached report cannot be read ({detail})",
        "验证记录所附的报告无法读取（{detail}）",
    ),
    "signed_after_validation_time": (
        "{field}: signed at {when}, after the validation time asked for",
        "{field}：签署时间 {when} 晚于所指定的验证时间",
    ),
}

REVOCATION = {
    "en": "not checked: the organisation CA publishes no CRL or OCSP responder and verification"
          " runs offline, so revocation checking is soft-fail (no certificate is treated as"
          " revoked without evidence); trust rests on the chain to the given anchors and on the"
          " timestamps",
    "zh": "未检查：组织 CA 不发布 CRL 或 OCSP 服务，且验证在离线环境进行，因此吊销检查采用"
          "“软失败”模式（没有证据时不视为已吊销）；信任基于到所给信任根的证书链和时间戳",
}
_POLICY = shipped_policy()
ROLE_NAMES = _POLICY.role_names  # inside sentences: from the shipped policy, the one source
ROLE_LABELS = _POLICY.roles  # as headings
#: The heading of the organisation's seal, which stands where a role would.
SEAL_LABEL = {"en": "Organisation seal", "zh": "组织印章"}


# what a revision after the first signature is (pipdocs.verification.revisions.Kind)
KIND_WORDS: dict[str, tuple[str, str]] = {
    "signature": ("a signature", "签名"),
    "timestamp": ("a document timestamp", "文档时间戳"),
    "validation_data": ("validation data", "验证数据"),
    "audit_trail": ("the audit trail", "审计记录"),
}


def message(code: str, lang: str, **params: str) -> str:
    """The sentence for a problem code in ``lang`` (missing parameters read as empty); the codes
    of the rules sign applies too come from the rule book (pipdocs.document.rulebook)."""
    if code in RULE_MESSAGES:
        return rule_message(code, lang, **params)
    en, zh = MESSAGES[code]
    return fill(zh if lang == "zh" else en, lang, params)


LABELS = {
    "en": {
        "verdict": "Verdict", "document": "Document", "plan": "Plan", "anchors": "Trust anchors",
        "none": "none", "revocation": "Revocation", "signer": "Signer", "time": "Time",
        "reason": "Reason", "integrity": "Integrity", "trust": "Trust", "coverage": "Coverage",
        "after": "After it", "problems": "Problems", "warnings": "Notes", "ok": "OK",
        "fail": "FAILED", "pending": "pending", "tsa": "timestamp by", "trusted": "trusted",
        "untrusted": "NOT trusted", "matches": "the plan's person for this role",
        "nomatch": "NOT the plan's person for this role",
        "intact": "digest intact, signature valid", "broken": "BROKEN", "rev": "revision",
        "certification": "certification (form filling and signing only)",
        "approval": "approval", "unknown": "unknown", "document_timestamp": "document timestamp",
        "notime": "no timestamp", "unchanged": "plan.json unchanged since signing",
    },
    "zh": {
        "verdict": "结论", "document": "文档", "plan": "计划", "anchors": "信任根",
        "none": "无", "revocation": "吊销检查", "signer": "签名人", "time": "时间",
        "reason": "事由", "integrity": "完整性", "trust": "信任", "coverage": "覆盖范围",
        "after": "其后变更", "problems": "问题", "warnings": "提示", "ok": "通过",
        "fail": "未通过", "pending": "待签", "tsa": "时间戳机构", "trusted": "可信",
        "untrusted": "不可信", "matches": "与计划中该角色的人员一致",
        "nomatch": "不是计划中该角色的人员",
        "intact": "摘要完整，签名有效", "broken": "已损坏", "rev": "版本",
        "certification": "认证签名（仅允许填写表单和签名）",
        "approval": "批准签名", "unknown": "未知", "document_timestamp": "文档时间戳",
        "notime": "无时间戳", "unchanged": "plan.json 自签署以来未变",
    },
}

VERDICTS = {
    "en": {
        "valid": "VALID: every required role signed, in order, and nothing changed since",
        "incomplete": "INCOMPLETE: the signatures present hold; waiting for {pending}",
        "invalid": "INVALID: see the problems below",
        "untrusted": "UNTRUSTED: no trust anchor was given, so who signed is not established",
    },
    "zh": {
        "valid": "有效：所有必需角色均已按顺序签署，且签署后未被改动",
        "incomplete": "未完成：已有签名均有效；等待 {pending} 签署",
        "invalid": "无效：见下方问题",
        "untrusted": "未验证信任：未提供信任根，签名人身份无法确认",
    },
}

COVERAGE_TEXT = {
    "en": {"entire_file": "the entire file", "entire_revision": "its entire revision",
           "contiguous_block": "a block from the start (not a whole revision)",
           "unclear": "unclear byte ranges", "unknown": "unknown"},
    "zh": {"entire_file": "整个文件", "entire_revision": "其所在的完整版本",
           "contiguous_block": "从开头起的一段（非完整版本）",
           "unclear": "字节范围异常", "unknown": "未知"},
}

MODIFICATIONS = {
    "en": {
        "entire_file": "nothing (the signature covers the entire file)",
        "fields": "only the later signature fields were signed: {fields}",
        "lta_updates": "only signature-maintenance updates",
        "error": "changes beyond signing the pending fields: {error}",
        "other": "changes beyond signing the pending fields",
        "unknown": "not determined",
    },
    "zh": {
        "entire_file": "无（签名覆盖整个文件）",
        "fields": "仅后续签名字段被签署：{fields}",
        "lta_updates": "仅签名维护类更新",
        "error": "存在超出后续签名范围的改动：{error}",
        "other": "存在超出后续签名范围的改动",
        "unknown": "无法确定",
    },
}


def describe_modifications(
    coverage: str, level: str, changed: list[str], error: str | None, lang: str
) -> str:
    """What changed after a signature, in words (from pyHanko's difference analysis)."""
    words = MODIFICATIONS["zh" if lang == "zh" else "en"]
    if coverage == "entire_file":
        return words["entire_file"]
    if error:
        return words["error"].format(error=error)
    if level in ("form_filling", "lta_updates", "none") and changed:
        return words["fields"].format(fields=", ".join(changed))
    if level == "lta_updates":
        return words["lta_updates"]
    return words["other"] if level in ("annotations", "other") else words["unknown"]


RECORD_LABELS = {
    "en": {"title": "Signature verification record", "role": "Role", "signer": "Signer",
           "signatures": "Signatures", "time": "Signed (timestamp)",
           "tsa": "Timestamp authority", "reason": "Reason", "status": "Status",
           "verified": "Verified at", "tool": "Tool", "file": "File"},
    "zh": {"title": "签名验证记录", "role": "角色", "signer": "签名人", "signatures": "签名",
           "time": "签署时间（时间戳）", "tsa": "时间戳机构", "reason": "事由",
           "status": "状态", "verified": "验证时间", "tool": "工具", "file": "文件"},
}

TRUST_WORDS = {  # ETSI sub-indications (lower-case) in Chinese
    "no_certificate_chain_found": "找不到到信任根的证书链",
    "certificate_chain_general_failure": "证书链校验失败",
    "out_of_bounds_no_poe": "证书已过期或尚未生效",
    "expired": "证书已过期",
    "not_yet_valid": "证书尚未生效",
    "revoked_no_poe": "证书已被吊销",
    "chain_constraints_failure": "证书不符合用途或链约束",
}
