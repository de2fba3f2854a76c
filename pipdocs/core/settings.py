"""Where this machine keeps what pipdocs needs: the settings an installation chooses (not the
organisation's signing policy), with their defaults written once.

The library never reads the environment. The command line reads it once, at its edge
(``cli/app.py`` calls :func:`from_environment` then :func:`configure`), and the web service
passes its own settings the same way; library code asks :func:`current`. A program that embeds
pipdocs configures it, or gets the defaults below.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: The environment variable each setting is read from at the edge.
ENVIRONMENT = {
    "policy": "PIPDOCS_POLICY",
    "soffice": "PIPDOCS_SOFFICE",
    "uno_python": "PIPDOCS_UNO_PYTHON",
    "engine": "PIPDOCS_LO_ENGINE",
    "cache_dir": "PIPDOCS_CACHE_DIR",
    "stamp_font": "PIPDOCS_STAMP_FONT",
}


@dataclass(frozen=True)
class Settings:
    """An installation's settings; None means "find it" (each field says how)."""

    #: The signing policy file used when a command is given none (None: the shipped policy).
    policy: Path | None = None
    #: The LibreOffice program (None: ``soffice`` on PATH, then the usual install places).
    soffice: str | None = None
    #: A Python that can ``import uno``, for warm workers (None: LibreOffice's own, python3).
    uno_python: str | None = None
    #: ``uno`` (warm workers), ``cli`` (soffice batches) or ``auto`` (uno when it exists).
    engine: str = "auto"
    #: Where LibreOffice profiles are kept (None: ~/.cache/pipdocs).
    cache_dir: Path | None = None
    #: A CJK font for the signature stamp when the policy names none (None: the usual places).
    stamp_font: str | None = None
    #: The language of the locale, for messages when neither --lang nor a plan chooses one
    #: (``zh`` or ``en``; None: en).
    language: str | None = None

    def profiles(self) -> Path:
        """The directory of LibreOffice profiles."""
        return self.cache_dir or Path.home() / ".cache" / "pipdocs"


def from_environment(env: Mapping[str, str]) -> Settings:
    """The settings ``env`` gives (blank values count as unset); for the edges only."""
    values: dict[str, object] = {}
    for name, var in ENVIRONMENT.items():
        value = env.get(var, "").strip()
        if value:
            values[name] = Path(value) if name in ("policy", "cache_dir") else value
    if "cache_dir" not in values and env.get("XDG_CACHE_HOME", "").strip():
        values["cache_dir"] = Path(env["XDG_CACHE_HOME"].strip()) / "pipdocs"
    values["language"] = locale_language(env)
    return Settings(**values)  # type: ignore[arg-type]


def locale_language(env: Mapping[str, str]) -> str:
    """zh when the locale is Chinese (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, in that order, as
    gettext reads them), else en."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "").strip()
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


_current = Settings()


def configure(settings: Settings | None = None, **changes: object) -> Settings:
    """Make ``settings`` (default: the defaults), with ``changes``, the ones library code sees;
    returns the previous ones so a caller can put them back."""
    global _current
    previous = _current
    _current = dataclasses.replace(settings or Settings(), **changes)  # type: ignore[arg-type]
    return previous


def current() -> Settings:
    """The settings in force."""
    return _current
