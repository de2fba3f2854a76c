"""What verification reads, and how pyHanko's findings become report values.

Kept apart from the checks in :mod:`pipdocs.verification.verify` so each stays readable: trust
anchors, the
PDF, plan.json, signer identity, and the per-signature record of the report. Everything here
returns plain values or raises InputError (exit 2) for a file that cannot be used at all.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import diff_analysis as da
from pyhanko.sign.validation import EmbeddedPdfSignature, PdfSignatureStatus
from pyhanko.sign.validation.status import SignatureCoverageLevel as Cov

from pipdocs.core.attachments import attachments_named
from pipdocs.core.errors import InputError
from pipdocs.core.files import read_input
from pipdocs.core.identity import cert_identity, same_email
from pipdocs.core.limits import NAME_TREE_NODES, SHORT_DETAIL, cut
from pipdocs.core.names import PLAN_ATTACHMENT, SEAL_FIELD
from pipdocs.core.plan import SIGNATURE_FIELDS, Party
from pipdocs.document.pdfread import TooLarge, open_pdf
from pipdocs.verification.report import CertInfo, PlanMatch, Problem, SignatureReport, TimestampInfo
from pipdocs.verification.words import TRUST_WORDS, describe_modifications

MAX_NAME_TREE_NODES = NAME_TREE_NODES


def load_trust_anchors(paths: Sequence[str | Path]) -> list[tuple[str, x509.Certificate]]:
    """Read PEM (one or more certificates) or DER files, as (source, certificate) pairs."""
    anchors: list[tuple[str, x509.Certificate]] = []
    for entry in paths:
        path = Path(entry)
        raw = read_input(path, "trust anchor", "pass the CA's root.pem")
        try:
            ders = (
                [der for kind, _, der in pem.unarmor(raw, multiple=True) if kind == "CERTIFICATE"]
                if pem.detect(raw)
                else [raw]
            )
            certs = [x509.Certificate.load(der) for der in ders]
            for cert in certs:
                _ = cert.subject.human_friendly, cert.public_key.native
        except (ValueError, TypeError, KeyError) as exc:
            raise InputError(
                f"{path}: not an X.509 certificate (PEM or DER); pass the CA's root.pem"
            ) from exc
        if not certs:
            raise InputError(f"{path}: holds no certificate; pass the CA's root.pem")
        anchors.extend((str(path), cert) for cert in certs)
    return anchors


def read_pdf(path: Path) -> tuple[bytes, PdfFileReader]:
    """The file's bytes and a strict pyHanko reader; InputError when it is no usable PDF."""
    data = read_input(path, "PDF")
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{path}: not a PDF file (no %PDF header); pass the signed plan PDF")
    try:
        reader = open_pdf(data, path, strict=True)
        _ = reader.root, reader.xrefs.total_revisions
    except TooLarge:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means the file is unusable
        raise InputError(
            f"{path}: not a readable PDF ({type(exc).__name__}: {str(exc)[:SHORT_DETAIL]}); it is"
            " truncated or damaged: ask for the original file"
        ) from exc
    return data, reader


def embedded_plan_files(root: Any, name: str = PLAN_ATTACHMENT) -> list[bytes]:
    """Every attachment called ``name`` in a catalog's EmbeddedFiles name tree (any depth)."""
    return attachments_named(root, name)


def common_name(name: x509.Name) -> str:
    """The CN for display, else the whole name."""
    cn = name.native.get("common_name")
    return str(cn) if cn else name.human_friendly


def signer_identity(cert: x509.Certificate) -> tuple[str | None, list[str]]:
    """Common name, and e-mail addresses: SAN rfc822Name first, else the subject emailAddress."""
    return cert_identity(cert)


def same_name(a: str | None, b: str | None) -> bool:
    """Names compared the way a person would: Unicode-normalised, case and spacing ignored."""

    def norm(value: str | None) -> str:
        return " ".join(unicodedata.normalize("NFKC", value or "").casefold().split())

    return norm(a) == norm(b)


_PATH_RE = re.compile(r"PathInRevision\('([^']+)'\)")
_REVISION_RE = re.compile(r"in revision (\d+)")
_PLACES = (  # where a changed object is used -> (English, Chinese)
    ("EmbeddedFiles", ("the embedded plan.json", "嵌入的 plan.json")),
    ("Pages", ("page content or annotations", "页面内容或注释")),
    ("AcroForm", ("form fields", "表单字段")),
    ("Perms", ("the certification", "认证设置")),
)


def explain_suspicious(text: str, lang: str = "en") -> str:
    """pyHanko's diff-analysis message, shortened to what changed and where."""
    zh = lang == "zh"
    first = text.splitlines()[0] if text else ""
    if "unexplained xrefs" not in first:
        return cut(first) or ("无法解释的改动" if zh else "unexplained change")
    revision = _REVISION_RE.search(first)
    where = {
        words[zh] for path in _PATH_RE.findall(text) for key, words in _PLACES if key in path
    }
    if zh:
        place = "、".join(sorted(where)) or "签名不会触及的对象"
        rev = f"第 {revision.group(1)} 版" if revision else "后续版本"
        return f"{rev}修改了{place}"
    place = ", ".join(sorted(where)) or "objects that signing never touches"
    rev = f"revision {revision.group(1)}" if revision else "a later revision"
    return f"{rev} changes {place}"


