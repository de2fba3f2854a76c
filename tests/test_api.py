"""The public API: the example in docs/api.md runs as written, with names from __all__ only."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pipdocs

ROOT = Path(__file__).resolve().parent.parent


def example() -> str:
    text = (ROOT / "docs" / "api.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert len(blocks) == 1, "docs/api.md holds exactly one Python example"
    return blocks[0]


def test_the_example_uses_only_public_names() -> None:
    used = set(re.findall(r"\bpipdocs\.(\w+)", example()))
    assert used and used <= set(pipdocs.__all__), used - set(pipdocs.__all__)
    assert sorted(pipdocs.__all__) == dir(pipdocs)
    for name in pipdocs.__all__:
        assert getattr(pipdocs, name) is not None


def test_the_api_example_runs_plan_to_verified_pdf(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples",
                    ignore=shutil.ignore_patterns("*.xlsx", "images"))
    done = subprocess.run([sys.executable, "-c", example()], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "valid True"
    signed = tmp_path / "pip-example" / "signed-hr.pdf"
    text = subprocess.run(["pdftotext", str(signed), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Dana Lee" in text and "Kim Park" in text  # the plan's people, in the document
    sigs = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True).stdout
    assert sigs.count("Signature is Valid") == 3
