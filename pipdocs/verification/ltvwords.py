"""Words of the long-term checks in English and Chinese: revocation reasons, the long-term
line of the report, and the verdicts of a verification record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

EVIDENCE_VERDICTS = {
    "en": {
        "valid": "VALID verification record: sealed by the organisation's seal and unchanged"
                 " since; it found {file} {verdict} on {when}",
        "unsealed": "NOT AUTHENTICATED: this verification record is only timestamped, which"
                    " proves when it was made, not who made it or that its verdict is true; it"
                    " says it found {file} {verdict} on {when}, and no organisation seal vouches"
                    " for that",
        "invalid": "INVALID verification record: see the problems below",
        "untrusted": "UNTRUSTED: no trust anchor was given, so the record's timestamp is not"
                     " established",
        "incomplete": "INVALID verification record: see the problems below",
    },
    "zh": {
        "valid": "验证记录有效：已加盖组织印章，此后未被改动；"
                 "该记录于 {when} 核验 {file} 的结论为“{verdict}”",
        "unsealed": "未经认证：该验证记录仅有时间戳，只能证明其制作时间，不能证明由谁制作或结论"
                    "属实；记录称其于 {when} 核验 {file} 的结论为“{verdict}”，"
                    "但没有组织印章为此担保",
        "invalid": "验证记录无效：见下方问题",
        "untrusted": "未验证信任：未提供信任根，记录的时间戳无法确认",
        "incomplete": "验证记录无效：见下方问题",
    },
}

REVOCATION_REASONS = {
    "en": {"unspecified": "no reason given", "key_compromise": "the key was compromised",
           "ca_compromise": "the CA was compromised",
           "affiliation_changed": "the holder left or changed position",
           "superseded": "replaced by a new certificate",
           "cessation_of_operation": "no longer used", "certificate_hold": "on hold",
           "privilege_withdrawn": "the right to sign was withdrawn",
           "aa_compromise": "the attribute authority was compromised",
           "remove_from_crl": "removed from the list"},
    "zh": {"unspecified": "未说明原因", "key_compromise": "密钥泄露",
           "ca_compromise": "证书机构被攻破", "affiliation_changed": "持有人离职或岗位变动",
           "superseded": "已由新证书取代", "cessation_of_operation": "停止使用",
           "certificate_hold": "暂停使用", "privilege_withdrawn": "签署权限被撤销",
           "aa_compromise": "属性机构被攻破", "remove_from_crl": "已从吊销列表移除"},
}
LONG_TERM: dict[str, dict[str, Any]] = {
    "en": {
        "checked": "checked with the revocation data embedded in the document (CRL/OCSP of the"
                   " organisation CA), as of each signature's timestamp",
        "partly": "checked where the certificate names a CRL or OCSP service; certificates that"
                  " name none cannot be revoked and were judged by their chain alone",
        "long_term": "Long-term evidence",
        "level": {"B-LTA": "sealed by an archive timestamp (PAdES B-LTA)",
                  "B-LT": "validation data embedded, no archive timestamp (PAdES B-LT)",
                  "B-T": "timestamped, without embedded validation data (PAdES B-T)"},
        "until": "verifiable until {when}",
        "as_of": "judged as of {when}",
    },
    "zh": {
        "checked": "已根据文档内嵌的吊销状态数据（组织 CA 的 CRL/OCSP）按各签名时间戳的时间核验",
        "partly": "凡证书载明 CRL 或 OCSP 服务的均已核验；未载明者无法吊销，仅按证书链判断",
        "long_term": "长期证据",
        "level": {"B-LTA": "已加盖归档时间戳封存（PAdES B-LTA）",
                  "B-LT": "已内嵌验证数据，尚无归档时间戳（PAdES B-LT）",
                  "B-T": "有时间戳，但未内嵌验证数据（PAdES B-T）"},
        "until": "可验证至 {when}",
        "as_of": "按 {when} 判断",
    },
}


def long_term_text(lang: str, level: str, until: datetime | None, at: datetime) -> str:
    """PAdES level and the date until which the record stays verifiable, in one line."""
    words = LONG_TERM[lang]
    c, sep = ("：", "；") if lang == "zh" else (": ", "; ")
    parts = [words["level"][level]]
    if until is not None:
        parts.append(words["until"].format(when=f"{until:%Y-%m-%d}"))
    parts.append(words["as_of"].format(when=f"{at:%Y-%m-%d %H:%M} UTC"))
    return f"{words['long_term']}{c}{sep.join(parts)}"
