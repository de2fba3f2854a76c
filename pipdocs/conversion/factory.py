"""Choosing a conversion engine: the warm local pool or a fleet of unoserver instances."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipdocs.core.limits import DOC_TIMEOUT

if TYPE_CHECKING:
    from pipdocs.conversion.pool import Pool


def make_pool(converter: str | None = None, workers: int | None = None,
              doc_timeout: float = DOC_TIMEOUT) -> Pool:
    """The engine for ``--converter``: None/"local" = LocalPool, "unoserver://h:p,h:p" = remote."""
    if converter and converter not in ("local", "soffice"):
        from pipdocs.conversion.remote import RemotePool

        return RemotePool(converter, doc_timeout=doc_timeout)
    from pipdocs.conversion.pool import LocalPool

    return LocalPool(workers, doc_timeout=doc_timeout)
