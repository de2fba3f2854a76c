"""What ``case verify`` collects: one entry per PDF, and the problems and notes found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipdocs.lifecycle.casereport import MESSAGES, CaseProblem
from pipdocs.lifecycle.records import Document
from pipdocs.verification.report import VerificationReport


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
    report: VerificationReport | None = None  # verify's report on the PDF alone


@dataclass
class Findings:
    """Problems and notes gathered while checking a case."""

    problems: list[CaseProblem] = field(default_factory=list)
    warnings: list[CaseProblem] = field(default_factory=list)

    def add(self, code: str, doc: Document | None = None, warning: bool = False,
            **params: Any) -> None:
        values = {k: str(v) for k, v in params.items()}
        if doc is not None:
            values["file"] = doc.path.name
        item = CaseProblem(code=code, message=MESSAGES[code][0].format_map(_Blank(values)),
                           file=str(doc.path) if doc else None, params=values)
        (self.warnings if warning else self.problems).append(item)


class _Blank(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""
