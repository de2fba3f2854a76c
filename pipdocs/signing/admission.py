"""Whether a document may be signed now, in this role, with this key: ``sign`` refuses before it
adds a signature that ``verify`` would reject.

Two kinds of rule, each written once:

- the rules on what the existing revisions must be (plan.json intact, the recorded terms, the
  prepared revision, no active content, the page's people, the seal, each earlier signature
  intact, timestamped, by plan.json's person and in order) are the rule book's
  (:mod:`pipdocs.document.rulebook`, :mod:`pipdocs.document.inspect`), which verify applies
  too. Here the first breach becomes the refusal, with its stable code and verify's sentence in
  the document's language;
- the rules on the signature about to be made (the role is one of the document's signers, its
  field is empty, no later role signed, every earlier role did, the key is the plan's person)
  exist only here: verify sees them later as the same codes of the rule book (``order``,
  ``wrong_signer``).

Refusals are SigningRefused (exit 1) for a document that may not be signed now, InputError
(exit 2) for a file that is not a prepared pipdocs PDF at all; each is one line that ends with
its code in brackets.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import SuspiciousModification
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import EmbeddedPdfSignature, PdfSignatureStatus, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from pipdocs.core.errors import InputError, PipdocsError, SigningRefused
from pipdocs.core.i18n import in_language, message_language, tr
from pipdocs.core.identity import same_email
from pipdocs.core.limits import SHORT_DETAIL, cut
from pipdocs.core.names import ROLE_OF_FIELD, SEAL_FIELD, SIGNATURE_FIELDS
from pipdocs.core.plan import Plan
from pipdocs.core.policy import Policy, shipped_policy
from pipdocs.core.text import escape_controls
from pipdocs.document.inspect import (
    active_content,
    party_findings,
    revision_bytes,
    revision_findings,
    signature_revisions,
)
from pipdocs.document.prepare import ATTACHMENTS
from pipdocs.document.rulebook import (
    Breach,
    integrity_breach,
    kind_breaches,
    order_breaches,
    plan_json,
    recorded_terms,
    seal_missing_breach,
    seal_position_breach,
    signer_breach,
    timestamp_breach,
)

#: Codes a refusal of a file that is no prepared pipdocs PDF at all carries (exit 2).
UNUSABLE = {"plan_missing", "plan_invalid", "no_signature_field"}


def refusal(code: str, line: str) -> PipdocsError:
    """The exception for one refusal line: its code at the end, in brackets."""
    error = (InputError if code in UNUSABLE else SigningRefused)(f"{line} [{code}]")
    error.code = code
    return error


def refuse(breach: Breach, source: str, language: str) -> PipdocsError:
    """The rule book's breach as sign's refusal, in the document's language."""
    with in_language(language):
        advice = (tr("sign the PDF made by 'pipdocs pdf'") if breach.code in UNUSABLE
                  else tr("do not sign it, ask HR for a genuine copy made by 'pipdocs pdf'"))
        line = tr("{source}: {problem}; {advice}").format(
            source=source, problem=breach.message(language), advice=advice)
    return refusal(breach.code, line)


def first(breaches: Sequence[Breach | None], source: str, language: str) -> None:
    """Refuse with the first breach, if any."""
    for breach in breaches:
        if breach is not None:
            raise refuse(breach, source, language)


def embedded_plan(reader: PdfFileReader, source: str = "") -> Plan:
    """The plan.json attachment of a prepared PDF, validated, and the same in every signed
    revision (rule book: plan_missing, plan_invalid, plan_changed)."""
    try:
        _raw, plan, breaches = plan_json(reader, [0, *signature_revisions(reader)])
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        raise refusal("plan_missing", tr(
            "{source}: its attachments cannot be read ({error}); sign the PDF made by"
            " 'pipdocs pdf'").format(source=source, error=cut(str(exc), SHORT_DETAIL))) from exc
    first(breaches, source, plan.language if plan else message_language())
    assert plan is not None
    return plan


def signing_terms(reader: PdfFileReader, policy: Policy, source: str = "",
                  language: str | None = None) -> Policy:
    """The policy with the order and locking the document records (``signing.json``); a
    document prepared before pipdocs recorded them follows ``policy``."""
    terms, invalid = recorded_terms(reader.root)
    first([invalid], source, language or message_language())
    if terms is None:
        return policy
    return policy.model_copy(update={"order": terms.order, "certify_first": terms.certify_first,
                                     "lock_last": terms.lock_last})


def check_document(data: bytes, reader: PdfFileReader, plan: Plan, policy: Policy,
                   source: str) -> None:
    """Refuse, with verify's code and sentence, a document verify would fail whatever is signed
    next: its prepared revision, active content, the page's people, the seal the policy or the
    document's terms require (plan.json: :func:`embedded_plan`)."""
    found = revision_findings(reader, signature_revisions(reader), for_signing=True)
    found += active_content(reader, ATTACHMENTS)
    found += party_findings(revision_bytes(data, reader, 0), plan, policy.order)
    breaches: list[Breach | None] = [Breach.of(f) for f in found]
    if not signature_fields(reader).get(SEAL_FIELD):
        terms, _ = recorded_terms(reader.root)
        breaches.append(seal_missing_breach(policy.seal == "required", terms))
    first(breaches, source, plan.language)


def signature_fields(reader: PdfFileReader) -> dict[str, bool]:
    """Every signature field by fully qualified name -> whether it holds a signature."""
    return {name: value is not None for name, value, _ref in enumerate_sig_fields(reader)}


