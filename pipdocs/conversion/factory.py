"""Choosing a conversion engine: warm local workers, soffice batches, or unoserver instances."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipdocs.core.errors import ConversionError
from pipdocs.core.limits import DOC_TIMEOUT
from pipdocs.core.settings import current

if TYPE_CHECKING:
    from pipdocs.conversion.pool import Pool

ENGINES = ("auto", "uno", "cli")


def local_pool(workers: int | None = None, doc_timeout: float = DOC_TIMEOUT,
               engine: str | None = None, **options: int) -> Pool:
    """LibreOffice on this machine: ``uno`` (warm workers; the default when a Python with the
    uno module exists) or ``cli`` (soffice batches). ``engine`` defaults to the configured one
    (``PIPDOCS_LO_ENGINE``, else auto). ``options``: recycle_after (uno), batch_size (cli)."""
    from pipdocs.conversion.batch import BatchPool
    from pipdocs.conversion.soffice import find_soffice
    from pipdocs.conversion.warm import WarmPool, uno_python

    engine = engine or current().engine
    if engine not in ENGINES:
        raise ConversionError(f"unknown LibreOffice engine {engine!r}: use uno or cli")
    python = uno_python(find_soffice()) if engine != "cli" else None
    if python or engine == "uno":
        recycle = {k: v for k, v in options.items() if k == "recycle_after"}
        return WarmPool(workers, doc_timeout, python=python, **recycle)
    batch = {k: v for k, v in options.items() if k == "batch_size"}
    return BatchPool(workers, doc_timeout, **batch)


#: The name earlier code used for the local engines (one class then, two now).
LocalPool = local_pool


def make_pool(converter: str | None = None, workers: int | None = None,
              doc_timeout: float = DOC_TIMEOUT) -> Pool:
    """The engine for ``--converter``: None/"local" = this machine, "unoserver://h:p,h:p" =
    remote."""
    if converter and converter not in ("local", "soffice"):
        from pipdocs.conversion.unoserver import RemotePool

        return RemotePool(converter, doc_timeout=doc_timeout)
    return local_pool(workers, doc_timeout)
