"""The audit trail the signing service (``pipdocs serve``) seals into a completed document.

After the last signature (and its archive timestamp, PAdES B-LTA), one incremental revision adds
``audit.json`` (the hash-chained events of the envelope) and a document timestamp over the whole
file. ``verify`` then checks the document as the last signer left it (everything before that
revision, byte for byte, archive timestamp included), and this module checks
the seal: the timestamp holds and chains to a trust anchor, the chain is intact, and its last
``signed`` event names the SHA-256 of exactly the document that was verified. What the sealing
revision (and every other) may change is :mod:`.revisions`' concern: audit.json, its file
specification and the seal's own field, directly after the signed document.

With the organisation's seal (a signature, not a bare timestamp) the sealing revision also adds
the seal's revocation answers to the DSS, and one more revision follows: the status fetched
*after* its timestamp (``signing.remote.seal_status_after``), the only proof that it was not
revoked when it sealed. ``archive refresh`` may follow: each refresh revision adds validation
data and one archive document timestamp, nothing else. The seal is then checked on the file as
it left the seal (its signature covering that whole file), and what follows on the whole file:
each refresh timestamp holds, the last covers everything, and pyHanko's difference analysis finds
nothing after the seal but validation data and timestamps. Anything else appended is not a trail
this module recognises, and ``verify`` judges the file as it is (and fails it).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pyhanko.sign.diff_analysis import ModificationLevel

from pipdocs.core.auditchain import AUDIT_ATTACHMENT, AUDIT_SEAL_FIELD, chain_problems
from pipdocs.document.pdfread import open_pdf

Trouble = tuple[str, str]  # (English, Chinese)
_EOF_RE = re.compile(rb"startxref\s+(\d+)\s*%%EOF[\s\x00]*")

#: The signing service's browser certificates live at most 24 hours (signing/shortlived.py),
#: backdated 5 minutes; a person's key file lives far longer. A signature made with such a
#: certificate was made in ``pipdocs serve``, whose completed documents carry the audit seal.
BROWSER_CERT_SPAN = timedelta(hours=24, minutes=10)


def browser_signed(certificates: list[Any]) -> bool:
    """Whether any of these signer certificates (asn1crypto) is the service's short-lived one."""
    for cert in certificates:
        validity = cert["tbs_certificate"]["validity"]
        span = validity["not_after"].native - validity["not_before"].native
        if span <= BROWSER_CERT_SPAN:
            return True
    return False


@dataclass
class AuditSeal:
    signed: bytes  # the document as the last signature (and its archive timestamp) left it
    audit: Any
    timestamp: Any  # pyHanko EmbeddedPdfSignature: the document timestamp, or the org's seal
    events: int = 0
    troubles: list[Trouble] = field(default_factory=list)
    sealed_reader: Any = None  # the file as the seal left it (when refreshes follow)
    refreshes: list[Any] = field(default_factory=list)  # later archive timestamps (whole file)
    stamp_in_file: Any = None  # the seal's timestamp as read from the whole file
    organisation: str | None = None  # who sealed it, when sealed by the organisation's seal
    signing_cert: Any = None  # the seal's certificate (cryptography), once validated

    @property
    def by_organisation(self) -> bool:
        """Sealed by a signature (the organisation's seal), not by a bare document timestamp."""
        return bool(self.timestamp.sig_object.get("/Type") != "/DocTimeStamp")


def _attachments(root: Any) -> dict[str, Any]:
    """name -> file specification of the document's embedded files (flat name tree)."""
    try:
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    except (KeyError, TypeError):
        return {}
    return {str(names[i]): names[i + 1] for i in range(0, len(names) - 1, 2)}


def _end(emb: Any) -> int:
    byte_range = [int(v) for v in emb.byte_range]
    return byte_range[2] + byte_range[3]


