"""The long-term checks of ``verify``: revocation as of each timestamp, the archive timestamps
(PAdES B-LTA), and the date until which the record stays verifiable.

Independent of how the per-signature checks are organised: it takes the signatures pyHanko
already validated and returns findings (problem codes with parameters) and the report's
``long_term`` section. See :mod:`pipdocs.verification.ltv` for the rules.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509

from pipdocs.verification.ltv import (
    Material,
    RevocationFinding,
    Stamp,
    common_name_of,
    established,
    lifetime,
    refresh_due,
    revocation_finding,
    signature_token,
    token_certificate,
    token_time,
    utc,
)
from pipdocs.verification.ltvwords import REVOCATION_REASONS
from pipdocs.verification.report import DocumentTimestamp, LongTerm, RevocationReport


@dataclass
class Finding:
    """A problem (or warning) to put in the report: code, field, Checks flag, parameters."""

    code: str
    field: str | None = None
    check: str = "signatures_valid"
    params: dict[str, str] = dataclasses.field(default_factory=dict)
    params_zh: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclass
class SignedItem:
    """What this module needs from one validated approval signature."""

    field: str
    revision: int | None
    emb: Any
    signing_cert: x509.Certificate | None


@dataclass
class Outcome:
    problems: list[Finding] = dataclasses.field(default_factory=list)
    warnings: list[Finding] = dataclasses.field(default_factory=list)
    long_term: LongTerm | None = None


def _day(moment: datetime | None) -> str:
    return f"{utc(moment):%Y-%m-%d %H:%M} UTC" if moment else "?"


def _second(moment: datetime | None) -> str:
    return f"{utc(moment):%Y-%m-%d %H:%M:%S} UTC" if moment else "-"


def check_long_term(
    signatures: Sequence[SignedItem], doc_stamps: Sequence[tuple[str, int, Any]],
    material: Material, anchors: Sequence[asn1_x509.Certificate], at: datetime,
    *, lta_required: bool, complete: bool, diff_policy: Any, seal: SignedItem | None = None,
) -> Outcome:
    """Revocation, archive timestamps and lifetime for one document."""
    out = Outcome()
    roots = [x509.load_der_x509_certificate(a.dump()) for a in anchors]
    stamps: list[Stamp] = []
    revocations: list[RevocationReport] = []
    _check_seal(out, seal, signatures, material, roots, revocations)
    for sig in signatures:
        token = signature_token(sig.emb) if sig.emb is not None else None
        if token is None or sig.revision is None:
            continue
        moment = token_time(token)
        pool = roots + [x509.load_der_x509_certificate(c.dump())
                        for c in sig.emb.other_embedded_certs]
        if moment > at:
            out.problems.append(Finding("signed_after_validation_time", sig.field,
                                        params={"when": _day(moment)}))
        if sig.signing_cert is not None:
            finding = established(revocation_finding(sig.signing_cert, moment, material, pool),
                                  moment)
            revocations.append(_report(sig.field, "signer", finding))
            _judge(out, sig.field, finding, moment, complete)
        tsa = token_certificate(token)
        stamps.append(Stamp(sig.field, sig.revision, moment, "signature", tsa,
                            _root_end(tsa, pool + material.certs)))
        if tsa is not None:
            finding = revocation_finding(tsa, moment, material, pool + _token_certs(token))
            revocations.append(_report(sig.field, "timestamp", finding))
            _judge(out, sig.field, finding)
    documents = _document_stamps(out, doc_stamps, material, anchors, roots, diff_policy)
    stamps += [stamp for stamp, _ in documents]
    last_sig = max((s.revision for s in signatures if s.revision is not None), default=-1)
    has_lta = any(stamp.revision > last_sig for stamp, _ in documents)
    if lta_required and complete and signatures and not has_lta:
        out.problems.append(Finding("lta_missing", check="unchanged_after_last"))
    life = lifetime(stamps)
    for stamp, successor in life.lapsed:
        out.problems.append(Finding("timestamp_lapsed", stamp.field, params={
            "when": _day(stamp.tsa.not_valid_after_utc if stamp.tsa else None),
            "next": _day(successor.time)}))
    if life.until is not None and at > life.until:
        out.problems.append(Finding("evidence_expired", params={"when": _day(life.until)}))
    due = refresh_due(life.until, at)
    if due:
        out.warnings.append(Finding("refresh_due", params={"when": _day(life.until)}))
    out.long_term = LongTerm(
        level="B-LTA" if has_lta else "B-LT" if material.present else "B-T",
        dss=material.present, validation_time=at, verifiable_until=life.until,
        refresh_due=due, document_timestamps=[d for _, d in documents], revocation=revocations)
    return out


def _check_seal(out: Outcome, seal: SignedItem | None, signatures: Sequence[SignedItem],
                material: Material, roots: list[x509.Certificate],
                revocations: list[RevocationReport]) -> None:
    """The organisation's seal carries no timestamp: the first signature's proves it existed
    then, so its certificate must not have been revoked before that moment."""
    if seal is None:
        return
    times = [token_time(token) for token in (signature_token(s.emb) for s in signatures
                                             if s.emb is not None) if token is not None]
    if times:  # else nothing signed yet: no time to judge the seal at
        judge_seal(out, seal, min(times), material, roots, revocations)


def judge_seal(out: Outcome, seal: SignedItem, moment: datetime, material: Material,
               roots: list[x509.Certificate], revocations: list[RevocationReport]) -> None:
    """The seal's certificate as of ``moment`` (the plan's seal: its first signature's time;
    the audit trail's seal: its own timestamp), from the embedded data: revoked before fails,
    revoked after is a warning with the reason, no data where the certificate declares some
    fails."""
    if seal.signing_cert is None or seal.emb is None:
        return
    pool = roots + [x509.load_der_x509_certificate(c.dump())
                    for c in seal.emb.other_embedded_certs]
    finding = revocation_finding(seal.signing_cert, moment, material, pool)
    revocations.append(_report(seal.field, "seal", finding))
    _judge(out, seal.field, finding)


def _document_stamps(out: Outcome, doc_stamps: Sequence[tuple[str, int, Any]],
                     material: Material, anchors: Sequence[asn1_x509.Certificate],
                     roots: list[x509.Certificate],
                     diff_policy: Any) -> list[tuple[Stamp, DocumentTimestamp]]:
    """Validate each archive timestamp as of its own time, with the embedded data."""
    from pyhanko.sign.validation import async_validate_pdf_timestamp

    found: list[tuple[Stamp, DocumentTimestamp]] = []
    for name, revision, emb in doc_stamps:
        moment = token_time(emb.signed_data)
        tsa = token_certificate(emb.signed_data)
        context = material.context(list(anchors), moment)
        try:
            status = asyncio.run(async_validate_pdf_timestamp(
                emb, validation_context=context, diff_policy=diff_policy))
            # without anchors nothing is trusted: that is the report's no_trust_anchors
            valid = bool(status.intact and status.valid and (status.trusted or not anchors))
            detail = "" if valid else ("not trusted" if status.intact and status.valid
                                       else "broken")
        except Exception as exc:  # noqa: BLE001 - fail closed
            valid, detail = False, f"{type(exc).__name__}: {str(exc)[:120]}"
        if not valid:
            out.problems.append(Finding("document_timestamp_invalid", name,
                                        params={"detail": detail},
                                        params_zh={"detail": "无法验证" if detail != "broken"
                                                   else "已损坏"}))
        pool = roots + material.certs + _token_certs(emb.signed_data)
        if tsa is not None:
            finding = revocation_finding(tsa, moment, material, pool)
            _judge(out, name, finding)
        stamp = Stamp(name, revision, moment, "document", tsa, _root_end(tsa, pool))
        found.append((stamp, DocumentTimestamp(
            field=name, revision=revision, time=moment,
            tsa=common_name_of(tsa) if tsa else None, valid=valid,
            tsa_not_after=tsa.not_valid_after_utc if tsa else None)))
    return found


def _token_certs(token: Any) -> list[x509.Certificate]:
    return [x509.load_der_x509_certificate(c.chosen.dump())
            for c in token["certificates"] or [] if c.name == "certificate"]


def _root_end(cert: x509.Certificate | None, pool: list[x509.Certificate]) -> datetime | None:
    """notAfter of the self-signed root above ``cert`` (None if it cannot be found)."""
    from pipdocs.core.revcheck import signed_by

    seen = 0
    while cert is not None and seen < 8:
        if cert.issuer == cert.subject:
            return cert.not_valid_after_utc
        cert = next((c for c in pool if signed_by(cert, c)), None)
        seen += 1
    return None


def _report(name: str, role: str, finding: RevocationFinding) -> RevocationReport:
    return RevocationReport(
        field=name, certificate=finding.subject, serial=finding.serial,
        role=role,  # type: ignore[arg-type]
        status=finding.status,  # type: ignore[arg-type]
        source=finding.source, checked_at=finding.checked_at, revoked_at=finding.revoked_at,
        reason=finding.reason)


def _judge(out: Outcome, name: str, finding: RevocationFinding,
           moment: datetime | None = None, complete: bool = True) -> None:
    """Revoked before the timestamp fails; after it is a warning; no data where the
    certificate promises some is a failure (a stripped DSS); a signer's status not yet
    established (no answer issued after its timestamp) fails a complete record and is a note
    on one still waiting for signatures (the next signatures' archive step brings it)."""
    reason = finding.reason or "unspecified"
    params = {"subject": finding.subject, "when": _day(finding.revoked_at),
              "reason": REVOCATION_REASONS["en"].get(reason, reason),
              "at": finding.revoked_at.isoformat() if finding.revoked_at else ""}
    params_zh = params | {"reason": REVOCATION_REASONS["zh"].get(reason, reason)}
    if finding.status == "revoked_before":
        out.problems.append(Finding("revoked_before_signing", name, "signers_trusted",
                                    params, params_zh))
    elif finding.status == "revoked_after":
        out.warnings.append(Finding("revoked_after_signing", name, "signers_trusted",
                                    params, params_zh))
    elif finding.status == "no_data":
        out.problems.append(Finding("revocation_data_missing", name, "signers_trusted",
                                    {"subject": finding.subject}))
    elif finding.status == "not_established":
        item = Finding("revocation_not_established", name, "signers_trusted", {
            "subject": finding.subject, "signed": _second(moment),
            "latest": _second(finding.checked_at)})
        (out.problems if complete else out.warnings).append(item)
