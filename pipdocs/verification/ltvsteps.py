"""The long-term steps of ``verify`` on a :class:`~.state.Run`: archive timestamps set apart,
the last signature followed only by archive updates, and revocation / lifetime findings
(:mod:`.ltvcheck`) recorded in the run's findings."""

from __future__ import annotations

from typing import Any

from pyhanko.sign import diff_analysis as da
from pyhanko.sign.validation.status import SignatureCoverageLevel as Cov

from pipdocs.verification import ltv
from pipdocs.verification.auditseal import bytes_after_last_revision
from pipdocs.verification.collect import CheckedSignature
from pipdocs.verification.findings import CheckName
from pipdocs.verification.ltvcheck import Outcome, SignedItem, check_long_term
from pipdocs.verification.signatures import DIFF_POLICY, archive_stamp
from pipdocs.verification.state import Run


def set_apart_archive_stamps(run: Run) -> None:
    """Archive timestamps are not plan signatures: the long-term step judges them."""
    run.doc_stamps = [s for s in run.sigs if archive_stamp(s) and s.emb is not None]
    run.sigs = [s for s in run.sigs if s not in run.doc_stamps]


def only_archive_updates(run: Run, sig: CheckedSignature) -> bool:
    """After the last signature: validation data and archive timestamps (PAdES LTA) only; the
    last archive timestamp covers the whole file, or only validation-data revisions follow it
    (a DSS added later, as Acrobat's "add verification information" does). What each of those
    revisions may change is judged on its contents by :mod:`.revisions`."""
    st = sig.status
    diff = st.diff_result if st is not None else None
    later = [s for s in run.doc_stamps
             if sig.revision is not None and (s.revision or 0) > sig.revision]
    if not (st is not None and st.coverage == Cov.ENTIRE_REVISION
            and isinstance(diff, da.DiffResult)
            and diff.modification_level <= da.ModificationLevel.LTA_UPDATES
            and not diff.changed_form_fields):
        return False
    if not later:
        return validation_data_only_after(run, sig.revision)
    last = later[-1]
    return last.emb is not None and (
        last.emb.evaluate_signature_coverage() == Cov.ENTIRE_FILE
        or validation_data_only_after(run, last.revision))


def validation_data_only_after(run: Run, revision: int | None) -> bool:
    """At least one revision follows ``revision``, none of them adds a signature or timestamp,
    and the file ends where the last of them does (no stray bytes that no revision holds)."""
    reader, data = run.inputs.reader, run.inputs.data
    if revision is None or revision >= reader.xrefs.total_revisions - 1:
        return False
    signed = {emb.signed_revision for emb in reader.embedded_signatures}
    return (not any(r in signed for r in range(revision + 1, reader.xrefs.total_revisions))
            and bytes_after_last_revision(data, reader) == 0)


def check_long_term_step(run: Run) -> None:
    """Revocation as of each timestamp, archive timestamps, how long the evidence lasts."""
    inputs = run.inputs
    items = [SignedItem(s.field, s.revision, s.emb, _crypto(s.status.signing_cert)
                        if s.status is not None else None)
             for s in run.sigs if s.emb is not None]
    stamps = [(s.field, s.revision or 0, s.emb) for s in run.doc_stamps] + inputs.refreshes
    material = ltv.read_dss(inputs.whole_reader) if inputs.refreshes else run.material
    signed = {s.role for s in run.sigs}
    seal = run.seal
    sealed = (SignedItem(seal.field, seal.revision, seal.emb, _crypto(seal.status.signing_cert))
              if seal is not None and seal.status is not None and seal.emb is not None else None)
    outcome = check_long_term(
        [i for i in items if sealed is None or i.field != sealed.field], stamps, material,
        [c for _, c in inputs.anchors], inputs.at, lta_required=inputs.lta_required,
        complete=all(r in signed for r in inputs.order), diff_policy=DIFF_POLICY, seal=sealed)
    run.long_term = outcome.long_term
    record_outcome(run, outcome)


def record_outcome(run: Run, outcome: Outcome) -> None:
    """The long-term findings into the run's report (problems fail their check)."""
    by_field = {s.field: s for s in run.sigs + run.doc_stamps}
    for item in outcome.problems:
        params = item.params | {f"{k}_zh": v for k, v in item.params_zh.items()}
        check: CheckName = item.check  # type: ignore[assignment]
        sig = by_field.get(item.field or "")  # none for the audit trail's seal
        named = {"field": item.field} if sig is None and item.field else {}
        run.found.problem(item.code, check, sig, **(named | params))
    for item in outcome.warnings:
        params = item.params | {f"{k}_zh": v for k, v in item.params_zh.items()}
        run.found.warn(item.code, item.field, **({"field": item.field} if item.field else {})
                       | params)


def _crypto(cert: Any) -> Any:
    from cryptography import x509

    return x509.load_der_x509_certificate(cert.dump())
