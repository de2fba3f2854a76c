"""Verifying a verification record (``verify --report X.pdf``) with ``pipdocs verify``.

A record is a PDF with the JSON report attached (``pipdocs-evidence.json``), sealed by the
organisation's seal (a timestamped signature in ``evidence_seal`` made with a seal key of a
trusted CA, its status fetched after it and a document timestamp over all) or, without a seal
key, by a document timestamp only. Both hold when every timestamp is valid and trusted as of
its time (with the embedded validation data), the last one covers the whole file, and the
attached report is readable. Only a sealed record attests a verdict (``valid``): a timestamp
proves when a record was made, not who made it, and anyone can have pipdocs build one that
says "valid" about any file; such a record is ``untrusted`` (``evidence_not_sealed``, exit 1).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from asn1crypto import x509
from cryptography import x509 as x509c
from pydantic import BaseModel
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.status import SignatureCoverageLevel as Cov

from pipdocs.core.attachments import attachments_named
from pipdocs.core.version import __version__
from pipdocs.verification import ltv
from pipdocs.verification.collect import common_name
from pipdocs.verification.ltvcheck import SignedItem, check_long_term
from pipdocs.verification.report import (
    Attested,
    Checks,
    Problem,
    TrustAnchor,
    Verdict,
    VerificationReport,
)
from pipdocs.verification.words import message

EVIDENCE_ATTACHMENT = "pipdocs-evidence.json"
EVIDENCE_SEAL_FIELD = "evidence_seal"


def evidence_attachment(reader: PdfFileReader) -> bytes | None:
    """The attached report of a verification record; None for any other PDF."""
    try:
        found = attachments_named(reader.root, EVIDENCE_ATTACHMENT)
    except Exception:  # noqa: BLE001 - not a record; the plan checks report the tree
        return None
    if len(found) != 1:
        return None
    if any(emb.sig_object_type == "/Sig" and emb.field_name != EVIDENCE_SEAL_FIELD
           for emb in reader.embedded_signatures):
        return None  # a signed plan with a stray attachment: verified as a plan
    return found[0]


class _CaseDocument(BaseModel):
    file: str
    sha256: str


class _CaseClaim(BaseModel):
    """What this layer reads of a case record's report (``case verify --report X.pdf``)."""

    verified_at: datetime
    ok: bool
    language: Literal["zh", "en"]
    plan_id: str | None
    documents: list[_CaseDocument]


def attested_by(attachment: bytes) -> tuple[Attested, Literal["zh", "en"]]:
    """What a record says it found: a document's verdict, or a whole case's (named by its
    plan id and its documents' names; the digest is of the case's digests in order)."""
    data = json.loads(attachment)
    if isinstance(data, dict) and "documents" in data:
        case = _CaseClaim.model_validate(data)
        names = ", ".join(d.file for d in case.documents)
        label = (f"{case.plan_id} 案卷（{names}）" if case.language == "zh"
                 else f"case {case.plan_id} ({names})")
        digest = hashlib.sha256("\n".join(d.sha256 for d in case.documents).encode()).hexdigest()
        return Attested(file=label, sha256=digest, verdict="valid" if case.ok else "invalid",
                        verified_at=case.verified_at, plan_id=case.plan_id), case.language
    claimed = VerificationReport.model_validate_json(attachment)
    return Attested(file=claimed.file, sha256=claimed.sha256, verdict=claimed.verdict,
                    verified_at=claimed.verified_at, plan_id=claimed.plan_id), claimed.language


