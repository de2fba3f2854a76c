"""The audit trail the signing service (``pipdocs serve``) seals into a completed document.

After the last signature, one incremental revision adds ``audit.json`` (the hash-chained events of
the envelope) and a document timestamp over the whole file. ``verify`` then checks the document as
the last signer left it (everything before that revision, byte for byte), and this module checks
the seal: the timestamp holds and chains to a trust anchor, the revision changes nothing but the
attachment and the timestamp's own field, the chain is intact, and its last ``signed`` event names
the SHA-256 of exactly the document that was verified.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from pipdocs.core.auditchain import AUDIT_ATTACHMENT, chain_problems

Trouble = tuple[str, str]  # (English, Chinese)


@dataclass
class AuditSeal:
    signed: bytes  # the document as the last signature left it
    audit: Any
    timestamp: Any  # pyHanko EmbeddedPdfSignature of the document timestamp
    events: int = 0
    troubles: list[Trouble] = field(default_factory=list)


def _attachments(root: Any) -> dict[str, Any]:
    """name -> file specification of the document's embedded files (flat name tree)."""
    try:
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    except (KeyError, TypeError):
        return {}
    return {str(names[i]): names[i + 1] for i in range(0, len(names) - 1, 2)}


def find_audit_seal(data: bytes, reader: Any) -> AuditSeal | None:
    """The seal when the last revision adds ``audit.json`` under a document timestamp."""
    revisions = reader.xrefs.total_revisions
    if revisions < 2 or AUDIT_ATTACHMENT not in _attachments(reader.root):
        return None
    if AUDIT_ATTACHMENT in _attachments(reader.get_historical_resolver(revisions - 2).root):
        return None  # attached earlier, under a signature: an ordinary attachment
    sigs = reader.embedded_signatures
    if not sigs or sigs[-1].sig_object.get("/Type") != "/DocTimeStamp":
        return None
    last_approval = [s for s in sigs if s.sig_object.get("/Type") != "/DocTimeStamp"]
    if not last_approval:
        return None
    byte_range = [int(v) for v in last_approval[-1].byte_range]
    start, length = byte_range[2], byte_range[3]
    prefix = data[: start + length]
    spec = _attachments(reader.root)[AUDIT_ATTACHMENT].get_object()
    seal = AuditSeal(prefix, None, sigs[-1])
    try:
        ef = spec["/EF"]
        raw = (ef["/UF"] if "/UF" in ef else ef["/F"]).get_object().data
        seal.audit = json.loads(raw.decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - an unreadable trail fails, never passes
        seal.troubles.append((f"audit.json cannot be read ({type(exc).__name__})",
                              f"audit.json 无法读取（{type(exc).__name__}）"))
    return seal


def check_audit_seal(seal: AuditSeal, reader: Any, anchors: list[Any]) -> list[Trouble]:
    """Everything wrong with the seal; empty when it holds."""
    troubles = list(seal.troubles)
    troubles += _timestamp_troubles(seal, anchors)
    troubles += _revision_troubles(seal, reader)
    if seal.audit is not None:
        troubles += [(p, f"审计记录：{p}") for p in chain_problems(seal.audit)]
        events = seal.audit.get("events") if isinstance(seal.audit, dict) else None
        seal.events = len(events) if isinstance(events, list) else 0
        signed = [e for e in events or [] if isinstance(e, dict) and e.get("kind") == "signed"]
        digest = hashlib.sha256(seal.signed).hexdigest()
        if not signed or (signed[-1].get("detail") or {}).get("sha256") != digest:
            troubles.append((
                "audit.json does not record the signed document that was verified",
                "审计记录中的最后一次签署与所验证的文件不一致"))
    return troubles


def _timestamp_troubles(seal: AuditSeal, anchors: list[Any]) -> list[Trouble]:
    from pyhanko.sign.validation import validate_pdf_timestamp
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        context = ValidationContext(trust_roots=[cert for _src, cert in anchors])
        status = validate_pdf_timestamp(seal.timestamp, validation_context=context)
    except Exception as exc:  # noqa: BLE001 - fail closed
        return [(f"the document timestamp over audit.json cannot be validated ({exc})",
                 f"覆盖 audit.json 的文档时间戳无法验证（{exc}）")]
    if not (status.intact and status.valid and status.trusted
            and status.coverage == SignatureCoverageLevel.ENTIRE_FILE):
        return [("the document timestamp over audit.json is not intact, trusted and covering the"
                 " whole file", "覆盖 audit.json 的文档时间戳不完整、不可信或未覆盖整个文件")]
    return []


def _revision_troubles(seal: AuditSeal, reader: Any) -> list[Trouble]:
    """The sealing revision may only add the attachment and the timestamp's own field."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    before = PdfFileReader(BytesIO(seal.signed), strict=False)
    old_root, new_root = before.root, reader.root
    page_ref = before.find_page_for_modification(0)[0]
    allowed = {before.root_ref.idnum, page_ref.idnum}
    allowed |= _ref_ids(old_root, "/AcroForm", "/Names", "/Metadata")
    allowed |= _ref_ids(before.trailer_view, "/Info")  # ModDate and Producer, as pyHanko allows
    if "/Names" in old_root:
        allowed |= _ref_ids(old_root["/Names"], "/EmbeddedFiles")
        if "/EmbeddedFiles" in old_root["/Names"]:
            allowed |= _ref_ids(old_root["/Names"]["/EmbeddedFiles"], "/Names")
    allowed |= _ref_ids(old_root["/AcroForm"], "/Fields") if "/AcroForm" in old_root else set()
    allowed |= _ref_ids(page_ref.get_object(), "/Annots")
    size = int(before.trailer_view["/Size"])
    troubles: list[Trouble] = [
        (f"the sealing revision changes object {ref.idnum} of the signed document",
         f"封存版本修改了已签署文件中的对象 {ref.idnum}")
        for ref in reader.xrefs.explicit_refs_in_revision(reader.xrefs.total_revisions - 1)
        if ref.idnum < size and ref.idnum not in allowed
    ]
    troubles += _same_except(old_root, new_root, ("/Names", "/AcroForm", "/Metadata"), "catalog",
                             "文档目录")
    new_page = reader.find_page_for_modification(0)[0].get_object()
    troubles += _same_except(page_ref.get_object(), new_page, ("/Annots",), "first page", "首页")
    stamp_sig = seal.timestamp.sig_field.raw_get("/V").idnum
    old_form, new_form = _get(old_root, "/AcroForm"), _get(new_root, "/AcroForm")
    for where, old, new in (
        ("/Fields", _get(old_form, "/Fields"), _get(new_form, "/Fields")),
        ("/Annots", _get(page_ref.get_object(), "/Annots"), _get(new_page, "/Annots")),
    ):
        old_ids, new_ids = _ids(old), _ids(new)
        added = [i for i in new_ids if i not in old_ids]
        if new_ids[: len(old_ids)] != old_ids or len(added) != 1 or \
                _value_id(reader, new, added[0]) != stamp_sig:
            troubles.append((f"the sealing revision adds to {where} more than its timestamp",
                             f"封存版本在 {where} 中加入了时间戳之外的内容"))
    old_files, new_files = _attachments(old_root), _attachments(new_root)
    if set(new_files) - set(old_files) != {AUDIT_ATTACHMENT} or set(old_files) - set(new_files) \
            or any(old_files[n].get_object() != new_files[n].get_object() for n in old_files):
        troubles.append(("the sealing revision changes other attachments than audit.json",
                         "封存版本修改了 audit.json 之外的附件"))
    return troubles


def _same_except(old: Any, new: Any, keys: tuple[str, ...], en: str, zh: str) -> list[Trouble]:
    changed = sorted(k for k in set(old.keys()) | set(new.keys())
                     if k not in keys and _raw(old, k) != _raw(new, k))
    return [(f"the sealing revision changes the {en}'s {k}", f"封存版本修改了{zh}的 {k}")
            for k in changed]


def _get(obj: Any, key: str) -> Any:
    """``obj[key]`` dereferenced, or None."""
    try:
        return obj[key] if obj is not None and key in obj else None
    except (KeyError, TypeError):
        return None


def _raw(obj: Any, key: str) -> Any:
    try:
        return obj.raw_get(key)
    except (KeyError, AttributeError):
        return None


def _ref_ids(obj: Any, *keys: str) -> set[int]:
    return {v.idnum for v in (_raw(obj, k) for k in keys) if hasattr(v, "idnum")}


def _ids(array: Any) -> list[int]:
    return [v.idnum for v in array.iterate() if hasattr(v, "idnum")] \
        if hasattr(array, "iterate") else []


def _value_id(reader: Any, array: Any, idnum: int) -> int | None:
    """The /V reference of the field (or widget) ``idnum`` listed in ``array``."""
    for item in array.iterate() if hasattr(array, "iterate") else []:
        if getattr(item, "idnum", None) == idnum:
            value = _raw(item.get_object(), "/V")
            return value.idnum if hasattr(value, "idnum") else None
    return None
