"""Where pipdocs finds the files it ships: templates, the default policy, the examples.

A wheel carries them under ``pipdocs/_data/``; an editable install (a checkout) reads them from
the repository's top-level folders. One place decides, so every stage looks in the same order.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PACKAGE_DIR / "_data"
REPO_DIR = PACKAGE_DIR.parent


def shipped(*parts: str) -> tuple[Path, Path]:
    """The packaged and the repository location of a shipped file or folder, in search order."""
    return DATA_DIR.joinpath(*parts), REPO_DIR.joinpath(*parts)
