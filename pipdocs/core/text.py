"""Text from documents and certificates, made safe to print: control characters escaped.

A certificate's common name, a /Reason or a plan field is data. Printed raw, a CR or LF in it
could add a line such as "Verdict: VALID" to a report, and a bidi override could show a name
reversed. Every output of ``sign`` and ``verify`` (text, HTML, JSON strings, stamps) passes
such text through :func:`escape_controls`, which writes those characters as visible escapes.
"""

from __future__ import annotations

import unicodedata

#: Bidi embedding, override and isolate controls, marks, and the Unicode line separators.
_INVISIBLE = {*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C,
              0x2028, 0x2029}


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with C0/C1 control characters (CR, LF, NUL, ESC, ...) and bidi controls written
    as ``\\xNN`` / ``\\uNNNN``; everything else, Chinese included, unchanged."""
    if text.isprintable():
        return text
    return "".join(
        _escaped(ch) if unicodedata.category(ch) == "Cc" or ord(ch) in _INVISIBLE else ch
        for ch in text
    )
