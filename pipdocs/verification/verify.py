"""Verify a signed PIP: pyHanko's validation plus the plan's own rules, failing closed.

pyHanko answers the per-signature questions (:mod:`.signatures`). The checks add what only the
plan knows (:mod:`.checks`, :mod:`.document_checks`): which field belongs to which role, who that
person is (``plan.json``, read from each signed revision), the recorded order, that the page and
plan.json name the same people, that nothing but pipdocs's prepared revision stands before the
first signature, and that nothing but the pending signature fields was filled after each one.
Anything it cannot establish is a problem, never a pass: an exception inside a check becomes
``validation_error`` against that check's own flag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from pipdocs.core.errors import InputError
from pipdocs.core.plan import ROLES, Party
from pipdocs.core.version import __version__
from pipdocs.verification import checks, document_checks
from pipdocs.verification.collect import (
    CheckedSignature,
    common_name,
    load_trust_anchors,
    read_pdf,
    signature_report,
)
from pipdocs.verification.findings import CheckName
from pipdocs.verification.report import Problem, TrustAnchor, Verdict, VerificationReport
from pipdocs.verification.signatures import DIFF_POLICY, collect_signatures, validate_all
from pipdocs.verification.state import Inputs, Run
from pipdocs.verification.words import REVOCATION, message


class VerifyPolicy(Protocol):
    """What verification needs from the signing policy (pipdocs.core.policy.Policy)."""

    @property
    def order(self) -> Sequence[str]: ...

    @property
    def certify_first(self) -> bool: ...

    @property
    def seal(self) -> str: ...

    def trust_anchor_paths(self) -> list[Path]: ...


def verify_pdf(
    path: str | Path,
    trust_roots: Sequence[str | Path],
    allow_incomplete: bool = False,
    policy: VerifyPolicy | None = None,
) -> VerificationReport:
    """Verify a signed plan PDF against ``trust_roots`` (else the policy's trust anchors).

    Raises InputError (exit 2) only for a file that cannot be used at all; every other doubt is
    a problem in the returned report, and ``report.ok`` is True only when everything holds.
    """
    path = Path(path)
    order = [str(r) for r in (policy.order if policy else ROLES)]
    if sorted(order) != sorted(ROLES):
        raise InputError(f"the policy order {order} must name each of {', '.join(ROLES)} once")
    anchors = load_trust_anchors(
        list(trust_roots) or (policy.trust_anchor_paths() if policy else []))
    data, reader = read_pdf(path)
    run = Run(Inputs(
        path, data, reader, anchors, order, allow_incomplete,
        certify_first=policy.certify_first if policy else True,
        seal_required=getattr(policy, "seal", "optional") == "required",
    ))
    _check(run)
    return build_report(run)


STEPS: list[tuple[CheckName, Callable[[Run], None]]] = [
    ("prepared_intact", document_checks.check_prepared),
    ("organisation_seal", document_checks.check_seal),
    ("in_order", checks.check_order),
    ("certified_first", checks.check_certification),
    ("unchanged_after_last", checks.check_changes),
]
SIGNATURE_STEPS: list[tuple[CheckName, Callable[[Run, CheckedSignature], None]]] = [
    ("signatures_valid", checks.check_integrity),
    ("signatures_valid", checks.check_timestamp),
    ("signers_match_plan", checks.check_signer),
]


def _check(run: Run) -> None:
    """Every check in turn, each guarded so that a failure is its own check's failure."""
    found = run.found
    if run.inputs.reader.encrypted:
        found.problem("encrypted", "signatures_valid")
        return
    with found.guard("signatures_valid"):
        run.sigs = collect_signatures(run.inputs.reader, found)
    with found.guard("prepared_intact"):
        document_checks.read_terms(run)
    with found.guard("plan_intact"):
        document_checks.read_plan(run)
    if not any(s.role for s in run.sigs):  # the seal alone signs nothing for the plan
        found.problem("no_signatures", "roles_complete")
        return
    with found.guard("signatures_valid"):
        validate_all(run.sigs, [cert for _, cert in run.inputs.anchors], found)
    for sig in run.sigs:
        for check, step in SIGNATURE_STEPS:
            if sig is not run.seal or step is checks.check_integrity:
                with found.guard(check, sig):
                    step(run, sig)
    for check, whole in STEPS:
        with found.guard(check):
            whole(run)


def _person(run: Run, sig: CheckedSignature) -> Party | None:
    return run.plan.person(sig.role) if run.plan and sig.role else None


def build_report(run: Run) -> VerificationReport:
    """The verdict and the report; the checks agree with the verdict by construction."""
    found, inputs = run.found, run.inputs
    signed = [r for r in inputs.order if any(s.role == r for s in run.sigs)]
    pending = [r for r in inputs.order if r not in signed]
    if not inputs.anchors:
        found.problems.append(Problem(code="no_trust_anchors",
                                      message=message("no_trust_anchors", "en")))
        found.clear("signers_trusted")
    blocking = [p for p in found.problems if p.code not in ("missing_role", "no_trust_anchors")]
    verdict: Verdict = ("invalid" if blocking else "untrusted" if not inputs.anchors
                        else "incomplete" if pending else "valid")
    report_checks = found.checks()
    report_checks.roles_complete = report_checks.roles_complete and not pending
    lang = run.plan.language if run.plan else "en"
    return VerificationReport(
        tool=f"pipdocs {__version__}", file=str(inputs.path),
        sha256=hashlib.sha256(inputs.data).hexdigest(), size=len(inputs.data),
        verified_at=datetime.now(timezone.utc), verdict=verdict,
        ok=verdict == "valid" or (verdict == "incomplete" and inputs.allow_incomplete),
        allow_incomplete=inputs.allow_incomplete, language=lang,
        plan_id=run.plan.plan_id if run.plan else None,
        plan_sha256=hashlib.sha256(run.plan_bytes).hexdigest() if run.plan_bytes else None,
        required_roles=inputs.order, signed_roles=signed, pending_roles=pending,
        revisions=inputs.reader.xrefs.total_revisions,
        trust_anchors=[TrustAnchor(subject=common_name(c.subject), sha256=c.sha256.hex(),
                                   source=src) for src, c in inputs.anchors],
        revocation=REVOCATION["en"], checks=report_checks,
        signatures=[signature_report(s, _person(run, s), lang) for s in run.sigs],
        problems=found.problems, warnings=found.warnings,
    )


__all__ = ["DIFF_POLICY", "VerifyPolicy", "build_report", "load_trust_anchors", "verify_pdf"]
