"""Update the message catalog: extract message ids, keep translations, compile .mo.

Message ids come from the Python code (``tr``, ``tr_in``, ``N_``, ``pN_`` with its context) and
from the web page templates (``w("...")``, the page's words in the page's language).

    .venv/bin/python tools/messages.py          # after changing a message in the code

pipdocs/locale/zh/LC_MESSAGES/pipdocs.po is what translators edit; pipdocs.mo is compiled from it
by this script and committed (so an installed pipdocs needs no build step). tests/test_messages.py
checks that every message id in the code has a translation and that the .mo matches the .po.
"""

from __future__ import annotations

import io
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "pipdocs" / "locale" / "zh" / "LC_MESSAGES" / "pipdocs.po"
KEYWORDS: dict[str, Any] = {"tr": None, "N_": None, "tr_in": (2,), "pN_": ((1, "c"), 2)}
TEMPLATE_KEYWORDS: dict[str, Any] = {"w": None}
#: A message id with its context (None for most).
Key = tuple[str | None, str]
STABLE = datetime(2026, 1, 1, tzinfo=timezone.utc)  # the header stays put between runs


def extracted() -> dict[Key, list[tuple[str, int]]]:
    """(context, message id) -> places in the code and the page templates, in order."""
    out: dict[Key, list[tuple[str, int]]] = {}
    sources = (([("**.py", "python")], KEYWORDS),
               ([("web/templates/**.html", "jinja2.ext:babel_extract")], TEMPLATE_KEYWORDS))
    for method_map, keywords in sources:
        for filename, line, message, _comments, context in extract_from_dir(
                str(ROOT / "pipdocs"), method_map=method_map, keywords=keywords,
                comment_tags=()):
            if isinstance(message, str):
                out.setdefault((context, message), []).append((f"pipdocs/{filename}", line))
    return out


def load(path: Path = PO) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale="zh_CN", domain="pipdocs")


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes of ``catalog`` (deterministic: same catalog, same bytes)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def update() -> list[str]:
    """Rewrite the .po with the code's message ids (old translations kept) and compile the .mo;
    returns the message ids still without a translation."""
    old = load() if PO.is_file() else Catalog(locale="zh_CN", domain="pipdocs")
    catalog = Catalog(locale="zh_CN", domain="pipdocs", project="pipdocs", version="",
                      copyright_holder="the pipdocs authors", msgid_bugs_address="",
                      last_translator="pipdocs", language_team="zh_CN", charset="utf-8",
                      creation_date=STABLE, revision_date=STABLE, fuzzy=False)
    for (context, message), places in extracted().items():
        previous = old.get(message, context=context)
        catalog.add(message, previous.string if previous else "", locations=places,
                    flags=("python-brace-format",), context=context)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False,
                 include_lineno=False)
    PO.with_suffix(".mo").write_bytes(compiled(load()))
    return [str(m.id) for m in catalog if m.id and not m.string]  # ids are str here (no plurals)


if __name__ == "__main__":
    missing = update()
    for message in missing:
        print(f"untranslated: {message}")
    sys.exit(1 if missing else 0)
