"""The case over time: each record against its plan, dates in order, checkpoints kept.

Split from case.py (which reads, verifies and chains the documents) so each stays readable.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import partial
from typing import Any

from pipdocs.core.errors import PlanInvalid
from pipdocs.core.policy import CaseRules
from pipdocs.lifecycle.casereport import CheckpointState
from pipdocs.lifecycle.contexts import LABELS
from pipdocs.lifecycle.findings import Entry, Findings, both
from pipdocs.lifecycle.models import CheckinInput, EvaluationInput, input_from_data
from pipdocs.lifecycle.records import Document
from pipdocs.lifecycle.rules import (
    EVALUATION_GRACE_DAYS,
    REFUSAL_LEAD_DAYS,
    checkin_problems,
    evaluation_problems,
)

DERIVED = {"checkpoint", "extra", "results", "computed", "termination_considered",
           "document_sha256", "reason", "changes", "version"}


def _data(doc: Document) -> dict[str, Any]:
    return doc.record.data if doc.record else {}


def _evaluations(entries: list[Entry]) -> list[Document]:
    return sorted((e.doc for e in entries if e.doc.kind == "evaluation"), key=lambda d: d.date)


def extended_until(entries: list[Entry], before: date | None = None) -> date | None:
    """The end of the extension an evaluation (dated before ``before``) granted."""
    for doc in _evaluations(entries):
        data = _data(doc)
        if data.get("decision") == "extend" and data.get("extend_until") and (
                before is None or doc.date < before):
            return date.fromisoformat(str(data["extend_until"]))
    return None


def final_evaluation(entries: list[Entry]) -> Document | None:
    evaluations = _evaluations(entries)
    return evaluations[-1] if evaluations else None


def check_inputs(entries: list[Entry], found: Findings) -> None:
    """Each check-in and evaluation still satisfies the rules its command applied."""
    for entry in entries:
        doc = entry.doc
        if doc.kind not in ("checkin", "evaluation"):
            continue
        ext = extended_until(entries, doc.date)
        en, zh = both(partial(_input_problems, doc, ext))  # English for JSON, Chinese for text
        for detail, detail_zh in zip(en, zh, strict=True):
            found.add("input_invalid", doc, detail=detail, detail_zh=detail_zh)


def _input_problems(doc: Document, ext: date | None) -> list[str]:
    """What a check-in's or evaluation's command would refuse in its recorded input now."""
    model: Any = CheckinInput if doc.kind == "checkin" else EvaluationInput
    raw = {k: v for k, v in _data(doc).items() if k not in DERIVED}
    try:
        inp = input_from_data(model, raw)
    except PlanInvalid as exc:
        return [str(p) for p in exc.problems[:3]]
    rules = checkin_problems if doc.kind == "checkin" else evaluation_problems
    return [str(p) for p in rules(inp, doc.plan, ext)]


def check_dates(entries: list[Entry], found: Findings) -> None:
    """Revisions and refusals inside the period, every document after its parent, and nothing
    but refusals after the final evaluation."""
    by_sha = {digest: e.doc for e in entries for digest in e.doc.digests}
    final = final_evaluation(entries)
    evaluations = _evaluations(entries)
    for doc in evaluations[:-1]:
        if _data(doc).get("decision") != "extend":
            found.add("several_evaluations", doc, detail=doc.date.isoformat())
    for entry in entries:
        doc = entry.doc
        if doc.record is None:
            continue
        plan = doc.plan
        end = max(plan.period.end, extended_until(entries, doc.date) or plan.period.end)
        lead = timedelta(days=REFUSAL_LEAD_DAYS if doc.kind == "refusal" else 0)
        grace = timedelta(days=EVALUATION_GRACE_DAYS if doc.kind == "refusal" else 0)
        if doc.kind in ("revision", "refusal") and not (
                plan.period.start - lead <= doc.date <= end + grace):
            found.add("date_outside", doc, detail=doc.date.isoformat(),
                      expected=f"{plan.period.start.isoformat()} – {end.isoformat()}")
        parent = by_sha.get(doc.record.parent_sha256)
        if parent is not None and doc.date < parent.date and doc.kind != "refusal":
            found.add("date_order", doc, detail=doc.date.isoformat(),
                      expected=f"{parent.path.name}, {parent.date.isoformat()}")
        if (final is not None and doc is not final and doc.kind in ("checkin", "revision")
                and doc.date > final.date):
            found.add("after_evaluation", doc, detail=doc.date.isoformat(),
                      expected=final.date.isoformat())


#: A document's day begins first at UTC+14: a signature is "before" its document's date only if
#: it was made before that day began anywhere (no time zone can then excuse it).
EARLIEST_ZONE = timezone(timedelta(hours=14))
#: ...and ends last at UTC-12: a signature is so many days "after" its document's date only if
#: it was made that many days later everywhere (counted in the zone where the fewest have passed).
LATEST_ZONE = timezone(timedelta(hours=-12))


def days_after(day: date, at: datetime) -> int:
    """Whole days from ``day`` to the signature time ``at``, wherever the fewest have passed."""
    return (at.astimezone(LATEST_ZONE).date() - day).days


def check_signing_times(entries: list[Entry], found: Findings,
                        rules: CaseRules | None = None) -> None:
    """The signatures' timestamps against the documents' dates and against one another.

    Failures: a document signed before its own date (a check-in before its meeting); signed
    more than ``rules.sign_within_days`` after it, or a plan first signed after its period
    ended (both read as back-dated); a document signed before the document it follows was
    fully signed (its record names the parent's digest, signatures included, so only a wrong
    clock or a forgery does that); a check-in or revision first signed after the final
    evaluation was signed (made after the case was decided). Notes: a signature more than
    ``rules.sign_warn_days`` after the date; a check-in whose later signers (the employee)
    signed only after the final evaluation was signed, though its manager had signed before."""
    rules = rules or CaseRules()
    by_sha = {digest: e for e in entries for digest in e.doc.digests}
    for entry in entries:
        doc = entry.doc
        if not entry.signed_at:
            continue
        _check_late(entry, rules, found)
        if doc.record is None:
            continue  # a plan may be signed before its period starts (it is handed over first)
        begins = datetime.combine(doc.date, time.min, tzinfo=EARLIEST_ZONE)
        early = [role for role, at in entry.signed_at.items() if at < begins]
        if early:
            found.add("signed_before_date", doc, expected=doc.date.isoformat(),
                      detail=", ".join(early), detail_roles=",".join(early))
        parent = by_sha.get(doc.record.parent_sha256)
        if parent is not None and parent.signed_at:
            last = max(parent.signed_at.values())
            before = [role for role, at in entry.signed_at.items() if at < last]
            if before:
                found.add("signed_before_parent", doc, expected=parent.doc.path.name,
                          detail=", ".join(before), detail_roles=",".join(before))
    _check_after_evaluation(entries, found)


def _check_late(entry: Entry, rules: CaseRules, found: Findings) -> None:
    """Signatures long after the document's date, and a plan version first signed after its
    period ended."""
    doc = entry.doc
    days = {role: days_after(doc.date, at) for role, at in entry.signed_at.items()}
    for code, limit, warning in (("signed_long_after_date", rules.sign_within_days, False),
                                 ("signed_late", rules.sign_warn_days, True)):
        late = [role for role, n in days.items() if n > limit]
        if late:
            found.add(code, doc, warning=warning, detail=", ".join(late),
                      detail_roles=",".join(late), expected=doc.date.isoformat(),
                      days=max(days[r] for r in late), limit=limit)
            break  # a failure says it; no note besides it
    if doc.kind in ("plan", "revision"):
        first = min(entry.signed_at.values())
        end = doc.plan.period.end
        if days_after(end, first) > 0:
            found.add("plan_signed_after_period", doc, expected=end.isoformat(),
                      detail=f"{first:%Y-%m-%d %H:%M} UTC")


def _check_after_evaluation(entries: list[Entry], found: Findings) -> None:
    """Check-ins and revisions signed after the final evaluation was (first) signed."""
    final = final_evaluation(entries)
    if final is None or _data(final).get("decision") == "extend":
        return  # no final decision yet: later check-ins are the extension's
    decided = next((min(e.signed_at.values()) for e in entries
                    if e.doc is final and e.signed_at), None)
    if decided is None:
        return
    when = f"{final.path.name}, {decided:%Y-%m-%d %H:%M} UTC"
    for entry in entries:
        if (entry.doc.kind not in ("checkin", "revision") or not entry.signed_at
                or entry.doc.date > final.date):  # dated after it: after_evaluation says so
            continue
        late = [role for role, at in entry.signed_at.items() if at > decided]
        if not late:
            continue
        if min(entry.signed_at.values()) > decided or entry.doc.kind == "revision":
            found.add("signed_after_evaluation", entry.doc, expected=when,
                      detail=", ".join(late), detail_roles=",".join(late))
        else:
            found.add("acknowledged_after_evaluation", entry.doc, warning=True, expected=when,
                      detail=", ".join(late), detail_roles=",".join(late))


def _windows(entries: list[Entry]) -> list[tuple[Document, date, date | None]]:
    """Each plan version with the days it was in force (to the next version's date)."""
    versions = sorted((e.doc for e in entries if e.doc.kind in ("plan", "revision")),
                      key=lambda d: d.version)
    out = []
    for i, doc in enumerate(versions):
        until = versions[i + 1].date if i + 1 < len(versions) else None
        out.append((doc, doc.date if doc.record else doc.plan.period.start, until))
    return out


def check_checkpoints(entries: list[Entry], found: Findings,
                      today: date | None = None) -> list[CheckpointState]:
    """Every checkpoint of the version then in force that has come has its check-in.

    A checkpoint on the period's last day is the final evaluation's meeting. Without an
    evaluation, checkpoints after ``today`` (default: the latest document's date) are not due.
    """
    final = final_evaluation(entries)
    cutoff = final.date if final else today or max(e.doc.date for e in entries)
    checkins = [e.doc for e in entries if e.doc.kind == "checkin" and e.doc.record]
    states = []
    for version, start, until in _windows(entries):
        for number, point in enumerate(version.plan.checkpoints, 1):
            if point.date < start or (until is not None and point.date >= until):
                continue
            # by version: a check-in whose parent digest is wrong is reported as such already
            match = next((c for c in checkins if c.record and c.record.plan_version ==
                          version.version and _data(c).get("checkpoint") == number), None)
            if match is not None:
                state, where = "covered", str(match.path.name)
            elif final is not None and point.date >= version.plan.period.end:
                state, where = "by_evaluation", final.path.name
            elif point.date > cutoff:
                state, where = "not_due", ""
                if today is None and point.date < date.today():
                    # not due by the case's own last document, but past on the calendar: say so
                    # (the case still holds today; it fails once an evaluation follows)
                    found.add("checkpoint_overdue", warning=True,
                              detail=f"{number} ({point.date.isoformat()})",
                              expected=version.version)
            else:
                state, where = "missing", ""
                found.add("checkpoint_missing", detail=f"{number} ({point.date.isoformat()})",
                          expected=version.version)
            states.append(CheckpointState(version=version.version, number=number,
                                          date=point.date, focus=point.focus, state=state,
                                          file=where or None))
    return states


def check_termination(entries: list[Entry], found: Findings) -> None:
    """劳动合同法 art. 40(2): termination only after an earlier training or transfer step."""
    evaluations = _evaluations(entries)
    if not evaluations:
        found.add("no_evaluation", warning=True)
    for i, doc in enumerate(evaluations):
        data = _data(doc)
        if data.get("decision") != "terminate":
            continue
        earlier = any(_data(e).get("decision") in ("training", "transfer")
                      for e in evaluations[:i] if e.date < doc.date)
        if data.get("termination_considered") and not earlier:
            found.add("termination_unsupported", doc)
        elif not earlier:
            found.add("termination_warning", doc, warning=True)


def summary(doc: Document, lang: str) -> str:
    """One line about a document, for the timeline."""
    words, data = LABELS[lang], _data(doc)
    if doc.kind == "plan":
        plan = doc.plan
        return f"{plan.period.start.isoformat()} – {plan.period.end.isoformat()}"
    if doc.kind == "revision":
        return str(data.get("reason", ""))[:120]
    # Chinese text takes full-width marks (、：；), as the documents do
    comma, colon, semi = ("、", "：", "；") if lang == "zh" else (", ", ": ", "; ")
    if doc.kind == "checkin":
        number = data.get("checkpoint")
        statuses = comma.join(words.get(str(g.get("status")), "?") for g in data.get("goals", []))
        head = f"#{number}" if number else words["extra"]
        return f"{head}{colon}{statuses}"
    if doc.kind == "evaluation":
        outcome = words.get(str(data.get("outcome")), "?")
        decision = str(data.get("decision"))
        if decision == "terminate" and not data.get("termination_considered"):
            decision = "terminate_refused"
        return f"{outcome}{semi}{words.get(decision, decision)}"
    if doc.kind == "refusal":
        kind = words.get(str(data.get("document")), "?")
        reason = str(data.get("reason") or "")
        return f"{kind}{colon}{reason}"[:120] if reason else kind
    return ""
