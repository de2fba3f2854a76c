"""Finding the document's signatures and asking pyHanko about each one.

pyHanko answers the per-signature questions (digest, CMS signature, chain to *our* trust anchors
only, RFC 3161 timestamp, byte-range coverage, difference analysis of every later revision).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import diff_analysis as da
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    async_validate_pdf_signature,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints

from pipdocs.core.limits import SHORT_DETAIL, cut
from pipdocs.core.names import ROLE_OF_FIELD
from pipdocs.document.prepare import SEAL_FIELD
from pipdocs.document.rulebook import kind_breaches
from pipdocs.verification.collect import CheckedSignature
from pipdocs.verification.findings import Findings
from pipdocs.verification.ltv import Material, signature_token, token_time

FIELD_ROLES = ROLE_OF_FIELD
# Any of these key usages marks a certificate meant for signing documents.
KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"})
EXPIRED = {AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
           AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED}
# pyHanko's default rules minus GenericFieldModificationRule: a PIP has no other form fields, so
# after a signature only signature fields may be filled. A new signature field passes the diff
# (SigFieldCreationRule) but is then reported by name as a field outside the plan.
_LTA = da.ModificationLevel.LTA_UPDATES
DIFF_POLICY = da.StandardDiffPolicy(
    global_rules=[
        da.CatalogModificationRule(),
        da.DocInfoRule().as_qualified(_LTA),
        da.XrefStreamRule().as_qualified(_LTA),
        da.ObjectStreamRule().as_qualified(_LTA),
        da.DSSCompareRule().as_qualified(_LTA),
        da.MetadataUpdateRule().as_qualified(_LTA),
    ],
    form_rule=da.FormUpdatingRule(
        field_rules=[da.SigFieldCreationRule(), da.SigFieldModificationRule()]
    ),
)


def collect_signatures(reader: PdfFileReader, found: Findings) -> list[CheckedSignature]:
    """Every filled signature field, in revision order; unreadable ones are problems."""
    sigs: list[CheckedSignature] = []
    for name, _, field_ref in enumerate_sig_fields(reader, filled_status=True):
        field_dict = field_ref.get_object()
        sig = CheckedSignature(field=str(name), role=FIELD_ROLES.get(str(name)),
                               ref=field_dict.raw_get("/V"))
        if any(s.field == sig.field for s in sigs):
            found.problem("unexpected_signature", "only_plan_signatures", sig,
                          detail=("a second field with this name", "同名字段重复"))
        sigs.append(sig)
        try:
            sig.revision = reader.xrefs.get_last_change(sig.ref.reference)
            sig_obj = sig.ref.get_object()
            sig.kind = ("document_timestamp" if sig_obj.get("/Type") == "/DocTimeStamp"
                        else "approval")
            sig.subfilter = str(sig_obj.get("/SubFilter"))
            sig.emb = EmbeddedPdfSignature(reader, field_dict, sig.field)
            _ = sig.emb.signer_cert
        except Exception as exc:  # noqa: BLE001 - a signature we cannot classify fails
            sig.emb = None
            found.problem("unreadable_signature", "signatures_valid", sig,
                          detail=f"{type(exc).__name__}: {cut(str(exc), SHORT_DETAIL)}")
            continue
        if archive_stamp(sig):
            continue  # an archive timestamp (PAdES B-LTA): judged by ltvcheck
        for breach in kind_breaches(sig.field, sig.role, sig.kind, sig.subfilter):
            found.problem(breach.code, "only_plan_signatures" if breach.code ==
                          "unexpected_signature" else "signatures_valid", sig,
                          detail=breach.report_detail)
    sigs.sort(key=lambda s: (s.revision is None, s.revision or 0))
    return sigs


def archive_stamp(sig: CheckedSignature) -> bool:
    """A document timestamp (RFC 3161) outside the plan's fields: an archive timestamp."""
    return (sig.kind == "document_timestamp" and sig.subfilter == "/ETSI.RFC3161"
            and sig.role is None and sig.field != SEAL_FIELD and sig.revision is not None)


def validate_all(sigs: Sequence[CheckedSignature], anchors: Sequence[x509.Certificate],
                 found: Findings, material: Material | None = None) -> None:
    """pyHanko's status for each readable signature, against ``anchors`` only (no fetching),
    with the embedded validation data (``material``, the DSS)."""
    material = material or Material()

    async def run_all() -> None:
        for sig in sigs:
            if sig.emb is None or sig.kind == "document_timestamp":
                continue  # unreadable, or not a signature at all: already a problem
            with found.guard("signatures_valid", sig):
                sig.status = await validate_one(sig.emb, list(anchors), material)

    asyncio.run(run_all())


async def validate_one(emb: EmbeddedPdfSignature, anchors: list[x509.Certificate],
                       material: Material) -> PdfSignatureStatus:
    """As of the signature's timestamp, with the embedded revocation data (offline): a
    certificate that expired or was revoked since still proves what it signed then; revoked
    before, it does not."""
    token = signature_token(emb)
    context = material.context(anchors, token_time(token) if token is not None else None)
    return await async_validate_pdf_signature(
        emb, signer_validation_context=context, ts_validation_context=context,
        diff_policy=DIFF_POLICY, key_usage_settings=KEY_USAGE)
