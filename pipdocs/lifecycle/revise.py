"""``pipdocs revise``: version n+1 of a plan, a full plan document signed again by all three.

Its first page gives the reason, the list of changes and the SHA-256 of the version it replaces;
the revised plan follows on a new page, rendered from its role template as ``pipdocs pdf`` would,
in the same Word document: one header, one footer and one page numbering throughout. Its
``plan.json`` is the new version (the parties stay the same), its record names the old one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipdocs.core.errors import Problem
from pipdocs.core.i18n import tr
from pipdocs.core.plan import load_plan
from pipdocs.lifecycle.contexts import RevisionContext, context_dict, header
from pipdocs.lifecycle.make import (
    Draft,
    Made,
    Options,
    blueprint,
    check_input,
    in_force,
    made_from,
    policy_of,
    record_for,
    start,
)
from pipdocs.lifecycle.revision import plan_changes, same_parties
from pipdocs.lifecycle.rules import period_end

MAX_REASON = 2000


def make_revision(parent_pdf: Path, plan_file: Path, reason: str, out: Path, options: Options,
                  when: date | None = None) -> Made:
    """Revision of the signed plan version ``parent_pdf`` to the plan in ``plan_file``."""
    from pipdocs.document.factory import docx_bytes
    from pipdocs.document.render import compose_docx, render_docx_bytes

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
    # One Word document, so one page numbering and one header from cover to signatures.
    cover = Draft("revision", new, context_dict(context), record)
    docx = compose_docx(docx_bytes(blueprint(cover), options.templates_dir),
                        render_docx_bytes(new, options.templates_dir))
    path = made_from(cover, out, options, docx).path
    warnings = [] if changes else [tr("{file}: the new plan changes nothing the parties agreed"
                                      " (goals, actions, support, checkpoints, period)").format(
                                          file=plan_file)]
    return Made(path, record, warnings)
