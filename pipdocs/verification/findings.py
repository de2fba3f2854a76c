"""The findings of one verification: problems, warnings and the checks they clear.

Every problem names the :class:`~pipdocs.verification.report.Checks` flag it belongs to, and an
unexpected exception inside a check is recorded against that same check (:meth:`guard`), so the
JSON's ``checks`` can never say everything holds beside an ``invalid`` verdict.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal, Protocol, get_args

from pipdocs.core.limits import cut
from pipdocs.verification.report import Checks, Problem
from pipdocs.verification.words import message

CheckName = Literal[
    "signatures_valid", "signers_trusted", "signers_match_plan", "roles_complete", "in_order",
    "unchanged_after_last", "only_plan_signatures", "certified_first", "plan_intact",
    "prepared_intact", "no_active_content", "organisation_seal",
]
assert set(get_args(CheckName)) == set(Checks.model_fields), "CheckName must list Checks' fields"


class HasProblems(Protocol):
    """A signature under check: its field name and the problems found on it."""

    field: str
    problems: list[Problem]


@dataclass
class Findings:
    """Collects problems and warnings; ``failed`` holds the checks they cleared."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)

    def problem(self, code: str, check: CheckName, sig: HasProblems | None = None,
                detail: str | tuple[str, str] = "", **params: str) -> None:
        """Record a reason the document fails; ``detail`` is English, or (English, Chinese)
        for the text report of a zh document."""
        if check not in Checks.model_fields:  # pragma: no cover - guarded by the type
            raise ValueError(f"{check} is not one of the report's checks")
        if isinstance(detail, tuple):
            params = {"detail": detail[0], "detail_zh": detail[1]} | params
        elif detail:
            params = {"detail": detail} | params
        if sig is not None:
            params = {"field": sig.field} | params
        item = Problem(code=code, message=message(code, "en", **params),
                       field=sig.field if sig else None, params=params)
        self.problems.append(item)
        if sig is not None:
            sig.problems.append(item)
        self.failed.add(check)

    def warn(self, code: str, field_name: str | None = None, **params: str) -> None:
        """A note that does not fail the document."""
        self.warnings.append(Problem(code=code, field=field_name, params=params,
                                     message=message(code, "en", **params)))

    def clear(self, check: CheckName) -> None:
        """Clear a check without a problem of its own (a later problem explains it)."""
        self.failed.add(check)

    @contextmanager
    def guard(self, check: CheckName, sig: HasProblems | None = None) -> Iterator[None]:
        """Fail closed: an exception inside the block is a problem of ``check``."""
        try:
            yield
        except Exception as exc:  # noqa: BLE001 - fail closed: never a pass, never a traceback
            self.problem("validation_error", check, sig,
                         detail=f"{type(exc).__name__}: {cut(str(exc))}")

    def checks(self) -> Checks:
        return Checks(**{name: name not in self.failed for name in Checks.model_fields})
