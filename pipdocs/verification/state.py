"""What one verification works with: its inputs, and what the checks have learned so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader

from pipdocs.core.plan import Plan
from pipdocs.document.prepare import SEAL_FIELD, SigningTerms
from pipdocs.verification.collect import CheckedSignature
from pipdocs.verification.findings import Findings
from pipdocs.verification.ltv import Material
from pipdocs.verification.report import LongTerm


@dataclass
class Inputs:
    """The document and how to judge it: anchors, the order (the document's recorded order
    once it is read), and the policy's choices."""

    path: Path
    data: bytes
    reader: PdfFileReader
    anchors: list[tuple[str, x509.Certificate]]
    order: list[str]
    allow_incomplete: bool = False
    certify_first: bool = True
    seal_required: bool = False
    lta_required: bool = False  # policy pades_level B-LTA: a complete record ends sealed
    at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))  # validation time
    # archive refreshes after the audit trail's seal (whole file): their timestamps and the
    # file's reader, whose DSS holds their validation data; they extend the record's life
    refreshes: list[tuple[str, int, Any]] = field(default_factory=list)
    whole_reader: Any = None


@dataclass
class Run:
    """One verification in progress."""

    inputs: Inputs
    found: Findings = field(default_factory=Findings)
    sigs: list[CheckedSignature] = field(default_factory=list)
    plan: Plan | None = None
    plan_bytes: bytes | None = None
    terms: SigningTerms | None = None
    doc_stamps: list[CheckedSignature] = field(default_factory=list)  # archive timestamps
    material: Material = field(default_factory=Material)  # the DSS: CRLs, OCSP answers
    long_term: LongTerm | None = None

    @property
    def placed(self) -> list[CheckedSignature]:
        """Signatures whose revision is known, in revision order."""
        return [s for s in self.sigs if s.revision is not None]

    @property
    def seal(self) -> CheckedSignature | None:
        return next((s for s in self.sigs if s.field == SEAL_FIELD), None)
