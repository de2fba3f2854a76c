"""The service's words by value: each document kind and status, the title of its signing page,
the document in a sentence for mails. The texts live in the message catalog (English is the
message id, pipdocs/locale/zh/...); a page or a mail is in its own language (the envelope's for
signers, the HR user's for the HR pages), so everything here takes that language.
"""

from __future__ import annotations

from collections.abc import Callable

from pipdocs.core.i18n import N_, pN_, tr_in

KIND = "document kind"  # message context: "plan" is also a plain word elsewhere
STATUS = "envelope status"

#: The signing page's title, by document kind.
TITLES = {
    "plan": N_("Sign the Performance Improvement Plan"),
    "checkin": N_("Sign the check-in record"),
    "revision": N_("Sign the plan revision"),
    "refusal": N_("Sign the refusal record"),
    "evaluation": N_("Sign the final evaluation"),
}

#: The document in a sentence (mails), by kind.
SENTENCES = {
    "plan": N_("the Performance Improvement Plan {plan}"),
    "checkin": N_("the check-in record of the PIP {plan}"),
    "revision": N_("the revised PIP {plan}"),
    "refusal": N_("the refusal record of the PIP {plan}"),
    "evaluation": N_("the final evaluation of the PIP {plan}"),
}

#: Each kind's short name (the HR list).
KINDS = {
    "plan": pN_("document kind", "plan"),
    "checkin": pN_("document kind", "check-in"),
    "revision": pN_("document kind", "revision"),
    "refusal": pN_("document kind", "refusal record"),
    "evaluation": pN_("document kind", "evaluation"),
}

#: Envelope and signer statuses as HR reads them.
STATUSES = {
    "in_progress": pN_("envelope status", "in_progress"),
    "completed": pN_("envelope status", "completed"),
    "declined": pN_("envelope status", "declined"),
    "cancelled": pN_("envelope status", "cancelled"),
    "waiting": pN_("envelope status", "waiting"),
    "signed": pN_("envelope status", "signed"),
}


def say(lang: str) -> Callable[..., str]:
    """A page's ``w(message, **values)``: the message in ``lang``, then its values filled in."""
    def w(message: str, **values: str) -> str:
        text = tr_in(lang, message)
        return text.format(**values) if values else text
    return w


def title(kind: str | None) -> str:
    """The signing page's title (a message id: the page translates it)."""
    return TITLES.get(kind or "plan", TITLES["plan"])


def kind_name(kind: str, lang: str) -> str:
    return tr_in(lang, KINDS[kind], context=KIND)


def status_name(status: str, lang: str) -> str:
    """A status in ``lang``; a status with no word shows as it is."""
    return tr_in(lang, STATUSES[status], context=STATUS) if status in STATUSES else status


def doc(kind: str, lang: str, plan_id: str) -> str:
    """The document in a sentence, for mails: 'the refusal record of the PIP X'."""
    return tr_in(lang, SENTENCES.get(kind, SENTENCES["plan"])).format(plan=plan_id)
