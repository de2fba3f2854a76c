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

from pyhanko.pdf_utils.reader import PdfFileReader

from pipdocs.core.errors import InputError
from pipdocs.core.plan import ROLES, Party
from pipdocs.core.version import __version__
from pipdocs.document.pdfread import open_pdf
from pipdocs.pki.seal import SEAL_P12
from pipdocs.verification import checks, document_checks, ltv, ltvsteps
from pipdocs.verification.auditseal import (
    AuditSeal,
    browser_signed,
    check_audit_seal,
    find_audit_seal,
)
from pipdocs.verification.collect import (
    CheckedSignature,
    common_name,
    load_trust_anchors,
    read_pdf,
    signature_report,
)
from pipdocs.verification.evidence_check import evidence_attachment, verify_evidence
from pipdocs.verification.findings import CheckName
from pipdocs.verification.ltvwords import LONG_TERM
from pipdocs.verification.report import Problem, TrustAnchor, Verdict, VerificationReport
from pipdocs.verification.revisions import revision_changes
from pipdocs.verification.signatures import DIFF_POLICY, collect_signatures, validate_all
from pipdocs.verification.state import Inputs, Run
from pipdocs.verification.words import KIND_WORDS, REVOCATION, message


class VerifyPolicy(Protocol):
    """What verification needs from the signing policy (pipdocs.core.policy.Policy)."""

    @property
    def order(self) -> Sequence[str]: ...

    @property
    def certify_first(self) -> bool: ...

    @property
    def seal(self) -> str: ...

    @property
    def audit(self) -> str: ...

    @property
    def pades_level(self) -> str: ...

    def trust_anchor_paths(self) -> list[Path]: ...


