"""`pipdocs demo`: the whole flow in a fresh directory, ending in a passing verification."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

from click.testing import CliRunner

from pipdocs.cli.main import cli


def test_demo_runs_the_whole_flow_and_says_where_everything_is(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    final = out / "signed-3-hr.pdf"
    for path in (out / "ca" / "root.pem", out / "plan.pdf", final, out / "verify.txt"):
        assert path.is_file() and str(path) in result.output
    for key in (*out.glob("keys/*.p12"), *out.glob("ca/*.key"), out / "demo-passwords.txt"):
        assert stat.S_IMODE(key.stat().st_mode) & 0o077 == 0, key
    report = subprocess.run(["pdfsig", str(final)], capture_output=True, text=True).stdout
    assert report.count("Signature is Valid") == 3
    text = subprocess.run(["pdftotext", str(final), "-"], capture_output=True, text=True).stdout
    assert "签署人：" in text and "角色：人力资源" in text


def test_demo_refuses_a_directory_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "something").write_text("keep me")
    result = CliRunner().invoke(cli, ["demo", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["something"]


def test_demo_without_libreoffice_is_one_line_and_leaves_nothing(tmp_path: Path,
                                                                 monkeypatch: object) -> None:
    """Bug 3: the demo's "plain page" fallback was dead code; LibreOffice missing must be the
    one-line error, before a CA and keys are made for nothing."""
    import subprocess as sp
    import sys

    out = tmp_path / "demo"
    env = {"PATH": "/nonexistent", "PIPDOCS_SOFFICE": str(tmp_path / "no-soffice"),
           "HOME": str(tmp_path)}
    done = sp.run([sys.executable, "-m", "pipdocs", "demo", "-o", str(out)], env=env,
                  capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and "LibreOffice is not installed" in lines[0], lines
    assert "Traceback" not in done.stderr + done.stdout
    assert not out.exists() or not any(out.iterdir())


def test_demo_case_without_faketime_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    """`demo --case` signs each document on its own date under a clock moved by faketime;
    without it: one line naming the package, exit 2, nothing made."""
    import shutil
    import sys

    soffice = shutil.which("soffice")
    if soffice is None:
        import pytest

        pytest.skip("LibreOffice is checked first")
    out = tmp_path / "demo"
    env = {"PATH": str(Path(sys.executable).parent), "PIPDOCS_SOFFICE": soffice,
           "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "pipdocs", "demo", "--case", "-o", str(out)],
                          env=env, capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and "apt-get install faketime" in lines[0], lines
    assert not out.exists() or not any(out.iterdir())
