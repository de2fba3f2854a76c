"""Update the message catalog: extract tr()/N_() message ids, keep translations, compile .mo.

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

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "pipdocs" / "locale" / "zh" / "LC_MESSAGES" / "pipdocs.po"
KEYWORDS = {"tr": None, "N_": None}
STABLE = datetime(2026, 1, 1, tzinfo=timezone.utc)  # the header stays put between runs


def extracted() -> dict[str, list[tuple[str, int]]]:
    """Message id -> places in the code, in the order they appear."""
    out: dict[str, list[tuple[str, int]]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            str(ROOT / "pipdocs"), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=()):
        if isinstance(message, str):
            out.setdefault(message, []).append((f"pipdocs/{filename}", line))
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
    for message, places in extracted().items():
        previous = old.get(message)
        catalog.add(message, previous.string if previous else "", locations=places,
                    flags=("python-brace-format",))
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False,
                 include_lineno=False)
    PO.with_suffix(".mo").write_bytes(compiled(load()))
    return [m.id for m in catalog if m.id and not m.string]


if __name__ == "__main__":
    missing = update()
    for message in missing:
        print(f"untranslated: {message}")
    sys.exit(1 if missing else 0)
