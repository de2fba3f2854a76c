"""The words lifecycle messages share, in the user's language (gettext catalog, core.i18n).

Kinds of document and roles inside sentences, a verification problem of a parent PDF, and the
findings of ``case verify``: each finding has a stable code and English parameters (for JSON);
its sentence is translated when it is shown, and a ``NAME_zh`` parameter stands in for ``NAME``
in Chinese (free text such as a rule's message is kept in both languages when it is found).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipdocs.core.i18n import N_, is_zh, tr

KINDS = {"plan": N_("plan"), "revision": N_("revision"), "checkin": N_("check-in"),
         "refusal": N_("refusal record"), "evaluation": N_("evaluation")}
RESULTS = {"met": N_("met"), "partially_met": N_("partially met"), "not_met": N_("not met")}
VERDICTS = {"valid": N_("valid"), "incomplete": N_("incomplete"), "invalid": N_("invalid"),
            "untrusted": N_("untrusted"), "unverified": N_("unverified")}

MESSAGES: dict[str, str] = {
    "unreadable": N_("{file}: not a PIP document ({detail})"),
    "no_plan": N_("the case holds no signed plan (version 1)"),
    "several_plans": N_("the case holds {count} plans ({detail}); keep one case per folder"),
    "other_case": N_("{file}: belongs to plan {detail}, not to this case's {plan_id}"),
    "parties_differ": N_("{file}: its {detail} differs from the plan's"),
    "wrong_signers": N_("{file}: is signed by {detail}; the policy requires {expected}"),
    "document_invalid": N_("{file}: does not verify ({detail})"),
    "incomplete": N_("{file}: not signed by {detail}"),
    "parent_missing": N_("{file}: follows a document with SHA-256 {detail}, which is not in the"
                         " case"),
    "parent_mismatch": N_("{file}: names {detail} as its parent's SHA-256, but the case's"
                          " {expected} has another digest"),
    "superseded": N_("{file}: refers to version {detail}, which version {expected} had replaced"
                     " by then"),
    "version_conflict": N_("{file}: is a second version {detail}"),
    "date_outside": N_("{file}: dated {detail}, outside the plan period {expected}"),
    "date_order": N_("{file}: dated {detail}, before the document it follows ({expected})"),
    "after_evaluation": N_("{file}: dated {detail}, after the final evaluation of {expected}"),
    "checkpoint_missing": N_("no check-in for checkpoint {detail} of version {expected}"),
    "checkpoint_overdue": N_("checkpoint {detail} of version {expected} has passed and the case"
                             " holds no check-in for it: add its record, or the case will not"
                             " hold once the final evaluation is made"),
    "input_invalid": N_("{file}: {detail}"),
    "several_evaluations": N_("{file}: a further evaluation ({detail}); only an extension allows"
                              " a second one"),
    "termination_unsupported": N_("{file}: records termination as considered, but the case shows"
                                  " no earlier training or change of position (劳动合同法 art."
                                  " 40(2))"),
    "termination_warning": N_("{file}: decision terminate without an earlier training or change"
                              " of position in the case; recorded as not considered (劳动合同法"
                              " art. 40(2))"),
    "no_evaluation": N_("no final evaluation yet: the case is still running"),
    "refused": N_("{file}: the employee refused to sign ({detail}); the refusal stands for the"
                  " employee's step"),
    "signed_before_date": N_("{file}: signed by {detail} before its own date {expected}"),
    "employer_unsigned": N_("{file}: not signed by {detail}; the refusal record {expected}"
                            " stands only for the employee's step, the employer signs every"
                            " document"),
    "signed_long_after_date": N_("{file}: signed by {detail} {days} days after its date"
                                 " {expected} (at most {limit}): reads as back-dated"),
    "signed_late": N_("{file}: signed by {detail} {days} days after its date {expected};"
                      " documents are signed on or shortly after their dates"),
    "plan_signed_after_period": N_("{file}: first signed on {detail}, after the plan period"
                                   " ended on {expected}: reads as back-dated"),
    "signed_before_parent": N_("{file}: signed by {detail} before {expected} was fully signed"),
    "signed_after_evaluation": N_("{file}: signed by {detail} after the final evaluation was"
                                  " signed ({expected}): made after the case was decided"),
    "acknowledged_after_evaluation": N_("{file}: signed by {detail} only after the final"
                                        " evaluation was signed ({expected})"),
}


def language() -> str:
    """The message language now: zh or en."""
    return "zh" if is_zh() else "en"


def kind_word(kind: str) -> str:
    """A kind of document inside a sentence (check-in, evaluation...)."""
    return tr(KINDS[kind]) if kind in KINDS else kind


def result_word(result: str) -> str:
    """A goal's result inside a sentence."""
    return tr(RESULTS[result]) if result in RESULTS else result


def role_words(roles: Iterable[str], sep: str | None = None) -> str:
    """Role names inside a sentence (员工、直接上级…; "employee, manager" in English)."""
    from pipdocs.verification.words import ROLE_NAMES

    lang = language()
    names = ROLE_NAMES.get(lang, ROLE_NAMES["en"])
    if sep is None:
        sep = "、" if lang == "zh" else ", "
    return sep.join(names.get(role, role) for role in roles)


def problem_text(problem: Any, lang: str | None = None) -> str:
    """A verification problem of a parent PDF in the message language."""
    from pipdocs.verification.words import message

    return message(problem.code, lang or language(), **problem.params)


def finding_text(code: str, params: dict[str, str]) -> str:
    """A case finding in the message language (missing parameters read as empty)."""
    values: dict[str, str] = _Blank(params)
    if is_zh():
        values.update({k[:-3]: v for k, v in params.items() if k.endswith("_zh")})
    sep = " → " if code == "wrong_signers" else None
    for key in ("detail", "expected"):  # a list of roles: their names in this language
        roles = params.get(key + "_roles")
        if roles is not None:
            values[key] = role_words(roles.split(","), sep)
    template = tr(MESSAGES[code]) if code in MESSAGES else code
    return template.format_map(values)


def english(code: str, params: dict[str, str]) -> str:
    """A case finding in English (the JSON's ``message``)."""
    return MESSAGES[code].format_map(_Blank(params)) if code in MESSAGES else code


class _Blank(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""
