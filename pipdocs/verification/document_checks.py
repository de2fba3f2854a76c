"""Checks on the document as pipdocs prepared it: plan.json, the recorded signing terms, the
prepared revision, active content, and the organisation's seal.

The verdict rests on plan.json, so plan.json must be what the signers saw: nothing but the
prepared revision (and the seal) may stand before the first signature, the page must name the
same people, and no revision may hold active content (:mod:`pipdocs.document.inspect`, which
``sign`` runs as well).
"""

from __future__ import annotations

from pipdocs.core.errors import PipdocsError, TemplateError
from pipdocs.core.identity import is_seal_certificate
from pipdocs.core.limits import cut
from pipdocs.core.plan import plan_from_json_bytes
from pipdocs.document.inspect import (
    Finding,
    active_content,
    party_findings,
    revision_bytes,
    revision_findings,
)
from pipdocs.document.prepare import ATTACHMENTS, TERMS_NAME, SigningTerms
from pipdocs.verification.collect import CheckedSignature, embedded_plan_files, trust_words
from pipdocs.verification.findings import CheckName
from pipdocs.verification.state import Run

FINDING_CHECKS: dict[str, CheckName] = {
    "changed_before_signing": "prepared_intact", "party_mismatch": "prepared_intact",
    "active_content": "no_active_content", "extra_revision": "in_order",
}


def read_plan(run: Run) -> None:
    """plan.json of the current revision, and the same copy in every signed revision."""
    current = _plan_at(run, None)
    if current is None:
        return
    run.plan_bytes = current
    try:
        run.plan = plan_from_json_bytes(current)
    except PipdocsError as exc:
        found = "; ".join(map(str, getattr(exc, "problems", [])[:3])) or str(exc)
        run.found.problem("plan_invalid", "plan_intact", detail=cut(found))
        return
    revisions = [0] + [s.revision for s in run.placed if s.revision]
    differ = [str(rev) for rev in revisions if _plan_at(run, rev) not in (None, current)]
    if differ:
        run.found.problem("plan_changed", "plan_intact",
                          detail=(f"the copy in revision {', '.join(differ)} is not the current"
                                  " one", f"第 {'、'.join(differ)} 版中的副本与当前不同"))


def _plan_at(run: Run, revision: int | None) -> bytes | None:
    reader = run.inputs.reader
    handler = reader if revision is None else reader.get_historical_resolver(revision)
    files = embedded_plan_files(handler.root)
    if len(files) == 1:
        return files[0]
    where = "the current revision" if revision is None else f"revision {revision}"
    where_zh = "当前版本" if revision is None else f"第 {revision} 版"
    run.found.problem("plan_missing" if not files else "plan_changed", "plan_intact",
                      detail=(f"{len(files)} plan.json attachments in {where}",
                              f"{where_zh}有 {len(files)} 个 plan.json 附件"))
    return None


def read_terms(run: Run) -> None:
    """signing.json: the order the document was prepared for replaces the policy's."""
    files = embedded_plan_files(run.inputs.reader.root, TERMS_NAME)
    if not files:
        return  # prepared before pipdocs recorded its terms: the policy decides
    try:
        if len(files) > 1:
            raise ValueError(f"{len(files)} copies")
        run.terms = SigningTerms.from_json_bytes(files[0])
    except (ValueError, UnicodeDecodeError) as exc:
        run.found.problem("terms_invalid", "prepared_intact", detail=cut(str(exc)))
        return
    run.inputs.order = list(run.terms.order)
    run.inputs.certify_first = run.terms.certify_first


def check_prepared(run: Run) -> None:
    """Only the prepared revision before the first signature; the page names plan.json's
    people; no active content in any revision."""
    reader = run.inputs.reader
    signed = [s.revision for s in run.placed if s.revision is not None]
    findings = revision_findings(reader, signed, for_signing=False)
    findings += active_content(reader, ATTACHMENTS)
    if run.plan is not None:
        try:
            findings += party_findings(revision_bytes(run.inputs.data, reader, 0), run.plan,
                                       run.inputs.order)
        except TemplateError as exc:
            findings.append(Finding("party_mismatch", f"the signature rows cannot be read: {exc}",
                                    f"无法读取签字栏：{exc}"))
    for item in findings:
        run.found.problem(item.code, FINDING_CHECKS[item.code], detail=(item.en, item.zh))


def check_seal(run: Run) -> None:
    """The organisation's seal: required by the policy or by the document's own terms; when
    present it is the first signature, intact, and made with a seal key of a trusted CA."""
    seal, found = run.seal, run.found
    required = run.inputs.seal_required or (run.terms is not None and run.terms.sealed)
    if seal is None:
        if required:
            why = ("the signing policy requires it" if run.inputs.seal_required
                   else "the document was prepared with one")
            why_zh = "签署政策要求加盖印章" if run.inputs.seal_required else "文档制作时曾加盖印章"
            found.problem("seal_missing", "organisation_seal", detail=(why, why_zh))
        return
    if seal.revision != 1:
        _bad(run, seal, "it is not the first change to the prepared document",
             "它不是对准备好的文档的第一次改动")
    st = seal.status
    if st is None:
        found.clear("organisation_seal")
        return
    if not (st.intact and st.valid):
        _bad(run, seal, "digest or signature value invalid", "摘要或签名值无效")
    if run.inputs.anchors and not seal.chain_ok:
        _bad(run, seal, *trust_words(st.trust_problem_indic))
    if not is_seal_certificate(st.signing_cert):
        _bad(run, seal, "made with a key that is not a seal key", "所用密钥不是印章密钥")


def _bad(run: Run, seal: CheckedSignature, en: str, zh: str) -> None:
    run.found.problem("seal_invalid", "organisation_seal", seal, detail=(en, zh))
