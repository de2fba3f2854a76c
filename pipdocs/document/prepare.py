"""Prepare a converted PDF for signing: signature fields, embedded plan and order, metadata.

The signature fields go where the template's boxes landed on the page (:mod:`.boxes`). The
output is one clean file (a fresh PDF written by pyHanko, no incremental update), which the
organisation's seal (optional) and the three signatures later extend incrementally.

Two attachments travel inside the signed data: ``plan.json`` (the validated plan, which names
the signers) and ``signing.json`` (the order and locking the document was prepared for, so that
``sign`` and ``verify`` follow the document rather than whatever policy file is at hand).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pipdocs.core import names
from pipdocs.core.errors import InputError, TemplateError
from pipdocs.core.names import (
    LANGUAGE_TAGS,
    PLAN_ATTACHMENT,
    SEAL_FIELD,
    SEAL_PURPOSE,
    TERMS_ATTACHMENT,
    marker,
)
from pipdocs.core.plan import ROLES, SIGNATURE_FIELDS, Plan
from pipdocs.core.policy import Policy, load_policy
from pipdocs.document.boxes import Box, find_boxes, parties, party_mismatches, read_boxes
from pipdocs.document.record import RECORD_ATTACHMENT

LANG_TAGS = LANGUAGE_TAGS
ATTACHMENT_NAME = PLAN_ATTACHMENT
#: The signing terms the document was prepared for (order, locking, seal).
TERMS_NAME = TERMS_ATTACHMENT
TERMS_FORMAT = "pipdocs-signing/1"
#: The only attachments a pipdocs document may carry (document.json: a lifecycle document's
#: record, see document/record.py).
ATTACHMENTS = (ATTACHMENT_NAME, TERMS_NAME, RECORD_ATTACHMENT)

#: Seals a prepared PDF (bytes in, bytes out): the organisation's certification signature.
Sealer = Callable[[bytes], bytes]


@dataclass(frozen=True)
class SigningTerms:
    """What the prepared document records about its own signing (``signing.json``)."""

    order: tuple[str, ...] = ROLES
    certify_first: bool = True
    lock_last: bool = True
    sealed: bool = False

    @classmethod
    def of(cls, policy: Policy, sealed: bool = False) -> SigningTerms:
        return cls(tuple(policy.order), policy.certify_first, policy.lock_last, sealed)

    def to_json_bytes(self) -> bytes:
        return json.dumps({"format": TERMS_FORMAT, "order": list(self.order),
                           "certify_first": self.certify_first, "lock_last": self.lock_last,
                           "sealed": self.sealed}, indent=1).encode("utf-8")

    @classmethod
    def from_json_bytes(cls, raw: bytes) -> SigningTerms:
        """The recorded terms; ValueError when they are not pipdocs's own."""
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != TERMS_FORMAT:
            raise ValueError(f"{TERMS_NAME} is not in the {TERMS_FORMAT} format")
        order = data.get("order")
        if (not isinstance(order, list) or not order or len(set(map(str, order))) != len(order)
                or not set(map(str, order)) <= set(ROLES)):
            raise ValueError(f"{TERMS_NAME}: the order must name one or more of"
                             f" {', '.join(ROLES)}, each once")
        certify, lock, sealed = (data.get(k) for k in ("certify_first", "lock_last", "sealed"))
        if not (isinstance(certify, bool) and isinstance(lock, bool) and isinstance(sealed, bool)):
            raise ValueError(f"{TERMS_NAME}: certify_first, lock_last and sealed are true/false")
        return cls(tuple(map(str, order)), certify, lock, sealed)


def document_title(plan: Plan) -> str:
    """Title viewers show: '绩效改进计划 – 张伟', 'Performance Improvement Plan – Dana Lee'."""
    return names.document_title(plan.language, plan.employee.name)


def prepare_pdf(pdf_bytes: bytes, plan: Plan, policy: Policy | None = None,
                seal: Sealer | None = None, *, order: Sequence[str] | None = None,
                record: bytes | None = None, title: str | None = None) -> bytes:
    """Add the three empty signature fields, ``plan.json``, ``signing.json`` and metadata; then
    the organisation's seal when ``seal`` is given.

    A lifecycle document passes its own signers (``order``), its ``record`` (``document.json``)
    and its ``title``; the fields, the lock and ``signing.json`` then follow that order.

    Locking: the last role's field (``policy.order[-1]``) carries a FieldMDP lock on all fields
    with DocMDP P=1 when ``lock_last``, so once it has signed nothing may change; the first
    signature (the seal, else the first role's) certifies with P=2.
    """
    policy = policy or load_policy()
    if order:  # the document's own signers (validated by the policy's documents section)
        policy = policy.model_copy(update={"order": tuple(order)})
    if policy.seal == "required" and seal is None:
        raise InputError(f"{policy.source or 'the signing policy'} requires the organisation's"
                         " seal: pass --seal CA_DIR (the CA directory holding seal.p12)")
    boxes, rows = read_boxes(pdf_bytes, policy.order)
    missing = party_mismatches(rows, {r: p for r, p in parties(plan).items() if r in boxes})
    if missing:
        role, what, value = missing[0]
        raise TemplateError(
            f"the template's signature row for {role} does not show the plan's {what} '{value}'"
            f" next to {marker(role, False)}: the page must print each signer's name and e-mail"
            " in their row; restore the row from the shipped template"
        )
    writer = _writer(pdf_bytes)
    _add_fields(writer, boxes, plan, policy)
    terms = SigningTerms.of(policy, sealed=seal is not None)
    _attach(writer, ATTACHMENT_NAME, plan.to_json_bytes(),
            "The validated plan this document was generated from (pipdocs)")
    _attach(writer, TERMS_NAME, terms.to_json_bytes(),
            "The signing order and locking this document was prepared for (pipdocs)")
    if record is not None:
        _attach(writer, RECORD_ATTACHMENT, record,
                "What this document records and the signed document it follows (pipdocs)")
    _set_metadata(writer, plan, title)
    out = io.BytesIO()
    writer.write(out)
    return seal(out.getvalue()) if seal is not None else out.getvalue()


