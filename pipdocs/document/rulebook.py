"""The rule book: what the existing revisions of a pipdocs document must be for its signatures
to count, written once and applied by both sides.

- ``verify`` (:mod:`pipdocs.verification`) records every breach as a problem of its report;
- ``sign`` (:mod:`pipdocs.signing.admission`) refuses with the first breach, in the document's
  language, before it adds a signature that verify would reject anyway.

Why here: signing and verification are the same layer and never import each other (each can be
used without the other, and neither can quietly weaken the other). A rule both must apply
therefore lives below both, in the document layer, as a plain function returning coded
:class:`Breach` values; neither side keeps a copy of its own. The structural rules (only the
prepared revision before the first signature, no active content, the page names plan.json's
people) live beside it in :mod:`pipdocs.document.inspect`, in the same shape.

Each code is stable (verify's JSON carries it, docs/verify.md explains it) and its sentence is a
message of the gettext catalog (``pipdocs/locale``), so sign and verify say the same thing in
English and in Chinese.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipdocs.core.attachments import attachments_named
from pipdocs.core.errors import PipdocsError
from pipdocs.core.i18n import N_, in_language, tr
from pipdocs.core.identity import cert_identity, same_email
from pipdocs.core.limits import cut
from pipdocs.core.names import PLAN_ATTACHMENT, SEAL_FIELD, SIGNATURE_FIELDS
from pipdocs.core.plan import Party, Plan, plan_from_json_bytes
from pipdocs.core.policy import shipped_policy
from pipdocs.document.inspect import Finding
from pipdocs.document.prepare import TERMS_NAME, SigningTerms

if TYPE_CHECKING:
    from pyhanko.sign.validation import PdfSignatureStatus

#: The SubFilter of a PAdES signature, the only kind a plan's field may hold.
PADES = "/ETSI.CAdES.detached"

#: code -> the English sentence (the catalog's message id). ``{detail}`` reads ``detail_zh`` in
#: Chinese; ``{role}`` is the role's name in the message's language; ``{field}`` the field.
RULE_MESSAGES: dict[str, str] = {
    "plan_missing": N_("the embedded plan.json is missing ({detail}); signers cannot be matched"
                       " to the plan"),
    "plan_invalid": N_("the embedded plan.json is not a valid plan ({detail})"),
    "plan_changed": N_("the embedded plan.json differs from the one signed ({detail})"),
    "terms_invalid": N_("the signing terms recorded in the document (signing.json) cannot be"
                        " used ({detail})"),
    "changed_before_signing": N_(
        "the prepared document was changed before the first signature ({detail}); the signers"
        " may not have seen what plan.json says"),
    "party_mismatch": N_("the page and plan.json name different people ({detail})"),
    "active_content": N_("the document holds active or unexpected content ({detail}); pipdocs"
                         " documents never do"),
    "changed_after_last": N_("the document changed after the last signature ({detail})"),
    "seal_missing": N_("the organisation's seal is missing ({detail}): the organisation did not"
                       " prepare this document"),
    "seal_invalid": N_("{field}: the organisation's seal does not hold ({detail})"),
    "unexpected_signature": N_("{field}: a signature in a field the plan does not have"
                               " ({detail})"),
    "not_pades": N_("{field}: not a PAdES signature (SubFilter {detail}; expected"
                    " ETSI.CAdES.detached)"),
    "order": N_("{field}: signed out of order ({detail})"),
    "wrong_signer": N_("{field}: signed by {detail}, not by the plan's {role}"),
    "integrity": N_("{field}: the signed bytes or the signature do not check out ({detail})"),
    "timestamp_missing": N_("{field}: no RFC 3161 signature timestamp; the signing time is not"
                            " proven"),
    "timestamp_invalid": N_("{field}: the timestamp does not hold ({detail})"),
    "modified_after_signing": N_(
        "{field}: the document was changed after this signature beyond signing the pending"
        " fields ({detail})"),
}


@dataclasses.dataclass(frozen=True)
class Breach:
    """One rule a document breaks: a stable code and the values of its sentence."""

    code: str
    detail: tuple[str, str] = ("", "")  # (English, Chinese)
    field: str | None = None
    params: dict[str, str] = dataclasses.field(default_factory=dict)  # e.g. role

    @classmethod
    def of(cls, finding: Finding) -> Breach:
        """A structural finding of :mod:`pipdocs.document.inspect`."""
        return cls(finding.code, (finding.en, finding.zh))

    @property
    def report_detail(self) -> str | tuple[str, str]:
        """The detail as verify's report takes it: one text when both languages share it."""
        return self.detail[0] if self.detail[0] == self.detail[1] else self.detail

    def values(self) -> dict[str, str]:
        """The sentence's parameters."""
        out = {"detail": self.detail[0], "detail_zh": self.detail[1]} | self.params
        return {"field": self.field} | out if self.field else out

    def message(self, language: str) -> str:
        return fill(RULE_MESSAGES[self.code], language, self.values(), translate=True)