def check_earlier_signatures(reader: PdfFileReader, plan: Plan, policy: Policy,
                             source: str = "") -> None:
    """Refuse unless every signature already present is one of the plan's (or the seal, first),
    in order, intact, timestamped and made by plan.json's person: the rule book's rules."""
    language = plan.language
    everything = reader.embedded_signatures
    kinds = [kind_breaches(e.field_name, ROLE_OF_FIELD.get(e.field_name), _kind(e),
                           _subfilter(e)) for e in everything]
    first([b for found in kinds for b in found], source, language)  # outsiders first
    seal = next((e for e in everything if e.field_name == SEAL_FIELD), None)
    if seal is not None:
        first([seal_position_breach(_revision(reader, seal))], source, language)
    placed = [(e.field_name, ROLE_OF_FIELD[e.field_name]) for e in everything
              if e.field_name != SEAL_FIELD]  # in revision order
    first([b for _i, b in order_breaches(placed, policy.order)], source, language)
    for embedded in everything:
        role = ROLE_OF_FIELD.get(embedded.field_name)
        status = _verified(embedded, source, language)
        if role is None:
            continue  # the seal: no timestamp, no person of the plan
        first([timestamp_breach(embedded.field_name, status),
               signer_breach(embedded.field_name, role, embedded.signer_cert,
                             plan.person(role))], source, language)


def _kind(embedded: EmbeddedPdfSignature) -> str:
    return "document_timestamp" if embedded.sig_object_type == "/DocTimeStamp" else "approval"


def _subfilter(embedded: EmbeddedPdfSignature) -> str:
    return str(embedded.sig_object.get("/SubFilter"))


def _revision(reader: PdfFileReader, embedded: EmbeddedPdfSignature) -> int | None:
    reference = getattr(embedded.sig_field.raw_get("/V"), "reference", None)
    return reader.xrefs.get_last_change(reference) if reference is not None else None


@contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """Silence library warnings that are expected here (e.g. "no path to a trusted root" while
    we only check integrity), so the CLI keeps its one-line errors."""
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _verified(embedded: EmbeddedPdfSignature, source: str, language: str) -> PdfSignatureStatus:
    """pyHanko's status of an earlier signature (no trust roots: who is trusted is verify's
    question): intact, and no disallowed change since."""
    field_name = embedded.field_name
    try:
        context = ValidationContext(trust_roots=[], allow_fetching=False,
                                    revocation_mode="soft-fail")
        with _quiet("pyhanko", "pyhanko_certvalidator"):
            status = validate_pdf_signature(embedded, context, context)
    except Exception as exc:  # noqa: BLE001 - undecodable means it does not verify
        detail = cut(f"{type(exc).__name__}: {exc}", SHORT_DETAIL)
        raise refuse(Breach("integrity", (f"it cannot be checked: {detail}",
                                          f"无法校验：{detail}"), field_name),
                     source, language) from exc
    first([integrity_breach(field_name, status)], source, language)
    if isinstance(status.diff_result, SuspiciousModification) or status.docmdp_ok is False:
        raise refuse(Breach("modified_after_signing", (
            "changes beyond signing the pending fields", "存在超出后续签名范围的改动"),
            field_name), source, language)
    return status


# --- the signature about to be made --------------------------------------------------------------


def _who(role: str, language: str, the: bool = False) -> str:
    """The role in a sentence: 'HR', 'the manager' (``the``), '直接上级'."""
    name = shipped_policy().role_names["zh" if language == "zh" else "en"][role]
    return f"the {name}" if the and language != "zh" and not name.isupper() else name


def check_order(fields: dict[str, bool], role: str, policy: Policy, source: str,
                language: str = "en") -> None:
    """``role`` may sign now: it is one of the document's signers, its field is empty, every
    role before it signed and none after it."""
    sep = "、" if language == "zh" else ", "
    order = sep.join(_who(r, language) for r in policy.order)
    with in_language(language):
        if role not in policy.order:  # a document with fewer signers (a check-in, a refusal)
            raise refusal("not_a_signer", tr(
                "{source}: this document is signed by {signers} only, not by {role}").format(
                source=source, signers=order, role=_who(role, language)))
        field = SIGNATURE_FIELDS[role]
        if field not in fields:
            raise refusal("no_signature_field", tr(
                "{source}: has no signature field {field}; sign the PDF made by 'pipdocs pdf'"
            ).format(source=source, field=field))
        if fields[field]:
            raise refusal("already_signed", tr(
                "{source}: {role} has already signed ({field}); nothing to do").format(
                source=source, role=_who(role, language, the=True), field=field))
        for later in policy.successors(role):
            if fields.get(SIGNATURE_FIELDS[later]):
                raise refusal("order", tr(
                    "{source}: {later} has already signed, so {role} can no longer sign"
                    " (order: {order})").format(source=source, order=order,
                                                later=_who(later, language, the=True),
                                                role=_who(role, language, the=True)))
        for earlier in policy.predecessors(role):
            if not fields.get(SIGNATURE_FIELDS[earlier]):
                raise refusal("order", tr(
                    "{source}: {earlier} must sign before {role} (order: {order})").format(
                    source=source, order=order, earlier=_who(earlier, language, the=True),
                    role=_who(role, language, the=True)))


def check_key(email: str | None, key_source: str, role: str, plan: Plan, source: str) -> None:
    """The key is plan.json's person for ``role`` (the e-mail decides, as verify's
    ``wrong_signer``)."""
    person = plan.person(role)
    if same_email(email, person.email):
        return
    with in_language(plan.language):
        raise refusal("wrong_signer", tr(
            "{source}: the key {key} belongs to {email}, but the plan's {role} is {name}"
            " <{plan_email}>; sign with that person's key").format(
            source=source, key=key_source, email=escape_controls(email or tr("(no e-mail)")),
            role=_who(role, plan.language), name=person.name, plan_email=person.email))
