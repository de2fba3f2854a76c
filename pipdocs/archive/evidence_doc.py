"""Building blocks of every verification record (``verify --report`` and ``case verify
--report``): the organisation's clock, the Word document's paragraphs and tables in Noto CJK,
and the PDF's attached JSON report sealed by a document timestamp of the organisation's TSA.

Shared so that a case record and a single-document record read, and verify, the same way.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipdocs.core.errors import InputError
from pipdocs.core.plan import Plan
from pipdocs.core.policy import Policy
from pipdocs.verification.evidence_check import EVIDENCE_ATTACHMENT, EVIDENCE_SEAL_FIELD

EVIDENCE_NAME = EVIDENCE_ATTACHMENT
FONT = "Noto Sans CJK SC"
TIMESTAMP_FIELD = "evidence_ts"


@dataclass(frozen=True)
class Clock:
    """Times in the organisation's zone, UTC in brackets."""

    zone: ZoneInfo
    lang: str

    def __call__(self, moment: datetime | None) -> str:
        if moment is None:
            return "-"
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        utc = moment.astimezone(timezone.utc)
        if self.zone.key == "UTC":
            return f"{utc:%Y-%m-%d %H:%M:%S} UTC"
        local = moment.astimezone(self.zone)
        lp, rp = ("（", "）") if self.lang == "zh" else (" (", ")")
        return f"{local:%Y-%m-%d %H:%M:%S}{lp}UTC {utc:%Y-%m-%d %H:%M:%S}{rp}"

    @property
    def name(self) -> str:
        if self.lang == "zh":
            return {"Asia/Shanghai": "北京时间", "UTC": "协调世界时"}.get(self.zone.key,
                                                                      self.zone.key)
        return {"UTC": "UTC"}.get(self.zone.key, self.zone.key)


def clock(policy: Policy, lang: str) -> Clock:
    """policy ``timezone``, else Asia/Shanghai for a Chinese record and UTC otherwise."""
    name = policy.timezone or ("Asia/Shanghai" if lang == "zh" else "UTC")
    try:
        return Clock(ZoneInfo(name), lang)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"policy timezone '{name}' is not a time zone name such as"
                         " Asia/Shanghai") from exc


def read_plan(source_pdf: Path) -> Plan | None:
    """The plan embedded in the verified document (None when it cannot be read)."""
    from pipdocs.core.names import PLAN_ATTACHMENT
    from pipdocs.core.plan import plan_from_json_bytes
    from pipdocs.verification.attachments import verified_attachments

    try:
        files = verified_attachments(source_pdf)[PLAN_ATTACHMENT]
        return plan_from_json_bytes(files[0]) if len(files) == 1 else None
    except Exception:  # noqa: BLE001 - the record then says what it could not read
        return None


# --- the Word document -------------------------------------------------------------------------


def fonts(run_or_style: Any, size: float | None = None, bold: bool = False) -> None:
    """Noto CJK for every script, so Chinese never falls back to another face."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = FONT
    if size:
        font.size = Pt(size)
    font.bold = bold or None
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)


def new_document() -> Any:
    """An A4 Word document with the record's margins and font."""
    from docx import Document
    from docx.shared import Cm

    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(1.8)
    fonts(doc.styles["Normal"], 10)
    return doc


def para(doc: Any, text: str, *, size: float = 10, bold: bool = False,
         space: float = 4) -> Any:
    from docx.shared import Pt

    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(space)
    fonts(paragraph.add_run(text), size, bold)
    return paragraph


def table(doc: Any, rows: list[list[str]], widths: list[float], header: bool = False,
          size: float = 9) -> None:
    """A grid table; a header row is bold and repeats on every page the table spans."""
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    grid = doc.add_table(rows=0, cols=len(widths))
    grid.style = "Table Grid"
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Cm(width)
    for index, row in enumerate(rows):
        added = grid.add_row()
        if header and index == 0:
            added._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, text, width in zip(added.cells, row, widths, strict=True):
            cell.width = Cm(width)
            cell.paragraphs[0].text = ""
            fonts(cell.paragraphs[0].add_run(text), size, bold=header and index == 0)
    doc.add_paragraph()


# --- the PDF, attached report and seal --------------------------------------------------------


def sealed_record(build: Callable[[Path], Path], attachment: bytes, out: Path, *,
                  timestamper: Any, policy: Policy, organisation_seal: Any = None) -> Path:
    """Build the Word document (``build(path)``), convert it, attach the JSON report and seal
    it: with ``organisation_seal`` (``signing.seal.load_seal``) by the organisation's seal,
    which proves who made the record, else by a document timestamp only, which proves when;
    made by the document factory and written atomically, so a failure leaves no record."""
    from pipdocs.document.factory import EVIDENCE, Blueprint, make_document

    def finish(pdf: bytes) -> bytes:
        if organisation_seal is None:
            return seal(pdf, attachment, timestamper, policy.tsa_timeout)
        from pipdocs.signing.browser import attach_and_seal

        return attach_and_seal(
            pdf, EVIDENCE_NAME, attachment, "pipdocs verification report (JSON)",
            seal=organisation_seal, timestamper=timestamper, policy=policy,
            field=EVIDENCE_SEAL_FIELD, reason="Verification record made by the organisation",
            archive_field=TIMESTAMP_FIELD)

    return make_document(Blueprint(EVIDENCE, docx=build), out, seal=finish)


def seal_owner_of(organisation_seal: Any) -> str | None:
    """The organisation a seal key (``signing.seal.load_seal``) names; None without one."""
    from cryptography import x509

    from pipdocs.verification.auditseal import seal_owner

    if organisation_seal is None:
        return None
    return seal_owner(x509.load_der_x509_certificate(organisation_seal.signer.signing_cert.dump()))


def seal(pdf: bytes, attachment: bytes, timestamper: Any, timeout: float = 10.0) -> bytes:
    """Attach the JSON report and add a document timestamp with its validation data."""
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper, TimestampDSSContentSettings

    from pipdocs.signing.revinfo import (
        gather,
        sources_for,
        tsa_certificates,
        validation_context,
    )

    certs = tsa_certificates(timestamper)
    data = gather(certs, sources_for(timestamper, timeout))
    context = validation_context(data, [c for c in certs if c.issuer == c.subject],
                                 [c for c in certs if c.issuer != c.subject])
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    embed.embed_file(writer, _spec(writer, attachment))
    buffer = io.BytesIO()
    PdfTimeStamper(timestamper, field_name=TIMESTAMP_FIELD).timestamp_pdf(
        writer, "sha256", validation_context=context, output=buffer,
        dss_settings=TimestampDSSContentSettings(update_before_ts=True, include_vri=False))
    return buffer.getvalue()


def _spec(writer: Any, attachment: bytes) -> Any:
    from pyhanko.pdf_utils import embed

    return embed.FileSpec(
        file_spec_string=EVIDENCE_NAME, file_name=EVIDENCE_NAME,
        embedded_data=embed.EmbeddedFileObject.from_file_data(
            writer, attachment, mime_type="application/json"),
        description="pipdocs verification report (JSON)")
