"""Checks on the document as pipdocs prepared it: plan.json, the recorded signing terms, the
prepared revision, active content, and the organisation's seal.

The verdict rests on plan.json, so plan.json must be what the signers saw: nothing but the
prepared revision (and the seal) may stand before the first signature, the page must name the
same people, and no revision may hold active content (:mod:`pipdocs.document.inspect`, which
``sign`` runs as well).
"""

from __future__ import annotations

from collections.abc import Sequence

from pipdocs.core.errors import TemplateError
from pipdocs.core.identity import is_seal_certificate
from pipdocs.document.inspect import (
    Finding,
    active_content,
    party_findings,
    revision_bytes,
    revision_findings,
)
from pipdocs.document.prepare import ATTACHMENTS
from pipdocs.document.rulebook import (
    Breach,
    plan_json,
    recorded_terms,
    seal_missing_breach,
    seal_position_breach,
)
from pipdocs.verification.collect import CheckedSignature, trust_words
from pipdocs.verification.findings import CheckName
from pipdocs.verification.state import Run

FINDING_CHECKS: dict[str, CheckName] = {
    "changed_before_signing": "prepared_intact", "party_mismatch": "prepared_intact",
    "active_content": "no_active_content", "extra_revision": "in_order",
}


def read_plan(run: Run) -> None:
    """plan.json of the current revision, and the same copy in every signed revision (the rule
    book's rules, which sign applies too)."""
    revisions = [0] + [s.revision for s in run.placed if s.revision]
    run.plan_bytes, run.plan, breaches = plan_json(run.inputs.reader, revisions)
    _record(run, "plan_intact", breaches)


def _record(run: Run, check: CheckName, breaches: Sequence[Breach | None]) -> None:
    """The rule book's breaches as problems of ``check``."""
    for item in breaches:
        if item is not None:
            run.found.problem(item.code, check, None, item.report_detail, **item.params)


def read_terms(run: Run) -> None:
    """signing.json: the order the document was prepared for replaces the policy's."""
    run.terms, invalid = recorded_terms(run.inputs.reader.root)
    if invalid is not None:
        _record(run, "prepared_intact", [invalid])
    if run.terms is None:
        return  # prepared before pipdocs recorded its terms (or unusable): the policy decides
    run.inputs.order = list(run.terms.order)
    run.inputs.certify_first = run.terms.certify_first


def check_prepared(run: Run) -> None:
    """Only the prepared revision before the first signature; the page names plan.json's
    people; no active content in any revision."""
    reader = run.inputs.reader
    signed = [s.revision for s in run.placed if s.revision is not None]
    findings = revision_findings(reader, signed, for_signing=False)
    findings += active_content(reader, ATTACHMENTS)
    if run.plan is not None:
        try:
            findings += party_findings(revision_bytes(run.inputs.data, reader, 0), run.plan,
                                       run.inputs.order)
        except TemplateError as exc:
            findings.append(Finding("party_mismatch", f"the signature rows cannot be read: {exc}",
                                    f"无法读取签字栏：{exc}"))
    for item in findings:
        run.found.problem(item.code, FINDING_CHECKS[item.code], detail=(item.en, item.zh))


def check_seal(run: Run) -> None:
    """The organisation's seal: required by the policy or by the document's own terms; when
    present it is the first signature, intact, and made with a seal key of a trusted CA."""
    seal, found = run.seal, run.found
    if seal is None:
        _record(run, "organisation_seal", [seal_missing_breach(run.inputs.seal_required,
                                                                run.terms)])
        return
    position = seal_position_breach(seal.revision)
    if position is not None:
        _bad(run, seal, *position.detail)
    st = seal.status
    if st is None:
        found.clear("organisation_seal")
        return
    if not (st.intact and st.valid):
        _bad(run, seal, "digest or signature value invalid", "摘要或签名值无效")
    if run.inputs.anchors and not seal.chain_ok:
        _bad(run, seal, *trust_words(st.trust_problem_indic))
    if not is_seal_certificate(st.signing_cert):
        _bad(run, seal, "made with a key that is not a seal key", "所用密钥不是印章密钥")


def _bad(run: Run, seal: CheckedSignature, en: str, zh: str) -> None:
    run.found.problem("seal_invalid", "organisation_seal", seal, detail=(en, zh))