def fill(template: str, language: str, params: dict[str, str], *,
         translate: bool = False) -> str:
    """``template`` (translated by the catalog when ``translate``) with ``params``: a NAME_zh
    parameter stands in for NAME in Chinese, a role reads as its name, missing ones as empty."""
    zh = language == "zh"
    if translate:
        with in_language("zh" if zh else "en"):
            template = tr(template)
    values = {"field": "document", "detail": "", "expected": ""} | params
    if zh:
        values |= {k[:-3]: v for k, v in params.items() if k.endswith("_zh")}
    role = params.get("role", "")
    names = shipped_policy().role_names
    values["role"] = names.get("zh" if zh else "en", names["en"]).get(role, role)
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template


def rule_message(code: str, language: str, **params: str) -> str:
    """The sentence of a rule's ``code`` in ``language``, from the catalog."""
    return fill(RULE_MESSAGES[code], language, params, translate=True)


# --- plan.json and the recorded terms --------------------------------------------------------


def plan_copy(root: object, revision: int | None = None) -> tuple[bytes | None, Breach | None]:
    """The one plan.json attachment of a catalog (``root``, read at ``revision``; None: now)."""
    files = attachments_named(root, PLAN_ATTACHMENT)
    if len(files) == 1:
        return files[0], None
    where = "the current revision" if revision is None else f"revision {revision}"
    where_zh = "当前版本" if revision is None else f"第 {revision} 版"
    return None, Breach("plan_missing" if not files else "plan_changed",
                        (f"{len(files)} plan.json attachments in {where}",
                         f"{where_zh}有 {len(files)} 个 plan.json 附件"))


def parse_plan(raw: bytes) -> tuple[Plan | None, Breach | None]:
    """plan.json's bytes as a plan, or why they are not one."""
    try:
        return plan_from_json_bytes(raw), None
    except PipdocsError as exc:
        found = "; ".join(map(str, getattr(exc, "problems", [])[:3])) or str(exc)
        return None, Breach("plan_invalid", (cut(found), cut(found)))


def plan_copies(reader: object, current: bytes, revisions: Sequence[int]) -> list[Breach]:
    """Every signed revision (and the prepared one, 0) holds the same plan.json as now: what the
    signers saw is what the verdict rests on."""
    out, differ = [], []
    for revision in revisions:
        root = reader.get_historical_resolver(revision).root  # type: ignore[attr-defined]
        copy, breach = plan_copy(root, revision)
        if breach is not None:
            out.append(breach)
        elif copy != current:
            differ.append(str(revision))
    if differ:
        out.append(Breach("plan_changed", (
            f"the copy in revision {', '.join(differ)} is not the current one",
            f"第 {'、'.join(differ)} 版中的副本与当前不同")))
    return out


def plan_json(reader: object, revisions: Sequence[int]
              ) -> tuple[bytes | None, Plan | None, list[Breach]]:
    """plan.json's bytes and plan, and the rules on it: one copy now, a valid plan, the same
    copy in each of ``revisions`` (the prepared one, 0, and every signed one)."""
    current, missing = plan_copy(reader.root)  # type: ignore[attr-defined]
    if current is None:
        return None, None, [missing] if missing else []
    plan, invalid = parse_plan(current)
    if invalid is not None:
        return current, None, [invalid]
    return current, plan, plan_copies(reader, current, revisions)