def _writer(pdf_bytes: bytes) -> Any:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        if reader.encrypted:
            raise InputError("the PDF is encrypted; convert the document again without a password")
        if reader.embedded_signatures:
            raise InputError("the PDF already carries signatures; prepare the unsigned PDF instead")
        _refuse_active_content(reader)
        return copy_into_new_writer(reader)
    except PdfError as exc:
        raise InputError(f"the PDF cannot be read ({exc}); convert the document again") from exc


def _refuse_active_content(reader: Any) -> None:
    """What verify would reject in any revision is refused now, while HR can still fix the
    template (a hyperlink, a form field, a script)."""
    from pipdocs.document.inspect import active_content

    found = active_content(reader, ATTACHMENTS)
    if found:
        raise TemplateError(f"the converted document holds {found[0].en}, which a signed plan may"
                            " not: remove it from the template (pipdocs verify rejects it)")


def _add_fields(writer: Any, boxes: dict[str, Box], plan: Plan, policy: Policy) -> None:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.fields import (
        FieldMDPAction,
        FieldMDPSpec,
        MDPPerm,
        SigFieldSpec,
        VisibleSigSettings,
        append_signature_field,
    )

    for role in policy.order:
        box = boxes[role]
        lock = policy.lock_last and policy.is_last(role)
        spec = SigFieldSpec(
            sig_field_name=SIGNATURE_FIELDS[role],
            on_page=box.page,
            box=box.rect(),  # type: ignore[arg-type]  # pyHanko accepts floats
            readable_field_name=f"{policy.role_label(role, plan.language)}:"
                                f" {plan.person(role).name}",
            field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL) if lock else None,
            doc_mdp_update_value=MDPPerm.NO_CHANGES if lock else None,
            visible_sig_settings=VisibleSigSettings(rotate_with_page=True),
        )
        try:
            append_signature_field(writer, spec)
        except PdfError as exc:
            raise InputError(
                f"cannot add the signature field for {role} ({exc}); prepare the unsigned PDF"
                " straight from the converter"
            ) from exc


def _attach(writer: Any, name: str, data: bytes, description: str) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.embed import (
        EmbeddedFileObject,
        EmbeddedFileParams,
        FileSpec,
        embed_file,
    )

    ef = EmbeddedFileObject.from_file_data(
        writer, data, mime_type="application/json",
        params=EmbeddedFileParams(embed_size=True, embed_checksum=True),
    )
    embed_file(writer, FileSpec(
        file_spec_string=name, file_name=name, embedded_data=ef, description=description,
        af_relationship=generic.pdf_name("/Source"),
    ))


def _set_metadata(writer: Any, plan: Plan, title: str | None = None) -> None:
    from pyhanko.pdf_utils import generic

    root = writer.root
    root["/Lang"] = generic.TextStringObject(LANG_TAGS[plan.language])
    prefs = root.get("/ViewerPreferences")
    prefs = prefs.get_object() if prefs is not None else generic.DictionaryObject()
    prefs["/DisplayDocTitle"] = generic.BooleanObject(True)
    root["/ViewerPreferences"] = prefs
    writer.update_root()
    meta = writer.document_meta
    meta.title = title or document_title(plan)
    meta.subject = plan.plan_id
    meta.keywords = ["PIP", plan.plan_id or "", plan.role]
    meta.author = plan.organisation or plan.hr.name
    meta.creator = "pipdocs"
    # PDF 2.0 documents keep metadata in XMP; pyHanko then only updates existing /Info keys, so
    # make sure the keys exist for readers (pdfinfo, older viewers) that only look at /Info.
    info = writer.trailer_view.get("/Info")
    if info is not None:
        info = info.get_object()
        for key in ("/Title", "/Author", "/Subject", "/Keywords"):
            if key not in info:
                info[key] = generic.TextStringObject("")


__all__ = ["ATTACHMENTS", "ATTACHMENT_NAME", "SEAL_FIELD", "SEAL_PURPOSE", "TERMS_NAME", "Box",
           "Sealer", "SigningTerms", "document_title", "find_boxes", "marker", "parties",
           "prepare_pdf"]
