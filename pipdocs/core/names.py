"""Names and labels every stage shares, written once: the roles, languages, document kinds and
statuses (as ``Literal`` types and the tuples of their values), signature fields and their roles,
the text that marks a signature box in a template, document titles and language tags.

The templates (tools/build_templates.py), the renderer, prepare, sign and verify all read these,
so a box a template marks is the box prepare finds, and a field sign fills is the field verify
reads.
"""

from __future__ import annotations

from typing import Literal, get_args

from pipdocs.core.i18n import tr_in

#: Who signs a PIP, in the shipped policy's order.
Role = Literal["employee", "manager", "hr"]
ROLES: tuple[Role, ...] = get_args(Role)
#: The job a plan is written for: it picks the plan's template.
JobRole = Literal["sales", "engineering", "admin", "customer_service"]
JOB_ROLES: tuple[JobRole, ...] = get_args(JobRole)
#: The languages a plan (and every message about it) is written in.
Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)

#: Every document a PIP case holds. A plan PDF without a recorded kind is a "plan".
DocumentKind = Literal["plan", "revision", "checkin", "refusal", "evaluation"]
DOCUMENT_KINDS: tuple[DocumentKind, ...] = get_args(DocumentKind)
#: The documents made after the plan (each records its parent, lifecycle/records.py).
LifecycleKind = Literal["revision", "checkin", "refusal", "evaluation"]
LIFECYCLE_KINDS: tuple[LifecycleKind, ...] = get_args(LifecycleKind)

#: A signing envelope of the web service (pipdocs serve), and each of its signers.
EnvelopeStatus = Literal["in_progress", "completed", "declined", "cancelled"]
ENVELOPE_STATUSES: tuple[EnvelopeStatus, ...] = get_args(EnvelopeStatus)
SignerStatus = Literal["waiting", "signed", "declined"]
SIGNER_STATUSES: tuple[SignerStatus, ...] = get_args(SignerStatus)
#: Where a case's final evaluation stands (``case status``).
EvaluationState = Literal["done", "due", "overdue", "not_due", "no_plan"]
#: The signature field of each role, and the role of each field.
SIGNATURE_FIELDS: dict[str, str] = {role: f"sig_{role}" for role in ROLES}
ROLE_OF_FIELD: dict[str, str] = {field: role for role, field in SIGNATURE_FIELDS.items()}

#: Every signature-box marker starts so; user text may not contain it (it would forge a box).
SIG_MARKER = "[[sig:"
#: The PDF attachment that carries the plan inside the signed document.
PLAN_ATTACHMENT = "plan.json"
#: The attachment that records the order and locking a document was prepared for.
TERMS_ATTACHMENT = "signing.json"
#: The organisation seal's field (invisible, made when sealing) and the extended key usage that
#: marks a seal certificate (a UUID OID under 2.25: no person's signing key carries it).
SEAL_FIELD = "sig_seal"
SEAL_PURPOSE = "2.25.199791224403684650677273279132166084161"

#: BCP 47 tag of each plan language (docx language, PDF /Lang).
LANGUAGE_TAGS: dict[str, str] = {"zh": "zh-CN", "en": "en-GB"}


def marker(role: str, end: bool = False) -> str:
    """The invisible text at the top left (begin) or bottom right (end) of ``role``'s box."""
    return f"{SIG_MARKER}{role}:{'end' if end else 'begin'}]]"


def document_title(language: str, person: str) -> str:
    """Title viewers show: '绩效改进计划 – 张伟', 'Performance Improvement Plan – Dana Lee'."""
    return f"{tr_in(language, 'Performance Improvement Plan')} – {person}"
