"""Messages in the user's language, from a gettext catalog (pipdocs/locale/zh/LC_MESSAGES).

Chinese applies when the user asks for it (``pipdocs --lang zh``), when the plan being checked is
written in Chinese, or when the environment's locale is Chinese (``LANG=zh_CN.UTF-8``); English
otherwise. Messages are written in English in the code as ``tr("... {name} ...")`` and
formatted with ``str.format`` after translation, so a translation may reorder the values.
The catalog is compiled (``pipdocs.mo``) and committed; a test checks it matches the ``.po``.

Text that belongs to a document or a web page follows *its* language, not the user's:
``tr_in(language, "...")`` or a ``with in_language(language):`` block (a Chinese document's
labels while the user's messages are English). The one catalog holds every message, label and
page word; a word whose English is shared with another meaning carries a context
(``pN_(context, message)``, translated with ``tr_in(..., context=...)``).
"""

from __future__ import annotations

import contextlib
import gettext
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from pipdocs.core.settings import current

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "pipdocs"
MESSAGE_LANGUAGES = ("zh", "en")

_chosen: ContextVar[str | None] = ContextVar("pipdocs_message_language", default=None)
_plan: ContextVar[str | None] = ContextVar("pipdocs_plan_language", default=None)


def environment_language() -> str:
    """The locale's language as the edge read it (core.settings: zh when the locale is
    Chinese), else en."""
    return current().language or "en"


def message_language() -> str:
    """The language messages are written in now: --lang, else a Chinese plan, else the locale."""
    chosen = _chosen.get()
    if chosen:
        return chosen
    if _plan.get() == "zh":
        return "zh"
    return environment_language()


def choose_language(language: str | None) -> None:
    """The user's explicit choice (``--lang``) for the rest of this context; None: automatic."""
    if language is not None and language not in MESSAGE_LANGUAGES:
        raise ValueError(f"unknown message language {language!r}")
    _chosen.set(language)


@contextlib.contextmanager
def plan_language(language: object) -> Iterator[None]:
    """Messages about a plan follow the plan's language while it is being checked."""
    token = _plan.set(language if language in MESSAGE_LANGUAGES else None)  # type: ignore[arg-type]
    try:
        yield
    finally:
        _plan.reset(token)


@lru_cache(maxsize=4)
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[language], fallback=True)


def tr(message: str) -> str:
    """``message`` in the current message language (the English text is the message id)."""
    language = message_language()
    if language == "en":
        return message
    return _catalog(language).gettext(message)


def tr_in(language: str, message: str, context: str | None = None) -> str:
    """``message`` in ``language`` (a document's or a web page's), whatever the user chose;
    ``context`` picks the meaning of an English word the catalog holds twice."""
    if language != "zh":
        return message
    catalog = _catalog(language)
    return catalog.pgettext(context, message) if context else catalog.gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark a message id kept in a table, so extraction finds it; ``tr`` translates it later."""
    return message


def pN_(context: str, message: str) -> str:  # noqa: N802 - as N_, with a message context
    """Mark a message id with its context (extraction keeps both); ``tr_in`` translates it."""
    return message


def follow_plan(language: object) -> None:
    """Messages follow this plan's language (zh) for the rest of this context, when the plan is
    only known part-way through a command (a lifecycle command reads it from the parent PDF);
    None stops. Unlike :func:`plan_language` it outlasts the block, so the final ``error:`` line
    printed after the command has unwound is in the same language as its message."""
    _plan.set(language if language in MESSAGE_LANGUAGES else None)  # type: ignore[arg-type]


@contextlib.contextmanager
def in_language(language: str) -> Iterator[None]:
    """Messages in ``language`` inside the block, whatever the user chose (a report or a
    document written in its own language; the English text kept for JSON beside the Chinese).
    A language the catalog does not hold reads as English."""
    token = _chosen.set(language if language in MESSAGE_LANGUAGES else "en")
    try:
        yield
    finally:
        _chosen.reset(token)


def is_zh() -> bool:
    """Whether messages are in Chinese now (for punctuation chosen in code)."""
    return message_language() == "zh"
