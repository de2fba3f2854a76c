"""A reproducible install: every dependency is pinned in the committed lock, and no library
warning reaches a user's stderr (a new cryptography once printed a DSA deprecation on every
command)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
PIPDOCS = [sys.executable, "-m", "pipdocs"]


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_lock_pins_every_dependency_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    lock = (ROOT / "requirements.lock").read_text()
    pinned = {m.group(1).lower() for m in re.finditer(r"^([A-Za-z0-9_.-]+)==\S+ \\$", lock, re.M)}
    assert wanted - pinned == set()
    assert lock.count("--hash=sha256:") >= len(pinned)


def test_help_and_validate_print_nothing_on_stderr(tmp_path: Path) -> None:
    plan = next((ROOT / "examples").rglob("*.yaml"))
    for args in (["--help"], ["validate", str(plan)]):
        run = subprocess.run(PIPDOCS + args, capture_output=True, text=True, cwd=tmp_path,
                             timeout=60)
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip()
        assert run.stderr == "", (args, run.stderr)
