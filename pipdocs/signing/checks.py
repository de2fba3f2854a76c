"""What ``sign`` checks in a document before it signs: the embedded plan and signing terms, the
signature fields, the recorded order, the document's own structure (the checks ``verify`` makes:
only the prepared revision before the first signature, no active content, the page names the
plan's people, the seal when required), and that every earlier signature still verifies and is
the plan's person.

Each failed check is one line the user can act on: SigningRefused (exit 1) for a document that
may not be signed now, InputError (exit 2) for a file that is not a prepared plan at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipdocs.core.attachments import attachments_named, plan_attachments
from pipdocs.core.errors import InputError, SigningRefused
from pipdocs.core.identity import cert_email, cert_matches
from pipdocs.core.names import ROLE_OF_FIELD, SIGNATURE_FIELDS
from pipdocs.core.plan import Plan
from pipdocs.core.policy import Policy, shipped_policy
from pipdocs.document.inspect import (
    active_content,
    party_findings,
    revision_bytes,
    revision_findings,
    signature_revisions,
)
from pipdocs.document.prepare import ATTACHMENTS, SEAL_FIELD, TERMS_NAME, SigningTerms

_ROLE_NAMES = shipped_policy().role_names["en"]  # messages are English: names from the policy
WHO = dict(_ROLE_NAMES)
THE = {role: name if name.isupper() else f"the {name}" for role, name in _ROLE_NAMES.items()}


def embedded_plan(reader: Any, source: str = "") -> Plan:
    """The plan.json attachment of a prepared PDF, validated."""
    from pipdocs.core.errors import PlanInvalid
    from pipdocs.core.plan import plan_from_json_bytes

    try:
        raw = plan_attachments(reader.root)[0]
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        raise InputError(
            f"{source}: has no embedded plan.json, so its signers cannot be checked; sign the PDF"
            " made by 'pipdocs pdf'"
        ) from exc
    try:
        return plan_from_json_bytes(raw)
    except (InputError, PlanInvalid) as exc:
        raise InputError(f"{source}: its embedded plan.json is not a valid plan ({exc})") from exc


def signing_terms(reader: Any, policy: Policy, source: str = "") -> Policy:
    """The policy with the order and locking the document records (``signing.json``); a
    document prepared before pipdocs recorded them follows ``policy``."""
    files = attachments_named(reader.root, TERMS_NAME)
    if not files:
        return policy
    try:
        if len(files) > 1:
            raise ValueError(f"{len(files)} copies of {TERMS_NAME}")
        terms = SigningTerms.from_json_bytes(files[0])
    except (ValueError, UnicodeDecodeError) as exc:
        raise SigningRefused(f"{source}: its signing terms cannot be used ({exc}); do not sign"
                             " it, ask for a genuine copy") from exc
    return policy.model_copy(update={"order": terms.order, "certify_first": terms.certify_first,
                                     "lock_last": terms.lock_last})


def check_document(data: bytes, reader: Any, plan: Plan, policy: Policy, source: str) -> None:
    """Refuse, with verify's reason, a document verify would fail whatever is signed next."""
    findings = revision_findings(reader, signature_revisions(reader), for_signing=True)
    findings += active_content(reader, ATTACHMENTS)
    findings += party_findings(revision_bytes(data, reader, 0), plan, policy.order)
    if findings:
        raise SigningRefused(f"{source}: {findings[0].en}; do not sign it, ask HR for a copy"
                             " made by 'pipdocs pdf'")
    sealed = any(name == SEAL_FIELD for name in signature_fields(reader))
    if policy.seal == "required" and not sealed:
        raise SigningRefused(f"{source}: the organisation's seal is missing and the signing"
                             " policy requires it; do not sign it, ask HR for a sealed copy")


def signature_fields(reader: Any) -> dict[str, bool]:
    """Every signature field by fully qualified name -> whether it holds a signature."""
    from pyhanko.sign.fields import enumerate_sig_fields

    return {name: value is not None for name, value, _ref in enumerate_sig_fields(reader)}


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


