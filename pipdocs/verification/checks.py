"""The plan's rules over pyHanko's per-signature findings: identity, timestamps, order, the
certification, and that nothing but the pending signature fields changed after each signature.

Each check records problems in ``run.found`` against its own Checks flag; verify.py runs each one
under :meth:`Findings.guard`, so an exception is a failure of that same check.
"""

from __future__ import annotations

from pyhanko.sign import diff_analysis as da
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import read_certification_data
from pyhanko.sign.validation.status import SignatureCoverageLevel as Cov

from pipdocs.core.keys import key_problem
from pipdocs.document.rulebook import (
    integrity_breach,
    order_breaches,
    signer_breach,
    timestamp_breach,
)
from pipdocs.verification.collect import (
    CheckedSignature,
    change_detail,
    common_name,
    coverage_name,
    same_name,
    signer_identity,
    trust_words,
)
from pipdocs.verification.ltvsteps import only_archive_updates
from pipdocs.verification.state import Run
from pipdocs.verification.words import COVERAGE_TEXT


def check_integrity(run: Run, sig: CheckedSignature) -> None:
    """Digest and signature value, chain to an anchor, coverage of the whole revision."""
    st, found = sig.status, run.found
    if st is None:
        return
    unusable = key_problem(st.signing_cert)
    if unusable is not None:  # the cause, where pyHanko would say "does not chain"
        found.problem(unusable[0], "signers_trusted", sig, detail=unusable[1:])
    broken = integrity_breach(sig.field, st, key_explains=unusable is not None)
    if broken is not None:
        found.problem(broken.code, "signatures_valid", sig, detail=broken.detail)
    if run.inputs.anchors and st.valid and not sig.chain_ok and unusable is None:
        found.problem("signer_untrusted", "signers_trusted", sig,
                      detail=trust_words(st.trust_problem_indic))
    if st.coverage is None or st.coverage < Cov.ENTIRE_REVISION:
        cov = coverage_name(st)
        found.problem("coverage", "signatures_valid", sig,
                      detail=(cov, COVERAGE_TEXT["zh"].get(cov, cov)))


def check_timestamp(run: Run, sig: CheckedSignature) -> None:
    """An RFC 3161 timestamp that matches, chains to an anchor and falls in both validities."""
    st, found = sig.status, run.found
    if st is None:
        return
    ts, broken = st.timestamp_validity, timestamp_breach(sig.field, st)
    if broken is not None:
        found.problem(broken.code, "signatures_valid", sig, detail=broken.report_detail)
    elif ts is None:  # pragma: no cover - the rule book reports a missing timestamp
        return
    elif run.inputs.anchors and not ts.trusted:
        found.problem("timestamp_untrusted", "signers_trusted", sig,
                      detail=common_name(ts.signing_cert.subject))
    elif not (st.signing_cert.not_valid_before <= ts.timestamp
              <= st.signing_cert.not_valid_after):
        found.problem("signed_outside_validity", "signers_trusted", sig,
                      detail=ts.timestamp.isoformat(timespec="seconds"))


def check_signer(run: Run, sig: CheckedSignature) -> None:
    """The certificate's e-mail is the plan's person for the field's role."""
    st, found = sig.status, run.found
    if st is None or sig.role is None:
        return
    if run.plan is None:
        found.clear("signers_match_plan")
        return
    person = run.plan.person(sig.role)
    name, _emails = signer_identity(st.signing_cert)
    wrong = signer_breach(sig.field, sig.role, st.signing_cert, person)
    if wrong is not None:
        found.problem(wrong.code, "signers_match_plan", sig, detail=wrong.report_detail,
                      **wrong.params)
    elif not same_name(name, person.name):
        found.warn("name_mismatch", sig.field, field=sig.field, detail=name or "",
                   expected=person.name)


def check_order(run: Run) -> None:
    """Plan roles in revision order must be a prefix of the order, one revision each."""
    order, found, placed = run.inputs.order, run.found, run.placed
    plan_sigs = [(s, s.role) for s in placed if s.role is not None]
    for i, breach in order_breaches([(s.field, role) for s, role in plan_sigs], order):
        found.problem(breach.code, "in_order", plan_sigs[i][0], detail=breach.detail)
    for before, sig in zip(placed, placed[1:], strict=False):
        if sig.revision != (before.revision or 0) + 1:
            found.problem("extra_revision", "in_order", sig)
        ts, ts_before = (s.status.timestamp_validity if s.status else None for s in (sig, before))
        if ts and ts_before and ts.timestamp < ts_before.timestamp:
            found.problem("timestamp_order", "in_order", sig)
    signed = {s.role for s in run.sigs}
    if not run.inputs.allow_incomplete:
        for role in order:
            if role not in signed:
                found.problem("missing_role", "roles_complete", role=role)


def check_certification(run: Run) -> None:
    """The first signature (the seal, else the first role's) certifies with DocMDP P=2."""
    found, reader = run.found, run.inputs.reader
    if not (run.inputs.certify_first or run.seal is not None):
        return
    first = next(iter(run.placed), None)
    info = read_certification_data(reader)
    if info is None or first is None:
        found.problem("not_certified", "certified_first",
                      detail=("no certification", "没有认证签名"))
        return
    author = reader.root["/Perms"].raw_get("/DocMDP")
    if getattr(author, "reference", None) != getattr(first.ref, "reference", False):
        found.problem("not_certified", "certified_first",
                      detail=("the certification signature is not the first one",
                              "认证签名不是第一个签名"))
        return
    first.kind = "certification"
    if info.permission != MDPPerm.FILL_FORMS:
        found.problem("not_certified", "certified_first",
                      detail=(f"DocMDP P={info.permission.value}, expected P=2",
                              f"DocMDP P={info.permission.value}，应为 P=2"))


def check_changes(run: Run) -> None:
    """After a signature only later signatures' fields may change; after the last, nothing."""
    placed, found = run.placed, run.found
    for i, sig in enumerate(placed):
        st = sig.status
        if st is None:
            continue
        later = {s.field for s in run.sigs if s.revision is None or s in placed[i + 1:]}
        diff = st.diff_result
        if i == len(placed) - 1:
            if st.coverage != Cov.ENTIRE_FILE and not only_archive_updates(run, sig):
                found.problem("changed_after_last", "unchanged_after_last", sig,
                              detail=_appended(run, sig) or change_detail(st))
        elif isinstance(diff, da.DiffResult):
            stray = sorted(set(diff.changed_form_fields) - later)
            if stray or diff.modification_level > da.ModificationLevel.FORM_FILLING:
                found.problem("modified_after_signing", "unchanged_after_last", sig,
                              detail=("fields changed: " + ", ".join(stray),
                                      "被改动的字段：" + "、".join(stray)) if stray
                              else change_detail(st))
            elif st.docmdp_ok is False:
                found.problem("modified_after_signing", "unchanged_after_last", sig,
                              detail=("the changes break this signature's lock",
                                      "改动违反了该签名的锁定"))
        else:
            found.problem("modified_after_signing", "unchanged_after_last", sig,
                          detail=change_detail(st))


def _appended(run: Run, sig: CheckedSignature) -> tuple[str, str] | None:
    """Bytes after the last signed revision that form no revision of their own."""
    reader, data = run.inputs.reader, run.inputs.data
    if sig.emb is None or sig.revision != reader.xrefs.total_revisions - 1:
        return None
    _, _, start, length = (int(x) for x in sig.emb.byte_range)
    extra = len(data) - (start + length)
    return (f"{extra} bytes appended after the signed data",
            f"签名数据之后追加了 {extra} 个字节")