def verify_pdf(
    path: str | Path,
    trust_roots: Sequence[str | Path],
    allow_incomplete: bool = False,
    policy: VerifyPolicy | None = None,
    validation_time: datetime | None = None,
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
    at = ltv.utc(validation_time) if validation_time else datetime.now(timezone.utc)
    attached = evidence_attachment(reader)
    if attached is not None:  # a verification record made by verify --report X.pdf
        return verify_evidence(path, data, reader, attached, anchors, at, DIFF_POLICY)
    trail = _audit_trail(data, reader)  # pipdocs serve's audit.json, sealed after the last signer
    signed, signed_reader = (trail.signed, open_pdf(trail.signed, path, strict=True)) \
        if trail else (data, reader)
    run = Run(Inputs(
        path, signed, signed_reader, anchors, order, allow_incomplete,
        certify_first=policy.certify_first if policy else True,
        # no policy: nothing is required beyond the document's own terms
        seal_required=policy is not None and policy.seal == "required",
        lta_required=policy is not None and policy.pades_level == "B-LTA", at=at,
        refreshes=[(s.field_name, s.signed_revision, s) for s in trail.refreshes] if trail
        else [], whole_reader=reader,
    ))
    _check(run)
    if trail is not None:
        with run.found.guard("unchanged_after_last"):
            _check_trail(run, trail, reader)
    else:
        _check_no_trail(run, policy is not None and policy.audit == "required")
    with run.found.guard("unchanged_after_last"):
        _check_revisions(run, reader, policy)
    report = build_report(run)
    if trail is not None:  # the report names the file as given, not the part verified above
        report.sha256, report.size = hashlib.sha256(data).hexdigest(), len(data)
        report.revisions = reader.xrefs.total_revisions
    return report


def _check_revisions(run: Run, reader: PdfFileReader, policy: VerifyPolicy | None) -> None:
    """Every revision of the whole file after the first signature changes only what its kind
    may change (:mod:`.revisions`); the audit trail under the organisation's seal when the
    policy requires one, the document was sealed, or the CA beside a trust anchor has one."""
    seal_needed = ((policy is not None and policy.seal == "required") or run.seal is not None
                   or (run.terms is not None and run.terms.sealed)
                   or any((Path(src).parent / SEAL_P12).is_file() for src, _ in
                          run.inputs.anchors))
    for change in revision_changes(reader, seal_needed):
        run.found.problem("revision_modified", "unchanged_after_last",
                          detail=(change.en, change.zh), revision=str(change.revision),
                          kind=KIND_WORDS[change.kind][0], kind_zh=KIND_WORDS[change.kind][1])


def _audit_trail(data: bytes, reader: PdfFileReader) -> AuditSeal | None:
    try:
        return find_audit_seal(data, reader)
    except Exception:  # noqa: BLE001 - not a trail we recognise: verify the file as it is
        return None


def _check_trail(run: Run, trail: AuditSeal, reader: PdfFileReader) -> None:
    troubles = check_audit_seal(trail, run.inputs.anchors)
    for english, chinese in troubles:
        run.found.problem("audit_trail", "unchanged_after_last", detail=(english, chinese))
    if not troubles and trail.signing_cert is not None and \
            _trail_seal_revocation(run, trail, reader):
        return  # revoked before it sealed, or no data: the problem says so
    if not troubles and trail.organisation is not None:
        run.found.warn("audit_sealed", events=str(trail.events), sealed_by=trail.organisation,
                       how=f"sealed by {trail.organisation} (its organisation seal: a"
                           " timestamped signature of its seal certificate)",
                       how_zh=f"由{trail.organisation}的机构印章封存（印章证书的签名，附时间戳）")
    elif not troubles:
        run.found.warn("audit_sealed", events=str(trail.events), sealed_by="",
                       how="covered by a document timestamp only, which proves that the trail"
                           " existed then, not who wrote it (no organisation seal)",
                       how_zh="仅由文档时间戳覆盖：只能证明该记录当时已存在，不能证明由谁写入"
                              "（无机构印章）")


def _trail_seal_revocation(run: Run, trail: AuditSeal, reader: PdfFileReader) -> list[str]:
    """The organisation seal's certificate as of the seal's own timestamp, from the whole
    file's DSS (the sealing revision's answers, and any refresh's): judged as the plan's seal
    and signatures are. Returns the codes of the problems found."""
    from cryptography import x509

    from pipdocs.core.auditchain import AUDIT_SEAL_FIELD
    from pipdocs.verification.ltvcheck import Outcome, SignedItem, judge_seal

    token = ltv.signature_token(trail.timestamp)
    if token is None:  # check_audit_seal found its timestamp: never here
        run.found.problem("audit_trail", "unchanged_after_last",
                          detail=("the seal over audit.json has no timestamp",
                                  "覆盖 audit.json 的印章没有时间戳"))
        return ["audit_trail"]
    out = Outcome()
    revocations = run.long_term.revocation if run.long_term is not None else []
    seal = SignedItem(AUDIT_SEAL_FIELD, None, trail.timestamp, trail.signing_cert)
    roots = [x509.load_der_x509_certificate(c.dump()) for _, c in run.inputs.anchors]
    moment, material = ltv.token_time(token), ltv.read_dss(reader)
    judge_seal(out, seal, moment, material, roots, revocations)
    ltvsteps.record_outcome(run, out)
    if out.problems:
        return [p.code for p in out.problems]
    pool = roots + [x509.load_der_x509_certificate(c.dump())
                    for c in trail.timestamp.other_embedded_certs]
    latest = ltv.latest_answer(trail.signing_cert, material, pool)
    if ltv.declares_revocation(trail.signing_cert) and \
            (latest is None or latest < moment.replace(microsecond=0)):
        when = f"{moment:%Y-%m-%d %H:%M:%S} UTC"
        run.found.problem("audit_trail", "unchanged_after_last", detail=(
            f"no revocation status of the seal's certificate was issued after it sealed ({when}),"
            " so a revoked seal cannot be ruled out; 'pipdocs archive refresh' adds the current"
            " status", f"印章证书没有封存（{when}）之后签发的吊销状态，无法排除印章已被吊销；"
            "可运行 pipdocs archive refresh 加入当前状态"))
        return ["audit_trail"]
    return []


def _check_no_trail(run: Run, required: bool) -> None:
    """Signed in the browser but no audit seal: the service's trail was stripped (or the record
    left the service before it completed). A failure under the policy's ``audit: required``."""
    certs = [s.status.signing_cert for s in run.sigs if s.role and s.status is not None]
    if not browser_signed(certs):
        return
    if required:
        run.found.problem("audit_missing", "unchanged_after_last")
    else:
        run.found.warn("audit_missing")


STEPS: list[tuple[CheckName, Callable[[Run], None]]] = [
    ("prepared_intact", document_checks.check_prepared),
    ("organisation_seal", document_checks.check_seal),
    ("in_order", checks.check_order),
    ("certified_first", checks.check_certification),
    ("unchanged_after_last", checks.check_changes),
    ("signers_trusted", ltvsteps.check_long_term_step),
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
        ltvsteps.set_apart_archive_stamps(run)
        run.material = ltv.read_dss(run.inputs.reader)
    with found.guard("prepared_intact"):
        document_checks.read_terms(run)
    with found.guard("plan_intact"):
        document_checks.read_plan(run)
    if not any(s.role for s in run.sigs):  # the seal alone signs nothing for the plan
        found.problem("no_signatures", "roles_complete")
        return
    with found.guard("signatures_valid"):
        validate_all(run.sigs, [cert for _, cert in run.inputs.anchors], found, run.material)
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
        revocation=LONG_TERM["en"]["checked"] if run.material.present else REVOCATION["en"],
        checks=report_checks, long_term=run.long_term,
        signatures=[signature_report(s, _person(run, s), lang) for s in run.sigs],
        problems=found.problems, warnings=found.warnings,
    )


__all__ = ["DIFF_POLICY", "VerifyPolicy", "build_report", "load_trust_anchors", "verify_pdf"]