def find_audit_seal(data: bytes, reader: Any) -> AuditSeal | None:
    """The seal when a revision adds ``audit.json`` under a document timestamp, followed by
    nothing but archive refreshes (document timestamps)."""

    revisions = reader.xrefs.total_revisions
    if revisions < 2 or AUDIT_ATTACHMENT not in _attachments(reader.root):
        return None
    added = next((r for r in range(revisions) if AUDIT_ATTACHMENT in
                  _attachments(reader.get_historical_resolver(r).root)), None)
    sigs = reader.embedded_signatures
    at = next((i for i, s in enumerate(sigs) if s.signed_revision == added), None)
    if added is None or at is None or (sigs[at].sig_object.get("/Type") != "/DocTimeStamp"
                                       and sigs[at].field_name != AUDIT_SEAL_FIELD):
        return None  # attached earlier, under a party's signature: an ordinary attachment
    if any(s.sig_object.get("/Type") != "/DocTimeStamp" for s in sigs[at + 1:]):
        return None
    if not any(s.sig_object.get("/Type") != "/DocTimeStamp" for s in sigs[:at]):
        return None
    # the document as the service stored it after the last signature: that signature and, since
    # PAdES B-LTA, its archive timestamp (whatever signed last before the seal); audit.json's
    # last 'signed' event names the SHA-256 of exactly these bytes
    prefix = data[: _end(sigs[at - 1])]
    seal = AuditSeal(prefix, None, sigs[at])
    view = reader
    if _end(sigs[at]) < len(data):  # the seal's status, refreshes: checked on what it sealed
        view = open_pdf(data[: _end(sigs[at])], "the sealed revision")
        seal = AuditSeal(prefix, None, view.embedded_signatures[at], sealed_reader=view,
                         refreshes=list(sigs[at + 1:]), stamp_in_file=sigs[at])
    extra = bytes_after_last_revision(data, reader)
    if extra:  # the checks below judge the file cut at its revisions: nothing may follow them
        seal.troubles.append((f"{extra} bytes follow the last revision (no revision holds them)",
                              f"最后一版之后还有 {extra} 个字节（不属于任何版本）"))
    spec = _attachments(view.root)[AUDIT_ATTACHMENT].get_object()
    try:
        ef = spec["/EF"]
        raw = (ef["/UF"] if "/UF" in ef else ef["/F"]).get_object().data
        seal.audit = json.loads(raw.decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - an unreadable trail fails, never passes
        seal.troubles.append((f"audit.json cannot be read ({type(exc).__name__})",
                              f"audit.json 无法读取（{type(exc).__name__}）"))
    return seal


def bytes_after_last_revision(data: bytes, reader: Any) -> int:
    """How many bytes follow the ``startxref``/``%%EOF`` that ends the last revision (0: none).
    They belong to no revision, so no signature or timestamp covers them and no revision check
    sees them; a reader that repairs files may still use them. (A marker found too early only
    counts more bytes: it fails closed.)"""
    xrefs = reader.xrefs
    meta = xrefs.get_xref_container_info(xrefs.total_revisions - 1)
    start = min(meta.declared_startxref, meta.start_location)
    end = _EOF_RE.search(data, start)
    if end is None or int(end.group(1)) != meta.declared_startxref:
        return len(data) - start
    return len(data) - end.end()


def check_audit_seal(seal: AuditSeal, anchors: list[Any]) -> list[Trouble]:
    """Everything wrong with the seal; empty when it holds."""
    troubles = list(seal.troubles)
    troubles += _seal_troubles(seal, anchors) if seal.by_organisation \
        else _timestamp_troubles(seal, anchors)
    troubles += _refresh_troubles(seal, anchors)
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


def _seal_troubles(seal: AuditSeal, anchors: list[Any]) -> list[Trouble]:
    """The organisation's seal over audit.json: a signature intact, over the whole file, with a
    trusted signature timestamp, made with a seal key (the pipdocs seal purpose) of a trusted
    CA. Any other certificate is a forged trail, whatever it names itself."""
    from cryptography import x509
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from pipdocs.core.identity import is_seal_certificate

    try:
        context = ValidationContext(trust_roots=[cert for _src, cert in anchors])
        status = validate_pdf_signature(seal.timestamp, signer_validation_context=context,
                                        ts_validation_context=context, skip_diff=True)
        cert = x509.load_der_x509_certificate(status.signing_cert.dump())
    except Exception as exc:  # noqa: BLE001 - fail closed
        return [(f"the seal over audit.json cannot be validated ({exc})",
                 f"覆盖 audit.json 的印章无法验证（{exc}）")]
    stamp = status.timestamp_validity
    if not (status.intact and status.valid and status.trusted
            and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            and stamp is not None and stamp.intact and stamp.valid and stamp.trusted):
        return [("the signature over audit.json is not intact, trusted, timestamped and covering"
                 " the whole file",
                 "覆盖 audit.json 的签名不完整、不可信、无时间戳或未覆盖整个文件")]
    if not is_seal_certificate(cert):
        who = cert.subject.rfc4514_string()
        return [(f"audit.json is signed by {who}, which is not the organisation's seal",
                 f"audit.json 由 {who} 签名，而非机构印章")]
    seal.organisation, seal.signing_cert = seal_owner(cert), cert
    return []


def seal_owner(cert: Any) -> str:
    """The organisation a seal certificate (cryptography) names: O, else its CN."""
    from cryptography.x509.oid import NameOID

    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        found = cert.subject.get_attributes_for_oid(oid)
        if found:
            return str(found[0].value)
    return cert.subject.rfc4514_string()


def _refresh_troubles(seal: AuditSeal, anchors: list[Any]) -> list[Trouble]:
    """After the seal: validation data (the seal's own status, fetched after it sealed) and
    archive refreshes only, each timestamp intact and trusted, the last one over the whole
    file."""
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from pipdocs.verification.signatures import DIFF_POLICY

    if seal.sealed_reader is None:
        return []
    bad = [("the archive timestamps after the sealed audit trail do not hold, or add more than"
            " validation data", "审计记录封存之后的归档时间戳无法验证，或加入了验证数据之外的内容")]
    try:
        context = ValidationContext(trust_roots=[cert for _src, cert in anchors])
        after = validate_pdf_signature(seal.stamp_in_file, signer_validation_context=context,
                                       diff_policy=DIFF_POLICY) if seal.by_organisation \
            else validate_pdf_timestamp(seal.stamp_in_file, validation_context=context,
                                        diff_policy=DIFF_POLICY)
        statuses = [validate_pdf_timestamp(s, validation_context=context, skip_diff=True)
                    for s in seal.refreshes]
    except Exception:  # noqa: BLE001 - fail closed
        return bad
    level = after.modification_level
    if level is None or level.value > ModificationLevel.LTA_UPDATES.value:
        return bad
    if statuses and (not all(s.intact and s.valid and s.trusted for s in statuses)
                     or statuses[-1].coverage != SignatureCoverageLevel.ENTIRE_FILE):
        return bad
    return []
