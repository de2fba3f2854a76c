"""Verifying a verification record (``verify --report X.pdf``) with ``pipdocs verify``.

A record is a PDF with the JSON report attached (``pipdocs-evidence.json``) and sealed by
document timestamps of the organisation's TSA. It holds when every timestamp is valid and
trusted as of its time (with the embedded validation data), the last one covers the whole
file, and the attached report is readable; the verdict then restates what the record found.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from asn1crypto import x509
from pydantic import BaseModel
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.status import SignatureCoverageLevel as Cov

from pipdocs.core.attachments import attachments_named
from pipdocs.core.version import __version__
from pipdocs.verification import ltv
from pipdocs.verification.collect import common_name
from pipdocs.verification.ltvcheck import check_long_term
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


def evidence_attachment(reader: PdfFileReader) -> bytes | None:
    """The attached report of a verification record; None for any other PDF."""
    try:
        found = attachments_named(reader.root, EVIDENCE_ATTACHMENT)
    except Exception:  # noqa: BLE001 - not a record; the plan checks report the tree
        return None
    if len(found) != 1:
        return None
    if any(emb.sig_object_type == "/Sig" for emb in reader.embedded_signatures):
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
    stamps = []
    for emb in reader.embedded_signatures:
        revision = reader.xrefs.get_last_change(emb.sig_object.container_ref)
        stamps.append((emb.field_name, revision, emb))
    if not stamps:
        problem("evidence_unsealed")
    elif stamps[-1][2].evaluate_signature_coverage() != Cov.ENTIRE_FILE:
        problem("changed_after_last", detail="bytes after the last timestamp",
                detail_zh="最后一个时间戳之后有改动")
    outcome = check_long_term([], stamps, ltv.read_dss(reader), [c for _, c in anchors], at,
                              lta_required=False, complete=True, diff_policy=diff_policy)
    for item in outcome.problems:
        problem(item.code, item.field, **(item.params | {f"{k}_zh": v for k, v in
                                                         item.params_zh.items()}))
    verdict: Verdict = "invalid" if problems else "untrusted" if not anchors else "valid"
    if not anchors:
        problem("no_trust_anchors")
    names = list(Checks.model_fields)
    return VerificationReport(
        tool=f"pipdocs {__version__}", file=str(path), sha256=hashlib.sha256(data).hexdigest(),
        size=len(data), verified_at=at, verdict=verdict, ok=verdict == "valid",
        allow_incomplete=False, language=lang, plan_id=attested.plan_id if attested else None,
        plan_sha256=None, required_roles=[], signed_roles=[], pending_roles=[],
        revisions=reader.xrefs.total_revisions,
        trust_anchors=[TrustAnchor(subject=common_name(c.subject), sha256=c.sha256.hex(),
                                   source=src) for src, c in anchors],
        revocation="", checks=Checks(**{n: not problems for n in names}),
        signatures=[], problems=problems, warnings=[], long_term=outcome.long_term,
        record="evidence", attested=attested)


__all__ = ["EVIDENCE_ATTACHMENT", "evidence_attachment", "verify_evidence"]
