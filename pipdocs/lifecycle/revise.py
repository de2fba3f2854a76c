"""``pipdocs revise``: version n+1 of a plan, a full plan document signed again by all three.

Its first page gives the reason, the list of changes and the SHA-256 of the version it replaces;
the revised plan follows, rendered from its role template exactly as ``pipdocs pdf`` would. Its
``plan.json`` is the new version (the parties stay the same), its record names the old one.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

from pipdocs.core.errors import Problem
from pipdocs.core.i18n import tr
from pipdocs.core.plan import load_plan
from pipdocs.lifecycle.contexts import RevisionContext, context_dict, header
from pipdocs.lifecycle.make import (
    Made,
    Options,
    check_input,
    finish,
    in_force,
    policy_of,
    record_for,
    render_pdf,
    start,
)
from pipdocs.lifecycle.revision import plan_changes, same_parties
from pipdocs.lifecycle.rules import period_end

MAX_REASON = 2000


def _merge(first: bytes, second: bytes) -> bytes:
    """The cover page(s) followed by the plan, as one PDF."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in (first, second):
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_revision(parent_pdf: Path, plan_file: Path, reason: str, out: Path, options: Options,
                  when: date | None = None) -> Made:
    """Revision of the signed plan version ``parent_pdf`` to the plan in ``plan_file``."""
    from pipdocs.conversion.soffice import convert_docx_to_pdf
    from pipdocs.document.render import render_docx_bytes

    new = load_plan(plan_file)
    when = when or date.today()
    parent, facts = start(out, parent_pdf, options, ("plan", "revision"))
    in_force(parent, facts)
    old = parent.plan
    problems = same_parties(old, new)
    reason = " ".join(reason.split())
    if not reason or len(reason) > MAX_REASON:
        problems.append(Problem("--reason", tr("give the reason for the revision (1 to {most}"
                                               " characters)").format(most=MAX_REASON)))
    end = period_end(old, facts.extended_until())
    if not old.period.start <= when <= end:
        problems.append(Problem("--date", tr("{date} is outside the plan period {start} to"
                                             " {end}").format(date=when.isoformat(),
                                                              start=old.period.start.isoformat(),
                                                              end=end.isoformat())))
    changes = plan_changes(old, new)
    check_input(problems, plan_file, old)
    version = parent.version + 1
    data = {"reason": reason, "changes": changes, "version": version}
    record = record_for("revision", parent, when, data, policy_of(options).order_for("revision"),
                        version=version)
    context = RevisionContext(**header(new, version, parent.sha256, parent.sha256, when),
                              version=version, previous_version=parent.version, reason=reason,
                              changes=changes)
    with tempfile.TemporaryDirectory(prefix="pipdocs-revision-") as tmp:
        work = Path(tmp)
        cover = render_pdf("revision", new, context_dict(context), work, options.templates_dir)
        (work / "plan.docx").write_bytes(render_docx_bytes(new, options.templates_dir))
        body = convert_docx_to_pdf(work / "plan.docx", work / "plan.pdf").read_bytes()
        path = finish("revision", new, _merge(cover, body), record, out, options.policy)
    warnings = [] if changes else [tr("{file}: the new plan changes nothing the parties agreed"
                                      " (goals, actions, support, checkpoints, period)").format(
                                          file=plan_file)]
    return Made(path, record, warnings)