def check_earlier_signatures(reader: Any, plan: Plan, policy: Policy, source: str = "") -> None:
    """Refuse unless every signature already present verifies and belongs to the plan's person
    (the organisation's seal: verifies, and is the first signature)."""
    everything = reader.embedded_signatures
    embedded_signatures = [e for e in everything if e.field_name != SEAL_FIELD]
    for embedded in embedded_signatures:  # outsiders first: the clearest reason to stop
        if ROLE_OF_FIELD.get(embedded.field_name) is None or embedded.sig_object_type != "/Sig":
            raise SigningRefused(
                f"{source}: carries a signature in field '{embedded.field_name}', which is not one"
                " of the plan's signature boxes; start again from the unsigned PDF"
            )
    if len(everything) > len(embedded_signatures) and everything[0].field_name != SEAL_FIELD:
        raise SigningRefused(f"{source}: the organisation's seal is not the first signature;"
                             " do not sign it, ask for a genuine copy")
    signed = [ROLE_OF_FIELD[e.field_name] for e in embedded_signatures]  # in revision order
    if tuple(signed) != policy.order[: len(signed)]:
        raise SigningRefused(
            f"{source}: was signed out of order ({', '.join(WHO[r] for r in signed)}; the order is"
            f" {', '.join(WHO[r] for r in policy.order)}); start again from the unsigned PDF"
        )
    for embedded in everything:
        role = ROLE_OF_FIELD.get(embedded.field_name)
        label = f"{THE[role]}'s signature" if role else "the organisation's seal"
        status = _verified(embedded, label, source)
        if role is None:
            continue
        ts = status.timestamp_validity
        if ts is None or not (ts.intact and ts.valid):
            raise SigningRefused(f"{source}: {label} lacks a valid RFC 3161 timestamp; don't sign")
        expected = plan.person(role).email
        if not cert_matches(embedded.signer_cert, expected):
            actual = cert_email(embedded.signer_cert) or "(no e-mail)"
            raise SigningRefused(
                f"{source}: {label} was made by {actual}, not the plan's {WHO[role]} {expected};"
                " do not sign it"
            )


def _verified(embedded: Any, label: str, source: str) -> Any:
    """pyHanko's status of an earlier signature: intact, and no disallowed change since."""
    from pyhanko.sign.diff_analysis import SuspiciousModification
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        context = ValidationContext(trust_roots=[], allow_fetching=False,
                                    revocation_mode="soft-fail")
        with _quiet("pyhanko", "pyhanko_certvalidator"):
            status = validate_pdf_signature(embedded, context, context)
    except Exception as exc:  # noqa: BLE001 - undecodable means it does not verify
        raise SigningRefused(f"{source}: {label} cannot be checked ({exc}); do not sign it")\
            from exc
    if not (status.intact and status.valid):
        raise SigningRefused(
            f"{source}: {label} no longer verifies (the signed content changed or the"
            " signature is damaged); do not sign it, ask for a genuine copy"
        )
    if isinstance(status.diff_result, SuspiciousModification) or status.docmdp_ok is False:
        raise SigningRefused(
            f"{source}: the document was changed after {label} in a way the signature does not"
            " allow; do not sign it, ask for a genuine copy"
        )
    return status


def check_order(fields: dict[str, bool], role: str, policy: Policy, source: str) -> None:
    if role not in policy.order:  # a document with fewer signers (a check-in, a refusal record)
        raise SigningRefused(
            f"{source}: this document is signed by {', '.join(WHO[r] for r in policy.order)}"
            f" only, not by {WHO[role]}"
        )
    field = SIGNATURE_FIELDS[role]
    if field not in fields:
        raise InputError(
            f"{source}: has no signature field {field}; sign the PDF made by 'pipdocs pdf'"
        )
    if fields[field]:
        raise SigningRefused(
            f"{source}: {THE[role]} has already signed ({field}); nothing to do"
        )
    order = ", ".join(WHO[r] for r in policy.order)
    for later in policy.successors(role):
        if fields.get(SIGNATURE_FIELDS[later]):
            raise SigningRefused(
                f"{source}: {THE[later]} has already signed, so {THE[role]} can no longer"
                f" sign (order: {order})"
            )
    for earlier in policy.predecessors(role):
        if not fields.get(SIGNATURE_FIELDS[earlier]):
            raise SigningRefused(
                f"{source}: {THE[earlier]} must sign before {THE[role]} (order: {order})"
            )


def field_size(reader: Any, field_name: str) -> tuple[float | None, float | None]:
    """Width and height of the field's widget in points, to fit the stamp text to it."""
    from pyhanko.sign.fields import enumerate_sig_fields

    for _name, _value, ref in enumerate_sig_fields(reader, with_name=field_name):
        field = ref.get_object()
        widget = field if "/Rect" in field else field["/Kids"][0].get_object()
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
        return abs(x2 - x1) or None, abs(y2 - y1) or None
    return None, None
