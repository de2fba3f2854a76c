"""What ``sign`` checks in a document before it signs: the embedded plan, the signature fields,
the policy order, and that every earlier signature still verifies and is the plan's person.

Each failed check is one line the user can act on: SigningRefused (exit 1) for a document that
may not be signed now, InputError (exit 2) for a file that is not a prepared plan at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pipdocs.core.attachments import plan_attachments
from pipdocs.core.errors import InputError, SigningRefused
from pipdocs.core.identity import cert_email, cert_matches
from pipdocs.core.names import ROLE_OF_FIELD, SIGNATURE_FIELDS
from pipdocs.core.plan import Plan
from pipdocs.core.policy import Policy, shipped_policy

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


def check_earlier_signatures(reader: Any, plan: Plan, policy: Policy, source: str = "",
                             order: Sequence[str] | None = None) -> None:
    """Refuse unless every signature already present verifies and belongs to the plan's person.

    ``order`` is the document's own signer order (default: the policy's)."""
    order = tuple(order or policy.order)
    from pyhanko.sign.diff_analysis import SuspiciousModification
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    embedded_signatures = reader.embedded_signatures
    for embedded in embedded_signatures:  # outsiders first: the clearest reason to stop
        if ROLE_OF_FIELD.get(embedded.field_name) is None or embedded.sig_object_type != "/Sig":
            raise SigningRefused(
                f"{source}: carries a signature in field '{embedded.field_name}', which is not one"
                " of the plan's signature boxes; start again from the unsigned PDF"
            )
    signed = [ROLE_OF_FIELD[e.field_name] for e in embedded_signatures]  # in revision order
    if tuple(signed) != order[: len(signed)]:
        raise SigningRefused(
            f"{source}: was signed out of order ({', '.join(WHO[r] for r in signed)}; the order is"
            f" {', '.join(WHO[r] for r in order)}); start again from the unsigned PDF"
        )
    for embedded in embedded_signatures:
        role = ROLE_OF_FIELD[embedded.field_name]
        label = f"{THE[role]}'s signature"
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



def check_order(fields: dict[str, bool], role: str, policy: Policy, source: str,
                order: Sequence[str] | None = None) -> None:
    """Refuse a role out of ``order`` (the document's signers; default: the policy's order)."""
    order = tuple(order or policy.order)
    if role not in order:
        raise SigningRefused(
            f"{source}: this document is signed by {', '.join(WHO[r] for r in order)} only,"
            f" not by {WHO[role]}"
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
    words = ", ".join(WHO[r] for r in order)
    at = order.index(role)
    for later in order[at + 1:]:
        if fields.get(SIGNATURE_FIELDS[later]):
            raise SigningRefused(
                f"{source}: {THE[later]} has already signed, so {THE[role]} can no longer"
                f" sign (order: {words})"
            )
    for earlier in order[:at]:
        if not fields.get(SIGNATURE_FIELDS[earlier]):
            raise SigningRefused(
                f"{source}: {THE[earlier]} must sign before {THE[role]} (order: {words})"
            )
