"""Limits written once, each with the reason for its value.

Conversion limits are generous because one LibreOffice process on a busy two-core machine can
take tens of seconds for a large document; message cut-offs keep a library's error text to one
readable line without losing what it says.
"""

from __future__ import annotations

#: Seconds a pooled conversion may run without producing its PDF before the worker is killed.
DOC_TIMEOUT = 120.0
#: Seconds for ``pipdocs pdf``'s single conversion: it includes starting LibreOffice (cold
#: profile creation takes several seconds on a first run).
SINGLE_DOC_TIMEOUT = 180.0
#: Seconds a warm worker may take to start LibreOffice and answer ``ready``.
WORKER_START_TIMEOUT = 120.0
#: Seconds a warm worker (or its LibreOffice) gets to exit after its input is closed.
WORKER_STOP_TIMEOUT = 20.0
#: Seconds the pool waits for its threads when shutting down.
THREAD_JOIN_TIMEOUT = 30.0

#: Characters kept of a library's exception text inside a one-line message.
SHORT_DETAIL = 120
#: Characters kept of a first line quoted from a server (a TSA's status text).
QUOTE_DETAIL = 160
#: Characters kept of a longer detail (a conversion error, a finding's explanation).
LONG_DETAIL = 200

#: Name trees (the PDF's EmbeddedFiles) are walked at most this deep and this wide: a hostile
#: PDF cannot make sign or verify loop or exhaust memory.
NAME_TREE_DEPTH = 32
NAME_TREE_NODES = 10_000

#: Bytes all the compressed streams of one PDF may expand to while pipdocs reads it (verify,
#: sign, the lifecycle and archive commands). A PIP's page contents, attachments and
#: validation data decode to tens of kilobytes; a 0.7 MB "bomb" of deflated zeros expands to
#: gigabytes. Each reader stops at this total (and no single stream may exceed it), so memory
#: stays bounded whatever the file claims.
PDF_DECODED_BYTES = 16 * 1024 * 1024
#: ... or this many times the file's own size, when that is more (a large genuine file with
#: many pages). A bomb is small by design, so the fixed total is what stops it.
PDF_DECODED_RATIO = 4


def cut(text: str, limit: int = LONG_DETAIL) -> str:
    """``text`` shortened to ``limit`` characters for a one-line message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