def verify_evidence(path: Path, data: bytes, reader: PdfFileReader, attachment: bytes,
                    anchors: Sequence[tuple[str, x509.Certificate]], at: datetime,
                    diff_policy: Any) -> VerificationReport:
    """The report on a verification record: its seal, and what it says it found."""
    problems: list[Problem] = []

    def problem(code: str, field: str | None = None, **params: str) -> None:
        params = ({"field": field} if field else {}) | params
        problems.append(Problem(code=code, field=field, params=params,
                                message=message(code, "en", **params)))

    attested: Attested | None = None
    lang: Literal["zh", "en"] = "en"
    try:
        attested, lang = attested_by(attachment)
    except ValueError as exc:
        problem("evidence_unreadable", detail=str(exc).splitlines()[0][:120])
    stamps: list[tuple[str, int, Any]] = []
    seals: list[tuple[str, int, Any]] = []
    for emb in reader.embedded_signatures:
        revision = reader.xrefs.get_last_change(emb.sig_object.container_ref)
        (seals if emb.sig_object_type == "/Sig" else stamps).append((emb.field_name, revision,
                                                                    emb))
    last = max(stamps + seals, key=lambda item: item[1], default=None)
    if last is None:
        problem("evidence_unsealed")
    elif last[2].evaluate_signature_coverage() != Cov.ENTIRE_FILE:
        problem("changed_after_last", detail="bytes after the last timestamp",
                detail_zh="最后一个时间戳之后有改动")
    material = ltv.read_dss(reader)
    sealed_by = _seal(seals, material, anchors, diff_policy, problem)
    items = [SignedItem(name, revision, emb, _cert(emb)) for name, revision, emb in seals]
    outcome = check_long_term(items, stamps, material, [c for _, c in anchors], at,
                              lta_required=False, complete=True, diff_policy=diff_policy)
    for item in outcome.problems:
        problem(item.code, item.field, **(item.params | {f"{k}_zh": v for k, v in
                                                         item.params_zh.items()}))
    verdict: Verdict = "invalid" if problems else "untrusted" if not anchors else "valid"
    if not anchors:
        problem("no_trust_anchors")
    warnings: list[Problem] = []
    if verdict == "valid" and sealed_by is None:  # a timestamp: when it was made, not by whom
        verdict = "untrusted"
        problem("evidence_not_sealed")
    elif verdict == "valid" and sealed_by is not None:
        warnings.append(Problem(code="evidence_sealed", params={"sealed_by": sealed_by},
                                message=message("evidence_sealed", "en", sealed_by=sealed_by)))
    names = list(Checks.model_fields)
    return VerificationReport(
        tool=f"pipdocs {__version__}", file=str(path), sha256=hashlib.sha256(data).hexdigest(),
        size=len(data), verified_at=at, verdict=verdict, ok=verdict == "valid",
        allow_incomplete=False, language=lang, plan_id=attested.plan_id if attested else None,
        plan_sha256=None, required_roles=[], signed_roles=[], pending_roles=[],
        revisions=reader.xrefs.total_revisions,
        trust_anchors=[TrustAnchor(subject=common_name(c.subject), sha256=c.sha256.hex(),
                                   source=src) for src, c in anchors],
        revocation="", checks=Checks(**{n: verdict == "valid" for n in names}),
        signatures=[], problems=problems, warnings=warnings, long_term=outcome.long_term,
        record="evidence", attested=attested)


def _cert(emb: Any) -> x509c.Certificate:
    return x509c.load_der_x509_certificate(emb.signer_cert.dump())


def _seal(seals: list[tuple[str, int, Any]], material: ltv.Material,
          anchors: Sequence[tuple[str, x509.Certificate]], diff_policy: Any,
          problem: Callable[..., None]) -> str | None:
    """The organisation that sealed the record: one signature, in ``evidence_seal``, intact,
    timestamped and trusted as of its timestamp, made with a seal key (the pipdocs seal
    purpose, which no person's key carries), followed by validation data and timestamps only.
    None (and a problem) for anything else; None without a seal (a timestamp only)."""
    import asyncio

    from pyhanko.sign.validation import async_validate_pdf_signature

    from pipdocs.verification.auditseal import seal_owner

    if not seals:
        return None
    name, _revision, emb = seals[0]
    token = ltv.signature_token(emb)
    why = ("more than one signature" if len(seals) > 1 or name != EVIDENCE_SEAL_FIELD
           else "no timestamp" if token is None else "")
    if not why:
        context = material.context([c for _, c in anchors], ltv.token_time(token))
        try:
            status = asyncio.run(async_validate_pdf_signature(
                emb, signer_validation_context=context, ts_validation_context=context,
                diff_policy=diff_policy))
            why = _seal_trouble(status, bool(anchors), _cert(emb))
        except Exception as exc:  # noqa: BLE001 - fail closed
            why = f"{type(exc).__name__}: {str(exc)[:100]}"
    if why:
        problem("evidence_seal_invalid", name, detail=why)
        return None
    return seal_owner(_cert(emb))


def _seal_trouble(status: Any, anchored: bool, cert: x509c.Certificate) -> str:
    """What is wrong with the seal's pyHanko status, in a few words; empty when it holds."""
    from pyhanko.sign.diff_analysis import ModificationLevel

    from pipdocs.core.identity import is_seal_certificate

    stamp, level = status.timestamp_validity, status.modification_level
    if not (status.intact and status.valid):
        return "broken"
    if status.coverage not in (Cov.ENTIRE_REVISION, Cov.ENTIRE_FILE):
        return "it does not cover its revision"
    if anchored and not status.trusted:
        return "not trusted"
    if not (stamp and stamp.intact and stamp.valid and (stamp.trusted or not anchored)):
        return "its timestamp does not hold"
    if level is None or level.value > ModificationLevel.LTA_UPDATES.value:
        return "changed after it"  # only validation data and timestamps may follow
    return "" if is_seal_certificate(cert) else "not a seal key"


__all__ = ["EVIDENCE_ATTACHMENT", "EVIDENCE_SEAL_FIELD", "evidence_attachment",
           "verify_evidence"]
