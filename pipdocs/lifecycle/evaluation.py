"""``pipdocs evaluate``: the final evaluation, signed by the manager, HR, then the employee.

Per goal the actual result against the target; where both are numbers the result is computed
and shown next to the manager's own. Under 劳动合同法 art. 40(2) incompetence justifies a
dismissal only after training or a change of position, so "termination considered" is recorded
only when the case folder shows such an earlier step; otherwise the document says why not and
the command warns. A process note, not legal advice.
"""

from __future__ import annotations

from pathlib import Path

from pipdocs.core.i18n import N_, tr, tr_in
from pipdocs.core.plan import Plan
from pipdocs.lifecycle.contexts import (
    EvaluationContext,
    EvaluationGoal,
    computed_text,
    context_dict,
    goals_with,
    header,
    label,
)
from pipdocs.lifecycle.facts import CaseFacts
from pipdocs.lifecycle.make import (
    Draft,
    Made,
    Options,
    check_input,
    in_force,
    made_from,
    policy_of,
    record_for,
    start,
)
from pipdocs.lifecycle.models import EvaluationInput, load_input
from pipdocs.lifecycle.records import Document
from pipdocs.lifecycle.rules import (
    evaluation_judgements,
    evaluation_problems,
    evaluation_results,
    period_end,
)
from pipdocs.lifecycle.words import result_word

#: The process note under a decision to consider termination (PRC Labour Contract Law 40(2)).
LAW_CONSIDERED = N_(
    "The case file shows an earlier {step} ({when}) after which the goals were still not met."
    " Under article 40(2) of the PRC Labour Contract Law the employer may consider termination,"
    " following the required procedure. This is a process note, not legal advice.")
LAW_REFUSED = N_(
    "Under article 40(2) of the PRC Labour Contract Law, an employee who is not competent may be"
    " dismissed on that ground only if they remain incompetent after training or a change of"
    " position. The case file shows neither, so this evaluation does not record termination as"
    " considered; arrange training or a change of position first. This is a process note, not"
    " legal advice.")
EARLIER_STEPS = {"training": N_("training"), "transfer": N_("change of position")}


def law_note(inp: EvaluationInput, plan: Plan, facts: CaseFacts) -> tuple[bool, str | None]:
    """Whether termination is recorded as considered, and the note the document shows."""
    if inp.decision != "terminate":
        return False, None
    lang = plan.language
    step = facts.earlier_step(inp.date)
    if step is None:
        return False, tr_in(lang, LAW_REFUSED)
    decision = str(step.record.data.get("decision")) if step.record else "training"
    return True, tr_in(lang, LAW_CONSIDERED).format(step=tr_in(lang, EARLIER_STEPS[decision]),
                                                    when=step.date.isoformat())


def evaluation_context(inp: EvaluationInput, parent: Document, facts: CaseFacts,
                       considered: bool, note: str | None) -> EvaluationContext:
    plan = parent.plan
    lang = plan.language
    results, outcome = evaluation_results(inp, plan)
    computed = evaluation_judgements(inp, plan)
    goals = []
    for n, goal, item in goals_with(plan, inp.goals):
        goals.append(EvaluationGoal(
            number=n, area=goal.area, metric=goal.metric, baseline=goal.baseline,
            target=goal.target, actual=item.actual, result=label(results[n], lang),
            computed=computed_text(computed.get(n), plan.language), comment=item.comment))
    decision = inp.decision if inp.decision != "terminate" or considered else "terminate_refused"
    return EvaluationContext(
        **header(plan, parent.version, parent.plan_sha256, parent.sha256, inp.date),
        goals=goals, outcome=label(outcome, lang), decision=label(decision, lang),
        extend_until=inp.extend_until, period_end=period_end(plan, facts.extended_until()),
        summary=inp.summary, law_note=note,
    )


def make_evaluation(parent_pdf: Path, input_file: Path, out: Path, options: Options) -> Made:
    """Final evaluation of the signed plan version ``parent_pdf``."""
    inp = load_input(EvaluationInput, input_file)
    parent, facts = start(out, parent_pdf, options, ("plan", "revision"))
    in_force(parent, facts)
    extended = facts.extended_until(inp.date)
    check_input(evaluation_problems(inp, parent.plan, extended), input_file, parent.plan)
    considered, note = law_note(inp, parent.plan, facts)
    results, outcome = evaluation_results(inp, parent.plan)
    computed = evaluation_judgements(inp, parent.plan)
    data = inp.model_dump(mode="json", exclude_none=True) | {
        "results": {str(n): r for n, r in sorted(results.items())},
        "computed": {str(n): j.result for n, j in sorted(computed.items()) if j},
        "outcome": outcome, "termination_considered": considered,
    }
    order = policy_of(options).order_for("evaluation")
    record = record_for("evaluation", parent, inp.date, data, order)
    context = context_dict(evaluation_context(inp, parent, facts, considered, note))
    path = made_from(Draft("evaluation", parent.plan, context, record), out, options).path
    warnings = []
    if inp.decision == "terminate" and not considered:
        warnings.append(tr("{file}: decision terminate, but the case shows no earlier training"
                           " or change of position (劳动合同法 art. 40(2)): the evaluation"
                           " records termination as not considered").format(file=input_file))
    for item in inp.goals:
        judgement = computed.get(item.goal)
        if item.result and judgement and judgement.result != item.result:
            warnings.append(tr("{file}: goal {goal}: stated {stated}, computed {computed}; both"
                               " are shown").format(file=input_file, goal=item.goal,
                                                    stated=result_word(item.result),
                                                    computed=result_word(judgement.result)))
    return Made(path, record, warnings)