def recorded_terms(root: object) -> tuple[SigningTerms | None, Breach | None]:
    """signing.json, the order and locking the document was prepared for (None: prepared before
    pipdocs recorded them, so the policy decides)."""
    files = attachments_named(root, TERMS_NAME)
    if not files:
        return None, None
    try:
        if len(files) > 1:
            raise ValueError(f"{len(files)} copies")
        return SigningTerms.from_json_bytes(files[0]), None
    except (ValueError, UnicodeDecodeError) as exc:
        return None, Breach("terms_invalid", (cut(str(exc)), cut(str(exc))))


# --- the signatures already made ---------------------------------------------------------------


def kind_breaches(field_name: str, role: str | None, kind: str,
                  subfilter: str | None) -> list[Breach]:
    """A signature stands in one of the plan's fields (or the seal's) and is PAdES."""
    out = []
    if role is None and field_name != SEAL_FIELD:
        out.append(Breach("unexpected_signature",
                          ("not one of " + ", ".join(SIGNATURE_FIELDS.values()),
                           "不是 " + "、".join(SIGNATURE_FIELDS.values())), field_name))
    if kind != "approval" or subfilter != PADES:
        out.append(Breach("not_pades", (str(subfilter), str(subfilter)), field_name))
    return out


def order_breaches(placed: Sequence[tuple[str, str]],
                   order: Sequence[str]) -> list[tuple[int, Breach]]:
    """The plan's signatures ((field, role) in revision order) follow ``order`` from its start;
    each breach with the index of its signature."""
    names = shipped_policy().role_names["zh"]
    out = []
    for i, (field_name, role) in enumerate(placed):
        expected = order[i] if i < len(order) else "no further signature"
        if role != expected:
            out.append((i, Breach("order", (f"expected {expected} here",
                                            f"此处应为{names.get(expected, '不应再有签名')}"),
                                  field_name)))
    return out


def signer_breach(field_name: str, role: str, cert: object, person: Party) -> Breach | None:
    """The certificate's e-mail is plan.json's person for the role (names may differ)."""
    name, emails = cert_identity(cert)
    if any(same_email(person.email, e) for e in emails):
        return None
    who = f"{name or '?'} <{', '.join(emails) or 'no e-mail'}>"
    return Breach("wrong_signer", (who, who), field_name, {"role": role})


def integrity_breach(field_name: str, status: PdfSignatureStatus,
                     key_explains: bool = False) -> Breach | None:
    """The signed bytes are unchanged and the signature value is right (``key_explains``: an
    unusable key already explains an invalid value)."""
    if status.intact and (status.valid or key_explains):
        return None
    detail = (("digest mismatch", "摘要不符") if not status.intact
              else ("signature value invalid", "签名值无效"))
    return Breach("integrity", detail, field_name)


def timestamp_breach(field_name: str, status: PdfSignatureStatus) -> Breach | None:
    """An RFC 3161 signature timestamp that matches the signature and was issued while the
    TSA's certificate was valid (whether the TSA is trusted is verify's own question)."""
    ts = status.timestamp_validity
    if ts is None:
        return Breach("timestamp_missing", field=field_name)
    if not (ts.intact and ts.valid):
        return Breach("timestamp_invalid", ("it does not match the signature", "与签名不符"),
                      field_name)
    if not ts.signing_cert.not_valid_before <= ts.timestamp <= ts.signing_cert.not_valid_after:
        return Breach("timestamp_invalid", ("issued outside the TSA certificate's validity",
                                            "签发时间不在时间戳证书有效期内"), field_name)
    return None


def seal_missing_breach(policy_requires: bool, terms: SigningTerms | None) -> Breach | None:
    """The organisation's seal, when the policy or the document's own terms ask for it."""
    if policy_requires:
        return Breach("seal_missing", ("the signing policy requires it", "签署政策要求加盖印章"))
    if terms is not None and terms.sealed:
        return Breach("seal_missing", ("the document was prepared with one",
                                       "文档制作时曾加盖印章"))
    return None


def seal_position_breach(revision: int | None) -> Breach | None:
    """The seal is the first change to the prepared document (revision 1)."""
    if revision == 1:
        return None
    return Breach("seal_invalid", ("it is not the first change to the prepared document",
                                   "它不是对准备好的文档的第一次改动"), SEAL_FIELD)
