"""Typed errors. The library raises these; the CLI turns them into one line and an exit code.

Exit codes (docs/cli.md): 1 = the thing checked is not acceptable, 2 = usage error or unusable
input.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipdocs.core.text import escape_controls


class PipdocsError(Exception):
    """Base class. ``str(err)`` is the one line shown to the user: what is wrong, what to do."""

    exit_code: int = 2
    #: The stable code of the rule refused, when there is one (e.g. ``seal_missing``).
    code: str | None = None


class InputError(PipdocsError):
    """A file is missing, unreadable or not of the expected kind (exit 2)."""


class CredentialError(PipdocsError):
    """A password is missing or wrong, or a key file cannot be opened (exit 2)."""


class TemplateError(PipdocsError):
    """A template is missing or broken (exit 2)."""


class ConversionError(PipdocsError):
    """LibreOffice is missing, failed or timed out (exit 2)."""


class CAError(PipdocsError):
    """Creating or using the organisation CA failed (exit 2)."""


class TimestampError(PipdocsError):
    """No RFC 3161 timestamp could be obtained; no signature is made without one (exit 2)."""


class SigningRefused(PipdocsError):
    """The document may not be signed now by this key in this role (exit 1)."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One validation problem: where (``goals[1].deadline``, ``F7``) and why, in plain words."""

    path: str
    message: str

    def __post_init__(self) -> None:
        # A message quotes what the user wrote; a line break or bidi control in it would add
        # or reorder output lines. One problem is one line: such characters are shown escaped.
        for name in ("path", "message"):
            object.__setattr__(self, name, escape_controls(getattr(self, name)))

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class PlanInvalid(PipdocsError):
    """A plan failed validation; ``problems`` lists every problem at once (exit 1)."""

    exit_code = 1

    def __init__(self, problems: list[Problem], source: str = "", language: object = None
                 ) -> None:
        self.problems = problems
        self.source = source
        self.language = language  # the plan's language: messages about it follow it
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{len(problems)} problem(s) in the plan")


class RevocationUnavailable(PipdocsError):
    """No CRL or OCSP answer could be obtained for a certificate: no signature without one
    (exit 2: the service is unreachable, nothing is wrong with the document)."""