# --- pyHanko's findings as report values ----------------------------------------------------

COVERAGE = {Cov.ENTIRE_FILE: "entire_file", Cov.ENTIRE_REVISION: "entire_revision",
            Cov.CONTIGUOUS_BLOCK_FROM_START: "contiguous_block", Cov.UNCLEAR: "unclear"}


@dataclass
class CheckedSignature:
    """One filled signature field while it is being checked."""

    field: str
    role: str | None
    ref: Any
    revision: int | None = None
    kind: str = "unknown"
    subfilter: str | None = None
    emb: EmbeddedPdfSignature | None = None
    status: PdfSignatureStatus | None = None
    problems: list[Problem] = dataclasses.field(default_factory=list)

    @property
    def chain_ok(self) -> bool:
        """The signer's certificate chains to an anchor (judged apart from the digest)."""
        st = self.status
        return bool(st and st.valid and st.trust_problem_indic is None and st.validation_path)


def signature_report(sig: CheckedSignature, person: Party | None, lang: str) -> SignatureReport:
    """The JSON/text record of one signature."""
    st, emb = sig.status, sig.emb
    cert = st.signing_cert if st else None
    name, emails = signer_identity(cert) if cert is not None else (None, [])
    ts = st.timestamp_validity if st else None
    diff = st.diff_result if st else None
    reason = emb.sig_object.get("/Reason") if emb else None
    docmdp = emb.docmdp_level if emb else None
    return SignatureReport(
        field=sig.field, role=sig.role, revision=sig.revision,
        kind=sig.kind, subfilter=sig.subfilter,  # type: ignore[arg-type]
        signer_name=name, signer_email=emails[0] if emails else None,
        reason=str(reason) if reason is not None else None,
        certificate=cert_info(cert) if cert is not None else None,
        timestamp=TimestampInfo(
            time=ts.timestamp, tsa=common_name(ts.signing_cert.subject),
            intact=bool(ts.intact and ts.valid), trusted=ts.trusted,
            certificate=cert_info(ts.signing_cert)) if ts is not None else None,
        intact=bool(st and st.intact), signature_valid=bool(st and st.valid),
        trusted=sig.chain_ok,
        trust_anchor=common_name(st.validation_path.first.subject)
        if st and sig.chain_ok and st.validation_path else None,
        trust_detail=indication(st.trust_problem_indic)
        if st and st.trust_problem_indic else None,
        plan_match=PlanMatch(
            expected_name=person.name, expected_email=person.email,
            email_matches=any(same_email(person.email, e) for e in emails),
            name_matches=same_name(name, person.name)) if person else None,
        coverage=coverage_name(st),  # type: ignore[arg-type]
        modification_level=(st.modification_level.name.lower()  # type: ignore[arg-type]
                            if st and st.modification_level is not None else "unknown"),
        changed_fields=field_order(diff.changed_form_fields)
        if isinstance(diff, da.DiffResult) else [],
        modifications=changes(st, lang),
        docmdp_permission=docmdp.value if docmdp is not None else None,
        ok=bool(st and not sig.problems and sig.chain_ok
                and (sig.field == SEAL_FIELD or (ts and ts.trusted))),  # the seal has no time
        problems=sig.problems,
    )


def coverage_name(st: PdfSignatureStatus | None) -> str:
    coverage = st.coverage if st is not None else None
    return COVERAGE.get(coverage, "unknown") if coverage is not None else "unknown"


def indication(indic: object) -> str:
    """An ETSI sub-indication (pyHanko's AdESSubIndic) as a stable lower-case word."""
    return str(getattr(indic, "name", indic)).lower()


def field_order(fields: set[str]) -> list[str]:
    known = [f for f in SIGNATURE_FIELDS.values() if f in fields]
    return known + sorted(fields - set(known))


def changes(st: PdfSignatureStatus | None, lang: str) -> str:
    """What changed after a signature, in words (for the report)."""
    if st is None:
        return describe_modifications("unknown", "unknown", [], None, lang)
    diff = st.diff_result
    changed = field_order(diff.changed_form_fields) if isinstance(diff, da.DiffResult) else []
    error = (explain_suspicious(str(diff), lang) if isinstance(diff, da.SuspiciousModification)
             else None)
    level = st.modification_level.name.lower() if st.modification_level is not None else "unknown"
    return describe_modifications(coverage_name(st), level, changed, error, lang)


def change_detail(st: PdfSignatureStatus) -> tuple[str, str]:
    """What changed after a signature, for a problem's detail (pyHanko's finding, shortened)."""
    if isinstance(st.diff_result, da.SuspiciousModification):
        text = str(st.diff_result)
        return explain_suspicious(text), explain_suspicious(text, "zh")
    return changes(st, "en"), changes(st, "zh")


def trust_words(indic: object) -> tuple[str, str]:
    """Why a certificate is not trusted, in English and Chinese."""
    if indic is None:
        return "no path to an anchor", "找不到到信任根的路径"
    word = indication(indic)
    return word, TRUST_WORDS.get(word, word)


def cert_info(cert: x509.Certificate) -> CertInfo:
    return CertInfo(subject=cert.subject.human_friendly, issuer=cert.issuer.human_friendly,
                    serial=format(cert.serial_number, "x"), sha256=cert.sha256.hex(),
                    not_before=cert.not_valid_before, not_after=cert.not_valid_after)
