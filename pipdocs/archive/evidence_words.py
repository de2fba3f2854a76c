"""The evidence record's words, in Chinese and English, for a reader who is not a specialist
(an HR director, a labour arbitration committee). Every finding has a plain sentence here;
nothing from a library reaches the record, and the Chinese record holds no English words
(certificates are named by what they are, not by their English common names)."""

from __future__ import annotations

from typing import Any

TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "电子签署验证记录",
        "subtitle": "绩效改进计划签署情况的核验结论",
        "case": "基本信息",
        "company": "公司", "employee": "员工", "employee_id": "工号", "department": "部门",
        "plan": "计划编号", "period": "计划期间", "period_fmt": "{start} 至 {end}（共 {days} 天）",
        "document": "被核验的文件", "file_name": "文件名", "sha256": "SHA-256 摘要",
        "verified_at": "核验时间", "timezone": "时间以{tz}表示，括号内为协调世界时（UTC）",
        "timezone_utc": "时间以协调世界时（UTC）表示",
        "verdict": "结论",
        "signers": "签署人",
        "role": "角色", "name": "姓名", "time": "签署时间", "reason": "签署事由",
        "status": "核验结果", "ok": "有效", "fail": "无效", "pending": "尚未签署",
        "refused": "拒签（见拒签记录 {file}）",
        "findings": "发现的问题", "notes": "需要注意的事项", "none": "无",
        "lasting": "长期保存",
        "lasting_lta": "本记录已加盖归档时间戳，签署时的证书状态数据已封存在文件中，"
                       "日后无需联网即可核验。",
        "lasting_lt": "签署时的证书状态数据已封存在文件中，但尚未加盖归档时间戳。",
        "lasting_t": "文件中没有封存证书状态数据。",
        "until": "在不续期的情况下，本记录可核验至 {when}；请在此之前由人力资源部门为其续期。",
        "appendix": "附录：技术细节",
        "appendix_note": "以下信息供技术人员复核，结论以正文为准。",
        "cert_signer": "签署人证书", "cert_tsa": "时间戳服务证书", "cert_seal": "组织印章证书",
        "cert_root": "组织根证书",
        "serial": "序列号", "valid_until": "有效期至", "fingerprint": "指纹（SHA-256）",
        "revocation": "吊销状态",
        "rev": {"good": "未被吊销（{source}，查询于 {when}）",
                "revoked_after": "已于 {when} 被吊销（{reason}），晚于签署时间，不影响本次签名",
                "revoked_before": "已于 {when} 被吊销（{reason}），早于签署时间，签名无效",
                "no_data": "文件中缺少吊销状态数据",
                "not_declared": "发证机构不提供吊销服务，按证书链判断",
                "not_established": "尚未确认：没有签署之后签发的吊销状态（最新的查询于 {when}）"},
        "archive_ts": "归档时间戳", "level": "签名格式",
        "levels": {"B-LTA": "PAdES B-LTA（含归档时间戳的长期验证格式）",
                   "B-LT": "PAdES B-LT（含验证数据）", "B-T": "PAdES B-T（仅含时间戳）"},
        "tool": "核验工具", "trust": "信任根", "anchor": "组织根证书（指纹 {fp}）",
        "sealed": "本记录已由{org}加盖组织印章（附时间戳的电子签名），可证明记录由谁制作且此后未被"
                  "改动；可用签署系统的核验功能检查。",
        "unsealed": "注意：本记录未加盖组织印章，仅由时间戳服务加盖时间戳。"
                    "它只能证明记录的制作时间，不能证明由谁制作，也不能证明其中的结论属实。",
        "page": "第 {n} 页",
        "verdicts": {
            "valid": "有效。{roles}均已按规定顺序签署；签署后文件未被改动；"
                     "各签署人的证书在签署时有效且未被吊销。",
            "incomplete": "尚未完成。已有的签名均有效，仍在等待{pending}签署。",
            "invalid": "无效。本文件的签署存在下列问题，不能作为有效签署的证明。",
            "untrusted": "无法确认签署人身份：核验时未提供组织的根证书。",
        },
        "and": "、", "last_and": "和",
        "revoked_after": "{subject}的证书于 {when} 被吊销（{reason}），晚于其签署时间，"
                         "不影响已作出的签名。",
        "revoked_before": "{subject}的证书在签署前（{when}）已被吊销（{reason}），该签名无效。",
        "roles": {"employee": "员工", "manager": "直接上级", "hr": "人力资源"},
        "labels": {"employee": "员工", "manager": "直接上级", "hr": "人力资源"},
        "reasons": {},
    },
    "en": {
        "title": "Electronic signature verification record",
        "subtitle": "Findings on the signing of a performance improvement plan",
        "case": "Case",
        "company": "Company", "employee": "Employee", "employee_id": "Employee ID",
        "department": "Department", "plan": "Plan ID", "period": "Plan period",
        "period_fmt": "{start} to {end} ({days} days)",
        "document": "Document verified", "file_name": "File name", "sha256": "SHA-256 digest",
        "verified_at": "Verified at",
        "timezone": "Times are given in {tz}, with Coordinated Universal Time (UTC) in brackets",
        "timezone_utc": "Times are given in Coordinated Universal Time (UTC)",
        "verdict": "Verdict",
        "signers": "Signatures",
        "role": "Role", "name": "Name", "time": "Signed at", "reason": "Reason",
        "status": "Result", "ok": "valid", "fail": "not valid", "pending": "not yet signed",
        "refused": "refused (see the refusal record {file})",
        "findings": "Problems found", "notes": "Points to note", "none": "none",
        "lasting": "Long-term keeping",
        "lasting_lta": "This record is sealed by an archive timestamp; the certificate status"
                       " data from the time of signing is kept inside the file, so it can be"
                       " checked later without any online service.",
        "lasting_lt": "The certificate status data from the time of signing is kept inside the"
                      " file, but no archive timestamp seals it yet.",
        "lasting_t": "The file keeps no certificate status data.",
        "until": "Without a refresh this record can be verified until {when}; refresh it before"
                 " then (pipdocs archive refresh).",
        "appendix": "Appendix: technical details",
        "appendix_note": "For technical review; the verdict above is what counts.",
        "cert_signer": "Signer's certificate", "cert_tsa": "Timestamp service certificate",
        "cert_seal": "Organisation seal certificate",
        "cert_root": "Organisation root certificate",
        "serial": "serial", "valid_until": "valid until", "fingerprint": "fingerprint (SHA-256)",
        "revocation": "Revocation status",
        "rev": {"good": "not revoked ({source}, checked {when})",
                "revoked_after": "revoked on {when} ({reason}), after the signature; the"
                                 " signature stays valid",
                "revoked_before": "revoked on {when} ({reason}), before the signature; the"
                                  " signature is not valid",
                "no_data": "no revocation data in the file",
                "not_declared": "the issuer offers no revocation service; judged by the chain",
                "not_established": "not yet established: no status issued after the signature"
                                   " (the latest is from {when})"},
        "archive_ts": "Archive timestamp", "level": "Signature format",
        "levels": {"B-LTA": "PAdES B-LTA (long-term, with archive timestamp)",
                   "B-LT": "PAdES B-LT (with validation data)",
                   "B-T": "PAdES B-T (timestamp only)"},
        "tool": "Verification tool", "trust": "Trust anchor",
        "anchor": "organisation root certificate (fingerprint {fp})",
        "sealed": "This record is sealed by {org}'s organisation seal (a timestamped electronic"
                  " signature): it proves who made it and that it is unchanged since; pipdocs"
                  " verify checks it.",
        "unsealed": "Note: this record is not sealed by an organisation seal, only timestamped by"
                    " a timestamp service. It proves when the record was made, not who made it"
                    " or that the verdict in it is true.",
        "page": "page {n}",
        "verdicts": {
            "valid": "Valid. The {roles} have all signed, in the required order; the document has"
                     " not been changed since; every signer's certificate was valid and not"
                     " revoked when they signed.",
            "incomplete": "Not finished. The signatures so far are valid; waiting for the"
                          " {pending} to sign.",
            "invalid": "Not valid. The signing of this document has the problems listed below"
                       " and does not prove a valid signature.",
            "untrusted": "The signers' identity could not be established: the organisation's"
                         " root certificate was not given for the check.",
        },
        "and": ", ", "last_and": " and ",
        "revoked_after": "{subject}'s certificate was revoked on {when} ({reason}), after they"
                         " signed; the signature stays valid.",
        "revoked_before": "{subject}'s certificate had been revoked on {when} ({reason}),"
                          " before they signed; the signature is not valid.",
        "roles": {"employee": "employee", "manager": "manager", "hr": "HR"},
        "labels": {"employee": "Employee", "manager": "Manager", "hr": "HR"},
        "reasons": {},
    },
}

