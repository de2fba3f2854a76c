"""What ``case verify`` collects: one entry per PDF, and the problems and notes found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pipdocs.core.i18n import in_language
from pipdocs.lifecycle.casereport import CaseProblem
from pipdocs.lifecycle.records import Document
from pipdocs.lifecycle.words import english
from pipdocs.verification.report import VerificationReport

T = TypeVar("T")


@dataclass
class Entry:
    """One PDF of the case: the document, its verification, and its state in the chain."""

    doc: Document
    verdict: str
    signed: list[str]
    pending: list[str]
    problems: list[str]
    refused_by: Document | None = None
    required: list[str] = field(default_factory=list)  # the signers signing.json records
    problems_zh: list[str] = field(default_factory=list)  # the same in Chinese
    signed_at: dict[str, Any] = field(default_factory=dict)  # role -> timestamp (datetime)
    report: VerificationReport | None = None  # verify's report on the PDF alone


@dataclass
class Findings:
    """Problems and notes gathered while checking a case.

    Parameters are English (the JSON says them so); a ``NAME_zh`` parameter gives free text
    in Chinese for the text and HTML reports (see :func:`both`)."""

    problems: list[CaseProblem] = field(default_factory=list)
    warnings: list[CaseProblem] = field(default_factory=list)

    def add(self, code: str, doc: Document | None = None, warning: bool = False,
            **params: Any) -> None:
        values = {k: str(v) for k, v in params.items()}
        if doc is not None:
            values["file"] = doc.path.name
        item = CaseProblem(code=code, message=english(code, values),
                           file=str(doc.path) if doc else None, params=values)
        (self.warnings if warning else self.problems).append(item)


def both(make: Callable[[], T]) -> tuple[T, T]:
    """``make()``'s text in English and in Chinese (a message built with ``tr``)."""
    with in_language("en"):
        en = make()
    with in_language("zh"):
        zh = make()
    return en, zh
