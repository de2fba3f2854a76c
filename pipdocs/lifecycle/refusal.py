"""``pipdocs refusal``: the employee refused to sign; the manager and HR record it.

The document refused may be signed in part or not at all (the employee signs a plan first), so
its signatures need not be complete, but any present must verify. In the case file the refusal
stands for the employee's signature on that document.
"""

from __future__ import annotations

from pathlib import Path

from pipdocs.lifecycle.contexts import RefusalContext, Witness, context_dict, header, label
from pipdocs.lifecycle.make import (
    Draft,
    Made,
    Options,
    check_input,
    made_from,
    policy_of,
    record_for,
    start,
)
from pipdocs.lifecycle.models import RefusalInput, load_input
from pipdocs.lifecycle.rules import refusal_problems

REFUSABLE = ("plan", "revision", "checkin", "evaluation")


def make_refusal(parent_pdf: Path, input_file: Path, out: Path, options: Options) -> Made:
    """Refusal record for the (signed or prepared) document ``parent_pdf``."""
    return refusal_record(parent_pdf, load_input(RefusalInput, input_file), out, options,
                          str(input_file))


def refusal_record(parent_pdf: Path, inp: RefusalInput, out: Path, options: Options,
                   source: str) -> Made:
    """``make_refusal`` for an input already validated (the web service builds it from its
    own facts); ``source`` names it in error messages."""
    parent, facts = start(out, parent_pdf, options, REFUSABLE, allow_unsigned=True)
    plan = parent.plan
    check_input(refusal_problems(inp, plan, parent.kind, facts.extended_until()),
                Path(source), plan)
    data = inp.model_dump(mode="json", exclude_none=True) | {"document_sha256": parent.sha256}
    order = policy_of(options).order_for("refusal")
    record = record_for("refusal", parent, inp.date, data, order)
    context = RefusalContext(
        **header(plan, parent.version, parent.plan_sha256, parent.sha256, inp.date),
        document=f"{label(parent.kind, plan.language)} ({parent.path.name})",
        document_sha256=parent.sha256, delivered=inp.delivered, reason=inp.reason,
        witness=Witness(name=inp.witness.name, title=inp.witness.title), note=inp.note,
    )
    return made_from(Draft("refusal", plan, context_dict(context), record), out, options)