# Plain sentences per finding code; the record never shows a library's wording.
FINDINGS: dict[str, tuple[str, str]] = {
    "no_signatures": ("The document carries no signature.", "文件上没有任何签名。"),
    "no_trust_anchors": ("The organisation's root certificate was not given for the check.",
                         "核验时未提供组织的根证书。"),
    "unreadable_signature": ("A signature cannot be read.", "有一个签名无法读取。"),
    "not_pades": ("A signature is not in the required format.", "有一个签名不符合规定格式。"),
    "unexpected_signature": ("A signature sits outside the plan's signature boxes.",
                             "有签名位于计划规定的签名栏之外。"),
    "integrity": ("A signature does not match the document: the content was altered.",
                  "签名与文件内容不符：内容被改动过。"),
    "signer_untrusted": ("A signer's certificate was not issued by the organisation, or was"
                         " not valid when used.", "签署人的证书不是本组织签发的，或使用时无效。"),
    "signed_outside_validity": ("A signature was made outside its certificate's validity.",
                                "有签名是在证书有效期之外作出的。"),
    "timestamp_missing": ("A signature has no trusted time of signing.",
                          "有签名缺少可信的签署时间。"),
    "timestamp_invalid": ("A signing time cannot be confirmed.", "有签署时间无法确认。"),
    "timestamp_untrusted": ("A signing time comes from an unknown timestamp service.",
                            "有签署时间来自未知的时间戳服务。"),
    "wrong_signer": ("A signature was made by someone other than the person the plan names.",
                     "有签名并非由计划中指定的人作出。"),
    "coverage": ("A signature does not cover the whole document.", "有签名未覆盖整份文件。"),
    "modified_after_signing": ("The document was changed after a signature.",
                               "文件在签署后被改动过。"),
    "changed_after_last": ("The document was changed after the last signature.",
                           "最后一个签名之后，文件被改动过。"),
    "extra_revision": ("An unsigned change was inserted between signatures.",
                       "两次签署之间插入了未经签署的改动。"),
    "order": ("The signatures are not in the required order.", "签署顺序不符合规定。"),
    "timestamp_order": ("The signing times are not in order.", "签署时间先后顺序不符。"),
    "missing_role": ("A required signature is missing.", "缺少规定的签名。"),
    "not_certified": ("The first signature does not lock the document as required.",
                      "第一个签名未按规定锁定文件。"),
    "plan_missing": ("The plan data inside the document is missing.", "文件中缺少计划数据。"),
    "plan_invalid": ("The plan data inside the document is damaged.", "文件中的计划数据已损坏。"),
    "plan_changed": ("The plan data differs from what was signed.", "计划数据与签署时不同。"),
    "encrypted": ("The document is encrypted.", "文件被加密。"),
    "validation_error": ("The check could not be completed; the document is treated as not"
                         " valid.", "核验无法完成，按无效处理。"),
    "name_mismatch": ("A certificate spells the signer's name differently from the plan (the"
                      " e-mail matches).", "有证书上的姓名写法与计划不同（电子邮箱一致）。"),
    "revoked_before_signing": ("A signer's certificate had been revoked before they signed.",
                               "有签署人的证书在签署前已被吊销。"),
    "revoked_after_signing": ("A signer's certificate was revoked after they signed; the"
                              " signature stays valid.", "有签署人的证书在签署后被吊销，"
                              "不影响已作出的签名。"),
    "revocation_not_established": ("Revocation not yet established: no certificate status"
                                   " issued after a signature is kept in the file, so a key"
                                   " revoked before it signed cannot be ruled out.",
                                   "吊销状态尚未确认：文件中没有签署之后签发的证书状态，"
                                   "无法排除签署前密钥已被吊销。"),
    "revocation_data_missing": ("The certificate status data kept in the file was removed.",
                                "文件中封存的证书状态数据被删除。"),
    "lta_missing": ("The archive timestamp that seals the record was removed.",
                    "封存本记录的归档时间戳被删除。"),
    "document_timestamp_invalid": ("An archive timestamp cannot be confirmed.",
                                   "有归档时间戳无法确认。"),
    "timestamp_lapsed": ("The record was not refreshed in time: an older timestamp expired"
                         " before the next one was added.",
                         "本记录未及时续期：旧时间戳过期后才加盖新的时间戳。"),
    "evidence_expired": ("The record was not refreshed in time and can no longer be verified"
                         " on its own.", "本记录未及时续期，已无法单独完成核验。"),
    "refresh_due": ("The record must be refreshed within a year to stay verifiable.",
                    "本记录需在一年内续期，才能继续核验。"),
    "audit_missing": ("The document was signed online, but the signing service's sealed record"
                      " of every step is missing.",
                      "本文件为在线签署，但签署服务封存的全过程审计记录缺失。"),
    "audit_trail": ("The signing service's sealed record of every step does not check out.",
                    "签署服务封存的全过程审计记录校验未通过。"),
    "audit_sealed": ("The signing service's record of every step is sealed into the document"
                     " and intact.", "签署服务的全过程审计记录已封存在文件中，且完整无损。"),
    "signed_after_validation_time": ("A signature was made after the date asked about.",
                                     "有签名晚于所询问的日期。"),
}


def finding(code: str, lang: str) -> str:
    """The plain sentence for a finding code (a generic one for a code added later)."""
    en, zh = FINDINGS.get(code, ("A further problem was found.", "还发现了其他问题。"))
    return zh if lang == "zh" else en
