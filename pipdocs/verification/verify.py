"""Verify a signed PIP: pyHanko's validation plus the plan's own rules, failing closed.

pyHanko answers the per-signature questions (digest, CMS signature, chain to *our* trust anchors
only, RFC 3161 timestamp, byte-range coverage, difference analysis of every later revision).
This module adds what only the plan knows: which field belongs to which role, who that person is
(``plan.json``, read from each signed revision), the policy order, and that nothing but the
pending signature fields was filled after each signature. Anything it cannot establish is a
problem, never a pass: an exception inside validation becomes ``validation_error``.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import diff_analysis as da
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.fields import MDPPerm, enumerate_sig_fields
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    async_validate_pdf_signature,
    read_certification_data,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel as Cov
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleTrustManager

from pipdocs.core.errors import InputError, PipdocsError
from pipdocs.core.identity import same_email
from pipdocs.core.limits import SHORT_DETAIL, cut
from pipdocs.core.names import ROLE_OF_FIELD
from pipdocs.core.plan import ROLES, SIGNATURE_FIELDS, Party, Plan, plan_from_json_bytes
from pipdocs.core.version import __version__
from pipdocs.document.record import document_signers
from pipdocs.verification.collect import (
    CheckedSignature,
    change_detail,
    common_name,
    coverage_name,
    embedded_plan_files,
    load_trust_anchors,
    read_pdf,
    same_name,
    signature_report,
    signer_identity,
    trust_words,
)
from pipdocs.verification.report import Checks, Problem, TrustAnchor, Verdict, VerificationReport
from pipdocs.verification.words import (
    COVERAGE_TEXT,
    REVOCATION,
    ROLE_NAMES,
    message,
)

PADES = "/ETSI.CAdES.detached"
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


class VerifyPolicy(Protocol):
    """What verification needs from the signing policy (pipdocs.core.policy.Policy)."""

    @property
    def order(self) -> Sequence[str]: ...

    @property
    def certify_first(self) -> bool: ...

    def trust_anchor_paths(self) -> list[Path]: ...


def verify_pdf(
    path: str | Path,
    trust_roots: Sequence[str | Path],
    allow_incomplete: bool = False,
    policy: VerifyPolicy | None = None,
) -> VerificationReport:
    """Verify a signed plan PDF against ``trust_roots`` (else the policy's trust anchors).

    Raises InputError (exit 2) only for a file that cannot be used at all; every other doubt is
    a problem in the returned report, and ``report.ok`` is True only when everything holds.
    """
    path = Path(path)
    order = [str(r) for r in (policy.order if policy else ROLES)]
    if sorted(order) != sorted(ROLES):
        raise InputError(f"the policy order {order} must name each of {', '.join(ROLES)} once")
    anchors = load_trust_anchors(
        list(trust_roots) or (policy.trust_anchor_paths() if policy else []))
    data, reader = read_pdf(path)
    try:  # a lifecycle document records its own signers and their order
        order = list(document_signers(reader.root, tuple(order)).order)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from exc
    run = _Run(path, data, reader, anchors, order, allow_incomplete)
    run.certify_first = policy.certify_first if policy else True
    try:
        run.check()
    except Exception as exc:  # noqa: BLE001 - fail closed: never a pass, never a traceback
        run.problem("validation_error", detail=f"{type(exc).__name__}: {cut(str(exc))}")
    return run.report()


class _Run:
    """The checks on one document: collects problems, then builds the report."""

    def __init__(self, path: Path, data: bytes, reader: PdfFileReader,
                 anchors: list[tuple[str, x509.Certificate]], order: list[str],
                 allow_incomplete: bool) -> None:
        self.path, self.data, self.reader = path, data, reader
        self.anchors, self.order, self.allow_incomplete = anchors, order, allow_incomplete
        self.sigs: list[CheckedSignature] = []
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.failed: set[str] = set()
        self.plan: Plan | None = None
        self.plan_bytes: bytes | None = None
        self.certify_first = True

    def problem(self, code: str, sig: CheckedSignature | None = None, check: str = "validation",
                detail: str | tuple[str, str] = "", **params: str) -> None:
        """Record a reason the document fails; ``check`` names the Checks flag it clears;
        ``detail`` is English, or (English, Chinese) for the text report of a zh document."""
        if isinstance(detail, tuple):
            params = {"detail": detail[0], "detail_zh": detail[1]} | params
        elif detail:
            params = {"detail": detail} | params
        if sig is not None:
            params = {"field": sig.field} | params
        item = Problem(code=code, message=message(code, "en", **params),
                       field=sig.field if sig else None, params=params)
        self.problems.append(item)
        if sig is not None:
            sig.problems.append(item)
        self.failed.add(check)

    def check(self) -> None:
        if self.reader.encrypted:
            self.problem("encrypted", check="signatures_valid")
            return
        self._collect()
        self._read_plan()
        if not self.sigs:
            self.problem("no_signatures", check="roles_complete")
            return
        self._validate()
        for sig in self.sigs:
            self._check_signature(sig)
        self._check_order()
        if self.certify_first:
            self._check_certification()
        self._checkchanges()

    # --- collecting ------------------------------------------------------------------------------

    def _collect(self) -> None:
        for name, _, field_ref in enumerate_sig_fields(self.reader, filled_status=True):
            field_dict = field_ref.get_object()
            sig = CheckedSignature(field=str(name), role=FIELD_ROLES.get(str(name)),
                       ref=field_dict.raw_get("/V"))
            if any(s.field == sig.field for s in self.sigs):
                self.problem("unexpected_signature", sig, "only_plan_signatures",
                             detail=("a second field with this name", "同名字段重复"))
            self.sigs.append(sig)
            try:
                sig.revision = self.reader.xrefs.get_last_change(sig.ref.reference)
                sig_obj = sig.ref.get_object()
                sig.kind = ("document_timestamp" if sig_obj.get("/Type") == "/DocTimeStamp"
                            else "approval")
                sig.subfilter = str(sig_obj.get("/SubFilter"))
                sig.emb = EmbeddedPdfSignature(self.reader, field_dict, sig.field)
                _ = sig.emb.signer_cert
            except Exception as exc:  # noqa: BLE001 - a signature we cannot classify fails
                sig.emb = None
                self.problem("unreadable_signature", sig, "signatures_valid",
                             detail=f"{type(exc).__name__}: {cut(str(exc), SHORT_DETAIL)}")
                continue
            if sig.role is None:
                self.problem("unexpected_signature", sig, "only_plan_signatures",
                             detail=("not one of " + ", ".join(SIGNATURE_FIELDS.values()),
                                     "不是 " + "、".join(SIGNATURE_FIELDS.values())))
            if sig.kind != "approval" or sig.subfilter != PADES:
                self.problem("not_pades", sig, "signatures_valid", detail=str(sig.subfilter))
        self.sigs.sort(key=lambda s: (s.revision is None, s.revision or 0))

    def _read_plan(self) -> None:
        current = self._plan_at(None)
        if current is None:
            return
        self.plan_bytes = current
        try:
            self.plan = plan_from_json_bytes(current)
        except PipdocsError as exc:
            found = "; ".join(map(str, getattr(exc, "problems", [])[:3])) or str(exc)
            self.problem("plan_invalid", check="plan_intact", detail=cut(found))
            return
        differ = [s.field for s in self.sigs
                  if s.revision is not None and self._plan_at(s.revision, s) not in (None, current)]
        if differ:
            self.problem("plan_changed", check="plan_intact",
                         detail=(f"the copy signed by {', '.join(differ)} is not the current one",
                                 f"{'、'.join(differ)} 签署时的副本与当前不同"))

    def _plan_at(self, revision: int | None, sig: CheckedSignature | None = None) -> bytes | None:
        handler = self.reader if revision is None else self.reader.get_historical_resolver(revision)
        files = embedded_plan_files(handler.root)
        if len(files) == 1:
            return files[0]
        where = "the current revision" if revision is None else f"revision {revision}"
        where_zh = "当前版本" if revision is None else f"第 {revision} 版"
        self.problem("plan_missing" if not files else "plan_changed", sig, "plan_intact",
                     detail=(f"{len(files)} plan.json attachments in {where}",
                             f"{where_zh}有 {len(files)} 个 plan.json 附件"))
        return None

    # --- pyHanko's validation --------------------------------------------------------------------

    def _validate(self) -> None:
        trust = SimpleTrustManager.build(trust_roots=[cert for _, cert in self.anchors])
        now = ValidationContext(trust_manager=trust, allow_fetching=False,
                                revocation_mode="soft-fail")

        async def run_all() -> None:
            for sig in self.sigs:
                if sig.emb is None or sig.kind == "document_timestamp":
                    continue  # unreadable, or not a signature at all: already a problem
                try:
                    sig.status = await self._validate_one(sig.emb, now, trust)
                except Exception as exc:  # noqa: BLE001 - fail closed
                    self.problem("validation_error", sig, "signatures_valid",
                                 detail=f"{type(exc).__name__}: {cut(str(exc))}")

        asyncio.run(run_all())

    @staticmethod
    async def _validate_one(emb: EmbeddedPdfSignature, now: ValidationContext,
                            trust: SimpleTrustManager) -> PdfSignatureStatus:
        status = await async_validate_pdf_signature(
            emb, signer_validation_context=now, ts_validation_context=now,
            diff_policy=DIFF_POLICY, key_usage_settings=KEY_USAGE)
        ts = status.timestamp_validity
        if status.trust_problem_indic in EXPIRED and ts is not None and ts.trusted:
            # The certificate has expired since; the trusted timestamp proves when it was used.
            then = ValidationContext(trust_manager=trust, allow_fetching=False,
                                     revocation_mode="soft-fail", moment=ts.timestamp)
            status = await async_validate_pdf_signature(
                emb, signer_validation_context=then, ts_validation_context=now,
                diff_policy=DIFF_POLICY, key_usage_settings=KEY_USAGE)
        return status

    # --- the checks ------------------------------------------------------------------------------

    def _check_signature(self, sig: CheckedSignature) -> None:
        st = sig.status
        if st is None:
            return
        if not (st.intact and st.valid):
            self.problem("integrity", sig, "signatures_valid",
                         detail=("digest mismatch", "摘要不符") if not st.intact
                         else ("signature value invalid", "签名值无效"))
        if self.anchors and st.valid and not sig.chain_ok:
            indic = st.trust_problem_indic
            self.problem("signer_untrusted", sig, "signers_trusted",
                         detail=trust_words(indic))
        ts = st.timestamp_validity
        if ts is None:
            self.problem("timestamp_missing", sig, "signatures_valid")
        elif not (ts.intact and ts.valid):
            self.problem("timestamp_invalid", sig, "signatures_valid",
                         detail=("it does not match the signature", "与签名不符"))
        elif not (ts.signing_cert.not_valid_before <= ts.timestamp
                  <= ts.signing_cert.not_valid_after):
            self.problem("timestamp_invalid", sig, "signatures_valid",
                         detail=("issued outside the TSA certificate's validity",
                                 "签发时间不在时间戳证书有效期内"))
        elif self.anchors and not ts.trusted:
            self.problem("timestamp_untrusted", sig, "signers_trusted",
                         detail=common_name(ts.signing_cert.subject))
        elif not (st.signing_cert.not_valid_before <= ts.timestamp
                  <= st.signing_cert.not_valid_after):
            self.problem("signed_outside_validity", sig, "signers_trusted",
                         detail=ts.timestamp.isoformat(timespec="seconds"))
        if st.coverage is None or st.coverage < Cov.ENTIRE_REVISION:
            cov = coverage_name(st)
            self.problem("coverage", sig, "signatures_valid",
                         detail=(cov, COVERAGE_TEXT["zh"].get(cov, cov)))
        if sig.role is None:
            return
        if self.plan is None:
            self.failed.add("signers_match_plan")
            return
        person = self.plan.person(sig.role)
        name, emails = signer_identity(st.signing_cert)
        if not any(same_email(person.email, e) for e in emails):
            self.problem("wrong_signer", sig, "signers_match_plan", role=sig.role,
                         detail=f"{name or '?'} <{', '.join(emails) or 'no e-mail'}>")
        elif not same_name(name, person.name):
            params = {"field": sig.field, "detail": name or "", "expected": person.name}
            self.warnings.append(Problem(code="name_mismatch", field=sig.field, params=params,
                                         message=message("name_mismatch", "en", **params)))

    def _check_order(self) -> None:
        """Plan roles in revision order must be a prefix of the policy order, one revision each."""
        placed = [s for s in self.sigs if s.revision is not None]
        plan_sigs = [s for s in placed if s.role is not None]
        for i, sig in enumerate(plan_sigs):
            expected = self.order[i] if i < len(self.order) else "no further signature"
            if sig.role != expected:
                label = ROLE_NAMES["zh"].get(expected, "不应再有签名")
                self.problem("order", sig, "in_order",
                             detail=(f"expected {expected} here", f"此处应为{label}"))
        for before, sig in zip(placed, placed[1:], strict=False):
            if sig.revision != (before.revision or 0) + 1:
                self.problem("extra_revision", sig, "in_order")
            ts, ts_before = (s.status.timestamp_validity if s.status else None
                             for s in (sig, before))
            if ts and ts_before and ts.timestamp < ts_before.timestamp:
                self.problem("timestamp_order", sig, "in_order")
        signed = {s.role for s in self.sigs}
        if not self.allow_incomplete:
            for role in self.order:
                if role not in signed:
                    self.problem("missing_role", check="roles_complete", role=role)

    def _check_certification(self) -> None:
        first = next((s for s in self.sigs if s.revision is not None), None)
        info = read_certification_data(self.reader)
        if info is None or first is None:
            self.problem("not_certified", check="certified_first",
                         detail=("no certification", "没有认证签名"))
            return
        author = self.reader.root["/Perms"].raw_get("/DocMDP")
        if getattr(author, "reference", None) != getattr(first.ref, "reference", False):
            self.problem("not_certified", check="certified_first",
                         detail=("the certification signature is not the first one",
                                 "认证签名不是第一个签名"))
            return
        first.kind = "certification"
        if info.permission != MDPPerm.FILL_FORMS:
            self.problem("not_certified", check="certified_first",
                         detail=(f"DocMDP P={info.permission.value}, expected P=2",
                                 f"DocMDP P={info.permission.value}，应为 P=2"))

    def _checkchanges(self) -> None:
        """After a signature only later signatures' fields may change; after the last, nothing."""
        placed = [s for s in self.sigs if s.revision is not None]
        for i, sig in enumerate(placed):
            st = sig.status
            if st is None:
                continue
            later = {s.field for s in self.sigs if s.revision is None or s in placed[i + 1:]}
            diff = st.diff_result
            if i == len(placed) - 1:
                if st.coverage != Cov.ENTIRE_FILE:
                    self.problem("changed_after_last", sig, "unchanged_after_last",
                                 detail=self._appended(sig) or change_detail(st))
            elif isinstance(diff, da.DiffResult):
                stray = sorted(set(diff.changed_form_fields) - later)
                if stray or diff.modification_level > da.ModificationLevel.FORM_FILLING:
                    self.problem("modified_after_signing", sig, "unchanged_after_last",
                                 detail=("fields changed: " + ", ".join(stray),
                                         "被改动的字段：" + "、".join(stray)) if stray
                                 else change_detail(st))
                elif st.docmdp_ok is False:
                    self.problem("modified_after_signing", sig, "unchanged_after_last",
                                 detail=("the changes break this signature's lock",
                                         "改动违反了该签名的锁定"))
            else:
                self.problem("modified_after_signing", sig, "unchanged_after_last",
                             detail=change_detail(st))

    def _appended(self, sig: CheckedSignature) -> tuple[str, str] | None:
        """Bytes after the last signed revision that form no revision of their own."""
        if sig.emb is None or sig.revision != self.reader.xrefs.total_revisions - 1:
            return None
        _, _, start, length = (int(x) for x in sig.emb.byte_range)
        extra = len(self.data) - (start + length)
        return (f"{extra} bytes appended after the signed data",
                f"签名数据之后追加了 {extra} 个字节")

    # --- the report ------------------------------------------------------------------------------

    def _person(self, sig: CheckedSignature) -> Party | None:
        return self.plan.person(sig.role) if self.plan and sig.role else None

    def report(self) -> VerificationReport:
        signed = [r for r in self.order if any(s.role == r for s in self.sigs)]
        pending = [r for r in self.order if r not in signed]
        if not self.anchors:
            self.problems.append(Problem(code="no_trust_anchors",
                                         message=message("no_trust_anchors", "en")))
            self.failed.add("signers_trusted")
        blocking = [p for p in self.problems if p.code not in ("missing_role", "no_trust_anchors")]
        verdict: Verdict = ("invalid" if blocking else "untrusted" if not self.anchors
                   else "incomplete" if pending else "valid")
        checks = Checks(**{name: name not in self.failed for name in Checks.model_fields})
        checks.roles_complete = checks.roles_complete and not pending
        lang = self.plan.language if self.plan else "en"
        return VerificationReport(
            tool=f"pipdocs {__version__}", file=str(self.path),
            sha256=hashlib.sha256(self.data).hexdigest(), size=len(self.data),
            verified_at=datetime.now(timezone.utc), verdict=verdict,
            ok=verdict == "valid" or (verdict == "incomplete" and self.allow_incomplete),
            allow_incomplete=self.allow_incomplete, language=lang,
            plan_id=self.plan.plan_id if self.plan else None,
            plan_sha256=hashlib.sha256(self.plan_bytes).hexdigest() if self.plan_bytes else None,
            required_roles=self.order, signed_roles=signed, pending_roles=pending,
            revisions=self.reader.xrefs.total_revisions,
            trust_anchors=[TrustAnchor(subject=common_name(c.subject), sha256=c.sha256.hex(),
                                       source=src) for src, c in self.anchors],
            revocation=REVOCATION["en"], checks=checks,
            signatures=[signature_report(s, self._person(s), lang) for s in self.sigs],
            problems=self.problems, warnings=self.warnings,
        )


__all__ = ["DIFF_POLICY", "VerifyPolicy", "load_trust_anchors", "verify_pdf"]
