"""Characters a name, id or e-mail may not hold, wherever it enters (a plan, `ca issue`), and
text from documents and certificates made safe to print (:func:`escape_controls`).

Control characters forge lines in output (a CR LF in a name can print "Verdict: VALID" on a line
of its own) and corrupt documents; bidi override and embedding characters (U+202A-U+202E,
U+2066-U+2069) make a name print reversed or reordered in the PDF, so what a signer reads is not
what the text says.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROL = "\x00-\x1f\x7f-\x9f"
_IN_LINE = re.compile(f"[{_CONTROL}{BIDI_CONTROLS}\u2028\u2029]")
_IN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


def _describe(char: str) -> str:
    kind = "bidi control character" if char in BIDI_CONTROLS else "control character"
    return f"contains the {kind} U+{ord(char):04X}; remove it"


def line_problem(value: str) -> str | None:
    """Why ``value`` cannot be a one-line name, id or e-mail (None: it can)."""
    bad = _IN_LINE.search(value)
    if bad is None:
        return None
    if bad.group() in "\n\r":
        return "contains a line break; write it on one line"
    return _describe(bad.group())


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be a text of a plan (line breaks and tabs are allowed there)."""
    bad = _IN_TEXT.search(value)
    return _describe(bad.group()) if bad else None


# --- on the way out: sign and verify print text they did not write ---------------------------

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


def one_line_shown(text: str | None) -> str:
    """``text`` as one line that hides nothing: whitespace runs (line breaks, tabs) become one
    space, and every other character that does not print (a bidi override, a zero-width or
    control character) is written as ``\\uNNNN`` / ``\\xNN``, so a reader sees that it was there
    instead of text reordered by it, and nothing the writer typed disappears silently."""
    if not text:
        return ""
    joined = " ".join(text.split())
    if joined.isprintable():
        return joined
    return "".join(ch if ch.isprintable() else _escaped(ch) for ch in joined)


def display_width(text: str) -> int:
    """Terminal columns of ``text``: a CJK (wide or full-width) character takes two, so plain
    text tables of Chinese names line up."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
